"""The wire protocol, sans I/O: subprotocols, the one decoder of client frames, encoding.

    frame (str | bytes) --decode--> Hello | BallotMsg | ...     (messages.ClientMessage)
                          └ or raises Refused(code, message, id), worded by `explain`
    ServerMessage | event map --encode--> frame

`decode` is msgspec's decoder of the tagged union: one pass from the frame's bytes
straight into the message's Struct, every type and limit of docs/protocol.md checked on
the way (for an idea, then, that its text has words). Only a frame it refuses is read
again: a ballot whose answer has a shape no question kind takes as a PlainBallot (its
kind refuses it later, with invalid_answer), anything else loosely (orjson, msgpack) to
word the refusal: which rule, which code (bad_message, or unknown_type for a type the
server does not know) and the id to quote. That loose read never accepts anything.

Nothing past this module sees a float where an int belongs, a msgpack extension or a
2**70: not in a message's fields, and not in a ballot's answer (plain data, checked here).
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any, Final, Literal

import msgpack
import msgspec
import orjson

from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.messages import (
    CLIENT_TYPES,
    MAX_ID,
    MAX_IDEA,
    MAX_INT,
    MAX_TOKEN,
    ClientMessage,
    IdeaMsg,
    PlainBallot,
)

__all__ = ["MAX_ID", "MAX_IDEA", "MAX_INT", "MAX_TOKEN"]  # limits, re-exported for callers

JSON: Final = "prachakhom.v1.json"
MSGPACK: Final = "prachakhom.v1.msgpack"
SUBPROTOCOLS = (JSON, MSGPACK)
Codec = Literal["prachakhom.v1.json", "prachakhom.v1.msgpack"]

MAX_DEPTH = 8  # an answer is at most a map of lists; anything deeper is hostile


def has_words(text: str) -> bool:
    """Some letter or digit in it: an idea of emoji or punctuation only is refused."""
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def choose_subprotocol(offered: list[str]) -> Codec | None:
    """The server picks the first offered one it knows; none offered means JSON."""
    for name in offered:
        if name in SUBPROTOCOLS:
            return name  # type: ignore[return-value]
    return None


def bad(message: str) -> PrachakhomError:
    return PrachakhomError(Code.BAD_MESSAGE, message)


class Refused(PrachakhomError):
    """A frame `decode` refuses: the code, the words, and the id to quote if usable."""

    def __init__(self, code: Code, message: str, id: str | None = None) -> None:
        super().__init__(code, message)
        self.id = id


# --- decoding client frames --------------------------------------------------------------


def _no_ext(code: int, data: Any) -> Any:
    raise ValueError(f"MessagePack extension type {code} is not accepted")


_decode_json = msgspec.json.Decoder(ClientMessage).decode
_decode_msgpack = msgspec.msgpack.Decoder(ClientMessage, ext_hook=_no_ext).decode
_DECODE_PLAIN_BALLOT = {
    JSON: msgspec.json.Decoder(PlainBallot).decode,
    MSGPACK: msgspec.msgpack.Decoder(PlainBallot, ext_hook=_no_ext).decode,
}
_REFUSED_BY_DECODER = (msgspec.MsgspecError, ValueError, TypeError, RecursionError)


def decode(frame: str | bytes, codec: Codec) -> ClientMessage:
    """One frame to one client message, or Refused. Never anything else, whatever comes."""
    try:
        if codec == JSON:
            message = _decode_json(frame)
        elif isinstance(frame, str):
            raise TypeError("a text frame on a MessagePack connection")
        else:
            message = _decode_msgpack(frame)
    except _REFUSED_BY_DECODER as exc:
        if isinstance(exc, msgspec.ValidationError) and "at `$.answer" in str(exc):
            return _plain_ballot(frame, codec)  # an answer of a shape no kind takes
        raise explain(frame, codec, exc) from None
    if type(message) is IdeaMsg:
        return _idea(message)
    return message  # type: ignore[no-any-return]  # msgspec's decoder is typed Any


def _plain_ballot(frame: str | bytes, codec: Codec) -> PlainBallot:
    try:
        ballot = _DECODE_PLAIN_BALLOT[codec](frame)  # type: ignore[arg-type]
    except _REFUSED_BY_DECODER as exc:
        raise explain(frame, codec, exc) from None
    try:
        _check_plain(ballot.answer, 1)  # 1: the answer sits one deep in its message
    except PrachakhomError:
        raise explain(frame, codec, None) from None
    return ballot


def _idea(idea: IdeaMsg) -> IdeaMsg:
    text = idea.text.strip()
    if not text:
        raise Refused(
            Code.BAD_MESSAGE, f"an idea's 'text' must be 1 to {MAX_IDEA} characters", idea.id
        )
    if not has_words(text):
        raise Refused(
            Code.BAD_MESSAGE, "the idea has no words: write it in letters or digits", idea.id
        )
    return idea if text == idea.text else msgspec.structs.replace(idea, text=text)


# --- wording a refusal -------------------------------------------------------------------

_RULES = {
    "id": f"'id' must be a string of 1 to {MAX_ID} characters",
    "question": f"'question' must be a string of 1 to {MAX_ID} characters",
    "token": f"'token' must be a string of 1 to {MAX_TOKEN} characters",
    "resume_from": "'resume_from' must be a whole number of at least 0",
    "seat": "'seat' must be a whole number of at least 1",
    "answer": "a ballot needs an 'answer'",
    "counts": "'counts' must be a map of option id to a whole number of hands, 0 or more",
    "text": f"an idea's 'text' must be 1 to {MAX_IDEA} characters",
    "round": f"'round' must be a string of 1 to {MAX_ID} characters",
}
_FIELD = re.compile(r"field `(\w+)`|at `\$\.(\w+)")


def explain(frame: str | bytes, codec: Codec, exc: Exception | None) -> Refused:
    """Why `decode` refused this frame, as the client is told: read loosely, then checked
    rule by rule in the order of docs/protocol.md (decodable, a map, plain data, a known
    type, its fields)."""
    try:
        raw = _load(frame, codec)
    except PrachakhomError as refusal:  # not even a map: nothing to quote
        return Refused(refusal.code, refusal.message)
    quoted = message_id(raw)
    try:
        check_plain(raw)
    except PrachakhomError as refusal:
        return Refused(refusal.code, refusal.message, quoted)
    kind = raw.get("type")
    if not isinstance(kind, str):
        return Refused(Code.BAD_MESSAGE, "a message must have a string 'type'", quoted)
    if kind not in CLIENT_TYPES:
        return Refused(Code.UNKNOWN_TYPE, f"unknown message type {kind[:40]!r}", quoted)
    found = _FIELD.search(str(exc)) if exc is not None else None
    field = found and (found[1] or found[2])
    if field in _RULES:
        return Refused(Code.BAD_MESSAGE, _RULES[field], quoted)
    if isinstance(exc, RecursionError):
        return Refused(Code.BAD_MESSAGE, "the message is nested too deeply", quoted)
    if exc is None:  # a ballot's answer that is not plain data, as decode reads it
        return Refused(Code.BAD_MESSAGE, "a number in the answer is out of range", quoted)
    return Refused(Code.BAD_MESSAGE, f"not a valid {kind} message: {str(exc)[:120]}", quoted)


def message_id(message: dict[str, Any]) -> str | None:
    """The id to quote in an error, when the message had a usable one."""
    value = message.get("id")
    return value if isinstance(value, str) and 0 < len(value) <= MAX_ID else None


# --- frames as plain maps (a client reading the server; the wording of a refusal) --------


def decode_map(frame: str | bytes, codec: Codec) -> dict[str, Any]:
    """One frame to one map of plain data (check_plain). Raises bad_message otherwise."""
    message = _load(frame, codec)
    check_plain(message)
    return message


def _load(frame: str | bytes, codec: Codec) -> dict[str, Any]:
    try:
        if codec == MSGPACK:
            if isinstance(frame, str):
                raise bad("this connection speaks MessagePack: send binary frames")
            # unpackb caps every length by the frame's own length; the frame itself is
            # capped (max_frame) before it gets here
            message = msgpack.unpackb(
                frame, raw=False, strict_map_key=True, ext_hook=_no_ext_loose, timestamp=0
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


def _no_ext_loose(code: int, data: bytes) -> Any:
    raise bad(f"MessagePack extension type {code} is not accepted")


def check_plain(message: dict[str, Any]) -> None:
    """Only maps with string keys, lists, strings, ints in range, bools and null."""
    _check_plain(message, 0)


def _check_plain(value: Any, depth: int) -> None:
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


# --- encoding ------------------------------------------------------------------------------

_ENCODE = {JSON: msgspec.json.Encoder().encode, MSGPACK: msgspec.msgpack.Encoder().encode}


def encode(message: msgspec.Struct | dict[str, Any], codec: Codec) -> str | bytes:
    """A message (a Struct of messages.py, or an event's map) to one frame of the codec.

    Maps go through orjson and msgpack as they always did; Structs through msgspec, which
    writes the same bytes for every value they hold (strings, ints, bools; the welcome's
    state too, but for a float of 1e16 or more, which no state holds: orjson writes 1e+16)."""
    if isinstance(message, dict):
        if codec == MSGPACK:
            return msgpack.packb(message, use_bin_type=True)
        return orjson.dumps(message).decode()
    frame = _ENCODE[codec](message)
    return frame if codec == MSGPACK else frame.decode()
