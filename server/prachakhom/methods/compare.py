"""Deliberative polling: the same question before (pre) and after (post) deliberation.

    compare(pre_question, post_question, pre_answers, post_answers) -> {
        "kind", "pre", "post", "shift",            # everyone who answered each poll
        "paired": {"voters", "pre", "post", "shift", ...,
                   "wilcoxon"},                    # only voters who answered both (scale)
    }

Both questions are `scale` questions with the same min and max, or both `single`
questions with the same options. Answers are maps voter -> answer as stored. The
Wilcoxon signed-rank test asks whether paired answers moved, in pure Python (no scipy).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any

from ..errors import invalid_question
from ..questions import Question
from . import scale
from .base import option_id

EXACT_UP_TO = 50  # the exact null distribution is cheap up to here; the normal one is fine beyond


# --- the Wilcoxon signed-rank test --------------------------------------------------------


def midranks(values: Sequence[float]) -> list[float]:
    """Ranks 1..n in ascending order; tied values share the mean of the ranks they span."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for i in order[start : end + 1]:
            ranks[i] = (start + end + 2) / 2  # mean of ranks start+1 .. end+1
        start = end + 1
    return ranks


def exact_p(ranks: Sequence[float], w_plus: float) -> float:
    """Two-sided p of W+ under H0 (each rank's sign + or - with chance 1/2), exactly.

    Counts the 2**n sign patterns by their W+ with a subset-sum table over the doubled
    ranks (midranks are multiples of 1/2), so ties are handled exactly too: the
    distribution is conditional on the observed ranks, a permutation test.
    """
    doubled = [round(2 * r) for r in ranks]
    ways = [1] + [0] * sum(doubled)  # ways[s]: sign patterns with 2*W+ == s
    for r in doubled:
        for s in range(len(ways) - 1, r - 1, -1):
            ways[s] += ways[s - r]
    observed = round(2 * w_plus)
    low, high = sum(ways[: observed + 1]), sum(ways[observed:])
    return min(1.0, 2 * min(low, high) / 2 ** len(ranks))


def normal_z(n: int, w_plus: float, tie_sizes: Iterable[int]) -> float:
    """z of W+ against its null mean n(n+1)/4, with the tie-corrected variance
    n(n+1)(2n+1)/24 - sum(t^3 - t)/48 and a continuity correction of 1/2."""
    mean = n * (n + 1) / 4
    variance = n * (n + 1) * (2 * n + 1) / 24 - sum(t**3 - t for t in tie_sizes) / 48
    distance = max(abs(w_plus - mean) - 0.5, 0.0)
    return math.copysign(distance, w_plus - mean) / math.sqrt(variance)


def normal_p(z: float) -> float:
    """Two-sided p of a standard normal z: P(|Z| >= |z|)."""
    return math.erfc(abs(z) / math.sqrt(2))


def wilcoxon(differences: Iterable[float], method: str = "auto") -> dict[str, Any]:
    """The Wilcoxon signed-rank test of paired differences (post - pre) against no shift.

    Zero differences are dropped (Wilcoxon's rule); the rest are ranked by size with
    midranks for ties. W+ and W- sum the ranks of the rises and of the falls; the
    statistic is the smaller of the two (the textbook T). method: "exact", "normal",
    or "auto" (exact up to EXACT_UP_TO non-zero differences). z is the normal
    approximation's (positive when answers rose) and is given whichever p is used.
    """
    if method not in ("auto", "exact", "normal"):
        raise ValueError(f"unknown method {method!r}")
    nonzero = [d for d in differences if d != 0]
    n = len(nonzero)
    if not n:
        return {
            "statistic": 0.0,
            "w_plus": 0.0,
            "w_minus": 0.0,
            "n": 0,
            "z": None,
            "p_value": None,
            "method": None,
        }
    ranks = midranks([abs(d) for d in nonzero])
    w_plus = sum(r for r, d in zip(ranks, nonzero, strict=True) if d > 0)
    w_minus = n * (n + 1) / 2 - w_plus
    ties = [t for t in Counter(abs(d) for d in nonzero).values() if t > 1]
    z = normal_z(n, w_plus, ties)
    exact = method == "exact" or (method == "auto" and n <= EXACT_UP_TO)
    return {
        "statistic": min(w_plus, w_minus),
        "w_plus": w_plus,
        "w_minus": w_minus,
        "n": n,
        "z": z,
        "p_value": exact_p(ranks, w_plus) if exact else normal_p(z),
        "method": "exact" if exact else "normal",
    }


# --- distributions and shifts -------------------------------------------------------------


def distribution(keys: Sequence[str], values: Iterable[str], numeric: bool) -> dict[str, Any]:
    """Voters, counts and shares per key (and mean and median for a scale)."""
    seen = Counter(values)
    n = sum(seen.values())
    counts = {k: seen.get(k, 0) for k in keys}
    out: dict[str, Any] = {
        "voters": n,
        "counts": counts,
        "shares": {k: round(c / n, 4) if n else 0.0 for k, c in counts.items()},
    }
    if numeric:
        out.update(scale.summary(counts))
    return out


def shift(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """After minus before: each share (in points of 0..1), and the mean for a scale."""
    out: dict[str, Any] = {
        "shares": {k: round(after["shares"][k] - s, 4) for k, s in before["shares"].items()}
    }
    if "mean" in before:
        both = before["mean"] is not None and after["mean"] is not None
        out["mean"] = round(after["mean"] - before["mean"], 4) if both else None
    return out


def comparable(pre: Question, post: Question) -> str:
    """ "scale" or "single"; raises invalid_question when the two cannot be compared."""
    if pre.kind != post.kind or pre.kind not in ("scale", "single"):
        raise invalid_question(
            "a pre/post comparison needs two scale questions or two single-choice questions "
            f"(got {pre.kind} and {post.kind})"
        )
    if pre.kind == "scale" and scale.bounds(pre) != scale.bounds(post):
        raise invalid_question("the pre and post scales must have the same min and max")
    if pre.kind == "single" and pre.option_ids != post.option_ids:
        raise invalid_question("the pre and post questions must have the same options")
    return pre.kind


def compare(
    pre_question: Question,
    post_question: Question,
    pre: Mapping[Hashable, Any],
    post: Mapping[Hashable, Any],
) -> dict[str, Any]:
    """Distributions before and after, their shift, and the same for paired voters."""
    kind = comparable(pre_question, post_question)
    numeric = kind == "scale"
    if numeric:
        lo, hi = scale.bounds(pre_question)
        keys = [str(v) for v in range(lo, hi + 1)]
        before = keyed(pre, lambda a: str(scale.value(pre_question, a)))
        after = keyed(post, lambda a: str(scale.value(post_question, a)))
    else:
        keys = list(pre_question.option_ids)
        before = keyed(pre, lambda a: option_id(pre_question, a))
        after = keyed(post, lambda a: option_id(post_question, a))
    both = [v for v in before if v in after]
    out: dict[str, Any] = {
        "kind": kind,
        "pre": distribution(keys, before.values(), numeric),
        "post": distribution(keys, after.values(), numeric),
    }
    out["shift"] = shift(out["pre"], out["post"])
    paired: dict[str, Any] = {
        "voters": len(both),
        "pre": distribution(keys, (before[v] for v in both), numeric),
        "post": distribution(keys, (after[v] for v in both), numeric),
    }
    paired["shift"] = shift(paired["pre"], paired["post"])
    paired.update(moves([before[v] for v in both], [after[v] for v in both], numeric))
    out["paired"] = paired
    return out


def keyed(answers: Mapping[Hashable, Any], key: Callable[[Any], str]) -> dict[Hashable, str]:
    """voter -> key(answer), each distinct answer checked once (a scale has a handful of
    values among thousands of voters). Keyed by type too: True == 1, but not as an answer."""
    seen: dict[tuple[type, Any], str] = {}
    out = {}
    for voter, answer in answers.items():
        try:
            out[voter] = seen[type(answer), answer]
        except KeyError:
            out[voter] = seen[type(answer), answer] = key(answer)
        except TypeError:  # unhashable (a list): checked as it is
            out[voter] = key(answer)
    return out


def moves(before: Sequence[str], after: Sequence[str], numeric: bool) -> dict[str, Any]:
    """How paired voters moved: up/down/same and the Wilcoxon test for a scale; for a
    single choice, how many changed and where to ({from: {to: voters}}, changes only)."""
    pairs = list(zip(before, after, strict=True))
    if numeric:
        differences = [int(b) - int(a) for a, b in pairs]
        return {
            "up": sum(d > 0 for d in differences),
            "down": sum(d < 0 for d in differences),
            "same": sum(d == 0 for d in differences),
            "wilcoxon": wilcoxon(differences),
        }
    transitions: dict[str, dict[str, int]] = {}
    for a, b in pairs:
        if a != b:
            transitions.setdefault(a, {}).setdefault(b, 0)
            transitions[a][b] += 1
    changed = sum(a != b for a, b in pairs)
    return {"changed": changed, "same": len(pairs) - changed, "transitions": transitions}
