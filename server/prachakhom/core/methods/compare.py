"""Deliberative polling: the same question before (pre) and after (post) deliberation.

    compare(pre_question, post_question, pre_answers, post_answers) -> Comparison(
        kind, pre, post, shift,                    # everyone who answered each poll
        paired=Paired(voters, pre, post, shift, ...,
                      wilcoxon),                   # only voters who answered both (scale)
        pre_question,
    )                                              # (core/resulttypes.py)

Both questions are `scale` questions with the same min and max, or both `single`
questions with the same options. Answers are maps voter -> answer as stored. The
Wilcoxon signed-rank test asks whether paired answers moved, in pure Python (no scipy).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, Literal

from msgspec import UNSET

from prachakhom.core.errors import invalid_question
from prachakhom.core.methods import scale
from prachakhom.core.methods.base import option_id
from prachakhom.core.question import Question
from prachakhom.core.resulttypes import Comparison, Paired, Poll, Shift, Wilcoxon

EXACT_UP_TO = 50  # the exact null distribution is cheap up to here; the normal one is fine beyond


# --- the Wilcoxon signed-rank test --------------------------------------------------------


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
    return min(1.0, 2 * min(low, high) / 2 ** len(ranks))  # type: ignore[no-any-return]


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


def wilcoxon(differences: Iterable[int], method: str = "auto") -> Wilcoxon:
    """The Wilcoxon signed-rank test of paired differences (post - pre) against no shift."""
    return wilcoxon_counted(Counter(differences), method)


def wilcoxon_counted(counts: Mapping[int, int], method: str = "auto") -> Wilcoxon:
    """The same test from how many voters moved by each difference (a scale has a handful
    of differences among thousands of voters: ranks are counted, not sorted).

    Zero differences are dropped (Wilcoxon's rule); the rest are ranked by size with
    midranks for ties. W+ and W- sum the ranks of the rises and of the falls; the
    statistic is the smaller of the two (the textbook T). method: "exact", "normal",
    or "auto" (exact up to EXACT_UP_TO non-zero differences). z is the normal
    approximation's (positive when answers rose) and is given whichever p is used.
    """
    if method not in ("auto", "exact", "normal"):
        raise ValueError(f"unknown method {method!r}")
    sizes: Counter[int] = Counter()  # |difference| -> voters
    rises: Counter[int] = Counter()  # |difference| -> voters whose answer rose by it
    for d, voters in counts.items():
        if d != 0 and voters > 0:
            sizes[abs(d)] += voters
            if d > 0:
                rises[d] += voters
    n = sum(sizes.values())
    if not n:
        return Wilcoxon(
            statistic=0.0, w_plus=0.0, w_minus=0.0, n=0, z=None, p_value=None, method=None
        )
    rank_of, below = {}, 0
    for size in sorted(sizes):
        rank_of[size] = below + (sizes[size] + 1) / 2  # the mean of ranks below+1 .. below+t
        below += sizes[size]
    w_plus = sum(rank_of[size] * voters for size, voters in rises.items())
    w_minus = n * (n + 1) / 2 - w_plus
    z = normal_z(n, w_plus, [t for t in sizes.values() if t > 1])
    exact = method == "exact" or (method == "auto" and n <= EXACT_UP_TO)
    if exact:  # every voter's rank, for the count of sign patterns
        ranks = [rank for size, rank in rank_of.items() for _ in range(sizes[size])]
        p_value = exact_p(ranks, w_plus)
    else:
        p_value = normal_p(z)
    return Wilcoxon(
        statistic=min(w_plus, w_minus),
        w_plus=w_plus,
        w_minus=w_minus,
        n=n,
        z=z,
        p_value=p_value,
        method="exact" if exact else "normal",
    )


# --- distributions and shifts -------------------------------------------------------------


def distribution(keys: Sequence[str], seen: Mapping[str, int], numeric: bool) -> Poll:
    """Voters, counts and shares per key (and mean and median for a scale), from how
    many voters gave each key."""
    n = sum(seen.values())
    counts = {k: seen.get(k, 0) for k in keys}
    out = Poll(
        voters=n,
        counts=counts,
        shares={k: round(c / n, 4) if n else 0.0 for k, c in counts.items()},
    )
    if numeric:
        out.mean, out.median = scale.summary(counts)
    return out


def shift(before: Poll, after: Poll) -> Shift:
    """After minus before: each share (in points of 0..1), and the mean for a scale."""
    out = Shift(shares={k: round(after.shares[k] - s, 4) for k, s in before.shares.items()})
    if before.mean is not UNSET:
        if isinstance(before.mean, float) and isinstance(after.mean, float):
            out.mean = round(after.mean - before.mean, 4)
        else:
            out.mean = None
    return out


def comparable(pre: Question, post: Question) -> Literal["scale", "single"]:
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
    return "scale" if pre.kind == "scale" else "single"


def answer_key(question: Question) -> Callable[[Any], str]:
    """What the comparison counts an answer as: its scale value or its option id."""
    if question.kind == "scale":
        return lambda a: str(scale.value(question, a))
    return lambda a: option_id(question, a)


def compare(
    pre_question: Question,
    post_question: Question,
    pre: Mapping[Hashable, Any],
    post: Mapping[Hashable, Any],
) -> Comparison:
    """Distributions before and after, their shift, and the same for paired voters."""
    comparable(pre_question, post_question)
    return compare_keyed(
        pre_question,
        post_question,
        keyed(pre, answer_key(pre_question)),
        keyed(post, answer_key(post_question)),
    )


def compare_keyed(
    pre_question: Question,
    post_question: Question,
    before: Mapping[Hashable, str],
    after: Mapping[Hashable, str],
) -> Comparison:
    """compare() of answers already keyed: voter -> answer_key(question)(answer)."""
    kind = comparable(pre_question, post_question)
    numeric = kind == "scale"
    if numeric:
        lo, hi = scale.bounds(pre_question)
        keys = [str(v) for v in range(lo, hi + 1)]
    else:
        keys = list(pre_question.option_ids)
    joint = Counter((b, after[v]) for v, b in before.items() if v in after)  # paired voters
    paired_pre: Counter[str] = Counter()
    paired_post: Counter[str] = Counter()
    for (b, a), voters in joint.items():
        paired_pre[b] += voters
        paired_post[a] += voters
    pre = distribution(keys, Counter(before.values()), numeric)
    post = distribution(keys, Counter(after.values()), numeric)
    both_pre = distribution(keys, paired_pre, numeric)
    both_post = distribution(keys, paired_post, numeric)
    paired = Paired(
        voters=sum(joint.values()),
        pre=both_pre,
        post=both_post,
        shift=shift(both_pre, both_post),
    )
    moves(paired, joint, numeric)
    return Comparison(
        kind=kind,
        pre=pre,
        post=post,
        shift=shift(pre, post),
        paired=paired,
        pre_question=pre_question.id,
    )


def keyed(answers: Mapping[Any, Any], key: Callable[[Any], str]) -> dict[Hashable, str]:
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


def moves(paired: Paired, joint: Mapping[tuple[str, str], int], numeric: bool) -> None:
    """How paired voters moved, from how many went from each key to each key: up/down/same
    and the Wilcoxon test for a scale; for a single choice, how many changed and where
    to ({from: {to: voters}}, changes only). Written into `paired`."""
    if numeric:
        differences: Counter[int] = Counter()
        for (b, a), voters in joint.items():
            differences[int(a) - int(b)] += voters
        paired.up = sum(v for d, v in differences.items() if d > 0)
        paired.down = sum(v for d, v in differences.items() if d < 0)
        paired.same = differences[0]
        paired.wilcoxon = wilcoxon_counted(differences)
        return
    transitions: dict[str, dict[str, int]] = {}
    changed = 0
    for (b, a), voters in joint.items():
        if a != b:
            transitions.setdefault(b, {})[a] = voters
            changed += voters
    paired.changed = changed
    paired.same = sum(joint.values()) - changed
    paired.transitions = transitions
