"""Counting: textbook IRV and Schulze cases, Borda, dots, scales, budgets, edge cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from prachakhom.core.methods import KINDS, ranked
from prachakhom.core.questions import Question, parse_question


def question(kind: str, options: str | list[str] = "", **settings: Any) -> Question:
    data: dict[str, Any] = {"id": "q", "kind": kind, "prompt": "?", **settings}
    if options:
        data["options"] = [{"id": o, "label": o} for o in options]
    return parse_question(data)


def table(rows: list[dict[str, Any]]) -> list[tuple[str, Any, int]]:
    return [(r["option"], r["score"], r["rank"]) for r in rows]


def ballots(*groups: tuple[int, str]) -> list[list[str]]:
    """(how many, "ACB") -> that many ballots ranking A, then C, then B."""
    return [list(order) for n, order in groups for _ in range(n)]


def plainly(count: Callable[..., Any]) -> Callable[..., dict[str, Any]]:
    """A count as the plain map it encodes to (its Counted's set fields, in order)."""
    return lambda *args: msgspec.to_builtins(count(*args))


IRV = plainly(KINDS["ranked"].recount["irv"])
SCHULZE = plainly(KINDS["ranked"].recount["schulze"])
BORDA = plainly(KINDS["ranked"].recount["borda"])
RESULT = {name: plainly(kind.result) for name, kind in KINDS.items()}


# --- Schulze --------------------------------------------------------------------------


# Wikipedia, "Schulze method", the 45-voter example with candidates A-E.
WIKIPEDIA = ballots(
    (5, "ACBED"), (5, "ADECB"), (8, "BEDAC"), (3, "CABED"),
    (7, "CAEBD"), (2, "CBADE"), (7, "DCEBA"), (8, "EBADC"),
)  # fmt: skip


def test_schulze_wikipedia_example() -> None:
    q = question("ranked", "ABCDE")
    out = SCHULZE(q, WIKIPEDIA)
    assert out["pairwise"] == {
        "A": {"B": 20, "C": 26, "D": 30, "E": 22},
        "B": {"A": 25, "C": 16, "D": 33, "E": 18},
        "C": {"A": 19, "B": 29, "D": 17, "E": 24},
        "D": {"A": 15, "B": 12, "C": 28, "E": 14},
        "E": {"A": 23, "B": 27, "C": 21, "D": 31},
    }
    assert out["paths"] == {
        "A": {"B": 28, "C": 28, "D": 30, "E": 24},
        "B": {"A": 25, "C": 28, "D": 33, "E": 24},
        "C": {"A": 25, "B": 29, "D": 29, "E": 24},
        "D": {"A": 25, "B": 28, "C": 28, "E": 24},
        "E": {"A": 25, "B": 28, "C": 28, "D": 31},
    }
    assert table(out["ranking"]) == [
        ("E", 4, 1), ("A", 3, 2), ("C", 2, 3), ("B", 1, 4), ("D", 0, 5),
    ]  # fmt: skip


def test_schulze_ties_share_rank() -> None:
    q = question("ranked", "ABCD")
    out = SCHULZE(q, ballots((1, "ABCD"), (1, "ACBD")))
    assert out["pairwise"]["B"]["C"] == out["pairwise"]["C"]["B"] == 1
    assert table(out["ranking"]) == [("A", 3, 1), ("B", 1, 2), ("C", 1, 2), ("D", 0, 4)]


def test_schulze_condorcet_cycle_is_a_three_way_tie() -> None:
    q = question("ranked", "ABC")
    out = SCHULZE(q, ballots((1, "ABC"), (1, "BCA"), (1, "CAB")))
    assert table(out["ranking"]) == [("A", 0, 1), ("B", 0, 1), ("C", 0, 1)]
    assert out["paths"]["A"] == {"B": 2, "C": 2}


def test_schulze_ranked_beats_unranked_and_unranked_tie() -> None:
    q = question("ranked", "ABC")
    out = SCHULZE(q, [["A"], ["A"], ["C", "B"]])
    assert out["pairwise"] == {
        "A": {"B": 2, "C": 2},
        "B": {"A": 1, "C": 0},
        "C": {"A": 1, "B": 1},
    }
    assert table(out["ranking"]) == [("A", 2, 1), ("C", 1, 2), ("B", 0, 3)]


def test_schulze_no_ballots() -> None:
    q = question("ranked", "ABC")
    out = SCHULZE(q, [])
    assert table(out["ranking"]) == [("A", 0, 1), ("B", 0, 1), ("C", 0, 1)]
    assert out["pairwise"]["A"] == {"B": 0, "C": 0}


# --- IRV -------------------------------------------------------------------------------


def test_irv_tennessee_capital_elects_knoxville() -> None:
    # Memphis 42%, Nashville 26%, Chattanooga 15%, Knoxville 17% (Wikipedia, IRV)
    q = question("ranked", ["Memphis", "Nashville", "Chattanooga", "Knoxville"])
    votes = (
        [["Memphis", "Nashville", "Chattanooga", "Knoxville"]] * 42
        + [["Nashville", "Chattanooga", "Knoxville", "Memphis"]] * 26
        + [["Chattanooga", "Knoxville", "Nashville", "Memphis"]] * 15
        + [["Knoxville", "Chattanooga", "Nashville", "Memphis"]] * 17
    )
    out = IRV(q, votes)
    assert out["rounds"] == [
        {
            "counts": {"Memphis": 42, "Nashville": 26, "Chattanooga": 15, "Knoxville": 17},
            "eliminated": "Chattanooga",
            "exhausted": 0,
        },
        {
            "counts": {"Memphis": 42, "Nashville": 26, "Knoxville": 32},
            "eliminated": "Nashville",
            "exhausted": 0,
        },
        {"counts": {"Memphis": 42, "Knoxville": 58}, "eliminated": None, "exhausted": 0},
    ]
    assert table(out["ranking"]) == [
        ("Knoxville", 58, 1), ("Memphis", 42, 2), ("Nashville", 26, 3), ("Chattanooga", 15, 4),
    ]  # fmt: skip
    assert [r["share"] for r in out["ranking"]] == [0.58, 0.42, 0.26, 0.15]
    # the same ballots under Borda (max_rank 4) elect Nashville, under Schulze too
    assert BORDA(q, votes)["ranking"][0]["option"] == "Nashville"
    assert SCHULZE(q, votes)["ranking"][0]["option"] == "Nashville"


def test_irv_voters_abstaining_from_lower_ranks_exhaust() -> None:
    q = question("ranked", "ABCD")
    out = IRV(q, ballots((4, "A"), (3, "B"), (2, "CB"), (1, "D")))
    assert out["rounds"] == [
        {"counts": {"A": 4, "B": 3, "C": 2, "D": 1}, "eliminated": "D", "exhausted": 0},
        {"counts": {"A": 4, "B": 3, "C": 2}, "eliminated": "C", "exhausted": 1},
        {"counts": {"A": 4, "B": 5}, "eliminated": None, "exhausted": 1},
    ]
    assert table(out["ranking"]) == [("B", 5, 1), ("A", 4, 2), ("C", 2, 3), ("D", 1, 4)]
    # shares are of the ballots still continuing in each option's last round
    assert [r["share"] for r in out["ranking"]] == [0.5556, 0.4444, 0.2222, 0.1]


def test_irv_tie_break_looks_back_at_earlier_rounds() -> None:
    # Round 2 ties B and C at 5; C had fewer in round 1, so C goes, although C comes
    # before B in the options' order.
    q = question("ranked", "ACBD")
    out = IRV(q, ballots((7, "A"), (5, "B"), (4, "C"), (1, "DC")))
    assert [r["eliminated"] for r in out["rounds"]] == ["D", "C", None]
    assert out["rounds"][1]["counts"] == {"A": 7, "C": 5, "B": 5}
    assert out["rounds"][2] == {"counts": {"A": 7, "B": 5}, "eliminated": None, "exhausted": 5}
    assert table(out["ranking"]) == [("A", 7, 1), ("B", 5, 2), ("C", 5, 3), ("D", 1, 4)]


def test_irv_full_tie_eliminates_the_latest_option() -> None:
    q = question("ranked", "AB")
    out = IRV(q, [["A"], ["B"]])
    assert out["rounds"] == [
        {"counts": {"A": 1, "B": 1}, "eliminated": "B", "exhausted": 0},
        {"counts": {"A": 1}, "eliminated": None, "exhausted": 1},
    ]
    assert table(out["ranking"]) == [("A", 1, 1), ("B", 1, 2)]


def test_irv_options_left_standing_with_equal_votes_share_rank() -> None:
    q = question("ranked", "ABCD")
    out = IRV(q, ballots((6, "A"), (2, "B"), (2, "C")))
    assert out["rounds"] == [
        {"counts": {"A": 6, "B": 2, "C": 2, "D": 0}, "eliminated": None, "exhausted": 0}
    ]
    assert table(out["ranking"]) == [("A", 6, 1), ("B", 2, 2), ("C", 2, 2), ("D", 0, 4)]


def test_irv_no_ballots_and_one_option() -> None:
    q = question("ranked", "ABC")
    assert IRV(q, []) == {
        "ranking": [{"option": o, "label": o, "score": 0, "share": 0.0, "rank": 1} for o in "ABC"],
        "rounds": [],
    }
    one = question("ranked", "A")
    out = IRV(one, [["A"]] * 3)
    assert out["rounds"] == [{"counts": {"A": 3}, "eliminated": None, "exhausted": 0}]
    assert table(out["ranking"]) == [("A", 3, 1)]


def test_irv_is_the_default_method_when_asked() -> None:
    q = question("ranked", "AB", method="irv")
    assert KINDS["ranked"].default_method(q) == "irv"


# --- Borda -----------------------------------------------------------------------------


def test_borda_points_with_a_shorter_max_rank() -> None:
    q = question("ranked", "ABCD", max_rank=2)
    votes = ballots((2, "AB"), (1, "BA"), (1, "C"), (1, "DA"))
    # A: 2+2 + 1 + 1 = 6, B: 1+1 + 2 = 4, C: 2, D: 2
    assert ranked.borda_points(q, votes) == {"A": 6, "B": 4, "C": 2, "D": 2}
    out = BORDA(q, votes)
    assert table(out["ranking"]) == [("A", 6, 1), ("B", 4, 2), ("C", 2, 3), ("D", 2, 3)]
    assert out["max_rank"] == 2
    live: dict[str, int] = {}
    for v in votes:
        for k, d in KINDS["ranked"].contribution(q, v).items():
            live[k] = live.get(k, 0) + d
    assert RESULT["ranked"](q, live) == out


def test_borda_no_ballots() -> None:
    q = question("ranked", "AB")
    assert table(BORDA(q, [])["ranking"]) == [("A", 0, 1), ("B", 0, 1)]


# --- points ----------------------------------------------------------------------------


def test_points_ties_share_rank_1_2_2_4() -> None:
    q = question("points", "abcd", points=5)
    tally: dict[str, int] = {}
    for answer in ({"a": 5}, {"b": 2, "c": 2, "d": 0, "a": 1}, {"b": 1, "c": 1, "d": 0}):
        for k, d in KINDS["points"].contribution(q, answer).items():
            tally[k] = tally.get(k, 0) + d
    assert tally == {"a": 6, "b": 3, "c": 3}  # zero points put nothing in the tally
    out = RESULT["points"](q, tally)
    assert table(out["ranking"]) == [("a", 6, 1), ("b", 3, 2), ("c", 3, 2), ("d", 0, 4)]
    assert [r["share"] for r in out["ranking"]] == [0.5, 0.25, 0.25, 0.0]
    assert out["points"] == 5


# --- scale -----------------------------------------------------------------------------


def test_scale_histogram_mean_median() -> None:
    q = question("scale", min=1, max=5)
    out = RESULT["scale"](q, {"1": 1, "2": 0, "4": 2, "5": 1})
    assert out == {
        "histogram": {"1": 1, "2": 0, "3": 0, "4": 2, "5": 1},
        "mean": 3.5,  # (1 + 8 + 5) / 4
        "median": 4.0,  # 1, 4, 4, 5
        "ranking": [],
    }
    out = RESULT["scale"](q, {"1": 2, "3": 1, "5": 1})
    assert (out["mean"], out["median"]) == (2.5, 2.0)  # 1, 1, 3, 5: (1 + 3) / 2
    out = RESULT["scale"](q, {"2": 1, "3": 2})
    assert (out["mean"], out["median"]) == (2.6667, 3.0)


def test_scale_negative_values_and_no_votes() -> None:
    q = question("scale", min=-2, max=2)
    assert RESULT["scale"](q, {}) == {
        "histogram": {"-2": 0, "-1": 0, "0": 0, "1": 0, "2": 0},
        "mean": None,
        "median": None,
        "ranking": [],
    }
    out = RESULT["scale"](q, {"-2": 3, "2": 1, "0": 0})
    assert (out["mean"], out["median"]) == (-1.0, -2.0)


# --- budget ----------------------------------------------------------------------------


BUDGET_COSTS = {"a": 6_000_000, "b": 5_000_000, "c": 3_000_000, "d": 1_000_000}


def test_budget_skips_what_no_longer_fits_and_tries_the_next() -> None:
    q = question("budget", "abcd", budget=10_000_000, costs=BUDGET_COSTS)
    out = RESULT["budget"](q, {"a": 5, "b": 4, "c": 3})
    assert out["funded"] == ["a", "c"]  # b (5M) no longer fits in 4M; d has no approvals
    assert (out["spent"], out["budget"]) == (9_000_000, 10_000_000)
    assert table(out["ranking"]) == [("a", 5, 1), ("b", 4, 2), ("c", 3, 3), ("d", 0, 4)]


def test_budget_exactly_met() -> None:
    q = question("budget", "abcd", budget=10_000_000, costs=BUDGET_COSTS | {"b": 4_000_000})
    out = RESULT["budget"](q, {"a": 5, "b": 4, "c": 3, "d": 1})
    assert out["funded"] == ["a", "b"]
    assert out["spent"] == 10_000_000


def test_budget_ties_go_in_the_options_order() -> None:
    q = question("budget", "abcd", budget=10_000_000, costs=BUDGET_COSTS)
    out = RESULT["budget"](q, {"a": 2, "b": 3, "c": 3, "d": 3})
    assert out["funded"] == ["b", "c", "d"]
    assert out["spent"] == 9_000_000
    assert table(out["ranking"]) == [("b", 3, 1), ("c", 3, 1), ("d", 3, 1), ("a", 2, 4)]


def test_budget_no_ballots_funds_nothing() -> None:
    q = question("budget", "abcd", budget=10_000_000, costs=BUDGET_COSTS)
    out = RESULT["budget"](q, {})
    assert (out["funded"], out["spent"]) == ([], 0)


# --- demographic -----------------------------------------------------------------------


def test_demographic_result_with_targets() -> None:
    q = question("demographic", "abc", attribute="sector", targets={"b": 0.25, "a": 0.5})
    out = RESULT["demographic"](q, {"a": 3, "b": 1})
    assert table(out["ranking"]) == [("a", 3, 1), ("b", 1, 2), ("c", 0, 3)]
    assert out["attribute"] == "sector"
    assert out["targets"] == {"a": 0.5, "b": 0.25}
    assert out["gaps"] == {"a": 0.25, "b": 0.0}
    assert RESULT["demographic"](q, {})["gaps"] == {}
    plain = question("demographic", "ab", attribute="age")
    assert RESULT["demographic"](plain, {"b": 2}) == {
        "ranking": [
            {"option": "b", "label": "b", "score": 2, "share": 1.0, "rank": 1},
            {"option": "a", "label": "a", "score": 0, "share": 0.0, "rank": 2},
        ],
        "attribute": "age",
    }


# --- the worked examples of docs/methods.md ----------------------------------------------


def test_docs_schulze_cycle_example() -> None:
    q = question("ranked", "ABC")
    out = SCHULZE(q, ballots((4, "ABC"), (3, "BCA"), (2, "CAB")))
    assert out["pairwise"] == {
        "A": {"B": 6, "C": 4},
        "B": {"A": 3, "C": 7},
        "C": {"A": 5, "B": 2},
    }
    assert out["paths"] == {"A": {"B": 6, "C": 6}, "B": {"A": 5, "C": 7}, "C": {"A": 5, "B": 5}}
    assert table(out["ranking"]) == [("A", 2, 1), ("B", 1, 2), ("C", 0, 3)]


def test_docs_phayao_budget_example() -> None:
    q = question(
        "budget",
        ["vhv", "ambulance", "clinic", "masks", "hotline"],
        budget=10_000_000,
        costs={
            "vhv": 1_500_000,
            "ambulance": 6_000_000,
            "clinic": 3_500_000,
            "masks": 2_500_000,
            "hotline": 1_200_000,
        },
    )
    tally = {"ambulance": 300, "masks": 290, "clinic": 280, "hotline": 250, "vhv": 200}
    out = RESULT["budget"](q, tally)
    assert out["funded"] == ["ambulance", "masks", "hotline"]
    assert out["spent"] == 9_700_000
