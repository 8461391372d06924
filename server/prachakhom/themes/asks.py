"""What the theme team's requests ask for, checked: pure rules the handlers apply.

body bytes --decode_ask(raw, ThemeAsk | FilingAsk | GroupsAsk)--> its Struct, in one pass
           └ or refused: read again loosely, field by field, only to word it
body --check_count / check_group_size--> the request's limits
themes + body --question_of_themes()--> a question definition (parsed by its kind)
themes + ask --saved_theme()--> the theme to write (then filing.replace_theme)
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import msgspec
from msgspec import UNSET, Meta, UnsetType

from prachakhom.core.errors import Code, PrachakhomError, decode_body
from prachakhom.core.question import Id, Text
from prachakhom.themes import filing
from prachakhom.themes.filing import Themes

GROUPS_MOST_IDEAS = 5000
COUNT_MOST = 100
THEMES_PROMPT = {"th": "จัดลำดับความสำคัญของประเด็น", "en": "Rank the themes by priority"}
_GIVEN_APART = ("id", "kind", "prompt", "options")

IdeaIds = Annotated[list[str], Meta(max_length=filing.IDS_MOST)]
Label = str | dict[str, str]  # a non-blank text (spaces folded), or one per language
Move = Annotated[
    bool, Meta(description="take ideas that another theme holds (else 409 with `filed`)")
]


class ThemeAsk(msgspec.Struct, kw_only=True):
    """POST …/themes: create `{label, ideas?}`, or update `{id, label?, ideas?}`."""

    id: str | None = None
    label: Label | UnsetType = UNSET
    ideas: IdeaIds | UnsetType = UNSET
    move: Move = False


class FilingAsk(msgspec.Struct, kw_only=True):
    """POST …/themes/{theme}/ideas: add and remove ideas of one theme in one step."""

    add: IdeaIds = []
    remove: IdeaIds = []
    label: Label | UnsetType = UNSET
    move: Move = False


class GroupsAsk(msgspec.Struct, kw_only=True):
    """POST …/themes/suggest: the ideas to group (default: every idea in no theme) and
    how many groups (default: the engine's choice)."""

    ideas: IdeaIds | UnsetType = UNSET
    count: Annotated[int, Meta(ge=1, le=COUNT_MOST)] | None = None


class FromThemesAsk(msgspec.Struct, kw_only=True):
    """POST …/questions/from-themes, all optional: the question's id, kind (default
    ranked), prompt, and beside them the kind's settings (max_rank, max_choices, points),
    checked as a question of that kind."""

    id: Id | UnsetType = UNSET
    kind: str = "ranked"
    prompt: Text | UnsetType = UNSET


Ask = TypeVar("Ask", ThemeAsk, FilingAsk, GroupsAsk)
_DECODERS: dict[type, msgspec.json.Decoder[Any]] = {
    ask: msgspec.json.Decoder(ask) for ask in (ThemeAsk, FilingAsk, GroupsAsk)
}
_WHAT = {ThemeAsk: "a theme", FilingAsk: "the filing", GroupsAsk: "the request"}


def decode_ask(raw: bytes, ask: type[Ask]) -> Ask:
    """The body (none: `{}`) as its Struct, its labels folded; refusals in the API's words."""
    # no field is required: an empty body is `{}`, and only JSON is ever refused
    found: Ask = decode_body(
        _DECODERS[ask].decode, raw or b"{}", lambda read, exc: _explain(read, ask, exc)
    )
    if not isinstance(found, GroupsAsk) and not isinstance(found.label, UnsetType):
        found.label = filing.check_label(found.label)
    return found


def _explain(body: Any, ask: type[Ask], exc: Exception) -> PrachakhomError:
    """Each field checked loosely in the order the handlers always checked them."""
    if not isinstance(body, dict):
        return PrachakhomError(Code.BAD_MESSAGE, f"{_WHAT[ask]} must be a JSON object")
    try:
        for name in ask.__struct_fields__:
            if name in body:
                if ask is GroupsAsk and name == "ideas":
                    check_group_size(body[name])  # before the ids' own rules, as ever
                _check_field(name, body[name])
    except PrachakhomError as refusal:
        return refusal
    return PrachakhomError(Code.BAD_MESSAGE, f"not a valid request: {str(exc)[:120]}")


def _check_field(name: str, value: Any) -> None:
    if name == "id":
        check_theme_id(value)
    elif name == "label":
        filing.check_label(value)
    elif name in ("ideas", "add", "remove"):
        filing.idea_ids(value, None, name)
    elif name == "count":
        check_count(value)
    elif name == "move" and not isinstance(value, bool):
        raise PrachakhomError(Code.BAD_MESSAGE, "move must be true or false")


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
