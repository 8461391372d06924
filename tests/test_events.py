"""The events as Structs (core/events.py), pure: each kind builds the bytes the dicts
built before (orjson) and the frames the hub made from them (orjson, msgpack), for any
payload of plain data; unknown events are read as None; docs/protocol.md lists them all.
The bytes of a whole meeting's events are held in tests/test_event_bytes.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import msgpack
import orjson
from hypothesis import given
from hypothesis import strategies as st

from prachakhom.core import events, protocol
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
MAPS = st.dictionaries(st.text(max_size=8), PLAIN, max_size=5)


def both_ways(payload: dict[str, Any]) -> list[tuple[events.Event, dict[str, Any]]]:
    """Each kind built as a Struct and as the dict the code built before."""
    themes = [payload, payload]
    deleted = [str(k) for k in payload]
    return [
        (events.QuestionAdded(question=payload), {"event": "question_added", "question": payload}),
        (
            events.QuestionOpened(question=payload),
            {"event": "question_opened", "question": payload},
        ),
        (
            events.QuestionClosed(question=payload),
            {"event": "question_closed", "question": payload},
        ),
        (
            events.QuestionUpdated(question=payload),
            {"event": "question_updated", "question": payload},
        ),
        (events.PlenaryChanged(view=payload), {"event": "plenary", "view": payload}),
        (events.IdeaAdded(idea=payload), {"event": "idea", "idea": payload}),
        (
            events.ThemesChanged(themes=themes, deleted=deleted),
            {"event": "themes_changed", "themes": themes, "deleted": deleted},
        ),
        (events.Suggestions(ideas=payload), {"event": "suggestions", "ideas": payload}),
        (events.ThemesListed(themes=themes), {"event": "themes", "themes": themes}),
        (events.ResultsPushed(results=payload), {"event": "results", "results": payload}),
    ]


def old_frame(seq: int, body: dict[str, Any], codec: protocol.Codec) -> str | bytes:
    return protocol.encode({"type": "event", "seq": seq, **body}, codec)  # the hub's, before


@given(MAPS, st.integers(0, 2**53 - 1))
def test_every_kind_encodes_and_frames_as_the_dicts_did(payload: dict[str, Any], seq: int) -> None:
    made = both_ways(payload)
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
    event = events.ThemesChanged(themes=[{"id": "t", "label": "ฝุ่น"}], deleted=["u"])
    want = {"type": "event", "seq": 7, "event": "themes_changed"}
    want |= {"themes": [{"id": "t", "label": "ฝุ่น"}], "deleted": ["u"]}
    assert orjson.loads(events.frame(7, event, protocol.JSON)) == want
    assert list(msgpack.unpackb(events.frame(7, event, protocol.MSGPACK))) == list(want)


def test_unknown_or_broken_events_read_as_none() -> None:
    assert events.read(b'{"event":"from_a_newer_server","x":1}') is None
    assert events.read(b'{"event":"idea","idea":"not a map"}') is None
    assert events.read(b'{"event":"idea"}') is None
    assert events.read(b"not json") is None
    assert events.read(b'{"event":"results","results":{}}') is None  # never kept
    assert events.read(b'{"event":"idea","idea":{},"later":1}') == events.IdeaAdded(idea={})


def test_every_event_has_an_audience_and_is_in_the_docs() -> None:
    names = set(events.NAMES.values())
    assert set(AUDIENCE) == names
    text = DOCS.read_text()
    table = text[text.index("### The events") : text.index("An event whose name this server")]
    rows = table.split("| --- | --- | --- | --- |")[1]  # below the header
    listed = re.findall(r"^\| `(\w+)` \| ", rows, re.M)
    assert set(listed) == names and len(listed) == len(names)
