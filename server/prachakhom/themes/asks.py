"""What the theme team's requests ask for, checked: pure rules the handlers apply.

body --check_count / check_group_size--> the request's limits
themes + body --question_of_themes()--> a question definition (parsed by its kind)
themes + ask --saved_theme()--> the theme to write (then filing.replace_theme)
"""

from __future__ import annotations

from typing import Any

from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.themes.filing import Themes

GROUPS_MOST_IDEAS = 5000
COUNT_MOST = 100
THEMES_PROMPT = {"th": "จัดลำดับความสำคัญของประเด็น", "en": "Rank the themes by priority"}
_GIVEN_APART = ("id", "kind", "prompt", "options")


def check_group_size(ideas: Any) -> None:
    if isinstance(ideas, list) and len(ideas) > GROUPS_MOST_IDEAS:
        raise PrachakhomError(
            Code.BAD_MESSAGE, f"at most {GROUPS_MOST_IDEAS} ideas can be grouped at once"
        )


def check_count(count: Any) -> int | None:
    """How many groups to propose: None (the engine's choice), or 1..100."""
    if count is not None and (
        not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= COUNT_MOST
    ):
        raise PrachakhomError(Code.BAD_MESSAGE, "count must be a whole number from 1 to 100")
    return count


def check_quotes(quotes: str | None) -> int | None:
    """?quotes=N: None (the themes alone), or 1..5 quotes per theme."""
    if quotes is None:
        return None
    if not quotes.isdigit() or not 1 <= int(quotes) <= 5:
        raise PrachakhomError(Code.BAD_MESSAGE, "quotes must be a number from 1 to 5")
    return int(quotes)


def check_theme_id(theme_id: Any) -> str | None:
    if theme_id is not None and not isinstance(theme_id, str):
        raise PrachakhomError(Code.BAD_MESSAGE, "a theme's id is a text")
    return theme_id


def saved_theme(
    themes: Themes,
    theme_id: str | None,
    new: dict[str, Any],
    label: Any,
    ideas: list[str] | None,
) -> dict[str, Any]:
    """The theme as it will be: the one named (else `new`) with the label and ideas given."""
    if theme_id is not None and theme_id not in themes:
        raise PrachakhomError(Code.NOT_FOUND, f"no such theme: {theme_id!r:.40}")
    theme = dict(themes[theme_id] if theme_id else new)
    if label is not None:
        theme["label"] = label
    if ideas is not None:
        theme["ideas"] = ideas
    return theme


def question_of_themes(
    themes: list[dict[str, Any]], body: dict[str, Any], new_id: str
) -> dict[str, Any]:
    """A question whose options are the themes, in their order: ranked unless the body
    names another kind; the body's other fields are the kind's settings."""
    if len(themes) < 2:
        raise PrachakhomError(Code.CONFLICT, "make at least two themes first")
    kind = body.get("kind", "ranked")
    data = {
        "id": body.get("id") or new_id,
        "kind": kind,
        "prompt": body.get("prompt") or THEMES_PROMPT,
        "options": [{"id": t["id"], "label": t["label"]} for t in themes],
    } | {k: v for k, v in body.items() if k not in _GIVEN_APART}
    if kind == "ranked":
        data.setdefault("max_rank", min(3, len(themes)))
    return data
