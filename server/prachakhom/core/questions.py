"""Questions parsed and checked from JSON, by their kind: no I/O.

    JSON definition --parse_question()--> Question (question.py), checked by its kind

A question's kind decides how an answer is validated and counted (see `methods`), so
this module sits above the kinds; the types themselves live in `question.py`, below them.
"""

from __future__ import annotations

from typing import Any

from prachakhom.core import iap2
from prachakhom.core.errors import invalid_question
from prachakhom.core.methods import kind_named
from prachakhom.core.question import (
    ID_PATTERN,
    MAX_OPTIONS,
    MAX_TEXT,
    Option,
    Question,
    Text,
    check_id,
    check_text,
    text_in,
)

__all__ = [
    "ID_PATTERN",
    "MAX_OPTIONS",
    "MAX_TEXT",
    "Option",
    "Question",
    "Text",
    "check_iap2_level",
    "check_id",
    "check_text",
    "parse_question",
    "text_in",
]

_COMMON = {"id", "kind", "prompt", "options", "pair_of", "iap2_level", "state"}


def check_iap2_level(value: Any) -> str | None:
    """A level of the IAP2 spectrum, or None (not set). Raises invalid_question."""
    why = iap2.problem(value)
    if why is not None:
        raise invalid_question(why)
    return value  # type: ignore[no-any-return]


def parse_question(data: Any) -> Question:
    """A question from its JSON form, checked by its kind. Raises invalid_question."""
    if not isinstance(data, dict):
        raise invalid_question("a question must be a JSON object")
    kind = kind_named(data.get("kind"))
    options = tuple(_parse_options(data.get("options"))) if kind.has_options else ()
    if not kind.has_options and data.get("options"):
        raise invalid_question(f"a {kind.name} question has no options")
    settings = {k: v for k, v in data.items() if k not in _COMMON}
    unknown = set(settings) - set(kind.settings)
    if unknown:
        raise invalid_question(f"a {kind.name} question does not take {', '.join(sorted(unknown))}")
    pair_of = data.get("pair_of")
    question = Question(
        id=check_id(data.get("id"), "a question id"),
        kind=kind.name,
        prompt=check_text(data.get("prompt"), "the prompt"),
        options=options,
        settings=settings,
        pair_of=check_id(pair_of, "pair_of") if pair_of is not None else None,
        iap2_level=check_iap2_level(data.get("iap2_level")),
    )
    kind.check_question(question)
    return question


def _parse_options(data: Any) -> list[Option]:
    if not isinstance(data, list) or not 1 <= len(data) <= MAX_OPTIONS:
        raise invalid_question(f"options must be a list of 1 to {MAX_OPTIONS} options")
    options, seen = [], set()
    for item in data:
        if not isinstance(item, dict):
            raise invalid_question("each option must be an object {id, label}")
        oid = check_id(item.get("id"), "an option id")
        if oid in seen:
            raise invalid_question(f"option id {oid!r} is used twice")
        seen.add(oid)
        options.append(Option(id=oid, label=check_text(item.get("label"), f"option {oid}'s label")))
    return options
