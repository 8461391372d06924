"""Questions parsed and checked from JSON, by their kind: no I/O.

    JSON bytes (an HTTP body) --decode_question()--┐
    JSON read (stored, built) --parse_question()---┴-> the kind's Definition Struct
        --its kind's rules across fields--> Question (question.py)
        └ or refused: read again loosely, rule by rule, only to word it (explain)

A question's kind decides how an answer is validated and counted (see `methods`), so
this module sits above the kinds; the types themselves live in `question.py`, below them.
"""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET

from prachakhom.core import iap2
from prachakhom.core.errors import PrachakhomError, decode_body, invalid_question
from prachakhom.core.methods import DEFINITION, KINDS, Kind, kind_named
from prachakhom.core.question import (
    ID_PATTERN,
    MAX_OPTIONS,
    MAX_TEXT,
    Definition,
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
    "decode_question",
    "definition_of",
    "parse_question",
    "question_of",
    "text_in",
]

_COMMON = {"id", "kind", "prompt", "options", "pair_of", "iap2_level", "state"}


def check_iap2_level(value: Any) -> str | None:
    """A level of the IAP2 spectrum, or None (not set). Raises invalid_question."""
    why = iap2.problem(value)
    if why is not None:
        raise invalid_question(why)
    return value  # type: ignore[no-any-return]


_KIND_OF: dict[type[Definition], Kind] = {k.definition: k for k in KINDS.values()}
_decode = msgspec.json.Decoder(DEFINITION).decode


def decode_question(raw: bytes) -> Question:
    """A question from its JSON bytes (an HTTP body): one decode into its kind's Struct."""
    return question_of(decode_body(_decode, raw, explain))


def parse_question(data: Any) -> Question:
    """A question from its JSON form already read (stored, or built by the server)."""
    try:
        definition = msgspec.convert(data, DEFINITION)
    except msgspec.ValidationError as exc:
        raise explain(data, exc) from None
    return question_of(definition)


def definition_of(question: Question, state: str | None = None) -> Definition:
    """The question as its kind's Struct (what the question events carry), with its
    state when given."""
    data = question.to_dict() if state is None else question.to_dict() | {"state": state}
    return msgspec.convert(data, DEFINITION)  # type: ignore[no-any-return]


def question_of(definition: Definition) -> Question:
    """The rules a type cannot say: texts not blank, a kind with options has 1 or more,
    each id once; then the kind's own (max_rank within the options, min < max...)."""
    kind = _KIND_OF[type(definition)]
    options = definition.options or []
    if kind.has_options:
        _check_options(options)
    elif options:
        raise invalid_question(f"a {kind.name} question has no options")
    question = Question(
        id=definition.id,
        kind=kind.name,
        prompt=check_text(definition.prompt, "the prompt"),
        options=tuple(options) if kind.has_options else (),
        settings={
            name: value
            for name in kind.settings
            if (value := getattr(definition, name)) is not UNSET
        },
        pair_of=definition.pair_of,
        iap2_level=definition.iap2_level,
    )
    kind.check_question(question)
    return question


def _check_options(options: list[Option]) -> None:
    if not options:
        raise invalid_question(f"options must be a list of 1 to {MAX_OPTIONS} options")
    seen: set[str] = set()
    for option in options:
        if option.id in seen:
            raise invalid_question(f"option id {option.id!r} is used twice")
        seen.add(option.id)
        check_text(option.label, f"option {option.id}'s label")


# --- wording a refusal: the definition read loosely, rule by rule ---------------------


def explain(data: Any, exc: Exception) -> PrachakhomError:
    """Why the decoder refused this definition, in the words the API has always used."""
    try:
        _check_loosely(data)
    except PrachakhomError as refusal:
        return refusal
    return invalid_question(f"not a valid question: {str(exc)[:120]}")


def _check_loosely(data: Any) -> None:
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
    kind.check_question(
        Question(
            id=check_id(data.get("id"), "a question id"),
            kind=kind.name,
            prompt=check_text(data.get("prompt"), "the prompt"),
            options=options,
            settings=settings,
            pair_of=check_id(pair_of, "pair_of") if pair_of is not None else None,
            iap2_level=check_iap2_level(data.get("iap2_level")),
        )
    )


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
