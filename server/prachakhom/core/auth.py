"""Tokens, join codes and who may do what. Pure: the store keeps what these make."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from prachakhom.core.errors import NOT_JSON
from prachakhom.core.question import Text

# No look-alikes: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
TOKEN_BYTES = 24  # 192 bits of randomness


class Role(StrEnum):
    ORGANISER = "organiser"
    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"
    DISPLAY = "display"
    THEME = "theme"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a token speaks for: a role in one meeting, and for tables and seats, which."""

    role: Role
    meeting: str
    table: int | None = None
    seat: int | None = None
    site: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"role": self.role.value, "meeting": self.meeting}
        for key in ("table", "seat", "site"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Principal:
        return cls(
            role=Role(data["role"]),
            meeting=data["meeting"],
            table=data.get("table"),
            seat=data.get("seat"),
            site=data.get("site"),
        )


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


MAX_CODE = 39  # longer is no code of ours


def normalise_code(text: str) -> str:
    """What a person types: spaces, dashes and lower case are forgiven."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def new_meeting_id() -> str:
    return "m" + "".join(secrets.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(9))


def new_token(meeting: str) -> str:
    """`<meeting>.<random>`: the meeting part tells the server where to look it up."""
    return f"{meeting}.{secrets.token_urlsafe(TOKEN_BYTES)}"


def token_meeting(token: str) -> str | None:
    meeting, dot, rest = token.partition(".")
    return meeting if dot and meeting and rest else None


def token_digest(token: str) -> str:
    """Only the digest is stored: a copy of Redis does not hand out working tokens."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_secret(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class Codes(msgspec.Struct):
    """A meeting's join codes, as POST /api/meetings answers them (and the organiser
    reads them again): per table, per seat when seat codes are on, displays, theme team."""

    tables: dict[str, str]  # table number -> code
    display: str
    theme: str
    seats: dict[str, dict[str, str]] | UnsetType = UNSET  # table -> seat -> code


class JoinAsk(msgspec.Struct):
    """POST /api/join's body: the code a person was given (other fields are ignored)."""

    code: Annotated[
        str,
        Meta(
            max_length=MAX_CODE, description="as typed: spaces, dashes and lower case are forgiven"
        ),
    ]


_JOIN_ASK = msgspec.json.Decoder(JoinAsk)


def decode_join(raw: bytes) -> str | None:
    """The code asked for, read in one pass; None when the body holds none that could be
    one (a wrong code, to count as one). Broken JSON is refused."""
    try:
        return _JOIN_ASK.decode(raw).code
    except msgspec.ValidationError:
        try:  # msgspec may refuse the shape before it reaches broken JSON
            msgspec.json.decode(raw)
        except msgspec.DecodeError:
            raise NOT_JSON from None
        return None
    except msgspec.DecodeError:
        raise NOT_JSON from None


class Joined(msgspec.Struct):
    """POST /api/join's answer: a token for the code's principal, and the meeting's name."""

    token: str
    role: Literal["organiser", "facilitator", "participant", "display", "theme"]
    meeting: str
    table: Annotated[int, Meta(ge=1)] | UnsetType = UNSET
    seat: Annotated[int, Meta(ge=1)] | UnsetType = UNSET
    site: str | UnsetType = UNSET
    title: Text | UnsetType = UNSET
    language: str | UnsetType = UNSET
