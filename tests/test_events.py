"""The events as Structs (core/events.py), pure: each kind builds the bytes the dicts
built before (orjson) and the frames the hub made from them (orjson, msgpack), for any
payload of its type written as its maker wrote it (keys in that order); unknown or
broken events are read as None; docs/protocol.md lists them all.
The bytes of a whole meeting's events are held in tests/test_event_bytes.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import msgpack
import msgspec
import orjson
from hypothesis import given
from hypothesis import strategies as st

from prachakhom.core import events, plenary, protocol
from prachakhom.core.ideas import Idea, IdeaSuggestions, Theme
from prachakhom.core.methods import DEFINITION
from prachakhom.core.plenary import PlenaryView
from prachakhom.live.rooms import AUDIENCE

DOCS = Path(__file__).parent.parent / "docs" / "protocol.md"

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
    st.text(max_size=300),
)
PLAIN = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
MAPS = st.dictionaries(st.text(max_size=8), PLAIN, max_size=5)  # the ticker's, for now

# The payloads as their makers wrote them before they were Structs: keys in that order.
TEXT = st.text(min_size=1, max_size=60)
TEXTS = TEXT | st.dictionaries(st.sampled_from(["th", "en"]), TEXT, min_size=1)
IDS = st.from_regex(r"[A-Za-z0-9_.+\-]{1,40}", fullmatch=True)
MS = st.integers(0, 2**53)
SCORE = st.floats(0, 1)


def ordered(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """These fields, in this order (fixed_dictionaries may draw them in another)."""
    return st.tuples(*fields.values()).map(lambda values: dict(zip(fields, values, strict=True)))


def optional(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Some of these fields, in this order."""
    chosen = st.lists(st.sampled_from(list(fields)), unique=True)
    return chosen.flatmap(lambda names: ordered(**{n: fields[n] for n in fields if n in names}))


def joined(*parts: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.tuples(*parts).map(lambda ds: {k: v for d in ds for k, v in d.items()})


OPTIONS = st.lists(ordered(**{"id": IDS, "label": TEXTS}), min_size=1, max_size=4)
SETTINGS = st.one_of(  # a kind and its settings, as Question.to_dict writes them
    ordered(**{"kind": st.just("single"), "options": OPTIONS}),
    joined(
        ordered(**{"kind": st.just("ranked"), "options": OPTIONS}),
        optional(max_rank=st.integers(1, 9), method=st.sampled_from(["borda", "irv", "schulze"])),
    ),
    joined(
        ordered(**{"kind": st.just("scale"), "min": st.integers(-9, 0)}),
        ordered(**{"max": st.integers(1, 9)}),
        optional(labels=st.none() | st.dictionaries(st.sampled_from("0123"), TEXTS)),
    ),
    joined(
        ordered(**{"kind": st.just("demographic"), "options": OPTIONS}),
        ordered(**{"attribute": IDS}),
        optional(targets=st.none() | st.dictionaries(IDS, SCORE, max_size=3)),
    ),
    ordered(**{"kind": st.just("budget"), "options": OPTIONS, "budget": st.integers(1, 99)}).map(
        lambda d: d | {"costs": {o["id"]: 1 for o in d["options"]}}
    ),
)
LEVEL = st.sampled_from(["inform", "consult", "involve", "collaborate", "empower"])
QUESTIONS = st.tuples(IDS, SETTINGS, TEXTS, optional(pair_of=IDS, iap2_level=LEVEL)).map(
    lambda t: (
        {"id": t[0], "kind": t[1]["kind"], "prompt": t[2]}
        | {k: v for k, v in t[1].items() if k != "kind"}
        | t[3]
    )
)
STATE = optional(state=st.sampled_from(["draft", "open", "closed"]))
VIEWS = joined(
    ordered(**{"view": st.sampled_from(plenary.VIEWS)}),
    optional(question=TEXT, by=TEXT, reveal=st.booleans(), pre=TEXT, post=TEXT, text=TEXTS),
)
IDEAS = ordered(
    **{
        "id": TEXT,
        "text": st.text(max_size=300),
        "round": st.none() | TEXT,
        "table": st.integers(1, 2000),
        "site": st.none() | TEXT,
        "at": MS,
    }
)
THEMES = st.lists(
    ordered(**{"id": TEXT, "label": TEXTS, "ideas": st.lists(TEXT, max_size=3), "at": MS}),
    max_size=3,
)
SUGGESTED = st.dictionaries(
    TEXT,
    ordered(
        **{
            "themes": st.lists(ordered(**{"theme": TEXT, "score": SCORE})),
            "similar": st.lists(ordered(**{"idea": TEXT, "score": SCORE})),
        }
    ),
    max_size=3,
)
PAYLOADS = st.fixed_dictionaries(
    {
        "question": joined(QUESTIONS, STATE),
        "view": VIEWS,
        "idea": IDEAS,
        "themes": THEMES,
        "deleted": st.lists(TEXT, max_size=3),
        "ideas": SUGGESTED,
        "results": MAPS,
    }
)


def both_ways(p: dict[str, Any]) -> list[tuple[events.Event, dict[str, Any]]]:
    """Each kind built as a Struct and as the dict the code built before."""
    question = msgspec.convert(p["question"], DEFINITION)
    themes = msgspec.convert(p["themes"], list[Theme])
    return [
        *(
            (kind(question=question), {"event": name, "question": p["question"]})
            for kind, name in [
                (events.QuestionAdded, "question_added"),
                (events.QuestionOpened, "question_opened"),
                (events.QuestionClosed, "question_closed"),
                (events.QuestionUpdated, "question_updated"),
            ]
        ),
        (
            events.PlenaryChanged(view=msgspec.convert(p["view"], PlenaryView)),
            {"event": "plenary", "view": p["view"]},
        ),
        (
            events.IdeaAdded(idea=msgspec.convert(p["idea"], Idea)),
            {"event": "idea", "idea": p["idea"]},
        ),
        (
            events.ThemesChanged(themes=themes, deleted=p["deleted"]),
            {"event": "themes_changed", "themes": p["themes"], "deleted": p["deleted"]},
        ),
        (
            events.Suggestions(ideas=msgspec.convert(p["ideas"], dict[str, IdeaSuggestions])),
            {"event": "suggestions", "ideas": p["ideas"]},
        ),
        (events.ThemesListed(themes=themes), {"event": "themes", "themes": p["themes"]}),
        (
            events.ResultsPushed(results=p["results"]),
            {"event": "results", "results": p["results"]},
        ),
    ]


def old_frame(seq: int, body: dict[str, Any], codec: protocol.Codec) -> str | bytes:
    return protocol.encode({"type": "event", "seq": seq, **body}, codec)  # the hub's, before


@given(PAYLOADS, st.integers(0, 2**53 - 1))
def test_every_kind_encodes_and_frames_as_the_dicts_did(payloads: dict[str, Any], seq: int) -> None:
    made = both_ways(payloads)
    assert {events.name(e) for e, _ in made} == set(events.NAMES.values())  # every kind
    for event, old in made:
        kept = events.encode(event)
        assert kept == orjson.dumps(old)
        assert events.name(event) == old["event"]
        for codec in protocol.SUBPROTOCOLS:
            want = old_frame(seq, old, codec)
            assert events.frame(seq, event, codec) == want
            assert events.frame(seq, event, codec, kept) == want  # spliced from the kept
            assert events.frame(seq, event, codec, kept.decode()) == want  # as heard
        if not isinstance(event, events.ResultsPushed):
            assert events.read(kept) == event
            assert events.read(kept.decode()) == event


def test_a_frame_reads_back_as_the_envelope_and_the_body() -> None:
    event = events.ThemesChanged(themes=[Theme("t", "ฝุ่น", ["i"], 3)], deleted=["u"])
    want = {"type": "event", "seq": 7, "event": "themes_changed"}
    want |= {"themes": [{"id": "t", "label": "ฝุ่น", "ideas": ["i"], "at": 3}], "deleted": ["u"]}
    assert orjson.loads(events.frame(7, event, protocol.JSON)) == want
    assert list(msgpack.unpackb(events.frame(7, event, protocol.MSGPACK))) == list(want)


def test_unknown_or_broken_events_read_as_none() -> None:
    assert events.read(b'{"event":"from_a_newer_server","x":1}') is None
    assert events.read(b'{"event":"idea","idea":"not a map"}') is None
    assert events.read(b'{"event":"idea"}') is None
    assert events.read(b"not json") is None
    assert events.read(b'{"event":"results","results":{}}') is None  # never kept
    idea = b'{"id":"1-a","text":"t","round":null,"table":1,"site":null,"at":5}'
    assert events.read(b'{"event":"idea","idea":{"id":"1-a"}}') is None  # a field missing
    assert events.read(b'{"event":"idea","idea":' + idea + b',"later":1}') == events.IdeaAdded(
        idea=Idea(id="1-a", text="t", table=1, at=5)
    )
    assert events.read(b'{"event":"plenary","view":{"view":"question","reveal":"yes"}}') is None


def test_every_event_has_an_audience_and_is_in_the_docs() -> None:
    names = set(events.NAMES.values())
    assert set(AUDIENCE) == names
    text = DOCS.read_text()
    table = text[text.index("### The events") : text.index("An event whose name this server")]
    rows = table.split("| --- | --- | --- | --- |")[1]  # below the header
    listed = re.findall(r"^\| `(\w+)` \| ", rows, re.M)
    assert set(listed) == names and len(listed) == len(names)
