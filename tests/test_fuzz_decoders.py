"""(Over 400 lines: one fuzzing harness per reader of untrusted input, sharing strategies.)

Fuzzing what reads untrusted input: the one decoder of client frames
(`prachakhom.core.protocol.decode`), every question kind's answer and show-of-hands
validators, and the question and meeting parsers of the HTTP API.

The decoder's contract is docs/protocol.md ("Client to server"): it takes every message
the contract allows, to the Struct of messages.py that says the same, and refuses
everything else with the code that fits (bad_message, or unknown_type for a type the
server does not know), quoting the message's id when it had a usable one. Whatever comes
in, the only exception is that refusal, and what does come through is in range (every
int within +-(2**53 - 1), no float where an int belongs, no NaN).

Hypothesis generates the cases: messages built from the contract's rules (each must be
taken), the same with one field broken (each must be refused, quoting the id), and
garbage (JSON text with integers past 2**64, NaN and Infinity literals, deep nesting;
MessagePack with extension types, timestamps, binary and integer keys; wrong types in
every field; invalid UTF-8; truncated, padded and oversize frames). atheris adds a short
coverage-guided run. A live part sends a few hundred hostile frames over real sockets and
checks the books did not move.
"""

from __future__ import annotations

import copy
import math
import os
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import msgpack
import msgspec
import orjson
import pytest
import websockets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prachakhom.cli.client import Api
from prachakhom.cli.demo import scenario, scenario_body
from prachakhom.core import protocol
from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.meetings import parse_meeting
from prachakhom.core.messages import (
    Answer,
    BallotMsg,
    ClientMessage,
    Hello,
    IdeaMsg,
    PingMsg,
    PlainBallot,
    TableTallyMsg,
)
from prachakhom.core.methods import kind_named
from prachakhom.core.questions import Question, parse_question
from prachakhom.store.embedded import Embedded

from .conftest import ADMIN, SMALL_MEETING, make_settings, run_server
from .wire import hello, raw_socket, reply, send, snapshot

RAN: Counter[str] = Counter()  # cases run per target, printed by the last test
WIRE_CODES = {Code.BAD_MESSAGE, Code.UNKNOWN_TYPE}
MAX_INT = protocol.MAX_INT
MAX_ID = protocol.MAX_ID
CODECS = (protocol.JSON, protocol.MSGPACK)
FAST = settings(
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- what may come out -----------------------------------------------------------------


def in_range(value: Any) -> bool:
    """The plain-data rule: what an answer may hold."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int):
        return -MAX_INT <= value <= MAX_INT
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(in_range(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and in_range(v) for k, v in value.items())
    return False


def whole(value: Any, low: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= MAX_INT


def short(value: Any, most: int = MAX_ID) -> bool:
    return isinstance(value, str) and 0 < len(value) <= most


def check_parsed(message: ClientMessage) -> None:
    if isinstance(message, Hello):
        assert short(message.token, protocol.MAX_TOKEN)
        assert message.resume_from is None or whole(message.resume_from, 0)
    elif isinstance(message, BallotMsg):
        assert short(message.id) and short(message.question)
        assert message.seat is None or whole(message.seat, 1)
        assert in_range(message.answer)
    elif isinstance(message, TableTallyMsg):
        assert short(message.id) and short(message.question)
        assert all(isinstance(k, str) and whole(v, 0) for k, v in message.counts.items())
    elif isinstance(message, IdeaMsg):
        assert short(message.id)
        assert isinstance(message.text, str) and message.text == message.text.strip()
        assert 0 < len(message.text) <= protocol.MAX_IDEA
        assert message.round is None or short(message.round)
    else:
        assert isinstance(message, PingMsg)


def refusal(frame: str | bytes, codec: protocol.Codec) -> protocol.Refused | None:
    """The decoder's refusal of this frame; None when it took it (and what it took holds)."""
    try:
        message = protocol.decode(frame, codec)
    except protocol.Refused as exc:
        assert exc.code in WIRE_CODES, exc
        assert exc.message and len(exc.message) < 300, exc
        assert exc.id is None or short(exc.id), exc
        return exc
    check_parsed(message)
    return None


def read(frame: str | bytes, codec: protocol.Codec) -> str:
    """'ok' or the refusal's code."""
    refused = refusal(frame, codec)
    return "ok" if refused is None else refused.code.value


def frame_of(message: Any, codec: protocol.Codec) -> str | bytes:
    return protocol.encode(message, codec)


# --- the contract: what is taken ---------------------------------------------------------

IDS = st.text(min_size=1, max_size=MAX_ID)
WORDS = ["a", "b", "c", "x", "q1", "iap2", "priorities", "budget", "dots", "pre", "worth"]
PLAIN_INTS = st.integers(-MAX_INT, MAX_INT)
PLAIN_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    PLAIN_INTS,
    st.integers(-3, 70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(WORDS),
)
# at most 8 deep in the message: the answer itself is 1 deep, so 7 levels of nesting below
PLAIN = st.recursive(
    PLAIN_LEAVES,
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=5), kids, max_size=4)
    ),
    max_leaves=12,
).filter(lambda v: depth_of(v) <= 7)
UNKNOWN_FIELDS = st.dictionaries(
    st.sampled_from(["at", "extra", "client", "v", "note"]), PLAIN, max_size=2
)
IDEA_TEXT = st.builds(
    lambda pad, words, tail: pad + words + tail,
    st.sampled_from(["", " ", "\n  "]),
    st.text(alphabet="abcxyzกขคงจ0123456789 ", min_size=1, max_size=400).filter(
        lambda t: any(c.isalnum() for c in t)
    ),
    st.sampled_from(["", " ", "\t"]),
)


def depth_of(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((depth_of(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth_of(v) for v in value.values()), default=0)
    return 0


def ballot_of(**fields: Any) -> BallotMsg:
    """The ballot decode must give: a PlainBallot when no kind takes the answer's shape."""
    try:
        msgspec.convert(fields["answer"], Answer, strict=True)
    except msgspec.ValidationError:
        return PlainBallot(**fields)
    return BallotMsg(**fields)


def maybe(key: str, values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """An optional field: absent, null, or a value."""
    return st.one_of(st.just({}), st.just({key: None}), values.map(lambda v: {key: v}))


@st.composite
def allowed(draw: st.DrawFn) -> tuple[dict[str, Any], ClientMessage]:
    """A message docs/protocol.md allows, and the Struct it must decode to."""
    kind = draw(st.sampled_from(["hello", "ballot", "table_tally", "idea", "ping"]))
    body: dict[str, Any] = {"type": kind}
    if kind == "hello":
        body |= {"token": draw(st.text(min_size=1, max_size=200))}
        body |= draw(maybe("resume_from", st.integers(0, MAX_INT)))
        expect: ClientMessage = Hello(token=body["token"], resume_from=body.get("resume_from"))
    elif kind == "ballot":
        body |= {"id": draw(IDS), "question": draw(IDS), "answer": draw(PLAIN)}
        body |= draw(maybe("seat", st.integers(1, MAX_INT) | st.integers(1, 50)))
        expect = ballot_of(
            id=body["id"], question=body["question"], answer=body["answer"], seat=body.get("seat")
        )
    elif kind == "table_tally":
        counts = st.dictionaries(st.text(max_size=64), st.integers(0, MAX_INT), max_size=6)
        body |= {"id": draw(IDS), "question": draw(IDS), "counts": draw(counts)}
        expect = TableTallyMsg(id=body["id"], question=body["question"], counts=body["counts"])
    elif kind == "idea":
        body |= {"id": draw(IDS), "text": draw(IDEA_TEXT)}
        body |= draw(maybe("round", IDS))
        text = body["text"].strip()
        expect = IdeaMsg(id=body["id"], text=text, round=body.get("round"))
    else:
        expect = PingMsg()
    extra = draw(UNKNOWN_FIELDS)  # fields a message does not have are ignored
    if draw(st.booleans()):  # `type` need not come first
        body = {k: v for k, v in body.items() if k != "type"} | {"type": kind}
    return body | extra, expect


@settings(FAST, max_examples=800)
@given(case=allowed())
def test_every_message_the_contract_allows_is_taken(
    case: tuple[dict[str, Any], ClientMessage],
) -> None:
    body, expect = case
    for codec in CODECS:
        got = protocol.decode(frame_of(body, codec), codec)
        assert got == expect and type(got) is type(expect), (body, got)
        check_parsed(got)
    RAN[f"allowed: {body['type']}"] += 1


TYPED = ["a", 3, -MAX_INT, MAX_INT, ["q1", "b"], {"x": 2, "ข้อ": MAX_INT}, [], {}]
UNTYPED = [1.5, None, True, ["a", 1], {"a": "b"}, [["a"]]]  # plain, but no kind's shape


@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize(
    ("answer", "kind"), [(a, BallotMsg) for a in TYPED] + [(a, PlainBallot) for a in UNTYPED]
)
def test_every_plain_answer_is_taken_at_the_limits(
    codec: protocol.Codec, answer: Any, kind: type[BallotMsg]
) -> None:
    """The shapes the kinds take decode typed; other plain answers go on to their kind."""
    message = {"type": "ballot", "id": "ก" * MAX_ID, "question": "q" * MAX_ID, "answer": answer}
    for seat in (None, 1, MAX_INT):
        body = message if seat is None else message | {"seat": seat}
        got = protocol.decode(frame_of(body, codec), codec)
        assert type(got) is kind, answer
        assert got == kind(id=body["id"], question=body["question"], answer=answer, seat=seat)


# --- the contract: what is refused ---------------------------------------------------------

I64 = st.integers(-(2**63), 2**63 - 1)  # what both codecs can write
FLOATS = st.floats(allow_nan=False, allow_infinity=False)  # orjson writes null for infinity
WRONG_TYPE = st.one_of(st.booleans(), FLOATS, st.lists(I64, max_size=2), st.just({"k": 1}))
NOT_AN_ID = st.one_of(
    st.just(""),
    st.text(min_size=MAX_ID + 1, max_size=MAX_ID + 8),
    I64,
    st.none(),
    WRONG_TYPE,
)
# per field: values the contract refuses (each one loadable, so that the id can be quoted)
BROKEN: dict[str, st.SearchStrategy[Any]] = {
    "id": NOT_AN_ID,
    "question": NOT_AN_ID,
    "token": st.one_of(
        st.just(""), st.text(min_size=201, max_size=210), I64, st.none(), WRONG_TYPE
    ),
    "resume_from": st.one_of(
        st.integers(-(2**63), -1),
        st.integers(MAX_INT + 1, 2**63 - 1),
        st.text(max_size=3),
        FLOATS,
        st.booleans(),
    ),
    "seat": st.one_of(
        st.integers(-(2**63), 0),
        st.integers(MAX_INT + 1, 2**63 - 1),
        st.text(max_size=3),
        FLOATS,
        st.booleans(),
        st.just([2]),
    ),
    "answer": st.one_of(  # numbers past the range, or nested past 8 deep in the message
        st.integers(MAX_INT + 1, 2**63 - 1),
        st.integers(-(2**63), -MAX_INT - 1),
        st.builds(lambda n: [[n]], st.integers(MAX_INT + 1, 2**63 - 1)),
        st.integers(8, 30).map(lambda depth: nest(depth, "list")),
        st.integers(8, 30).map(lambda depth: nest(depth, "map")),
    ),
    "counts": st.one_of(
        st.dictionaries(st.sampled_from(WORDS), st.integers(-(2**63), -1), min_size=1, max_size=3),
        st.dictionaries(st.sampled_from(WORDS), FLOATS | st.booleans(), min_size=1),
        st.just({"a": MAX_INT + 1}),
        st.lists(st.sampled_from(WORDS), max_size=3),
        st.text(),
        st.none(),
    ),
    "text": st.one_of(
        st.just(""),
        st.just("   \n"),
        st.just("?!.,"),
        st.text(alphabet="ab", min_size=501, max_size=520),
        I64,
        st.none(),
        WRONG_TYPE,
    ),
    "round": st.one_of(
        st.just(""), st.text(min_size=MAX_ID + 1, max_size=MAX_ID + 4), I64, WRONG_TYPE
    ),
}
FIELDS = {
    "hello": ["token", "resume_from"],
    "ballot": ["id", "question", "answer", "seat"],
    "table_tally": ["id", "question", "counts"],
    "idea": ["id", "text", "round"],
}
REQUIRED = {"token", "id", "question", "answer", "counts", "text"}


def nest(depth: int, kind: str) -> Any:
    value: Any = "a"
    for _ in range(depth):
        value = [value] if kind == "list" else {"k": value}
    return value


@st.composite
def broken(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """An allowed message with one of its fields broken or, if required, left out."""
    body, _ = draw(allowed().filter(lambda case: case[0]["type"] != "ping"))
    field = draw(st.sampled_from(FIELDS[body["type"]]))
    if field in REQUIRED and draw(st.integers(0, 4)) == 0:
        body.pop(field)
    else:
        body[field] = draw(BROKEN[field])
    return body, field


@settings(FAST, max_examples=1200)
@given(case=broken())
def test_a_broken_field_is_refused_with_bad_message_quoting_the_id(
    case: tuple[dict[str, Any], str],
) -> None:
    body, field = case
    for codec in CODECS:
        refused = refusal(frame_of(body, codec), codec)
        assert refused is not None, (body, field)
        assert refused.code == Code.BAD_MESSAGE, (body, refused)
        assert refused.id == protocol.message_id(body), (body, refused)
    RAN[f"broken: {body['type']}.{field}"] += 1


@settings(FAST, max_examples=300)
@given(
    kind=st.one_of(
        st.sampled_from(["vote", "", "BALLOT", "Ping", "hello ", "event", "ack"]),
        st.text(max_size=300),
    ).filter(lambda k: k not in {"hello", "ballot", "table_tally", "idea", "ping"}),
    id=st.none() | IDS | st.sampled_from(["", "x" * (MAX_ID + 1), 7, True, ["a"]]),
)
def test_an_unknown_type_is_unknown_type_and_a_missing_one_bad_message(kind: str, id: Any) -> None:
    body = {"type": kind} | ({} if id is None else {"id": id})
    for codec in CODECS:
        refused = refusal(frame_of(body, codec), codec)
        assert refused is not None and refused.code == Code.UNKNOWN_TYPE, (body, refused)
        assert refused.id == protocol.message_id(body)
        for no_type in ({k: v for k, v in body.items() if k != "type"}, body | {"type": 7}):
            refused = refusal(frame_of(no_type, codec), codec)
            assert refused is not None and refused.code == Code.BAD_MESSAGE, (no_type, refused)
            assert refused.id == protocol.message_id(body)
    RAN["unknown types"] += 1


@pytest.mark.parametrize("codec", CODECS)
def test_one_step_past_each_limit_is_refused(codec: protocol.Codec) -> None:
    good = {"type": "ballot", "id": "b", "question": "q", "answer": "a", "seat": 1}
    assert read(frame_of(good, codec), codec) == "ok"
    for past in (
        {"seat": 0},
        {"seat": MAX_INT + 1},
        {"seat": True},
        {"seat": 2.0},
        {"answer": MAX_INT + 1},
        {"answer": -MAX_INT - 1},
        {"answer": nest(8, "list")},
        {"id": "x" * (MAX_ID + 1)},
        {"question": ""},
    ):
        refused = refusal(frame_of(good | past, codec), codec)
        assert refused is not None and refused.code == Code.BAD_MESSAGE, past
        assert refused.id == ("b" if "id" not in past else None), past
    assert read(frame_of(good | {"answer": nest(7, "map")}, codec), codec) == "ok"


MSGPACK_ONLY = [  # values JSON cannot carry: refused where they stand for a field's value
    ("ext answer", {"answer": msgpack.ExtType(5, b"a")}, None),  # refused while decoding
    ("ext in any field", {"zz": msgpack.ExtType(1, b"")}, "ok"),  # a skipped field is not read
    ("timestamp answer", {"answer": msgpack.Timestamp(1, 0)}, "b"),
    ("timestamp seat", {"seat": msgpack.Timestamp(1, 0)}, "b"),
    ("bytes answer", {"answer": b"a"}, "b"),
    ("bytes id", {"id": b"b"}, None),
    ("int key in the answer", {"answer": {1: 2}}, None),  # not even a map of plain data
    ("NaN answer", {"answer": float("nan")}, "b"),
    ("infinite seat", {"seat": float("inf")}, "b"),
    ("uint64 seat", {"seat": 2**64 - 1}, "b"),
]


@pytest.mark.parametrize(
    ("case", "change", "quoted"), MSGPACK_ONLY, ids=[c[0] for c in MSGPACK_ONLY]
)
def test_what_only_msgpack_can_carry(case: str, change: dict[str, Any], quoted: str | None) -> None:
    good = {"type": "ballot", "id": "b", "question": "q", "answer": "a", "seat": 1}
    frame = msgpack.packb(good | change, use_bin_type=True, datetime=False)
    refused = refusal(frame, protocol.MSGPACK)
    if quoted == "ok":
        assert refused is None
        return
    assert refused is not None and refused.code == Code.BAD_MESSAGE, case
    assert refused.id == quoted, (case, refused)


# --- garbage: never a crash, always a clear refusal ---------------------------------------

TYPES = ["hello", "ballot", "table_tally", "idea", "ping", "vote", "", "BALLOT"]
BIG_INTS = st.sampled_from(
    [2**53 - 1, 2**53, -(2**53), 2**63 - 1, 2**63, 2**64 - 1, 2**64, 2**70, -(2**64), 10**30]
)


def leaves(big: bool) -> st.SearchStrategy[Any]:
    ints = st.integers(-(2**63), 2**64 - 1) if not big else st.integers() | BIG_INTS
    return st.one_of(
        st.none(),
        st.booleans(),
        ints,
        st.integers(-3, 70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=40),
        st.sampled_from(WORDS),
    )


def values(big: bool, extra: st.SearchStrategy[Any] | None = None) -> st.SearchStrategy[Any]:
    base = leaves(big) if extra is None else leaves(big) | extra
    keys = st.text(max_size=6) | st.sampled_from(WORDS)
    return st.recursive(
        base,
        lambda kids: st.lists(kids, max_size=5) | st.dictionaries(keys, kids, max_size=5),
        max_leaves=25,
    )


def deep(depth: int, kind: str) -> Any:
    value: Any = "a"
    for _ in range(depth):
        value = [value] if kind == "list" else {"k": value}
    return value


def messages(big: bool, extra: st.SearchStrategy[Any] | None = None) -> st.SearchStrategy[Any]:
    """Maps shaped like client messages, with anything at all in any field."""
    anything = values(big, extra)
    field = st.one_of(
        anything,
        st.sampled_from(WORDS),
        st.text(min_size=1, max_size=70),
        st.integers(0, 10),
        st.builds(deep, st.integers(5, 40), st.sampled_from(["list", "map"])),
    )
    optional = {
        k: field for k in ("id", "question", "answer", "seat", "counts", "text", "round", "token")
    }
    if big:
        optional["resume_from"] = field | BIG_INTS
    return st.fixed_dictionaries(
        {"type": st.sampled_from(TYPES) | st.text(max_size=8) | anything}, optional=optional
    )


def to_json(value: Any) -> str:
    """JSON text as a hostile client may write it: integers of any size, NaN, Infinity."""
    if isinstance(value, bool) or value is None:
        return orjson.dumps(value).decode()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-1e999"
        return repr(value)
    if isinstance(value, str):
        return orjson.dumps(value).decode()
    if isinstance(value, list):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    return "{" + ",".join(f"{to_json(str(k))}:{to_json(v)}" for k, v in value.items()) + "}"


MSGPACK_EXTRA = st.one_of(
    st.binary(max_size=12),
    st.builds(msgpack.ExtType, st.integers(0, 127), st.binary(max_size=9)),
    st.builds(msgpack.Timestamp, st.integers(0, 2**34 - 1), st.integers(0, 999_999_999)),
    st.dictionaries(st.integers(-5, 5) | st.binary(max_size=3), st.none(), min_size=1, max_size=2),
)


def packb(value: Any) -> bytes:
    return msgpack.packb(value, use_bin_type=True, datetime=False)


@st.composite
def damaged(draw: st.DrawFn, frame: bytes) -> bytes:
    """Truncated, padded or bit-flipped, or nothing done."""
    how = draw(st.sampled_from(["keep", "cut", "pad", "flip", "splice"]))
    if how == "cut" and frame:
        return frame[: draw(st.integers(0, len(frame) - 1))]
    if how == "pad":
        return frame + draw(st.binary(min_size=1, max_size=6))
    if how == "flip" and frame:
        at = draw(st.integers(0, len(frame) - 1))
        return frame[:at] + bytes([frame[at] ^ draw(st.integers(1, 255))]) + frame[at + 1 :]
    if how == "splice":
        at = draw(st.integers(0, len(frame)))
        return frame[:at] + draw(st.binary(min_size=1, max_size=8)) + frame[at:]
    return frame


def ballots(big: bool, extra: st.SearchStrategy[Any] | None = None) -> st.SearchStrategy[Any]:
    """Maps close to a ballot, for the fast decoder's border: each field right or nearly."""
    ints = st.integers(-(2**53) - 2, 2**53 + 1) | (BIG_INTS if big else st.integers(-3, 3))
    word = st.sampled_from(WORDS)
    ids = st.one_of(word, word, word, st.text(min_size=0, max_size=66), ints, st.none())
    options = word | st.text(max_size=3)
    answer = st.one_of(
        options,
        ints,
        st.lists(word, max_size=4),
        st.dictionaries(word, st.integers(-3, 9), max_size=4),
        st.booleans(),
        st.none(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.lists(options | ints, max_size=4),
        st.dictionaries(options, ints | st.booleans() | options, max_size=4),
        values(big, extra),
    )
    fields = {
        "type": st.one_of(st.just("ballot"), st.just("ballot"), st.sampled_from(TYPES)),
        "id": ids,
        "question": ids,
        "answer": answer,
    }
    optional = {"seat": st.none() | st.integers(-1, 3) | ints | st.booleans(), "extra": answer}
    return st.fixed_dictionaries(fields, optional=optional)


@settings(FAST, max_examples=700)
@given(message=ballots(big=True), damage=st.data())
def test_ballots_near_the_border_json(message: dict[str, Any], damage: st.DataObject) -> None:
    frame = damage.draw(damaged(to_json(message).encode()))
    outcome = read(frame, protocol.JSON)
    RAN[f"json ballot: {outcome}"] += 1
    with_text = frame.decode(errors="replace")
    RAN[f"json ballot: {read(with_text, protocol.JSON)}"] += 1


@settings(FAST, max_examples=700)
@given(message=ballots(big=False, extra=MSGPACK_EXTRA), damage=st.data())
def test_ballots_near_the_border_msgpack(message: dict[str, Any], damage: st.DataObject) -> None:
    frame = damage.draw(damaged(packb(message)))
    RAN[f"msgpack ballot: {read(frame, protocol.MSGPACK)}"] += 1
    assert read(frame.decode("latin-1"), protocol.MSGPACK) == "bad_message"


@settings(FAST, max_examples=700)
@given(message=messages(big=True), damage=st.data())
def test_json_frames_decode_or_refuse(message: dict[str, Any], damage: st.DataObject) -> None:
    text = to_json(message)
    frame = damage.draw(damaged(text.encode()))
    outcome = read(frame, protocol.JSON)  # a binary frame holding JSON: any bytes at all
    try:
        as_text = frame.decode()
    except UnicodeDecodeError:
        RAN["json: invalid UTF-8 (binary frame)"] += 1
    else:
        assert read(as_text, protocol.JSON) == outcome  # a text frame reads the same
    RAN[f"json: {outcome}"] += 1


@settings(FAST, max_examples=700)
@given(message=messages(big=False, extra=MSGPACK_EXTRA), damage=st.data())
def test_msgpack_frames_decode_or_refuse(message: dict[str, Any], damage: st.DataObject) -> None:
    frame = damage.draw(damaged(packb(message)))
    outcome = read(frame, protocol.MSGPACK)
    RAN[f"msgpack: {outcome}"] += 1
    # a text frame on a MessagePack connection is always refused
    assert read(frame.decode("latin-1"), protocol.MSGPACK) == "bad_message"


@settings(FAST, max_examples=600)
@given(frame=st.binary(max_size=300), text=st.text(max_size=200))
def test_arbitrary_bytes_and_text(frame: bytes, text: str) -> None:
    for codec in CODECS:
        RAN[f"raw bytes: {read(frame, codec)}"] += 1
    RAN[f"raw text: {read(text, protocol.JSON)}"] += 1


@pytest.mark.parametrize(
    ("frame", "codec"),
    [
        ('{"type":"ballot","id":"x","seat":' + "9" * 5000 + "}", protocol.JSON),
        ('{"type":"ballot","id":"x","seat":1e' + "9" * 400 + "}", protocol.JSON),
        ('{"type":"ping","a":' + "[" * 100_000 + "]" * 100_000 + "}", protocol.JSON),
        ('{"type":"ping","pad":"' + "ก" * 1_000_000 + '"}', protocol.JSON),
        (b"\x91" * 200_000 + b"\xc0", protocol.MSGPACK),
        (b"\xdd\xff\xff\xff\xff", protocol.MSGPACK),  # an array claiming 2**32 - 1 items
        (b"\xc6\xff\xff\xff\xff" + b"x" * 10, protocol.MSGPACK),  # bin of 4 GiB, 10 bytes
        (packb({"type": "ping", "pad": b"x" * 2_000_000}), protocol.MSGPACK),
        (b"\x82\xa4type\xa6ballot\xa4seat\xc7\x0c\xff" + b"\x00" * 12, protocol.MSGPACK),
        (b"\x82\xa4type\xa6ballot\xa4seat\xc7\x05\xff" + b"\x00" * 5, protocol.MSGPACK),
        (packb({"type": "ballot", "id": "x", "seat": 2**64 - 1}), protocol.MSGPACK),
        (b"\x81\xa4type\xcb" + b"\x7f\xf8" + b"\x00" * 6, protocol.MSGPACK),  # NaN type
    ],
    ids=lambda v: f"{len(v)}B" if isinstance(v, str | bytes) else str(v).rsplit(".", 1)[-1],
)
def test_oversize_and_extreme_frames_are_refused_not_crashed(
    frame: str | bytes, codec: protocol.Codec
) -> None:
    """The socket caps frames at max_frame before decoding; the decoder copes anyway."""
    outcome = read(frame, codec)
    RAN["extreme frames"] += 1
    assert outcome in ("bad_message", "ok")
    if outcome == "ok":  # only a ping with a harmless (if huge) pad, which is skipped
        assert protocol.decode(frame, codec) == PingMsg()


# --- what reads a ballot's answer, a show of hands, a question, a meeting -----------------

QUESTION_BODIES = scenario_body(scenario())["questions"]
QUESTIONS = [parse_question(q) for q in QUESTION_BODIES]
TALLY_QUESTIONS = [q for q in QUESTIONS if kind_named(q.kind).table_tally is not None]


def answers() -> st.SearchStrategy[Any]:
    """Plain data (what the decoder lets through), biased to look like real answers."""
    options = st.sampled_from(sorted({o for q in QUESTIONS for o in q.option_ids} | {"zz"}))
    near = st.one_of(
        options,
        st.lists(options, max_size=6),
        st.dictionaries(options, st.integers(-2, 120), max_size=5),
        st.integers(-10, 20),
        st.floats(-10, 20),
    )
    return near | values(big=False).filter(in_range)


def check_contribution(contribution: Any) -> None:
    assert isinstance(contribution, dict)
    for key, delta in contribution.items():
        assert isinstance(key, str) and isinstance(delta, int) and not isinstance(delta, bool)
        assert abs(delta) <= MAX_INT


@settings(FAST, max_examples=1500)
@given(question=st.sampled_from(QUESTIONS), answer=answers())
def test_every_kind_refuses_bad_answers_with_invalid_answer(
    question: Question, answer: Any
) -> None:
    try:
        contribution = kind_named(question.kind).contribution(question, answer)
    except PrachakhomError as exc:
        assert exc.code == Code.INVALID_ANSWER, exc
        RAN[f"answers ({question.kind}): refused"] += 1
        return
    check_contribution(contribution)
    RAN[f"answers ({question.kind}): counted"] += 1


@settings(FAST, max_examples=600)
@given(
    question=st.sampled_from(TALLY_QUESTIONS),
    counts=st.dictionaries(
        st.sampled_from(
            ["a", "b", "zz", *sorted({o for q in TALLY_QUESTIONS for o in q.option_ids})]
        ),
        st.integers(0, 60) | st.integers(0, MAX_INT),
        max_size=6,
    ),
    seats=st.integers(1, 50),
)
def test_shows_of_hands_refuse_with_invalid_answer(
    question: Question, counts: dict[str, int], seats: int
) -> None:
    count_hands = kind_named(question.kind).table_tally
    assert count_hands is not None
    try:
        contribution, voters = count_hands(question, counts, seats)
    except PrachakhomError as exc:
        assert exc.code == Code.INVALID_ANSWER, exc
        RAN["hands: refused"] += 1
        return
    check_contribution(contribution)
    assert 0 <= voters <= seats
    RAN["hands: counted"] += 1


QUESTION_FIELDS = [
    "id", "kind", "prompt", "options", "pair_of", "max_choices", "max_rank", "method",
    "points", "min", "max", "labels", "budget", "costs", "attribute", "targets", "extra",
]  # fmt: skip


ANY_FIELD = values(big=False) | st.lists(values(big=False), max_size=70)


@st.composite
def question_bodies(draw: st.DrawFn) -> Any:
    """A real question of the demo with some fields replaced by anything, or dropped."""
    body = copy.deepcopy(draw(st.sampled_from(QUESTION_BODIES)))
    for name in draw(st.lists(st.sampled_from(QUESTION_FIELDS), max_size=3)):
        if draw(st.booleans()):
            body.pop(name, None)
        else:
            body[name] = draw(ANY_FIELD)
    return body if draw(st.integers(0, 20)) else draw(ANY_FIELD)


@settings(FAST, max_examples=400)
@given(body=question_bodies())
def test_question_definitions_refuse_with_invalid_question(body: Any) -> None:
    try:
        question = parse_question(body)
    except PrachakhomError as exc:
        assert exc.code == Code.INVALID_QUESTION, exc
        RAN["questions: refused"] += 1
        return
    assert parse_question(question.to_dict()) == question  # what is stored reads back
    RAN["questions: accepted"] += 1


MEETING_BODY = {k: v for k, v in SMALL_MEETING.items() if k != "questions"}
MEETING_FIELDS = ["title", "language", "tables", "sites", "seat_codes", "date", "retain_until"]


MEETING_FIELD = (
    values(big=True)
    | st.fixed_dictionaries({"count": values(big=True), "seats": values(big=True)})
    | st.lists(
        st.fixed_dictionaries(
            {"id": values(big=False), "name": values(big=False), "tables": values(big=True)}
        ),
        max_size=3,
    )
)


@st.composite
def meeting_bodies(draw: st.DrawFn) -> Any:
    body = copy.deepcopy(MEETING_BODY)
    for name in draw(st.lists(st.sampled_from(MEETING_FIELDS), max_size=3)):
        if draw(st.booleans()):
            body.pop(name, None)
        else:
            body[name] = draw(MEETING_FIELD)
    return body


@settings(FAST, max_examples=400)
@given(body=meeting_bodies())
def test_meeting_definitions_refuse_with_bad_message(body: Any) -> None:
    try:
        meeting = parse_meeting(body, "mfuzzfuzzz")
    except PrachakhomError as exc:
        assert exc.code == Code.BAD_MESSAGE, exc
        RAN["meetings: refused"] += 1
        return
    assert 1 <= meeting.table_count <= 2000 and 1 <= meeting.seats <= 50
    RAN["meetings: accepted"] += 1


# --- atheris, when installed ---------------------------------------------------------------

ATHERIS_HARNESS = r"""
import sys, atheris
with atheris.instrument_imports(include=["prachakhom"]):
    from prachakhom.core import protocol
    from prachakhom.core.messages import BallotMsg
    from prachakhom.core.errors import Code, PrachakhomError
    from prachakhom.core.methods import kind_named
    from prachakhom.core.questions import parse_question
    from prachakhom.cli.demo import scenario, scenario_body

QUESTIONS = [parse_question(q) for q in scenario_body(scenario())["questions"]]
CODECS = (protocol.JSON, protocol.MSGPACK)

def one(data):
    fdp = atheris.FuzzedDataProvider(data)
    codec = CODECS[fdp.ConsumeIntInRange(0, 1)]
    as_text = fdp.ConsumeBool()
    frame = fdp.ConsumeBytes(fdp.remaining_bytes())
    if as_text:
        frame = frame.decode("utf-8", "replace")
    try:
        message = protocol.decode(frame, codec)
    except protocol.Refused as exc:
        assert exc.code in (Code.BAD_MESSAGE, Code.UNKNOWN_TYPE), exc
        return
    if isinstance(message, BallotMsg):
        for q in QUESTIONS:
            try:
                kind_named(q.kind).contribution(q, message.answer)
            except PrachakhomError as exc:
                assert exc.code == Code.INVALID_ANSWER, exc

atheris.Setup(sys.argv, one)
atheris.Fuzz()
"""


def test_atheris_finds_no_crash_in_the_decoders(tmp_path: Path) -> None:
    import atheris  # noqa: F401  (pinned in the test extra; runs in a subprocess below)

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seeds = [
        orjson.dumps({"type": "ballot", "id": "b1", "question": "q1", "answer": "a", "seat": 2}),
        packb({"type": "table_tally", "id": "t", "question": "iap2", "counts": {"a": 2}}),
        b'{"type":"hello","token":"m.x","resume_from":' + str(2**70).encode() + b"}",
    ]
    for n, seed in enumerate(seeds):
        (corpus / f"seed{n}").write_bytes(bytes([n % 2, 0]) + seed)
    runs = int(os.environ.get("PRACHAKHOM_ATHERIS_RUNS", "100000"))
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            ATHERIS_HARNESS,
            f"-runs={runs}",
            "-max_total_time=25",
            "-max_len=4096",
            "-rss_limit_mb=1024",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    tail = done.stderr[-3000:]
    assert done.returncode == 0, tail
    counts = re.findall(r"^#(\d+)\s", done.stderr, re.MULTILINE)  # libFuzzer's "#<runs> ..."
    executed = int(counts[-1]) if counts else 0
    RAN["atheris executions"] += executed
    assert executed > 1000, tail


# --- over a real socket -------------------------------------------------------------------


def hostile(rng: random.Random, n: int, codec: protocol.Codec, limit: int) -> tuple[Any, str]:
    """A frame with at least one defect, and what the server must do: 'error' or a close
    code. Nothing here can be a good message."""
    good = {"type": "ballot", "id": f"h{n}", "question": "q1", "answer": "a", "seat": 2}
    message: dict[str, Any] = dict(good)
    json = codec == protocol.JSON
    defect = rng.randrange(10)
    if defect == 0:
        message["seat"] = rng.choice([2.0, 2.5, -1, 0, 6, True, "2", None, 2**53, [2], {"s": 2}])
    elif defect == 1:
        message["answer"] = rng.choice(
            ["zz", 1, ["a"], {"a": 1}, None, deep(rng.randrange(9, 30), "list"), 2**60, 1.5]
        )
    elif defect == 2:
        message["id"] = rng.choice([12345, "", "x" * 65, ["h"], None, {"id": 1}])
    elif defect == 3:
        message["type"] = rng.choice(["vote", "Ballot", 7, None, "x" * 300, ["ballot"]])
    elif defect == 4:
        message["question"] = rng.choice(["nope", 7, "q" * 65, None, ""])
    elif defect == 5:
        message = {
            "type": "table_tally",
            "id": f"h{n}",
            "question": "q1",
            "counts": {"a": rng.choice([6, -1, 1.0, 2**60, "2", None, True])},
        }
    elif defect == 6:
        message = {
            "type": "idea",
            "id": f"h{n}",
            "text": rng.choice(["", "   ", "x" * 501, 5]),
            "round": rng.choice([None, "r1"]),
        }
    if defect <= 6:
        if json:
            return to_json(message), "error"
        return packb(message), "error"
    if defect == 7:  # damaged bytes
        frame = to_json(good).encode() if json else packb(good)
        cut = frame[: rng.randrange(1, len(frame) - 1)]
        return (cut.decode("latin-1") if json else cut + b"\xc1"), "error"
    if defect == 8:  # what only one codec can carry
        if json:
            return rng.choice(
                [
                    to_json(good).replace('"a"', "NaN"),
                    to_json(good).replace('"seat":2', '"seat":' + str(2**70)),
                    to_json(good).replace('"seat":2', '"seat":1e400'),
                    '{"a":' * 300 + "1" + "}" * 300,
                    "[" + to_json(good) + "]",
                    to_json(good).encode().replace(b'"h', b'"\xff\xfe'),  # binary, not UTF-8
                ]
            ), "error"
        return packb(
            good
            | {
                "seat": rng.choice(
                    [
                        msgpack.ExtType(5, b"x"),
                        msgpack.Timestamp(1, 0),
                        b"\x02",
                        float("nan"),
                        2**63,
                    ]
                )
            }
        ), "error"
    # defect 9: the frame itself breaks the connection
    if rng.random() < 0.5:
        pad = good | {"answer": "a" * (limit + 10)}
        return (to_json(pad) if json else packb(pad)), "1009"
    if json:
        return b'{"type":"ping","x":"\xff"}', "1007"  # a text frame that is not UTF-8
    return to_json(good), "error"  # a text frame on a MessagePack connection


async def test_hostile_frames_over_real_sockets_change_nothing(
    valkey: Embedded, tmp_path: Path
) -> None:
    settings_ = make_settings(valkey, tmp_path, rate_burst=10_000, rate_per_second=10_000)
    rng = random.Random(64)
    async with run_server(settings_) as server, Api(server.base, ADMIN) as admin:
        created = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
        m = created["id"]
        await admin.open(m, "q1")
        token = (await admin.join(created["codes"]["tables"]["1"]))["token"]
        async with raw_socket(server.ws) as tablet:
            await hello(tablet, token)
            await send(
                tablet, {"type": "ballot", "id": "ok-1", "question": "q1", "answer": "b", "seat": 1}
            )
            assert (await reply(tablet))["status"] == "counted"
        before = await snapshot(admin, m)
        outcomes: Counter[str] = Counter()
        limit = settings_.max_frame
        for codec in (protocol.JSON, protocol.MSGPACK):
            n = 0
            while n < 160:
                ws_cm = raw_socket(server.ws, [codec])
                ws = await ws_cm.__aenter__()
                try:
                    await hello(ws, token)
                    while n < 160:
                        n += 1
                        frame, expect = hostile(rng, n, codec, limit)
                        text = isinstance(frame, str) or expect == "1007"
                        await ws.send(frame, text=text)
                        if expect == "error":
                            answer = await reply(ws)
                            assert answer["type"] in ("error", "pong"), (frame, answer)
                            outcomes[answer.get("code", "pong")] += 1
                            continue
                        try:
                            got = await reply(ws)
                        except websockets.ConnectionClosed:
                            assert ws.close_code == int(expect), (frame, ws.close_code)
                            outcomes[f"closed {expect}"] += 1
                            break
                        raise AssertionError(f"{frame!r:.80} answered {got}")
                finally:
                    await ws_cm.__aexit__(None, None, None)
        total = sum(outcomes.values())
        RAN["live hostile frames"] += total
        print(f"\nlive hostile frames: {total}: {dict(outcomes)}")
        assert total == 320 and "ack" not in outcomes
        assert await snapshot(admin, m) == before  # nothing counted, nothing in the ledger
        async with raw_socket(server.ws) as tablet:  # and the server still counts
            await hello(tablet, token)
            await send(
                tablet, {"type": "ballot", "id": "ok-2", "question": "q1", "answer": "c", "seat": 3}
            )
            assert (await reply(tablet))["status"] == "counted"
        audit = await admin.audit(m)
        assert audit["ok"] and audit["ballots_in_ledger"] == 2


def test_zz_report_the_cases_run() -> None:
    """Last in the file: how many cases each target ran (printed with -s or -rP)."""
    print("\nfuzz cases run: " + ", ".join(f"{k} {v}" for k, v in sorted(RAN.items())))
    print(f"fuzz cases in all: {sum(RAN.values())}")
