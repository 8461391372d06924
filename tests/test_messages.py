"""The socket's message types (messages.py): the frames they encode to are the ones the
dicts of before wrote, byte for byte (docs/protocol.md's examples), and the store's words
for a ballot's outcome read into one typed value each."""

from __future__ import annotations

from typing import Any

import msgpack
import orjson
import pytest

from prachakhom.core import protocol
from prachakhom.core.errors import Code
from prachakhom.core.messages import Ack, Error, Outcome, Pong, ServerMessage, Status, Welcome

STATE = {"meeting": {"id": "m5zmucjupa"}, "voted": {"iap2": [3, 5]}, "share": 0.5714}
CASES: list[tuple[ServerMessage, dict[str, Any]]] = [
    (
        Ack(id="bd75", question="iap2", seat=3, receipt="K3M9Q-ZT4PA", status=Status.COUNTED),
        {
            "type": "ack",
            "id": "bd75",
            "question": "iap2",
            "seat": 3,
            "receipt": "K3M9Q-ZT4PA",
            "status": "counted",
        },
    ),
    (
        Ack(
            id="bd75",
            question="iap2",
            seat=3,
            receipt="K3M9Q-ZT4PA",
            status=Status.DUPLICATE,
            first=Status.REPLACED,
        ),
        {
            "type": "ack",
            "id": "bd75",
            "question": "iap2",
            "seat": 3,
            "receipt": "K3M9Q-ZT4PA",
            "status": "duplicate",
            "first": "replaced",
        },
    ),
    (
        Ack(id="t-12", question="iap2", receipt="RB4KQ-M2Z7T", status=Status.COUNTED),
        {
            "type": "ack",
            "id": "t-12",
            "question": "iap2",
            "receipt": "RB4KQ-M2Z7T",
            "status": "counted",
        },
    ),
    (
        Ack(id="7f3c1e2a", status=Status.COUNTED, idea="12-7f3c1e2a"),
        {"type": "ack", "id": "7f3c1e2a", "status": "counted", "idea": "12-7f3c1e2a"},
    ),
    (
        Error(code=Code.INVALID_ANSWER, message="'nope' is not an option", id="x3"),
        {
            "type": "error",
            "code": "invalid_answer",
            "message": "'nope' is not an option",
            "id": "x3",
        },
    ),
    (
        Error(code=Code.UNAUTHORIZED, message='no\n"such" token\x01 ก'),
        {"type": "error", "code": "unauthorized", "message": 'no\n"such" token\x01 ก'},
    ),
    (Pong(), {"type": "pong"}),
    (
        Welcome(role="facilitator", meeting="m5", table=1, site="muang", seq=42, state=STATE),
        {
            "type": "welcome",
            "role": "facilitator",
            "meeting": "m5",
            "table": 1,
            "site": "muang",
            "seq": 42,
            "state": STATE,
        },
    ),
    (
        Welcome(role="participant", meeting="m5", table=1, seat=2, seq=0, state={}, resumed=False),
        {
            "type": "welcome",
            "role": "participant",
            "meeting": "m5",
            "table": 1,
            "seat": 2,
            "seq": 0,
            "state": {},
            "resumed": False,
        },
    ),
]


@pytest.mark.parametrize(("message", "as_dict"), CASES)
def test_server_messages_encode_as_the_maps_of_before(
    message: ServerMessage, as_dict: dict[str, Any]
) -> None:
    assert protocol.encode(message, protocol.JSON) == orjson.dumps(as_dict).decode()
    assert protocol.encode(message, protocol.MSGPACK) == msgpack.packb(as_dict, use_bin_type=True)
    assert protocol.encode(as_dict, protocol.JSON) == orjson.dumps(as_dict).decode()


@pytest.mark.parametrize(
    ("word", "outcome"),
    [
        ("counted", Outcome(Status.COUNTED)),
        ("replaced", Outcome(Status.REPLACED)),
        ("not_open", Outcome(Status.NOT_OPEN)),
        ("dup:counted", Outcome(Status.DUPLICATE, Status.COUNTED)),
        ("dup:replaced", Outcome(Status.DUPLICATE, Status.REPLACED)),
    ],
)
def test_the_cast_scripts_words_read_once_into_outcomes(word: str, outcome: Outcome) -> None:
    assert Outcome.parse(word) == outcome


@pytest.mark.parametrize("word", ["", "dup:", "dup:not_open", "Counted", "counted "])
def test_an_unknown_outcome_word_is_an_error_not_a_guess(word: str) -> None:
    with pytest.raises(ValueError, match="unknown ballot outcome"):
        Outcome.parse(word)
