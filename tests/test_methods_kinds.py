"""Question kinds, table-driven: settings, answers -> contributions, and every refusal."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, get_args, get_type_hints

import pytest

from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.methods import KINDS, METHODS, ranked
from prachakhom.core.questions import Question, parse_question
from prachakhom.core.results import shown_method


def opts(*ids: str) -> list[dict[str, str]]:
    return [{"id": i, "label": i.upper()} for i in ids]


def question(kind: str, **settings: Any) -> Question:
    data: dict[str, Any] = {"id": "q", "kind": kind, "prompt": "?", **settings}
    if KINDS[kind].has_options:
        data.setdefault("options", opts("a", "b", "c", "d"))
    return parse_question(data)


RANKED = question("ranked", max_rank=3)
POINTS = question("points", points=5)
SCALE = question("scale", min=1, max=5, labels={"1": "no", "5": {"th": "ใช่", "en": "yes"}})
BUDGET = question(
    "budget", budget=10_000_000, costs={"a": 6_000_000, "b": 3_500_000, "c": 500_000, "d": 0}
)
TIGHT = question(
    "budget", budget=10_000_000, costs={"a": 6_000_000, "b": 3_500_000, "c": 1_500_000, "d": 1}
)
DEMOGRAPHIC = question("demographic", attribute="sector", targets={"a": 0.5, "b": 0.25})

VALID = [
    (RANKED, ["b"], {"b": 3}),
    (RANKED, ["c", "a"], {"c": 3, "a": 2}),
    (RANKED, ["d", "c", "b"], {"d": 3, "c": 2, "b": 1}),
    (question("ranked"), ["a", "b", "c", "d"], {"a": 4, "b": 3, "c": 2, "d": 1}),
    (POINTS, {"a": 5}, {"a": 5}),
    (POINTS, {"a": 2, "b": 0, "c": 3}, {"a": 2, "c": 3}),
    (POINTS, {"d": 1}, {"d": 1}),
    (SCALE, 1, {"1": 1}),
    (SCALE, 5, {"5": 1}),
    (question("scale", min=-3, max=3), -3, {"-3": 1}),
    (question("scale", min=0, max=100), 100, {"100": 1}),
    (BUDGET, ["a", "b", "c"], {"a": 1, "b": 1, "c": 1}),  # exactly the budget
    (BUDGET, ["d"], {"d": 1}),  # a project that costs nothing
    (BUDGET, ["b", "d"], {"b": 1, "d": 1}),
    (DEMOGRAPHIC, "c", {"c": 1}),
]


@pytest.mark.parametrize(("q", "answer", "expected"), VALID)
def test_contribution_of_a_valid_answer(q: Question, answer: Any, expected: dict) -> None:
    assert KINDS[q.kind].contribution(q, answer) == expected


INVALID = [
    # ranked
    (RANKED, "a", "list of option ids"),
    (RANKED, {"a": 1}, "list of option ids"),
    (RANKED, [], "at least one"),
    (RANKED, ["a", "b", "c", "d"], "rank at most 3 options (got 4)"),
    (RANKED, ["a", "z"], "'z' is not an option"),
    (RANKED, ["a", "a"], "only once"),
    (RANKED, ["a", 1], "option id (text)"),
    (RANKED, [["a"]], "option id (text)"),
    (RANKED, None, "list of option ids"),
    # points
    (POINTS, ["a"], "map of option id to points"),
    (POINTS, 5, "map of option id to points"),
    (POINTS, {}, "at least 1 point"),
    (POINTS, {"a": 0, "b": 0}, "at least 1 point"),
    (POINTS, {"a": 4, "b": 3}, "you gave 7 points but have only 5"),
    (POINTS, {"a": 6}, "you gave 6 points but have only 5"),
    (POINTS, {"z": 1}, "'z' is not an option"),
    (POINTS, {"a": -1, "b": 3}, "whole number, 0 or more"),
    (POINTS, {"a": 1.0}, "whole number"),
    (POINTS, {"a": 2.5}, "whole number"),
    (POINTS, {"a": True}, "whole number"),
    (POINTS, {"a": "2"}, "whole number"),
    # scale
    (SCALE, 0, "whole number from 1 to 5 (got 0)"),
    (SCALE, 6, "whole number from 1 to 5 (got 6)"),
    (SCALE, 3.0, "(got 3.0)"),
    (SCALE, 2.5, "(got 2.5)"),
    (SCALE, True, "(got true)"),
    (SCALE, False, "(got false)"),
    (SCALE, "3", "(got '3')"),
    (SCALE, None, "whole number from 1 to 5"),
    (SCALE, [3], "whole number from 1 to 5"),
    # budget
    (BUDGET, "a", "list of project"),
    (BUDGET, [], "at least one project"),
    (BUDGET, ["a", "b", "c", "d", "a"], "only once"),
    (BUDGET, ["a", "a"], "only once"),
    (BUDGET, ["a", "b", "d", "c", "c"], "only once"),
    (TIGHT, ["a", "b", "c"], "the chosen projects cost 11,000,000 but the budget is 10,000,000"),
    (BUDGET, ["z"], "'z' is not an option"),
    (BUDGET, [3], "option id (text)"),
    # demographic
    (DEMOGRAPHIC, ["a"], "one option id"),
    (DEMOGRAPHIC, "z", "'z' is not an option"),
    (DEMOGRAPHIC, 1, "one option id"),
]


@pytest.mark.parametrize(("q", "answer", "message"), INVALID)
def test_invalid_answer_is_refused_in_plain_words(q: Question, answer: Any, message: str) -> None:
    with pytest.raises(PrachakhomError) as caught:
        KINDS[q.kind].contribution(q, answer)
    assert caught.value.code is Code.INVALID_ANSWER
    assert message in caught.value.message


BAD_QUESTIONS = [
    # ranked
    ({"kind": "ranked", "max_rank": 5}, "max_rank is 5 but there are only 4 options"),
    ({"kind": "ranked", "max_rank": 0}, "max_rank must be a whole number"),
    ({"kind": "ranked", "max_rank": 2.0}, "max_rank must be a whole number"),
    ({"kind": "ranked", "max_rank": True}, "max_rank must be a whole number"),
    ({"kind": "ranked", "method": "condorcet"}, "method must be one of borda, irv, schulze"),
    ({"kind": "ranked", "method": ["irv"]}, "method must be one of"),
    ({"kind": "ranked", "points": 3}, "does not take points"),
    # points
    ({"kind": "points"}, "points must be a whole number of at least 1"),
    ({"kind": "points", "points": 0}, "points must be a whole number of at least 1"),
    ({"kind": "points", "points": 2.5}, "points must be a whole number of at least 1"),
    # scale
    ({"kind": "scale", "max": 5}, "a scale needs min"),
    ({"kind": "scale", "min": 1}, "a scale needs max"),
    ({"kind": "scale", "min": 1.0, "max": 5}, "a scale needs min"),
    ({"kind": "scale", "min": 1, "max": True}, "a scale needs max"),
    ({"kind": "scale", "min": 5, "max": 5}, "min (5) must be less than max (5)"),
    ({"kind": "scale", "min": 5, "max": 1}, "min (5) must be less than max (1)"),
    ({"kind": "scale", "min": 0, "max": 101}, "at most 101 values; 0 to 101 has 102"),
    ({"kind": "scale", "min": 1, "max": 5, "labels": ["x"]}, "labels must be a map"),
    ({"kind": "scale", "min": 1, "max": 5, "labels": {"6": "x"}}, "not a value from 1 to 5"),
    ({"kind": "scale", "min": 1, "max": 5, "labels": {"01": "x"}}, "not a whole number"),
    ({"kind": "scale", "min": 1, "max": 5, "labels": {"one": "x"}}, "not a whole number"),
    ({"kind": "scale", "min": 1, "max": 5, "labels": {"1": ""}}, "the label for 1"),
    ({"kind": "scale", "min": 1, "max": 5, "options": opts("a")}, "has no options"),
    # budget
    ({"kind": "budget", "costs": {"a": 1, "b": 1, "c": 1, "d": 1}}, "budget must be a whole"),
    ({"kind": "budget", "budget": 10}, "costs must be a map"),
    ({"kind": "budget", "budget": 10, "costs": {"a": 1, "b": 1, "c": 1}}, "missing: d"),
    ({"kind": "budget", "budget": 10, "costs": {"a": 1, "b": 1, "c": 1, "d": 1, "z": 1}}, "'z'"),
    ({"kind": "budget", "budget": 10, "costs": {"a": -1, "b": 1, "c": 1, "d": 1}}, "cost of 'a'"),
    ({"kind": "budget", "budget": 10, "costs": {"a": 1.5, "b": 1, "c": 1, "d": 1}}, "cost of"),
    (
        {"kind": "budget", "budget": 10_000, "costs": {"a": 1, "b": 20_000, "c": 1, "d": 1}},
        "'b' costs 20,000, more than the whole budget of 10,000",
    ),
    # demographic
    ({"kind": "demographic"}, "the attribute"),
    ({"kind": "demographic", "attribute": "has space"}, "the attribute"),
    ({"kind": "demographic", "attribute": 3}, "the attribute"),
    ({"kind": "demographic", "attribute": "age", "targets": [0.5]}, "targets must be a map"),
    ({"kind": "demographic", "attribute": "age", "targets": {"z": 0.5}}, "'z'"),
    ({"kind": "demographic", "attribute": "age", "targets": {"a": 1.5}}, "share from 0 to 1"),
    ({"kind": "demographic", "attribute": "age", "targets": {"a": -0.1}}, "share from 0 to 1"),
    ({"kind": "demographic", "attribute": "age", "targets": {"a": True}}, "share from 0 to 1"),
    (
        {"kind": "demographic", "attribute": "age", "targets": {"a": float("nan")}},
        "share from 0 to 1",
    ),
    (
        {"kind": "demographic", "attribute": "age", "targets": {"a": 0.6, "b": 0.6}},
        "the targets add up to 1.2",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD_QUESTIONS)
def test_invalid_settings_are_refused(data: dict[str, Any], message: str) -> None:
    full = {"id": "q", "prompt": "?", **data}
    if KINDS[data["kind"]].has_options:
        full.setdefault("options", opts("a", "b", "c", "d"))
    with pytest.raises(PrachakhomError) as caught:
        parse_question(full)
    assert caught.value.code is Code.INVALID_QUESTION
    assert message in caught.value.message


def test_targets_may_round_up_a_little() -> None:
    q = question("demographic", attribute="age", targets={"a": 0.3334, "b": 0.3333, "c": 0.3334})
    assert q.settings["targets"]["a"] == 0.3334


def test_defaults_and_methods() -> None:
    ranked = KINDS["ranked"]
    assert ranked.live_method == "borda"
    assert sorted(ranked.recount) == ["borda", "irv", "schulze"]
    assert ranked.default_method(RANKED) == "borda"
    assert ranked.default_method(question("ranked", method="schulze")) == "schulze"
    for name in ("points", "scale", "budget", "demographic"):
        assert KINDS[name].default_method(question(name, **_SETTINGS[name])) is None
        assert KINDS[name].table_tally is None


def test_each_kinds_methods_as_the_clients_get_them() -> None:
    """GET /api/meetings/{m} `methods`: every kind, the live tally's first, each one a
    method its results take; ranked's are the values its `method` setting takes."""
    assert list(METHODS) == list(KINDS)
    assert METHODS["ranked"] == ["borda", "irv", "schulze"] == list(ranked.METHODS)
    setting, _unset = get_args(get_type_hints(ranked.RankedQuestion)["method"])
    assert list(get_args(setting)) == METHODS["ranked"]
    for name, methods in METHODS.items():
        assert methods[0] == KINDS[name].live_method
        q = question(name, **_SETTINGS.get(name, {}))
        assert [shown_method(q, m) for m in methods] == methods


_SETTINGS: dict[str, dict[str, Any]] = {
    "points": {"points": 3},
    "scale": {"min": 0, "max": 10},
    "budget": {"budget": 5, "costs": {"a": 1, "b": 2, "c": 3, "d": 4}},
    "demographic": {"attribute": "age"},
}


def scenario() -> dict[str, Any]:
    text = resources.files("prachakhom").joinpath("data/phayao-health-forum.json").read_text()
    return json.loads(text)


def test_every_question_of_the_phayao_scenario_parses() -> None:
    parsed = {q.id: q for q in map(parse_question, scenario()["questions"])}
    kinds = {q.kind for q in parsed.values()}
    assert kinds == set(KINDS)  # the demo uses every kind
    assert parsed["priorities"].settings == {"max_rank": 3, "method": "borda"}
    assert parsed["post"].pair_of == "pre"
    assert parsed["budget"].settings["budget"] == 10_000_000
    assert parsed["sector"].settings["attribute"] == "sector"


def test_phayao_answers() -> None:
    parsed = {q.id: q for q in map(parse_question, scenario()["questions"])}
    priorities, dots, budget = parsed["priorities"], parsed["dots"], parsed["budget"]
    assert KINDS["ranked"].contribution(priorities, ["haze", "ncd", "ems1669"]) == {
        "haze": 3,
        "ncd": 2,
        "ems1669": 1,
    }
    assert KINDS["points"].contribution(dots, {"hotline": 3, "clinic": 2}) == {
        "hotline": 3,
        "clinic": 2,
    }
    # 6.0 + 2.5 + 1.5 = 10.0 million: exactly the budget
    assert KINDS["budget"].contribution(budget, ["ambulance", "masks", "vhv"]) == {
        "ambulance": 1,
        "masks": 1,
        "vhv": 1,
    }
    with pytest.raises(PrachakhomError, match="cost 11,000,000 but the budget is 10,000,000"):
        KINDS["budget"].contribution(budget, ["ambulance", "clinic", "vhv"])
    assert KINDS["scale"].contribution(parsed["pre"], 4) == {"4": 1}
    assert KINDS["demographic"].contribution(parsed["age"], "60+") == {"60+": 1}


def test_question_round_trips_through_to_dict() -> None:
    for data in scenario()["questions"]:
        q = parse_question(data)
        assert parse_question(q.to_dict()) == q
