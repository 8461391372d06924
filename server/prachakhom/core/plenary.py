"""The plenary view: what the hall's screens show, and the rules about it, in one place.

    PUT .../plenary {view, ...} --parse_view()--> PlenaryView --stored--> a plain mapping
    the mapping --reveals() / questions_on_show() / shows()--> what a screen may see

The stored view is a plain mapping (the store, the room mirror and the clients read it
so); these functions are the only readers of its rules. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import msgspec

from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.question import Text, check_text

ViewName = Literal["question", "participation", "ideas", "themes", "compare", "breakdown", "text"]
VIEWS: tuple[str, ...] = ViewName.__args__  # type: ignore[attr-defined]
DEFAULT: dict[str, Any] = {"view": "participation"}  # a new meeting's screens

View = Mapping[str, Any]


class PlenaryView(msgspec.Struct, omit_defaults=True):
    """What the organiser puts on the screens. Only the fields of its `view` are set;
    `reveal` left out means "show at once unless a question on show is open"."""

    view: ViewName
    question: str | None = None
    by: str | None = None
    reveal: bool | None = None
    pre: str | None = None
    post: str | None = None
    text: Text | None = None

    def to_dict(self) -> dict[str, Any]:
        return msgspec.to_builtins(self)  # type: ignore[no-any-return]


class PlenarySet(PlenaryView, omit_defaults=True, kw_only=True):
    """The view as set, with the event's sequence number (the answer to PUT)."""

    seq: int


def reveals(view: View) -> bool:
    """Do the screens show the results of what is on show? Yes unless hidden outright."""
    return view.get("reveal", True) is not False


def questions_on_show(view: View) -> list[str]:
    """The questions whose results the screens show (a question, or both sides of a
    before/after comparison); none for the other views."""
    if view.get("view") == "question" and isinstance(view.get("question"), str):
        return [view["question"]]
    if view.get("view") == "compare":
        return [q for q in (view.get("pre"), view.get("post")) if isinstance(q, str)]
    return []


def shows(view: View, question_id: str, by: str | None) -> bool:
    """Does the view show this question (by=None: per site; else: grouped by `by`)?"""
    name = view.get("view")
    if by is not None:
        return name == "breakdown" and view.get("question") == question_id and view.get("by") == by
    if name == "compare":
        return question_id in (view.get("pre"), view.get("post"))
    return name == "question" and view.get("question") == question_id


def default_reveal(shown: Sequence[str], states: Mapping[str, str]) -> bool:
    """`reveal` left out: the results show at once only when no question the view shows
    is open: live standings reach the hall only when the organiser says so."""
    return not any(states.get(q) == "open" for q in shown)


def check_display_read(view: View, question_id: str, by: str | None) -> None:
    """A screen may read what its hall is shown anyway, and nothing else."""
    if not shows(view, question_id, by):
        raise PrachakhomError(Code.FORBIDDEN, "a display may read only what the plenary shows")
    if not reveals(view):
        raise PrachakhomError(Code.FORBIDDEN, "the results of this question are not revealed")


def parse_view(body: Any) -> PlenaryView:
    """The view asked for, its own fields checked (that its questions exist, and the
    default of `reveal`, need the store: the caller's part). Raises bad_message."""
    if not isinstance(body, dict) or body.get("view") not in VIEWS:
        raise PrachakhomError(Code.BAD_MESSAGE, f"view must be one of {', '.join(VIEWS)}")
    name = body["view"]
    given = body.get("reveal")
    reveal = None if given is None else given is not False
    if name == "question":
        return PlenaryView(name, question=str(body.get("question")), reveal=reveal)
    if name == "compare":
        return PlenaryView(name, pre=str(body.get("pre")), post=str(body.get("post")))
    if name == "breakdown":
        by = str(body.get("by"))
        return PlenaryView(name, question=str(body.get("question")), by=by, reveal=reveal)
    if name == "text":
        try:
            return PlenaryView(name, text=check_text(body.get("text"), "the text"))
        except PrachakhomError as exc:
            raise PrachakhomError(Code.BAD_MESSAGE, exc.message) from None
    return PlenaryView(name)


def check_breakdown(question_id: str, by_id: str, by_kind: str) -> None:
    """A breakdown groups a question by another, demographic, question."""
    if by_kind != "demographic" or by_id == question_id:
        raise PrachakhomError(Code.BAD_MESSAGE, "by must name another, demographic question")


def shown_by(view: PlenaryView) -> list[str]:
    """The questions whose states decide the default of `reveal`."""
    if view.view == "breakdown":
        return [q for q in (view.question, view.by) if q is not None]
    return [view.question] if view.view == "question" and view.question is not None else []


def with_reveal(view: PlenaryView, states: Mapping[str, str]) -> PlenaryView:
    """The view to store: `reveal` set on the views that may hide results."""
    if view.view not in ("question", "breakdown"):
        return view
    if view.reveal is not None:
        return view
    return msgspec.structs.replace(view, reveal=default_reveal(shown_by(view), states))
