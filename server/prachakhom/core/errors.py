"""The one error vocabulary of the wire protocol and the HTTP API.

    PrachakhomError(code, message)      anything the client did wrong, or storage down
      └── carried to the client as {"type": "error", "code", "message"} on the socket,
          or {"error": {"code", "message"}} with `code.http_status` over HTTP.

Codes are stable strings: the browser apps translate them. Messages are plain English
that a facilitator can act on.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

import msgspec
import orjson


class Code(StrEnum):
    BAD_MESSAGE = "bad_message"
    UNKNOWN_TYPE = "unknown_type"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    QUESTION_NOT_OPEN = "question_not_open"
    INVALID_ANSWER = "invalid_answer"
    INVALID_QUESTION = "invalid_question"
    CONFLICT = "conflict"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"

    @property
    def http_status(self) -> int:
        return _HTTP_STATUS[self]


_HTTP_STATUS = {
    Code.BAD_MESSAGE: 400,
    Code.UNKNOWN_TYPE: 400,
    Code.UNAUTHORIZED: 401,
    Code.FORBIDDEN: 403,
    Code.NOT_FOUND: 404,
    Code.QUESTION_NOT_OPEN: 409,
    Code.INVALID_ANSWER: 422,
    Code.INVALID_QUESTION: 422,
    Code.CONFLICT: 409,
    Code.RATE_LIMITED: 429,
    Code.UNAVAILABLE: 503,
}


class PrachakhomError(Exception):
    """A refusal with a stable code and a message a person can read."""

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"PrachakhomError({self.code.value!r}, {self.message!r})"

    def __reduce__(self) -> tuple[type[PrachakhomError], tuple[Code, str]]:
        # raised in a worker process, it comes back pickled; without this, unpickling
        # fails and the process pool counts the job's refusal as a broken pool
        return type(self), (self.code, self.message)

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code.value, "message": self.message}


def invalid_answer(message: str) -> PrachakhomError:
    return PrachakhomError(Code.INVALID_ANSWER, message)


def invalid_question(message: str) -> PrachakhomError:
    return PrachakhomError(Code.INVALID_QUESTION, message)


class Refusal(msgspec.Struct):
    code: Code  # stable: the browser apps translate by it
    message: str  # in English, for a person


class Error(msgspec.Struct):
    """Every refusal's body: `{"error": {"code", "message"}}` with the code's status."""

    error: Refusal


NOT_JSON = PrachakhomError(Code.BAD_MESSAGE, "the request body is not valid JSON")


T = TypeVar("T")


def decode_body(
    decode: Callable[[bytes], T],
    raw: bytes,
    explain: Callable[[Any, msgspec.ValidationError], PrachakhomError],
) -> T:
    """A body's bytes decoded in one pass into its type. When they are refused, the body
    is read again loosely only for `explain` to word the refusal in the API's words;
    bytes that are no JSON are NOT_JSON (msgspec may refuse the shape before it reaches
    the broken part, so the loose read decides)."""
    try:
        return decode(raw)
    except msgspec.ValidationError as exc:
        try:
            read = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise NOT_JSON from None
        raise explain(read, exc) from None
    except msgspec.DecodeError:
        raise NOT_JSON from None
