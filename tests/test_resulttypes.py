"""The Results types (core/resulttypes.py) are what results.py assembles, and each
encodes to the bytes the dicts assembled before them did: tests/fixtures/results_bytes.json
holds every case's JSON and MessagePack's digest, recorded from the dicts (msgspec's
encoding of the Struct against orjson's and msgspec's of the dict). Re-record only on
purpose: PRACHAKHOM_RECORD_RESULTS=1 pytest tests/test_resulttypes.py

Covered: every kind, every method, empty and voted, hidden, per site, per group,
before and after, nobody rose. Each also reads back strictly from its own JSON into its
Struct (no unknown field, no wrong type, every constraint met)."""

from __future__ import annotations

import hashlib
import os
import random
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import msgspec
import orjson
import pytest

from prachakhom.core import events, protocol
from prachakhom.core.meetings import parse_meeting
from prachakhom.core.methods import KINDS
from prachakhom.core.questions import Question, parse_question
from prachakhom.core.records import Records
from prachakhom.core.results import (
    from_records,
    group_results,
    hidden,
    keyed_answers,
    keyed_comparison,
    live_results,
    methods_of,
    recount,
    results_of,
    site_results,
    tally_of,
)
from prachakhom.core.resulttypes import Breakdown, Counted, Results

FIXTURE = Path(__file__).parent / "fixtures" / "results_bytes.json"
RECORDING = bool(os.environ.get("PRACHAKHOM_RECORD_RESULTS"))
RECORDED: dict[str, list[list[str]]] = (
    {} if RECORDING or not FIXTURE.exists() else orjson.loads(FIXTURE.read_bytes())
)
GOT: dict[str, list[list[str]]] = {}

MEETING = parse_meeting(
    {
        "title": "t",
        "tables": {"count": 4, "seats": 5},
        "sites": [{"id": "north", "name": {"th": "เหนือ", "en": "North"}, "tables": [1, 2]}],
    },
    "m",
)
OPTIONS = [{"id": o, "label": o.upper()} for o in "abcd"]
QUESTIONS = [
    parse_question({"id": "q", "kind": kind, "prompt": "?", **settings})
    for kind, settings in [
        ("single", {"options": OPTIONS}),
        ("multiple", {"options": OPTIONS, "max_choices": 2}),
        ("ranked", {"options": OPTIONS, "max_rank": 3}),
        ("ranked", {"options": OPTIONS, "method": "irv"}),
        ("points", {"options": OPTIONS, "points": 5}),
        ("scale", {"min": 1, "max": 5}),
        ("budget", {"options": OPTIONS, "budget": 10, "costs": {"a": 6, "b": 3, "c": 1, "d": 5}}),
        ("demographic", {"options": OPTIONS, "attribute": "sector"}),
        ("demographic", {"options": OPTIONS, "attribute": "age", "targets": {"a": 0.5}}),
    ]
]
ANSWERS = {
    "single": lambda r: r.choice("abcd"),
    "multiple": lambda r: r.sample("abcd", r.randint(1, 2)),
    "ranked": lambda r: r.sample("abcd", r.randint(1, 3)),
    "points": lambda r: {"a": r.randint(1, 3), "c": r.randint(0, 2)},
    "scale": lambda r: r.randint(1, 5),
    "budget": lambda r: r.choice([["a", "b"], ["c"], ["d", "b", "c"]]),
    "demographic": lambda r: r.choice("abc"),
}


def records(question: Question, voters: int, seed: int = 1, hands: bool = False) -> Records:
    rng = random.Random(seed)
    kind = KINDS[question.kind]
    out: Records = {}
    for n in range(voters):
        answer = ANSWERS[question.kind](rng)
        table = 1 + n % 4
        out[f"{table}:{1 + n // 4}"] = {
            "c": kind.contribution(question, answer),
            "w": 1,
            "t": table,
            "a": answer,
        }
    if hands and kind.table_tally is not None:
        contribution, weight = kind.table_tally(question, {"a": 2, "b": 1}, 3)
        out["table:3"] = {"c": contribution, "w": weight, "t": 3, "a": None}
    return out


def encoded(value: Any) -> list[str]:
    """A result's JSON text and the digest of its MessagePack, as the sockets send them."""
    struct = isinstance(value, msgspec.Struct)
    text = msgspec.json.encode(value) if struct else orjson.dumps(value)
    # a Results has more than 15 fields: msgspec would give its map a 3-byte header where
    # the dict's had one byte; the sockets send it as its plain map (events.frame)
    packed = msgspec.msgpack.encode(msgspec.to_builtins(value) if struct else value)
    return [text.decode(), hashlib.sha256(packed).hexdigest()]


def held(case: str, results: list[Any]) -> None:
    """The results' bytes against those recorded from the code that assembled dicts."""
    got = [encoded(r) for r in results]
    if RECORDING:
        GOT[case] = got
        return
    assert got == RECORDED[case], case


@pytest.fixture(scope="module", autouse=True)
def record() -> Any:
    yield
    if RECORDING:
        FIXTURE.parent.mkdir(exist_ok=True)
        FIXTURE.write_bytes(orjson.dumps(GOT, option=orjson.OPT_INDENT_2) + b"\n")


def described(value: msgspec.Struct, kind: type[msgspec.Struct]) -> msgspec.Struct:
    """Its JSON read back strictly into its type, the constraints checked: equal."""
    assert isinstance(value, kind)
    typed = msgspec.json.decode(msgspec.json.encode(value), type=kind, strict=True)
    assert typed == value
    return typed


def every_result(question: Question, mine: Records) -> list[Results]:
    read = tally_of(mine)
    out = []
    for method in methods_of(question):
        out.append(results_of(MEETING, question, "open", read, mine, method))
        recounted = None
        if method != KINDS[question.kind].live_method:
            recounted = recount(question, mine, method)
        out.append(live_results(MEETING, question, "open", read, method, recounted, None))
        site = MEETING.sites[0]
        local = site_results(MEETING, question, "open", mine, site, method)
        local.all = out[-1]
        out.append(local)
        out.append(hidden(out[-1]))
        out.append(from_records(MEETING, question, "closed", mine, method))
    return out


@pytest.mark.parametrize("voters", [0, 1, 2, 37])
@pytest.mark.parametrize(
    "question", QUESTIONS, ids=[f"{q.kind}-{i}" for i, q in enumerate(QUESTIONS)]
)
def test_every_kind_and_method_is_described_by_results(question: Question, voters: int) -> None:
    mine = records(question, voters, hands=voters > 1)
    found = every_result(question, mine)
    held(f"{question.kind}-{QUESTIONS.index(question)}/{voters}", found)
    for result in found:
        typed = described(result, Results)
        assert isinstance(typed, Results)


@pytest.mark.parametrize("voters", [0, 3, 40])
def test_breakdowns_shown_and_suppressed_are_described(voters: int) -> None:
    by = QUESTIONS[-1]
    groups = records(by, voters, seed=2)
    attributes = {v: r["a"] for v, r in groups.items()}
    found = []
    for question in QUESTIONS[:-2]:
        mine = records(question, voters, hands=True)
        for method in methods_of(question):
            breakdown = group_results(MEETING, question, "closed", mine, by, attributes, method, 5)
            found.append(msgspec.structs.replace(breakdown))
            breakdown.all = results_of(MEETING, question, "closed", tally_of(mine), mine, method)
            found.append(breakdown)
            typed = described(breakdown, Breakdown)
            assert isinstance(typed, Breakdown)
            if voters == 3:
                assert any(g.suppressed for g in typed.groups)
    held(f"breakdowns/{voters}", found)


@pytest.mark.parametrize("kind", ["scale", "single"])
@pytest.mark.parametrize("voters", [0, 1, 30, 80])
def test_before_and_after_is_described(kind: str, voters: int) -> None:
    with_pre, live = before_and_after(kind, voters)
    held(f"compare-{kind}/{voters}", [with_pre, live])
    for result in (with_pre, live):
        typed = described(result, Results)
        assert isinstance(typed, Results) and typed.compare is not msgspec.UNSET


def test_a_wilcoxon_where_nobody_rose_keeps_its_integer_zero() -> None:
    pre, post = (
        parse_question({"id": i, "kind": "scale", "prompt": "?", "min": 1, "max": 5})
        for i in ("pre", "post")
    )
    voters = {f"1:{n}": n % 3 for n in range(1, 9)}
    before = {v: {"c": {}, "w": 1, "t": 1, "a": 4 + a % 2} for v, a in voters.items()}
    after = {v: {"c": {}, "w": 1, "t": 1, "a": 1 + a} for v, a in voters.items()}
    comparison = keyed_comparison(pre, post, keyed_answers(pre, before), keyed_answers(post, after))
    assert comparison is not None and comparison.paired.wilcoxon is not msgspec.UNSET
    assert type(comparison.paired.wilcoxon.w_plus) is int and comparison.paired.wilcoxon.w_plus == 0
    live = live_results(MEETING, post, "open", tally_of(after), "count", None, comparison)
    held("nobody-rose", [live])
    described(live, Results)


@pytest.mark.parametrize(
    "broken",
    [
        lambda r: r | {"colour": "red"},
        lambda r: r | {"kind": "lottery"},
        lambda r: r | {"voters": "5"},
        lambda r: r | {"ranking": [{"option": "a"}]},
        lambda r: {k: v for k, v in r.items() if k != "seq"},
    ],
)
def test_a_result_unlike_the_type_is_refused(broken: Any) -> None:
    question = QUESTIONS[0]
    mine = records(question, 3)
    result = msgspec.to_builtins(
        results_of(MEETING, question, "open", tally_of(mine), mine, "count")
    )
    msgspec.convert(result, Results, strict=True)  # as it is: read
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(broken(result), Results, strict=True)


def test_counted_is_results_fields_of_a_count() -> None:
    """Counted's fields are the Results fields of their names, in the same order, with
    the same types (Results' own carry the constraints and descriptions)."""
    fields = Results.__struct_fields__
    names = Counted.__struct_fields__
    start = fields.index(names[0])
    assert fields[start : start + len(names)] == names
    results_types = {f.name: f.type for f in msgspec.structs.fields(Results)}
    for field in msgspec.structs.fields(Counted):
        assert strip(field.type) == strip(results_types[field.name]), field.name


def strip(kind: Any) -> Any:
    """A type without its Annotated constraints (and their descriptions)."""
    origin = get_origin(kind)
    if origin is Annotated:
        return strip(get_args(kind)[0])
    if origin is None:
        return kind
    args = tuple(strip(a) for a in get_args(kind))
    if origin in (UnionType, Union):
        return frozenset(args)
    return (origin, args)


def test_the_methods_are_the_kinds_own() -> None:
    for question in QUESTIONS:
        assert methods_of(question) == list(KINDS[question.kind].methods)


def before_and_after(kind: str, voters: int) -> tuple[Results, Results]:
    """A post-poll's results with its comparison: from records, and as the ticker has it."""
    pre, post = (
        parse_question({"id": i, "kind": kind, "prompt": "?", **settings})
        for i, settings in [
            ("pre", {"min": 1, "max": 5} if kind == "scale" else {"options": OPTIONS}),
            (
                "post",
                {"min": 1, "max": 5, "pair_of": "pre"}
                if kind == "scale"
                else {"options": OPTIONS, "pair_of": "pre"},
            ),
        ]
    )
    before, after = records(pre, voters, seed=3), records(post, voters * 2 // 3, seed=4)
    with_pre = results_of(MEETING, post, "open", tally_of(after), after, "count", pre=(pre, before))
    comparison = keyed_comparison(pre, post, keyed_answers(pre, before), keyed_answers(post, after))
    live = live_results(MEETING, post, "open", tally_of(after), "count", None, comparison)
    return with_pre, live


CASES = [
    *((q.kind, lambda q=q: every_result(q, records(q, 9, hands=True))) for q in QUESTIONS),
    *((f"compare-{k}", lambda k=k: before_and_after(k, 30)) for k in ("scale", "single")),
]


@pytest.mark.parametrize("case", [made for _, made in CASES], ids=[name for name, _ in CASES])
def test_the_sockets_frames_are_the_maps_frames(case: Any) -> None:
    """What the ticker sends (events.frame of a Results, JSON and MessagePack) is the
    frame the hub made of the assembled map before: same bytes, hidden or not, with a
    comparison or a site's (and the whole meeting's inside)."""
    for result in case():
        plain = msgspec.to_builtins(result)
        for codec in protocol.SUBPROTOCOLS:
            want = protocol.encode(
                {"type": "event", "seq": 5, "event": "results", "results": plain}, codec
            )
            assert events.frame(5, events.ResultsPushed(results=result), codec) == want
