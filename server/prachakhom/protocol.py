"""The wire protocol, sans I/O: subprotocols, decoding with limits, typed client messages.

    frame (str | bytes) --decode--> dict --parse_client_message--> Hello | Ballot | ...
    dict --encode--> frame

A ballot, the message that comes in thousands a second, first tries a compiled decoder
(msgspec) that decodes and checks it in one pass, ten times faster; anything it does not
take (an error, another type, an unknown field) goes the general way, which also words
the error. The fast way only takes what the general way takes, to the same BallotMsg.

Every number is range-checked and every value type-checked here, so nothing past this
module sees a float where an int belongs, a msgpack extension or a 2**70.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import msgpack
import msgspec
import orjson

from .errors import Code, PrachakhomError
from .themes.text import has_words

JSON = "prachakhom.v1.json"
MSGPACK = "prachakhom.v1.msgpack"
SUBPROTOCOLS = (JSON, MSGPACK)
Codec = Literal["prachakhom.v1.json", "prachakhom.v1.msgpack"]

MAX_ID = 64  # client-made ids: UUIDs and the like
MAX_INT = 2**53 - 1  # what every client (JavaScript too) can hold exactly
MAX_IDEA = 500
MAX_DEPTH = 8  # an answer is at most a map of lists; anything deeper is hostile


def choose_subprotocol(offered: list[str]) -> Codec | None:
    """The server picks the first offered one it knows; none offered means JSON."""
    for name in offered:
        if name in SUBPROTOCOLS:
            return name  # type: ignore[return-value]
    return None


def bad(message: str) -> PrachakhomError:
    return PrachakhomError(Code.BAD_MESSAGE, message)


def _no_ext(code: int, data: bytes) -> Any:
    raise bad(f"MessagePack extension type {code} is not accepted")


def decode(frame: str | bytes, codec: Codec) -> dict[str, Any]:
    """One frame to one message map. Raises bad_message for anything else."""
    message = load(frame, codec)
    check_plain(message)
    return message


def load(frame: str | bytes, codec: Codec) -> dict[str, Any]:
    """One frame to one map, its values not yet checked (decode = load + check_plain).

    The server loads first so that an error about a bad value can quote the message's id."""
    try:
        if codec == MSGPACK:
            if isinstance(frame, str):
                raise bad("this connection speaks MessagePack: send binary frames")
            # unpackb caps every length by the frame's own length; the frame itself is
            # capped (max_frame) before it gets here
            message = msgpack.unpackb(
                frame, raw=False, strict_map_key=True, ext_hook=_no_ext, timestamp=0
            )
        else:
            message = orjson.loads(frame)
    except PrachakhomError:
        raise
    except (ValueError, msgpack.UnpackException, TypeError, RecursionError) as exc:
        raise bad(f"the message could not be decoded: {type(exc).__name__}") from None
    if not isinstance(message, dict):
        raise bad("a message must be a map with a 'type'")
    return message


def check_plain(message: dict[str, Any]) -> None:
    """Only maps with string keys, lists, strings, ints in range, bools and null."""
    _check_plain(message, 0)


def _check_plain(value: Any, depth: int) -> None:
    """Only maps with string keys, lists, strings, ints in range, bools and null."""
    if depth > MAX_DEPTH:
        raise bad("the message is nested too deeply")
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if not -MAX_INT <= value <= MAX_INT:
            raise bad("a number in the message is out of range")
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise bad("a number in the message is not finite")
        return  # kept as float: a field that needs an int refuses it
    if isinstance(value, list):
        for item in value:
            _check_plain(item, depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise bad("map keys must be strings")
            _check_plain(item, depth + 1)
        return
    raise bad(f"values of type {type(value).__name__} are not accepted")


def encode(message: dict[str, Any], codec: Codec) -> str | bytes:
    if codec == MSGPACK:
        return msgpack.packb(message, use_bin_type=True)
    return orjson.dumps(message).decode()


# --- client messages -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hello:
    token: str
    resume_from: int | None


_Int = Annotated[int, msgspec.Meta(ge=-MAX_INT, le=MAX_INT)]
_Id = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ID)]


class BallotMsg(
    msgspec.Struct,
    forbid_unknown_fields=True,
    frozen=True,
    kw_only=True,
    gc=False,  # it holds decoded data only: never in a cycle, never worth scanning
):
    """A ballot. Also what the fast decoder (fast_ballot) takes: every field checked as
    _ballot and check_plain would; any answer shape a question kind takes (one option, a
    number, a list of options, a map of option to number). Made by the general way, it
    holds whatever answer came (the question kind checks it)."""

    type: Literal["ballot"]  # required: a message without its type takes the general way
    id: _Id
    question: _Id
    answer: _Int | str | list[str] | dict[str, _Int]  # the general way: any JSON value
    seat: Annotated[int, msgspec.Meta(ge=1, le=MAX_INT)] | None = None


@dataclass(frozen=True, slots=True)
class TableTallyMsg:
    id: str
    question: str
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class IdeaMsg:
    id: str
    text: str
    round: str | None


@dataclass(frozen=True, slots=True)
class PingMsg:
    pass


ClientMessage = Hello | BallotMsg | TableTallyMsg | IdeaMsg | PingMsg


def message_id(message: dict[str, Any]) -> str | None:
    """The id to quote in an error, when the message had a usable one."""
    value = message.get("id")
    return value if isinstance(value, str) and 0 < len(value) <= MAX_ID else None


def parse_client_message(message: dict[str, Any]) -> ClientMessage:
    kind = message.get("type")
    if not isinstance(kind, str):
        raise bad("a message must have a string 'type'")
    parser = _PARSERS.get(kind)
    if parser is None:
        raise PrachakhomError(Code.UNKNOWN_TYPE, f"unknown message type {kind[:40]!r}")
    return parser(message)


def _str(message: dict[str, Any], key: str, max_len: int = MAX_ID) -> str:
    value = message.get(key)
    if not isinstance(value, str) or not 0 < len(value) <= max_len:
        raise bad(f"'{key}' must be a string of 1 to {max_len} characters")
    return value


def _opt_int(message: dict[str, Any], key: str, low: int = 0) -> int | None:
    value = message.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise bad(f"'{key}' must be a whole number of at least {low}")
    return value


def _hello(m: dict[str, Any]) -> Hello:
    return Hello(token=_str(m, "token", 200), resume_from=_opt_int(m, "resume_from"))


def _ballot(m: dict[str, Any]) -> BallotMsg:
    if "answer" not in m:
        raise bad("a ballot needs an 'answer'")
    return BallotMsg(
        type="ballot",
        id=_str(m, "id"),
        question=_str(m, "question"),
        answer=m["answer"],
        seat=_opt_int(m, "seat", 1),
    )


def _table_tally(m: dict[str, Any]) -> TableTallyMsg:
    counts = m.get("counts")
    if not isinstance(counts, dict):
        raise bad("'counts' must be a map of option id to a number of hands")
    for option, n in counts.items():
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise bad(f"the count for {option[:40]!r} must be a whole number, 0 or more")
    return TableTallyMsg(id=_str(m, "id"), question=_str(m, "question"), counts=counts)


def _idea(m: dict[str, Any]) -> IdeaMsg:
    text = m.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_IDEA:
        raise bad(f"an idea's 'text' must be 1 to {MAX_IDEA} characters")
    if not has_words(text):
        raise bad("the idea has no words: write it in letters or digits")
    round_ = m.get("round")
    if round_ is not None and (not isinstance(round_, str) or not 0 < len(round_) <= MAX_ID):
        raise bad("'round' must be a short string")
    return IdeaMsg(id=_str(m, "id"), text=text.strip(), round=round_)


# --- the fast way for ballots ----------------------------------------------------------

_FAST = {
    JSON: msgspec.json.Decoder(BallotMsg).decode,
    MSGPACK: msgspec.msgpack.Decoder(BallotMsg).decode,
}


def fast_ballot(frame: str | bytes, codec: Codec) -> BallotMsg | None:
    """The frame as a ballot when it is a well-formed one; None: take the general way."""
    if codec == MSGPACK and isinstance(frame, str):
        return None
    try:
        return _FAST[codec](frame)
    except (msgspec.MsgspecError, ValueError):  # ValueError: invalid UTF-8 in JSON bytes
        return None


_PARSERS = {
    "hello": _hello,
    "ballot": _ballot,
    "table_tally": _table_tally,
    "idea": _idea,
    "ping": lambda m: PingMsg(),
}
