"""A question as plain data: its definition, its options and texts, and the checks of
their fields. No I/O; question kinds (`methods`) read these types, and `questions.py`
parses a whole definition by its kind.

Texts are a string or a map of language to string ({"th": ..., "en": ...}).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from prachakhom.core.errors import invalid_question

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
