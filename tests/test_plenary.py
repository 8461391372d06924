"""The plenary view's rules (plenary.py), table-driven: no server, no store."""

from __future__ import annotations

from typing import Any

import pytest

from prachakhom.core import plenary
from prachakhom.core.errors import Code, PrachakhomError

QUESTION = {"view": "question", "question": "q1", "reveal": True}
HIDDEN = {"view": "question", "question": "q1", "reveal": False}
COMPARE = {"view": "compare", "pre": "q1", "post": "q2"}
BREAKDOWN = {"view": "breakdown", "question": "q1", "by": "d", "reveal": True}


@pytest.mark.parametrize(
    ("view", "reveals"),
    [
        (QUESTION, True),
        (HIDDEN, False),
        ({"view": "question", "question": "q1"}, True),  # stored before reveal existed
        (COMPARE, True),
        ({"view": "breakdown", "question": "q1", "by": "d", "reveal": False}, False),
        (plenary.DEFAULT, True),
    ],
)
def test_reveals(view: dict[str, Any], reveals: bool) -> None:
    assert plenary.reveals(view) is reveals


@pytest.mark.parametrize(
    ("view", "shown"),
    [
        (QUESTION, ["q1"]),
        (HIDDEN, ["q1"]),
        (COMPARE, ["q1", "q2"]),
        ({"view": "compare", "pre": "q1"}, ["q1"]),
        (BREAKDOWN, []),
        ({"view": "question"}, []),
        (plenary.DEFAULT, []),
    ],
)
def test_questions_on_show(view: dict[str, Any], shown: list[str]) -> None:
    assert plenary.questions_on_show(view) == shown


@pytest.mark.parametrize(
    ("view", "question", "by", "shows"),
    [
        (QUESTION, "q1", None, True),
        (QUESTION, "q2", None, False),
        (QUESTION, "q1", "d", False),
        (COMPARE, "q2", None, True),
        (COMPARE, "q3", None, False),
        (BREAKDOWN, "q1", "d", True),
        (BREAKDOWN, "q1", "e", False),
        (BREAKDOWN, "q1", None, False),
        (plenary.DEFAULT, "q1", None, False),
    ],
)
def test_shows(view: dict[str, Any], question: str, by: str | None, shows: bool) -> None:
    assert plenary.shows(view, question, by) is shows


@pytest.mark.parametrize(
    ("view", "question", "by", "why"),
    [
        (QUESTION, "q1", None, None),
        (HIDDEN, "q1", None, "not revealed"),
        (QUESTION, "q2", None, "only what the plenary shows"),
        (BREAKDOWN, "q1", "d", None),
    ],
)
def test_check_display_read(
    view: dict[str, Any], question: str, by: str | None, why: str | None
) -> None:
    if why is None:
        plenary.check_display_read(view, question, by)
        return
    with pytest.raises(PrachakhomError) as refused:
        plenary.check_display_read(view, question, by)
    assert refused.value.code == Code.FORBIDDEN and why in refused.value.message


@pytest.mark.parametrize(
    ("body", "stored"),
    [
        ({"view": "participation"}, {"view": "participation"}),
        ({"view": "ideas", "question": "q1"}, {"view": "ideas"}),
        ({"view": "question", "question": "q1"}, {"view": "question", "question": "q1"}),
        (
            {"view": "question", "question": "q1", "reveal": False},
            {"view": "question", "question": "q1", "reveal": False},
        ),
        (
            {"view": "breakdown", "question": "q1", "by": "d", "reveal": 1},
            {"view": "breakdown", "question": "q1", "by": "d", "reveal": True},
        ),
        (
            {"view": "compare", "pre": "a", "post": "b"},
            {"view": "compare", "pre": "a", "post": "b"},
        ),
        ({"view": "text", "text": {"th": "พัก"}}, {"view": "text", "text": {"th": "พัก"}}),
    ],
)
def test_parse_view(body: dict[str, Any], stored: dict[str, Any]) -> None:
    assert plenary.parse_view(body).to_dict() == stored


@pytest.mark.parametrize(
    "body",
    [None, [], {}, {"view": "nothing"}, {"view": "text"}, {"view": "text", "text": ""}],
)
def test_parse_view_refuses(body: Any) -> None:
    with pytest.raises(PrachakhomError) as refused:
        plenary.parse_view(body)
    assert refused.value.code == Code.BAD_MESSAGE


@pytest.mark.parametrize(
    ("body", "states", "reveal"),
    [
        ({"view": "question", "question": "q1"}, {"q1": "open"}, False),
        ({"view": "question", "question": "q1"}, {"q1": "closed"}, True),
        ({"view": "question", "question": "q1", "reveal": True}, {"q1": "open"}, True),
        ({"view": "breakdown", "question": "q1", "by": "d"}, {"d": "open"}, False),
        ({"view": "breakdown", "question": "q1", "by": "d"}, {}, True),
        ({"view": "compare", "pre": "q1", "post": "q2"}, {"q1": "open"}, None),
    ],
)
def test_default_reveal(body: dict[str, Any], states: dict[str, str], reveal: bool | None) -> None:
    assert plenary.with_reveal(plenary.parse_view(body), states).reveal is reveal


@pytest.mark.parametrize(
    ("question", "by", "kind", "ok"),
    [
        ("q1", "d", "demographic", True),
        ("q1", "d", "single", False),
        ("d", "d", "demographic", False),
    ],
)
def test_check_breakdown(question: str, by: str, kind: str, ok: bool) -> None:
    if ok:
        plenary.check_breakdown(question, by, kind)
    else:
        with pytest.raises(PrachakhomError):
            plenary.check_breakdown(question, by, kind)
