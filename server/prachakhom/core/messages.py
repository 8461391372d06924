"""The socket's messages, declared once (docs/protocol.md is the contract).

    client -> server   Hello | BallotMsg | TableTallyMsg | IdeaMsg | PingMsg  (ClientMessage)
    server -> client   Welcome | Ack | Error | Pong                           (ServerMessage)
                       and events, {"type": "event", "seq", "event", ...}: events.py

Each is a msgspec Struct tagged by its `type`, so a JSON or MessagePack frame decodes
straight into the right one (`protocol.decode`), and each encodes to the bytes the
contract shows: its fields in this order, the absent ones left out. The limits are in the
types; the two rules a type cannot say (an answer is plain data, an idea has words) are
checked by `protocol.decode`. Fields a message does not have are skipped unread.

Also the outcome of a ballot as the store reports it (`Outcome`), which an ack carries.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from prachakhom.core.errors import Code

MAX_ID = 64  # client-made ids: UUIDs and the like
MAX_TOKEN = 200
MAX_INT = 2**53 - 1  # what every client (JavaScript too) can hold exactly
MAX_IDEA = 500

Id = Annotated[str, Meta(min_length=1, max_length=MAX_ID)]
Int = Annotated[int, Meta(ge=-MAX_INT, le=MAX_INT)]
Answer = Int | str | list[str] | dict[str, Int]  # every shape a question kind takes


# --- client to server ------------------------------------------------------------------


class _FromClient(
    msgspec.Struct,
    tag_field="type",
    frozen=True,
    kw_only=True,
    gc=False,  # decoded data only: never in a cycle, never worth the collector's scan
):
    """Subclasses repeat frozen and kw_only for type checkers (msgspec inherits them)."""


class Hello(_FromClient, tag="hello", frozen=True, kw_only=True):
    token: Annotated[str, Meta(min_length=1, max_length=MAX_TOKEN)]
    resume_from: Annotated[int, Meta(ge=0, le=MAX_INT)] | None = None


class BallotMsg(_FromClient, tag="ballot", frozen=True, kw_only=True):
    id: Id
    question: Id
    answer: Answer  # its question's kind checks the rest (an option of the question, ...)
    seat: Annotated[int, Meta(ge=1, le=MAX_INT)] | None = None


class PlainBallot(BallotMsg, tag="ballot", frozen=True, kw_only=True):
    """A ballot whose answer is plain data of a shape no kind takes (null, 1.5, [1], ...).

    Decoded apart (protocol.decode), so that, as any wrong answer, its kind refuses it
    (invalid_answer) once the role and the question are checked."""

    answer: Any


class TableTallyMsg(_FromClient, tag="table_tally", frozen=True, kw_only=True):
    id: Id
    question: Id
    counts: dict[str, Annotated[int, Meta(ge=0, le=MAX_INT)]]


class IdeaMsg(_FromClient, tag="idea", frozen=True, kw_only=True):
    id: Id
    text: Annotated[str, Meta(max_length=MAX_IDEA)]  # trimmed, with words (protocol.decode)
    round: Id | None = None


class PingMsg(_FromClient, tag="ping", frozen=True, kw_only=True):
    pass


ClientMessage = Hello | BallotMsg | TableTallyMsg | IdeaMsg | PingMsg
CLIENT_TYPES = frozenset(t.__struct_config__.tag for t in ClientMessage.__args__)


def quoted_id(message: ClientMessage | None) -> str | None:
    """The id an error about this message quotes (a hello and a ping have none)."""
    return getattr(message, "id", None)


# --- the outcome of a ballot -------------------------------------------------------------


class Status(StrEnum):
    COUNTED = "counted"  # a new ballot: this voter had none on this question
    REPLACED = "replaced"  # this voter's earlier ballot on the question was replaced
    DUPLICATE = "duplicate"  # this id was already processed; `first` says how
    NOT_OPEN = "not_open"  # the question is not open: nothing was written


class Outcome(msgspec.Struct, frozen=True, gc=False):
    """What the store did with one ballot or show of hands."""

    status: Status
    first: Status | None = None  # a duplicate's first outcome (counted or replaced)

    @staticmethod
    def parse(text: str) -> Outcome:
        """From the cast script's word: counted | replaced | dup:<first> | not_open."""
        outcome = _OUTCOMES.get(text)
        if outcome is None:
            raise ValueError(f"unknown ballot outcome {text[:40]!r}")
        return outcome


_OUTCOMES = {
    "counted": Outcome(Status.COUNTED),
    "replaced": Outcome(Status.REPLACED),
    "not_open": Outcome(Status.NOT_OPEN),
    "dup:counted": Outcome(Status.DUPLICATE, Status.COUNTED),
    "dup:replaced": Outcome(Status.DUPLICATE, Status.REPLACED),
}


# --- server to client --------------------------------------------------------------------


class _ToClient(msgspec.Struct, tag_field="type", kw_only=True, omit_defaults=True, gc=False):
    """Fields that are None are left out of the frame."""


class Welcome(_ToClient, tag="welcome", kw_only=True):
    role: str
    meeting: str
    table: int | None = None
    seat: int | None = None
    site: str | None = None
    seq: int
    state: dict[str, Any]
    resumed: bool | None = None  # only when the hello had resume_from


class Ack(_ToClient, tag="ack", kw_only=True):
    id: str
    question: str | None = None  # ballots and shows of hands
    seat: int | None = None  # ballots
    receipt: str | None = None  # ballots and shows of hands
    status: Status
    first: Status | None = None  # duplicates of ballots and shows of hands
    idea: str | None = None  # ideas: the stored idea's id


class Error(_ToClient, tag="error", kw_only=True):
    code: Code
    message: str
    id: str | None = None  # when it answers a message with a usable id


class Pong(_ToClient, tag="pong", kw_only=True):
    pass


ServerMessage = Welcome | Ack | Error | Pong
