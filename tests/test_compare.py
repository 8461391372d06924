"""Pre/post comparison and the Wilcoxon signed-rank test, against published values."""

from __future__ import annotations

import itertools
import math
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.methods import compare as counting
from prachakhom.core.methods.compare import exact_p, keyed, normal_p, normal_z
from prachakhom.core.questions import Question, parse_question


def wilcoxon(differences: Any, method: str = "auto") -> Any:
    """The test as the plain map it encodes to."""
    return msgspec.to_builtins(counting.wilcoxon(differences, method))


def compare(*args: Any) -> Any:
    """The comparison as the plain map it encodes to."""
    return msgspec.to_builtins(counting.compare(*args))


def question(qid: str, kind: str, **settings: Any) -> Question:
    return parse_question({"id": qid, "kind": kind, "prompt": "?", **settings})


PRE = question("pre", "scale", min=1, max=5)
POST = question("post", "scale", min=1, max=5, pair_of="pre")


# --- the test's pieces ------------------------------------------------------------------


def midranks(values: list[int]) -> list[float]:
    """The textbook ranks, by sorting: ranks 1..n ascending, ties share their mean."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for i in order[start : end + 1]:
            ranks[i] = (start + end + 2) / 2
        start = end + 1
    return ranks


def test_the_textbook_ranks_share_ties() -> None:
    assert midranks([5, 5, 7, 9, 10]) == [1.5, 1.5, 3.0, 4.0, 5.0]
    assert midranks([3, 1, 3, 3]) == [3.0, 1.0, 3.0, 3.0]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-6, 6), max_size=80))
def test_counted_ranks_equal_the_textbook_ranks(diffs: list[int]) -> None:
    """W+ from counts per difference equals the sum of sorted midranks of the rises."""
    nonzero = [d for d in diffs if d]
    ranks = midranks([abs(d) for d in nonzero])
    out = wilcoxon(diffs)
    assert out["n"] == len(nonzero)
    assert out["w_plus"] == sum(r for r, d in zip(ranks, nonzero, strict=True) if d > 0)
    if 0 < len(nonzero) <= 50:  # exact: the p of the sorted ranks
        assert out["p_value"] == exact_p(ranks, out["w_plus"])


def test_exact_distribution_small_cases() -> None:
    # all five differences positive: W+ = 15 happens in 1 of 32 sign patterns, two-sided 2/32
    assert exact_p([1, 2, 3, 4, 5], 15) == 0.0625
    # three tied ranks (2, 2, 2): W+ counts the positives, 0..3 -> 2, 4, 6; Binomial(3, 1/2)
    assert exact_p([2, 2, 2], 6) == 0.25
    assert exact_p([2, 2, 2], 4) == 1.0


def test_normal_z_and_p() -> None:
    # n = 9, no ties: mean 22.5, variance 9*10*19/24 = 71.25
    assert normal_z(9, 40, []) == pytest.approx(17 / math.sqrt(71.25))
    assert normal_z(9, 22.5, []) == 0.0
    assert normal_z(9, 22.8, []) == 0.0  # within the continuity correction
    assert normal_z(9, 5, []) == pytest.approx(-17 / math.sqrt(71.25))
    assert normal_p(1.959963984540054) == pytest.approx(0.05)
    assert normal_p(0.0) == 1.0


# Hollander & Wolfe (1973), p. 29: Hamilton depression scale before (x) and after (y)
# a tranquilizer, nine patients; the example in R's ?wilcox.test, which reports
# V = 40, p-value = 0.01953 for alternative = "greater" (so 0.0390625 two-sided).
# In thousandths, so that the differences are whole numbers.
HW_X = [1830, 500, 1620, 2480, 1680, 1880, 1550, 3060, 1300]
HW_Y = [878, 647, 598, 2050, 1060, 1290, 1060, 3140, 1290]


def test_wilcoxon_hollander_wolfe_exact() -> None:
    out = wilcoxon([x - y for x, y in zip(HW_X, HW_Y, strict=True)])
    assert out["method"] == "exact"
    assert (out["n"], out["w_plus"], out["w_minus"], out["statistic"]) == (9, 40, 5, 5)
    assert out["p_value"] == 10 / 256  # 10 of the 512 sign patterns have W- <= 5, doubled
    assert out["p_value"] / 2 == pytest.approx(0.01953, abs=5e-6)
    assert out["z"] == pytest.approx(2.0140, abs=1e-4)


def test_wilcoxon_hollander_wolfe_normal() -> None:
    out = wilcoxon([x - y for x, y in zip(HW_X, HW_Y, strict=True)], method="normal")
    # z = (40 - 22.5 - 0.5) / sqrt(71.25) = 2.01399; two-sided p = erfc(z / sqrt 2)
    assert out["method"] == "normal"
    assert out["z"] == pytest.approx(2.01399, abs=1e-5)
    assert out["p_value"] == pytest.approx(0.04401, abs=1e-5)


def test_wilcoxon_wikipedia_example_with_a_zero_and_a_tie() -> None:
    # Wikipedia, "Wilcoxon signed-rank test": ten pairs, one zero difference (dropped) and
    # |5| twice (midrank 1.5): W+ = 27, W- = 18, W = 9.
    x2 = [125, 115, 130, 140, 140, 115, 140, 125, 140, 135]
    x1 = [110, 122, 125, 120, 140, 124, 123, 137, 135, 145]
    diffs = [a - b for a, b in zip(x2, x1, strict=True)]
    out = wilcoxon(diffs, method="normal")
    assert (out["n"], out["w_plus"], out["w_minus"], out["statistic"]) == (9, 27, 18, 18)
    # variance 71.25 - (2^3 - 2)/48 = 71.125; z = (27 - 22.5 - 0.5) / sqrt(71.125)
    assert out["z"] == pytest.approx(0.474295, abs=1e-6)
    assert out["p_value"] == pytest.approx(0.635289, abs=1e-6)
    exact = wilcoxon(diffs)
    assert exact["method"] == "exact"
    # count by brute force: of the 2^9 sign patterns of the ranks, how many give W+ >= 27
    ranks = [7, 3, 1.5, 9, 4, 8, 6, 1.5, 5]
    as_high = sum(
        sum(r for r, s in zip(ranks, signs, strict=True) if s) >= 27
        for signs in itertools.product((0, 1), repeat=9)
    )
    assert as_high == 162
    assert exact["p_value"] == 2 * as_high / 512


def test_wilcoxon_no_change() -> None:
    assert wilcoxon([0, 0, 0]) == {
        "statistic": 0.0, "w_plus": 0.0, "w_minus": 0.0, "n": 0,
        "z": None, "p_value": None, "method": None,
    }  # fmt: skip
    with pytest.raises(ValueError, match="unknown method"):
        wilcoxon([1], method="t")


def test_wilcoxon_large_sample_uses_the_normal_approximation() -> None:
    diffs = [1] * 40 + [-1] * 20 + [2] * 10
    out = wilcoxon(diffs)
    assert (out["method"], out["n"]) == ("normal", 70)
    # |1| x 60 share rank 30.5; |2| x 10 share rank 65.5
    assert out["w_plus"] == 40 * 30.5 + 10 * 65.5
    variance = 70 * 71 * 141 / 24 - ((60**3 - 60) + (10**3 - 10)) / 48
    z = (out["w_plus"] - 70 * 71 / 4 - 0.5) / math.sqrt(variance)
    assert out["z"] == pytest.approx(z)
    assert out["p_value"] == pytest.approx(math.erfc(z / math.sqrt(2)))
    # by hand: W+ = 1875, mean 1242.5, variance 24679.375, z = 632 / 157.097 = 4.0230
    assert out["z"] == pytest.approx(4.0230, abs=1e-4)
    assert out["p_value"] == pytest.approx(5.746e-5, rel=1e-3)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-4, 4), max_size=30))
def test_wilcoxon_is_symmetric(diffs: list[int]) -> None:
    out, flipped = wilcoxon(diffs), wilcoxon([-d for d in diffs])
    n = out["n"]
    assert out["w_plus"] + out["w_minus"] == n * (n + 1) / 2
    assert (flipped["w_plus"], flipped["w_minus"]) == (out["w_minus"], out["w_plus"])
    assert flipped["p_value"] == out["p_value"]
    if n:
        assert 0 < out["p_value"] <= 1
        assert flipped["z"] == -out["z"]
        # the exact and the normal p agree roughly once there are some differences
        if n >= 20:
            normal = wilcoxon(diffs, method="normal")["p_value"]
            assert abs(normal - out["p_value"]) < 0.05


# --- compare --------------------------------------------------------------------------


def test_compare_scale() -> None:
    pre = {"v1": 2, "v2": 3, "v3": 3, "v4": 1, "gone": 5}
    post = {"v1": 4, "v2": 3, "v3": 5, "v4": 2, "new": 4}
    out = compare(PRE, POST, pre, post)
    assert out["kind"] == "scale"
    assert out["pre"] == {
        "voters": 5,
        "counts": {"1": 1, "2": 1, "3": 2, "4": 0, "5": 1},
        "shares": {"1": 0.2, "2": 0.2, "3": 0.4, "4": 0.0, "5": 0.2},
        "mean": 2.8,
        "median": 3.0,
    }
    assert out["post"]["counts"] == {"1": 0, "2": 1, "3": 1, "4": 2, "5": 1}
    assert out["post"]["mean"] == 3.6
    assert out["shift"] == {
        "shares": {"1": -0.2, "2": 0.0, "3": -0.2, "4": 0.4, "5": 0.0},
        "mean": 0.8,
    }
    paired = out["paired"]
    assert paired["voters"] == 4
    assert (paired["pre"]["mean"], paired["post"]["mean"]) == (2.25, 3.5)
    assert paired["shift"]["mean"] == 1.25
    assert (paired["up"], paired["down"], paired["same"]) == (3, 0, 1)
    # differences 2, 0, 2, 1: n = 3, ranks 2.5, 2.5, 1, all rises
    assert paired["wilcoxon"]["n"] == 3
    assert paired["wilcoxon"]["w_plus"] == 6.0
    assert paired["wilcoxon"]["p_value"] == 0.25


def test_compare_single() -> None:
    options = [{"id": o, "label": o} for o in ("yes", "no", "unsure")]
    before = question("b", "single", options=options)
    after = question("a", "single", options=options)
    pre = {1: "no", 2: "unsure", 3: "unsure", 4: "yes"}
    post = {1: "yes", 2: "yes", 3: "unsure", 5: "no"}
    out = compare(before, after, pre, post)
    assert out["kind"] == "single"
    assert out["pre"] == {
        "voters": 4,
        "counts": {"yes": 1, "no": 1, "unsure": 2},
        "shares": {"yes": 0.25, "no": 0.25, "unsure": 0.5},
    }
    assert out["shift"] == {"shares": {"yes": 0.25, "no": 0.0, "unsure": -0.25}}
    paired = out["paired"]
    assert paired["voters"] == 3
    assert paired["post"]["counts"] == {"yes": 2, "no": 0, "unsure": 1}
    assert (paired["changed"], paired["same"]) == (2, 1)
    assert paired["transitions"] == {"no": {"yes": 1}, "unsure": {"yes": 1}}
    assert "wilcoxon" not in paired


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(st.integers(0, 40), st.integers(1, 5), max_size=40),
    st.dictionaries(st.integers(0, 40), st.integers(1, 5), max_size=40),
)
def test_paired_figures_equal_a_voter_by_voter_count(
    pre: dict[int, int], post: dict[int, int]
) -> None:
    out = compare(PRE, POST, pre, post)
    both = [v for v in pre if v in post]
    paired = out["paired"]
    assert paired["voters"] == len(both)
    assert paired["pre"]["counts"] == {str(k): sum(pre[v] == k for v in both) for k in range(1, 6)}
    assert paired["post"]["counts"] == {
        str(k): sum(post[v] == k for v in both) for k in range(1, 6)
    }
    assert paired["up"] == sum(post[v] > pre[v] for v in both)
    assert paired["down"] == sum(post[v] < pre[v] for v in both)
    assert paired["same"] == sum(post[v] == pre[v] for v in both)
    assert paired["wilcoxon"] == wilcoxon([post[v] - pre[v] for v in both])
    assert out["pre"]["voters"] == len(pre) and out["post"]["voters"] == len(post)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(st.integers(0, 30), st.sampled_from(["yes", "no", "unsure"]), max_size=30),
    st.dictionaries(st.integers(0, 30), st.sampled_from(["yes", "no", "unsure"]), max_size=30),
)
def test_single_choice_moves_equal_a_voter_by_voter_count(
    pre: dict[int, str], post: dict[int, str]
) -> None:
    options = [{"id": o, "label": o} for o in ("yes", "no", "unsure")]
    before = question("b", "single", options=options)
    after = question("a", "single", options=options)
    paired = compare(before, after, pre, post)["paired"]
    both = [v for v in pre if v in post]
    moved = [v for v in both if pre[v] != post[v]]
    assert (paired["changed"], paired["same"]) == (len(moved), len(both) - len(moved))
    transitions: dict[str, dict[str, int]] = {}  # in the order voters first made each move
    for v in moved:
        transitions.setdefault(pre[v], {}).setdefault(post[v], 0)
        transitions[pre[v]][post[v]] += 1
    assert list(paired["transitions"].items()) == list(transitions.items())
    for was, went in transitions.items():
        assert list(paired["transitions"][was].items()) == list(went.items())


def test_compare_with_no_answers() -> None:
    out = compare(PRE, POST, {}, {})
    assert out["pre"]["mean"] is None and out["shift"]["mean"] is None
    assert out["paired"]["voters"] == 0
    assert out["paired"]["wilcoxon"]["p_value"] is None


@pytest.mark.parametrize(
    ("other", "message"),
    [
        (question("x", "scale", min=0, max=5), "same min and max"),
        (question("x", "single", options=[{"id": "a", "label": "a"}]), "got scale and single"),
        (question("x", "points", points=3, options=[{"id": "a", "label": "a"}]), "two scale"),
    ],
)
def test_compare_refuses_questions_that_do_not_match(other: Question, message: str) -> None:
    with pytest.raises(PrachakhomError) as caught:
        compare(PRE, other, {}, {})
    assert caught.value.code is Code.INVALID_QUESTION
    assert message in caught.value.message


def test_compare_refuses_singles_with_other_options() -> None:
    a = question("a", "single", options=[{"id": "x", "label": "x"}])
    b = question("b", "single", options=[{"id": "y", "label": "y"}])
    with pytest.raises(PrachakhomError, match="same options"):
        compare(a, b, {}, {})


def test_each_distinct_answer_is_checked_once() -> None:
    checked: list[Any] = []

    def key(answer: Any) -> str:
        checked.append(answer)
        return str(answer)

    answers = {f"v{i}": i % 3 for i in range(300)} | {"flag": True, "list": [1]}
    out = keyed(answers, key)
    assert out == {v: str(a) for v, a in answers.items()}
    assert sorted(map(repr, checked)) == ["0", "1", "2", "True", "[1]"]  # True is not 1


def test_a_stored_answer_that_is_no_longer_valid_is_still_refused() -> None:
    with pytest.raises(PrachakhomError):
        compare(PRE, POST, {"v1": 1, "v2": True}, {"v1": 2})
