"""The plenary view: what the hall's screens show, and the rules about it, in one place.

    PUT .../plenary {view, ...} --decode_view()--> PlenaryView --stored, kept in the
    `plenary` event, mirrored by each process's Room--> reveals() / questions_on_show() /
    shows(): what a screen may see

The view is a PlenaryView wherever it is held (stored and sent as its JSON, only the
fields of its `view` set); these functions are the only readers of its rules. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import msgspec

from prachakhom.core.errors import Code, PrachakhomError, decode_body
from prachakhom.core.question import Text, check_text

ViewName = Literal["question", "participation", "ideas", "themes", "compare", "breakdown", "text"]
VIEWS: tuple[str, ...] = ViewName.__args__  # type: ignore[attr-defined]


class PlenaryView(msgspec.Struct, frozen=True, omit_defaults=True):
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


class PlenarySet(PlenaryView, frozen=True, omit_defaults=True, kw_only=True):
    """The view as set, with the event's sequence number (the answer to PUT)."""

    seq: int


DEFAULT = PlenaryView("participation")  # a new meeting's screens


def reveals(view: PlenaryView) -> bool:
    """Do the screens show the results of what is on show? Yes unless hidden outright."""
    return view.reveal is not False


def questions_on_show(view: PlenaryView) -> list[str]:
    """The questions whose results the screens show (a question, or both sides of a
    before/after comparison); none for the other views."""
    if view.view == "question" and view.question is not None:
        return [view.question]
    if view.view == "compare":
        return [q for q in (view.pre, view.post) if q is not None]
    return []


def shows(view: PlenaryView, question_id: str, by: str | None) -> bool:
    """Does the view show this question (by=None: per site; else: grouped by `by`)?"""
    if by is not None:
        return view.view == "breakdown" and view.question == question_id and view.by == by
    if view.view == "compare":
        return question_id in (view.pre, view.post)
    return view.view == "question" and view.question == question_id


def default_reveal(shown: Sequence[str], states: Mapping[str, str]) -> bool:
    """`reveal` left out: the results show at once only when no question the view shows
    is open: live standings reach the hall only when the organiser says so."""
    return not any(states.get(q) == "open" for q in shown)


def check_display_read(view: PlenaryView, question_id: str, by: str | None) -> None:
    """A screen may read what its hall is shown anyway, and nothing else."""
    if not shows(view, question_id, by):
        raise PrachakhomError(Code.FORBIDDEN, "a display may read only what the plenary shows")
    if not reveals(view):
        raise PrachakhomError(Code.FORBIDDEN, "the results of this question are not revealed")


# --- the body of PUT .../plenary ---------------------------------------------------------

_decode = msgspec.json.Decoder(PlenaryView).decode
_FIELDS: dict[str, tuple[str, ...]] = {  # what each view keeps of the body; the rest is dropped
    "question": ("question", "reveal"),
    "compare": ("pre", "post"),
    "breakdown": ("question", "by", "reveal"),
    "text": ("text",),
}
_NAMED = ("question", "by", "pre", "post")  # the fields that name a question
_AT = re.compile(r"at `\$\.(\w+)")


def _refusal(field: str) -> PrachakhomError:
    if field in _NAMED:
        return PrachakhomError(Code.BAD_MESSAGE, f"{field} must be a question id")
    if field == "reveal":
        return PrachakhomError(Code.BAD_MESSAGE, "reveal must be true or false")
    if field == "text":
        return PrachakhomError(
            Code.BAD_MESSAGE, "the text must be a text, or a map like {'th': ..., 'en': ...}"
        )
    return PrachakhomError(Code.BAD_MESSAGE, f"view must be one of {', '.join(VIEWS)}")


def _explain(_read: Any, exc: msgspec.ValidationError) -> PrachakhomError:
    at = _AT.search(str(exc))
    return _refusal(at.group(1) if at else "view")


def decode_view(raw: bytes) -> PlenaryView:
    """The view asked for, read in one pass, only its own fields kept and checked (that
    its questions exist, and the default of `reveal`, need the store: the caller's part).
    A field of the wrong type is refused whatever the view. Raises bad_message."""
    body: PlenaryView = decode_body(_decode, raw, _explain)
    kept = {f: getattr(body, f) for f in _FIELDS.get(body.view, ())}
    missing = next((f for f in _NAMED if f in kept and kept[f] is None), None)
    if missing is not None:  # not found, as when this was looked up by the name "None"
        raise PrachakhomError(
            Code.NOT_FOUND, f"the {body.view} view needs {missing}: the id of a question"
        )
    if body.view == "text":
        try:
            kept["text"] = check_text(body.text, "the text")
        except PrachakhomError:
            raise _refusal("text") from None
    return PlenaryView(body.view, **kept)


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
