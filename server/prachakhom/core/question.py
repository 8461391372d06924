"""A question as plain data: its definition, its options and texts, and the checks of
their fields. No I/O; question kinds (`methods`) read these types, and `questions.py`
parses a whole definition by its kind.

Texts are a string or a map of language to string ({"th": ..., "en": ...}). A question's
JSON form is declared once: `Definition` holds the fields every kind has, and each kind
(`methods/*.py`) subclasses it with its settings, tagged by `kind`; the HTTP API decodes
into them and the OpenAPI document is generated from them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from prachakhom.core.errors import invalid_question
from prachakhom.core.iap2 import Level

MAX_OPTIONS = 64
MAX_TEXT = 1000
ID_PATTERN = re.compile(r"^[A-Za-z0-9_.+\-]{1,40}$")
Id = Annotated[str, Meta(pattern=ID_PATTERN.pattern, description="1-40 of A-Z a-z 0-9 _ . + -")]
_Line = Annotated[str, Meta(min_length=1, max_length=MAX_TEXT)]
# A text is not blank, and at most MAX_TEXT characters without the spaces around it:
# check_text says so after decoding (a pattern would do for the blank, but msgspec 0.22
# can crash at exit collecting a pattern held in a union: msgspec/msgspec#717).
Text = (
    Annotated[str, Meta(min_length=1, description="not blank, 1..1000 characters")]
    | Annotated[dict[str, _Line], Meta(min_length=1, description="language (th, en) to text")]
)


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


class Option(msgspec.Struct, frozen=True):
    id: Id
    label: Text


class Definition(msgspec.Struct, tag_field="kind", forbid_unknown_fields=True, kw_only=True):
    """The fields every question has, as its JSON carries them; a kind's subclass adds
    its settings (left out: UNSET). `state` is read and ignored (a stored question's
    answer form carries it). The kind's rules across fields run after decoding."""

    id: Id
    prompt: Text
    options: Annotated[list[Option], Meta(max_length=MAX_OPTIONS)] | UnsetType | None = UNSET
    pair_of: Id | None = None
    iap2_level: Level | None = None
    state: Literal["draft", "open", "closed"] | UnsetType = UNSET


COMMON = frozenset(Definition.__struct_fields__)


def definition_dict(definition: Definition) -> dict[str, Any]:
    """A definition's JSON form as the server has always written it (Question.to_dict,
    then its state): id, kind, prompt, options, the kind's settings, pair_of, iap2_level,
    state, the ones not set left out. (msgspec would write the tag first.)"""
    out: dict[str, Any] = {
        "id": definition.id,
        "kind": definition.__struct_config__.tag,
        "prompt": definition.prompt,
    }
    if definition.options:
        out["options"] = [{"id": o.id, "label": o.label} for o in definition.options]
    for name in definition.__struct_fields__:
        if name not in COMMON and (value := getattr(definition, name)) is not UNSET:
            out[name] = value
    if definition.pair_of:
        out["pair_of"] = definition.pair_of
    if definition.iap2_level:
        out["iap2_level"] = definition.iap2_level
    if definition.state is not UNSET:
        out["state"] = definition.state
    return out


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
