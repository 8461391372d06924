"""The ideas from the tables and the theme team's themes, as their JSON is declared:
stored, answered, and carried by the events (`idea`, `themes_changed`, `suggestions`).

The themes (themes/) and the web edge read and answer these; they live in the core
because the events (events.py) carry them. Each Struct's fields are in the order the
stored JSON has them: an event read back and sent on is written in that order again.
"""

from __future__ import annotations

import msgspec
from msgspec import UNSET, UnsetType


class Idea(msgspec.Struct, kw_only=True):
    """An idea as a table sent it (GET …/ideas): the idea stream the themes file."""

    id: str
    text: str
    round: str | None = None
    table: int
    site: str | None = None
    at: int  # when it was stored, ms since the epoch


class Quote(msgspec.Struct):
    idea: str
    text: str
    table: int | None


class Theme(msgspec.Struct):
    """A theme as stored and answered; with ?quotes=N (the display's wall) also the
    tables and sites its ideas came from and N representative quotes."""

    id: str
    label: str | dict[str, str]
    ideas: list[str]
    at: int
    tables: int | UnsetType = UNSET
    sites: list[str] | UnsetType = UNSET
    quotes: list[Quote] | UnsetType = UNSET


class ThemeScore(msgspec.Struct):
    theme: str
    score: float  # 0..1
    label: str | dict[str, str] | UnsetType = UNSET


class IdeaScore(msgspec.Struct):
    idea: str
    score: float  # 0..1


class IdeaSuggestions(msgspec.Struct):
    """Where a new idea may belong (the `suggestions` event, per idea): the best themes
    and the ideas most like it."""

    themes: list[ThemeScore]
    similar: list[IdeaScore]
