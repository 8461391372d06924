"""Questions and meetings as plain data: parsed and checked from JSON, no I/O.

A question's kind decides how an answer is validated and counted (see `methods`).
Texts are a string or a map of language to string ({"th": ..., "en": ...}).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from . import iap2
from .errors import invalid_question

Text = str | dict[str, str]

ID_PATTERN = re.compile(r"^[A-Za-z0-9_.+\-]{1,40}$")
MAX_OPTIONS = 64
MAX_TEXT = 1000


def check_id(value: Any, what: str) -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise invalid_question(
            f"{what} must be 1-40 letters, digits, '_', '-', '.', or '+' (got {value!r:.60})"
        )
    return value


def check_text(value: Any, what: str) -> Text:
    if isinstance(value, str) and 0 < len(value.strip()) <= MAX_TEXT:
        return value
    if (
        isinstance(value, dict)
        and value
        and all(
            isinstance(k, str) and isinstance(v, str) and 0 < len(v) <= MAX_TEXT
            for k, v in value.items()
        )
    ):
        return dict(value)
    raise invalid_question(f"{what} must be a text, or a map like {{'th': ..., 'en': ...}}")


def text_in(value: Text, language: str) -> str:
    """A text in one language, falling back to Thai, English, then any."""
    if isinstance(value, str):
        return value
    for lang in (language, "th", "en"):
        if lang in value:
            return value[lang]
    return next(iter(value.values()))


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    label: Text


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    prompt: Text
    options: tuple[Option, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)
    pair_of: str | None = None
    iap2_level: str | None = None  # the organiser's mark on the IAP2 spectrum (iap2.py)

    @cached_property
    def option_ids(self) -> tuple[str, ...]:
        """Computed once: validation asks for it for every ballot."""
        return tuple(o.id for o in self.options)

    def label(self, option_id: str) -> Text:
        for o in self.options:
            if o.id == option_id:
                return o.label
        return option_id

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "prompt": self.prompt}
        if self.options:
            out["options"] = [{"id": o.id, "label": o.label} for o in self.options]
        out.update(self.settings)
        if self.pair_of:
            out["pair_of"] = self.pair_of
        if self.iap2_level:
            out["iap2_level"] = self.iap2_level
        return out


_COMMON = {"id", "kind", "prompt", "options", "pair_of", "iap2_level", "state"}


def check_iap2_level(value: Any) -> str | None:
    """A level of the IAP2 spectrum, or None (not set). Raises invalid_question."""
    why = iap2.problem(value)
    if why is not None:
        raise invalid_question(why)
    return value  # type: ignore[no-any-return]


def parse_question(data: Any) -> Question:
    """A question from its JSON form, checked by its kind. Raises invalid_question."""
    from .methods import kind_named  # the registry imports this module

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
