"""How far people were involved: the IAP2 spectrum of public participation, pure.

An organiser marks each question (agenda item) with the level of the spectrum it stands
for, so that a public body can report what the public's part in each decision was:

    inform < consult < involve < collaborate < empower

A question's `iap2_level` is optional (absent: not set). The names are the established
Thai ones (the Office of the Public Sector Development Commission's and King
Prajadhipok's Institute's handbooks on participation); docs/protocol.md says why these.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal, get_args

import msgspec
from msgspec import Meta

from prachakhom.core.errors import Code, PrachakhomError, decode_body

Level = Literal["inform", "consult", "involve", "collaborate", "empower"]
LEVELS: tuple[str, ...] = get_args(Level)

# level: (Thai, English). The browser apps carry the same words in clients/i18n.
NAMES: dict[str, tuple[str, str]] = {
    "inform": ("การให้ข้อมูลข่าวสาร", "Inform"),
    "consult": ("การรับฟังความคิดเห็น", "Consult"),
    "involve": ("การเข้ามามีบทบาท", "Involve"),
    "collaborate": ("การร่วมมือ", "Collaborate"),
    "empower": ("การเสริมอำนาจแก่ประชาชน", "Empower"),
}


def problem(value: Any) -> str | None:
    """None when `value` is a level, or None (not set); else what is wrong, in words."""
    if value is None or (isinstance(value, str) and value in LEVELS):
        return None
    return f"iap2_level must be one of {', '.join(LEVELS)}, or null (got {value!r:.40})"


class LevelAsk(msgspec.Struct, forbid_unknown_fields=True):
    """PUT …/questions/{q}/iap2: the question's level, or null to clear it."""

    level: Annotated[
        Level | None,
        Meta(description="the question's level on the IAP2 spectrum; null clears it"),
    ]


_LEVEL_ASK = msgspec.json.Decoder(LevelAsk)
_BODY = 'the body must be {"level": <level or null>}'


def decode_level(raw: bytes) -> Level | None:
    """The level asked for, read in one pass; refused in the API's words."""
    return decode_body(_LEVEL_ASK.decode, raw, _explain).level


def _explain(body: Any, _exc: msgspec.ValidationError) -> PrachakhomError:
    if not isinstance(body, dict) or set(body) != {"level"}:
        return PrachakhomError(Code.BAD_MESSAGE, _BODY)
    why = problem(body["level"]) or _BODY
    return PrachakhomError(Code.BAD_MESSAGE, why.replace("iap2_level", "level"))


def name(level: str, language: str) -> str:
    th, en = NAMES[level]
    return en if language == "en" else th


def involvement(questions: Iterable[tuple[str, str | None]]) -> dict[str, Any]:
    """Question ids by level, every level in the spectrum's order (an unused level has
    none), and the ids of questions with no level set. `questions`: (id, level) pairs
    in agenda order."""
    by_level: dict[str, list[str]] = {level: [] for level in LEVELS}
    not_set: list[str] = []
    for question_id, level in questions:
        by_level.get(level or "", not_set).append(question_id)
    return {
        "levels": [
            {"level": level, "step": step, "questions": ids}
            for step, (level, ids) in enumerate(by_level.items(), start=1)
        ],
        "not_set": not_set,
    }
