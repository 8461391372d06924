"""The plenary view's rules (plenary.py), table-driven: no server, no store."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from prachakhom.core import plenary
from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.plenary import PlenaryView

QUESTION = PlenaryView("question", question="q1", reveal=True)
HIDDEN = PlenaryView("question", question="q1", reveal=False)
COMPARE = PlenaryView("compare", pre="q1", post="q2")
BREAKDOWN = PlenaryView("breakdown", question="q1", by="d", reveal=True)


@pytest.mark.parametrize(
    ("view", "reveals"),
    [
        (QUESTION, True),
        (HIDDEN, False),
        (PlenaryView("question", question="q1"), True),  # stored before reveal existed
        (COMPARE, True),
        (PlenaryView("breakdown", question="q1", by="d", reveal=False), False),
        (plenary.DEFAULT, True),
    ],
)
def test_reveals(view: PlenaryView, reveals: bool) -> None:
    assert plenary.reveals(view) is reveals


@pytest.mark.parametrize(
    ("view", "shown"),
    [
        (QUESTION, ["q1"]),
        (HIDDEN, ["q1"]),
        (COMPARE, ["q1", "q2"]),
        (PlenaryView("compare", pre="q1"), ["q1"]),
        (BREAKDOWN, []),
        (PlenaryView("question"), []),
        (plenary.DEFAULT, []),
    ],
)
def test_questions_on_show(view: PlenaryView, shown: list[str]) -> None:
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
def test_shows(view: PlenaryView, question: str, by: str | None, shows: bool) -> None:
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
    view: PlenaryView, question: str, by: str | None, why: str | None
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
            {"view": "breakdown", "question": "q1", "by": "d", "reveal": True, "pre": "q2"},
            {"view": "breakdown", "question": "q1", "by": "d", "reveal": True},
        ),
        (
            {"view": "compare", "pre": "a", "post": "b", "reveal": False},
            {"view": "compare", "pre": "a", "post": "b"},
        ),
        (
            {"view": "question", "question": "q1", "reveal": None},
            {"view": "question", "question": "q1"},
        ),
        (
            {"view": "compare", "pre": "a", "post": "b"},
            {"view": "compare", "pre": "a", "post": "b"},
        ),
        ({"view": "text", "text": {"th": "พัก"}}, {"view": "text", "text": {"th": "พัก"}}),
    ],
)
def test_decode_view(body: dict[str, Any], stored: dict[str, Any]) -> None:
    assert plenary.decode_view(orjson.dumps(body)).to_dict() == stored


VIEW_WORDS = "view must be one of question, participation, ideas, themes, compare, breakdown, text"
TEXT_WORDS = "the text must be a text, or a map like {'th': ..., 'en': ...}"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (None, VIEW_WORDS),
        ([], VIEW_WORDS),
        ({}, VIEW_WORDS),
        ({"view": "nothing"}, VIEW_WORDS),
        ({"view": 3}, VIEW_WORDS),
        ({"view": "text"}, TEXT_WORDS),
        ({"view": "text", "text": ""}, TEXT_WORDS),
        ({"view": "text", "text": "   "}, TEXT_WORDS),  # blank: checked after decoding
        ({"view": "text", "text": 5}, TEXT_WORDS),
        ({"view": "text", "text": {"th": 5}}, TEXT_WORDS),
        # a field of the wrong type is refused whatever the view (anything used to pass)
        ({"view": "question", "question": "q1", "reveal": 1}, "reveal must be true or false"),
        ({"view": "question", "question": "q1", "reveal": "no"}, "reveal must be true or false"),
        ({"view": "participation", "text": 5}, TEXT_WORDS),
        ({"view": "question", "question": 7}, "question must be a question id"),
        ({"view": "compare", "pre": "q1", "post": ["q2"]}, "post must be a question id"),
    ],
)
def test_decode_view_refuses(body: Any, words: str) -> None:
    with pytest.raises(PrachakhomError) as refused:
        plenary.decode_view(orjson.dumps(body))
    assert refused.value.code == Code.BAD_MESSAGE
    assert refused.value.message == words


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        ({"view": "question"}, "question"),
        ({"view": "breakdown", "question": "q1"}, "by"),
        ({"view": "compare", "pre": "q1"}, "post"),
        ({"view": "question", "question": None, "reveal": True}, "question"),
    ],
)
def test_a_question_the_view_needs_left_out_is_named(body: dict[str, Any], missing: str) -> None:
    """Not found, as when it was looked up by the name "None", in words that say which."""
    with pytest.raises(PrachakhomError) as refused:
        plenary.decode_view(orjson.dumps(body))
    assert refused.value.code == Code.NOT_FOUND
    view = body["view"]
    assert refused.value.message == f"the {view} view needs {missing}: the id of a question"


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2", b""])
def test_decode_view_refuses_what_is_not_json(raw: bytes) -> None:
    with pytest.raises(PrachakhomError) as refused:
        plenary.decode_view(raw)
    assert refused.value.message == "the request body is not valid JSON"


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
    assert plenary.with_reveal(plenary.decode_view(orjson.dumps(body)), states).reveal is reveal


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
