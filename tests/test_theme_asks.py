"""The theme team's request rules (themes/asks.py), table-driven: no server, no store."""

from __future__ import annotations

from typing import Any

import pytest

from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.themes import asks

THEMES = [
    {"id": "t1", "label": "Water"},
    {"id": "t2", "label": "Roads"},
    {"id": "t3", "label": "Air"},
]


@pytest.mark.parametrize(
    ("count", "ok"),
    [(None, True), (1, True), (100, True), (0, False), (101, False), (True, False), ("3", False)],
)
def test_check_count(count: Any, ok: bool) -> None:
    if ok:
        assert asks.check_count(count) == count
    else:
        with pytest.raises(PrachakhomError):
            asks.check_count(count)


@pytest.mark.parametrize(
    ("quotes", "found"),
    [(None, None), ("1", 1), ("5", 5), ("0", "bad"), ("6", "bad"), ("x", "bad")],
)
def test_check_quotes(quotes: str | None, found: Any) -> None:
    if found == "bad":
        with pytest.raises(PrachakhomError):
            asks.check_quotes(quotes)
    else:
        assert asks.check_quotes(quotes) == found


def test_group_size() -> None:
    asks.check_group_size(["i"] * asks.GROUPS_MOST_IDEAS)
    asks.check_group_size("not a list")  # the ids' own check words that refusal
    with pytest.raises(PrachakhomError):
        asks.check_group_size(["i"] * (asks.GROUPS_MOST_IDEAS + 1))


def test_saved_theme() -> None:
    themes = {"t1": {"id": "t1", "label": "Water", "ideas": ["i1"], "at": 1}}
    new = {"id": "tnew", "at": 2, "ideas": []}
    assert asks.saved_theme(themes, None, new, "Air", None) == {**new, "label": "Air"}
    assert asks.saved_theme(themes, "t1", new, None, ["i2"])["ideas"] == ["i2"]
    assert themes["t1"]["ideas"] == ["i1"]  # not changed in place
    with pytest.raises(PrachakhomError) as refused:
        asks.saved_theme(themes, "t9", new, None, None)
    assert refused.value.code == Code.NOT_FOUND


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, {"id": "themes-x", "kind": "ranked", "max_rank": 3}),
        ({"kind": "single", "id": "mine"}, {"id": "mine", "kind": "single"}),
        ({"max_rank": 2, "options": []}, {"kind": "ranked", "max_rank": 2}),
    ],
)
def test_question_of_themes(body: dict[str, Any], expected: dict[str, Any]) -> None:
    data = asks.question_of_themes(THEMES, body, "themes-x")
    assert data.items() >= expected.items()
    assert [o["id"] for o in data["options"]] == ["t1", "t2", "t3"]


def test_question_of_themes_needs_two() -> None:
    with pytest.raises(PrachakhomError) as refused:
        asks.question_of_themes(THEMES[:1], {}, "x")
    assert refused.value.code == Code.CONFLICT
