"""Filing ideas into themes, pure: what a change writes, or why it is refused.

An idea sits in at most one theme. Filing an idea that another theme holds is refused
with `conflict` and the map `filed` (idea -> theme), unless the caller asks to move it:
two people of the theme team touching the same idea get a clear notice, not a silent
double filing. The store applies these functions inside one optimistic transaction.
"""

from __future__ import annotations

from typing import Any

from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.questions import MAX_TEXT
from prachakhom.store.store import ThemeChange

Themes = dict[str, dict[str, Any]]
LABEL_MOST = MAX_TEXT
IDS_MOST = 10_000


class FilingConflict(PrachakhomError):
    """Ideas already in another theme: `filed` says where."""

    def __init__(self, filed: dict[str, str], themes: Themes) -> None:
        first, theme = next(iter(filed.items()))
        label = label_text(themes[theme].get("label", theme))
        more = f" (and {len(filed) - 1} more)" if len(filed) > 1 else ""
        super().__init__(
            Code.CONFLICT,
            f"idea {first} is already in the theme {label!r}{more}; "
            "send move: true to move it here",
        )
        self.filed = filed

    def to_dict(self) -> dict[str, Any]:
        return super().to_dict() | {"filed": self.filed}


def check_label(label: Any) -> str | dict[str, str]:
    """A theme's name: a non-blank text, or one per language (`{"th": …, "en": …}`)."""
    if isinstance(label, dict) and label and all(isinstance(v, str) for v in label.values()):
        return {str(k): _one_label(v) for k, v in label.items()}
    return _one_label(label)


def _one_label(label: Any) -> str:
    if not isinstance(label, str) or not label.strip():
        raise PrachakhomError(Code.BAD_MESSAGE, "the theme's label must be a non-blank text")
    label = " ".join(label.split())
    if len(label) > LABEL_MOST:
        raise PrachakhomError(
            Code.BAD_MESSAGE, f"the theme's label is over {LABEL_MOST} characters"
        )
    return label


def label_text(label: Any) -> str:
    """All of a theme's name as one text (both languages: the encoder reads either)."""
    if isinstance(label, dict):
        return " / ".join(str(v) for v in label.values())
    return str(label)


def idea_ids(value: Any, known: set[str] | None, what: str = "ideas") -> list[str]:
    """A list of idea ids, each once; each one known (unless `known` is None)."""
    if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
        raise PrachakhomError(Code.BAD_MESSAGE, f"{what} must be a list of idea ids")
    if len(value) > IDS_MOST:
        raise PrachakhomError(Code.BAD_MESSAGE, f"at most {IDS_MOST} idea ids at once")
    unknown = [] if known is None else [i for i in value if i not in known]
    if unknown:
        raise PrachakhomError(Code.NOT_FOUND, f"no such idea: {unknown[0]!r:.60}")
    return list(dict.fromkeys(value))


def file_ideas(
    themes: Themes,
    theme_id: str,
    *,
    add: list[str],
    remove: list[str],
    move: bool,
    label: str | dict[str, str] | None = None,
) -> ThemeChange:
    """The themes to write, and the theme after, for adding and removing ideas of one."""
    if theme_id not in themes:
        raise PrachakhomError(Code.NOT_FOUND, f"no such theme: {theme_id!r:.40}")
    theme = dict(themes[theme_id])
    if label is not None:
        theme["label"] = label
    taken = holders(themes, add, but=theme_id)
    if taken and not move:
        raise FilingConflict(taken, themes)
    writes = _release(themes, taken)
    gone = set(remove)
    kept = [i for i in theme.get("ideas", []) if i not in gone]
    theme["ideas"] = list(dict.fromkeys([*kept, *(i for i in add if i not in gone)]))
    return ThemeChange([*writes, theme], theme)


def replace_theme(themes: Themes, theme: dict[str, Any], *, move: bool) -> ThemeChange:
    """The themes to write for a theme written whole (created or updated)."""
    taken = holders(themes, theme.get("ideas", []), but=theme["id"])
    if taken and not move:
        raise FilingConflict(taken, themes)
    return ThemeChange([*_release(themes, taken), theme], theme)


def delete_theme(themes: Themes, theme_id: str) -> ThemeChange:
    """A theme deleted: its ideas are unfiled again."""
    if theme_id not in themes:
        raise PrachakhomError(Code.NOT_FOUND, f"no such theme: {theme_id!r:.40}")
    return ThemeChange([], {"deleted": theme_id}, delete=(theme_id,))


def holders(themes: Themes, ideas: list[str], *, but: str) -> dict[str, str]:
    """Which of `ideas` another theme than `but` holds: idea -> theme."""
    wanted = set(ideas)
    return {
        i: t["id"]
        for t in themes.values()
        if t["id"] != but
        for i in t.get("ideas", [])
        if i in wanted
    }


def _release(themes: Themes, taken: dict[str, str]) -> list[dict[str, Any]]:
    """The other themes without the ideas that move away from them."""
    writes = []
    for theme_id in dict.fromkeys(taken.values()):
        other = dict(themes[theme_id])
        other["ideas"] = [i for i in other.get("ideas", []) if i not in taken]
        writes.append(other)
    return writes
