"""`ranked`: a voter orders 1..max_rank distinct options, best first.

Live, the tally is Borda points (first choice max_rank points, then one less per place,
unranked 0): it adds up ballot by ballot. Instant-runoff (IRV) and Schulze look at whole
ballots, so they are recounts over the stored answers. docs/methods.md has worked examples.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, Literal

from msgspec import UNSET, Meta, UnsetType

from prachakhom.core.errors import invalid_answer, invalid_question
from prachakhom.core.methods.base import (
    Contribution,
    Kind,
    Tally,
    positive_int_setting,
    ranking,
)
from prachakhom.core.question import Definition, Question
from prachakhom.core.resulttypes import Counted, RankedOption, Round

METHODS = ("borda", "irv", "schulze")

Ballots = Counter[tuple[str, ...]]  # identical ballots counted once, with their number


def max_rank(question: Question) -> int:
    return positive_int_setting(question, "max_rank", len(question.options))


def method(question: Question) -> str:
    value = question.settings.get("method", "borda")
    if not isinstance(value, str) or value not in METHODS:
        raise invalid_question(f"method must be one of {', '.join(METHODS)} (got {value!r:.40})")
    return value


def check_question(question: Question) -> None:
    most, options = max_rank(question), len(question.options)
    if most > options:
        raise invalid_question(f"max_rank is {most} but there are only {options} options")
    method(question)


def ballot(question: Question, answer: Any) -> list[str]:
    """The answer as a list of option ids, best first; raises invalid_answer."""
    most = max_rank(question)
    if not isinstance(answer, list):
        raise invalid_answer("the answer must be a list of option ids, best first")
    if not answer:
        raise invalid_answer("rank at least one option")
    if len(answer) > most:
        raise invalid_answer(f"rank at most {most} options (got {len(answer)})")
    for choice in answer:
        if not isinstance(choice, str):
            raise invalid_answer("each ranked choice must be an option id (text)")
        if choice not in question.option_ids:
            raise invalid_answer(f"{choice[:40]!r} is not an option of this question")
    if len(set(answer)) != len(answer):
        raise invalid_answer("each option may be ranked only once")
    return list(answer)


def contribution(question: Question, answer: Any) -> Contribution:
    """Borda points: max_rank for the first choice, one less for each next place."""
    most = max_rank(question)
    return {option: most - place for place, option in enumerate(ballot(question, answer))}


def result(question: Question, tally: Tally) -> Counted:
    return Counted(ranking=ranking(question, tally), max_rank=max_rank(question))


def group(answers: Iterable[Sequence[str]]) -> Ballots:
    return Counter(tuple(a) for a in answers)


# --- Borda, recounted -------------------------------------------------------------------


def borda_points(question: Question, answers: Sequence[Any]) -> dict[str, int]:
    most = max_rank(question)
    points = dict.fromkeys(question.option_ids, 0)
    for ranked, n in group(answers).items():
        for place, option in enumerate(ranked):
            points[option] += (most - place) * n
    return points


def borda(question: Question, answers: Sequence[Any]) -> Counted:
    """The live tally's numbers, computed from the stored answers (for the audit)."""
    return result(question, borda_points(question, answers))


# --- Instant-runoff ---------------------------------------------------------------------


def first_preferences(ballots: Ballots, continuing: Sequence[str]) -> tuple[dict[str, int], int]:
    """Votes per continuing option (each ballot for its best continuing choice), exhausted."""
    counts = dict.fromkeys(continuing, 0)
    exhausted = 0
    for ranked, n in ballots.items():
        top = next((option for option in ranked if option in counts), None)
        if top is None:
            exhausted += n
        else:
            counts[top] += n
    return counts, exhausted


def weakness(
    question: Question, history: Sequence[dict[str, int]]
) -> Callable[[str], tuple[tuple[int, ...], int]]:
    """Sort key, lowest is eliminated first: this round's votes, then each earlier round's
    (looking back round by round), then the option latest in the options' order."""
    order = question.option_ids

    def key(option: str) -> tuple[tuple[int, ...], int]:
        return tuple(counts[option] for counts in reversed(history)), -order.index(option)

    return key


def irv(question: Question, answers: Sequence[Any]) -> Counted:
    """Instant-runoff: eliminate the weakest option until one has a majority of the
    continuing (not exhausted) ballots. See docs/methods.md for the tie-break."""
    ballots = group(answers)
    if not ballots:
        return Counted(ranking=ranking(question, {}), rounds=[])
    continuing = list(question.option_ids)
    history: list[dict[str, int]] = []
    rounds: list[Round] = []
    gone: list[tuple[str, int, int]] = []  # (option, votes, continuing ballots), last round
    while True:
        counts, exhausted = first_preferences(ballots, continuing)
        history.append(counts)
        active = sum(counts.values())
        key = weakness(question, history)
        best = max(continuing, key=key)
        if 2 * counts[best] > active or len(continuing) == 1:
            rounds.append(Round(counts, None, exhausted))
            standing = sorted(continuing, key=key, reverse=True)
            return Counted(
                ranking=irv_ranking(question, standing, counts, active, gone), rounds=rounds
            )
        loser = min(continuing, key=key)
        rounds.append(Round(counts, loser, exhausted))
        gone.append((loser, counts[loser], active))
        continuing.remove(loser)


def irv_ranking(
    question: Question,
    standing: Sequence[str],
    counts: dict[str, int],
    active: int,
    eliminated: Sequence[tuple[str, int, int]],
) -> list[RankedOption]:
    """Winner first, the others still standing by their last votes (equal votes share a
    rank), then the eliminated in reverse order of elimination (each its own rank)."""
    rows: list[RankedOption] = []
    last = [(o, counts[o], active) for o in standing] + list(reversed(eliminated))
    for position, (option, votes, ballots) in enumerate(last):
        # the winner never shares first place; eliminated options were parted by the count
        tied = 1 < position < len(standing) and rows[-1].score == votes
        rows.append(
            RankedOption(
                option=option,
                label=question.label(option),
                score=votes,
                share=round(votes / ballots, 4) if ballots else 0.0,
                rank=rows[-1].rank if tied else position + 1,
            )
        )
    return rows


# --- Schulze ----------------------------------------------------------------------------


def pairwise(question: Question, answers: Sequence[Any]) -> dict[str, dict[str, int]]:
    """d[a][b]: ballots that rank a above b. Ranked beats unranked; unranked tie."""
    ids = question.option_ids
    d = {a: {b: 0 for b in ids if b != a} for a in ids}
    for ranked, n in group(answers).items():
        chosen = set(ranked)
        below = [o for o in ids if o not in chosen]  # unranked: below every ranked option
        for a in reversed(ranked):  # worst first: each beats all that are already below
            row = d[a]
            for b in below:
                row[b] += n
            below.append(a)
    return d


def strongest_paths(d: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """p[a][b]: the strength of the strongest (widest) path from a to b, where a link a->b
    has strength d[a][b] if more prefer a to b than b to a, else there is no link."""
    ids = list(d)
    p = {a: {b: d[a][b] if d[a][b] > d[b][a] else 0 for b in d[a]} for a in ids}
    for via in ids:
        for a in ids:
            if a == via:
                continue
            for b in ids:
                if b not in (a, via):
                    p[a][b] = max(p[a][b], min(p[a][via], p[via][b]))
    return p


def schulze(question: Question, answers: Sequence[Any]) -> Counted:
    """Schulze: score = how many options each one beats by strongest path; ties share."""
    d = pairwise(question, answers)
    p = strongest_paths(d)
    wins = {a: sum(1 for b in p[a] if p[a][b] > p[b][a]) for a in p}
    return Counted(ranking=ranking(question, wins), pairwise=d, paths=p)


class RankedQuestion(Definition, tag="ranked", forbid_unknown_fields=True, kw_only=True):
    max_rank: Annotated[int, Meta(ge=1)] | UnsetType = UNSET  # default: every option
    method: Literal["borda", "irv", "schulze"] | UnsetType = UNSET  # default: borda


KIND = Kind(
    name="ranked",
    has_options=True,
    definition=RankedQuestion,
    check_question=check_question,
    contribution=contribution,
    result=result,
    recount={"borda": borda, "irv": irv, "schulze": schulze},
    default_method=method,
    live_method="borda",
)
