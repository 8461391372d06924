"""Properties: the live tally, built ballot by ballot with replacements, equals a recount
from each voter's last answer; results never depend on the order of the ballots."""

from __future__ import annotations

from collections import Counter
from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from prachakhom.core.methods import KINDS
from prachakhom.core.questions import Question, parse_question

IDS = ["a", "b", "c", "d", "e"]
COSTS = {"a": 6, "b": 5, "c": 3, "d": 1, "e": 0}


def plain(counted: Any) -> Any:
    """A count as the plain map it encodes to."""
    return msgspec.to_builtins(counted)


def question(kind: str, **settings: Any) -> Question:
    data: dict[str, Any] = {"id": "q", "kind": kind, "prompt": "?", **settings}
    if KINDS[kind].has_options:
        data["options"] = [{"id": o, "label": o} for o in IDS]
    return parse_question(data)


def dots(picks: list[str], zeros: set[str]) -> dict[str, int]:
    return dict.fromkeys(zeros, 0) | dict(Counter(picks))


option = st.sampled_from(IDS)
subset = st.lists(option, min_size=1, max_size=5, unique=True)

CASES: dict[str, tuple[Question, st.SearchStrategy[Any]]] = {
    "single": (question("single"), option),
    "multiple": (
        question("multiple", max_choices=3),
        st.lists(option, min_size=1, max_size=3, unique=True),
    ),
    "ranked": (
        question("ranked", max_rank=3),
        st.lists(option, min_size=1, max_size=3, unique=True),
    ),
    "ranked-full": (question("ranked", method="irv"), subset),
    "points": (
        question("points", points=5),
        st.builds(dots, st.lists(option, min_size=1, max_size=5), st.sets(option)),
    ),
    "scale": (question("scale", min=-2, max=3), st.integers(-2, 3)),
    "budget": (
        question("budget", budget=10, costs=COSTS),
        subset.filter(lambda ids: sum(COSTS[o] for o in ids) <= 10),
    ),
    "demographic": (question("demographic", attribute="age"), option),
}


def casts(answers: st.SearchStrategy[Any]) -> st.SearchStrategy[list[tuple[int, Any]]]:
    """Ballots by a few voters, so that many replace an earlier ballot."""
    return st.lists(st.tuples(st.integers(0, 7), answers), max_size=40)


def add(tally: dict[str, int], contribution: dict[str, int], sign: int) -> None:
    for key, delta in contribution.items():
        tally[key] = tally.get(key, 0) + sign * delta  # like HINCRBY: zeros stay


def live_and_last(q: Question, ballots: list[tuple[int, Any]]) -> tuple[dict, dict[int, Any]]:
    kind = KINDS[q.kind]
    tally: dict[str, int] = {}
    last: dict[int, Any] = {}
    for voter, answer in ballots:
        new = kind.contribution(q, answer)
        assert new and all(type(d) is int and d != 0 for d in new.values())
        if voter in last:
            add(tally, kind.contribution(q, last[voter]), -1)
        add(tally, new, +1)
        last[voter] = answer
    return tally, last


def recount_tally(q: Question, answers: list[Any]) -> dict[str, int]:
    tally: dict[str, int] = {}
    for answer in answers:
        add(tally, KINDS[q.kind].contribution(q, answer), +1)
    return {k: v for k, v in tally.items() if v}


@st.composite
def kind_and_ballots(draw: st.DrawFn) -> tuple[Question, list[tuple[int, Any]]]:
    q, answers = CASES[draw(st.sampled_from(sorted(CASES)))]
    return q, draw(casts(answers))


@settings(max_examples=300, deadline=None)
@given(kind_and_ballots(), st.randoms(use_true_random=False))
def test_live_tally_equals_recount_of_last_answers(
    case: tuple[Question, list[tuple[int, Any]]], rnd: Any
) -> None:
    q, ballots = case
    kind = KINDS[q.kind]
    tally, last = live_and_last(q, ballots)
    answers = list(last.values())
    assert {k: v for k, v in tally.items() if v} == recount_tally(q, answers)
    assert all(v >= 0 for v in tally.values())
    assert kind.result(q, tally) == kind.result(q, recount_tally(q, answers))
    shuffled = answers[:]
    rnd.shuffle(shuffled)
    assert kind.result(q, recount_tally(q, shuffled)) == kind.result(q, tally)
    for count in kind.recount.values():
        assert count(q, shuffled) == count(q, answers)
    if q.kind == "ranked":
        assert kind.recount["borda"](q, answers) == kind.result(q, tally)


ranked_ballots = st.lists(st.lists(option, min_size=1, max_size=5, unique=True), max_size=30)
RANKED = question("ranked")


@settings(max_examples=300, deadline=None)
@given(ranked_ballots)
def test_irv_rounds_account_for_every_ballot(answers: list[list[str]]) -> None:
    out = plain(KINDS["ranked"].recount["irv"](RANKED, answers))
    assert sorted(r["option"] for r in out["ranking"]) == IDS
    for number, r in enumerate(out["rounds"]):
        assert sum(r["counts"].values()) + r["exhausted"] == len(answers)
        assert len(r["counts"]) == len(IDS) - number
        if r["eliminated"] is not None:
            assert r["counts"][r["eliminated"]] == min(r["counts"].values())
    if answers:
        final = out["rounds"][-1]
        winner = out["ranking"][0]["option"]
        assert final["eliminated"] is None
        assert 2 * final["counts"][winner] > sum(final["counts"].values())
        ranks = [r["rank"] for r in out["ranking"]]
        assert ranks == sorted(ranks) and ranks[0] == 1 and ranks[1] == 2


@settings(max_examples=300, deadline=None)
@given(ranked_ballots)
def test_a_majority_of_first_choices_wins_irv_and_schulze(answers: list[list[str]]) -> None:
    firsts = Counter(a[0] for a in answers)
    top = firsts.most_common(1)
    if not top or 2 * top[0][1] <= len(answers):
        return
    winner = top[0][0]
    irv = plain(KINDS["ranked"].recount["irv"](RANKED, answers))
    assert irv["rounds"][0]["eliminated"] is None
    assert irv["ranking"][0]["option"] == winner
    schulze = plain(KINDS["ranked"].recount["schulze"](RANKED, answers))
    assert [r["option"] for r in schulze["ranking"] if r["rank"] == 1] == [winner]
    assert schulze["ranking"][0]["score"] == len(IDS) - 1


@settings(max_examples=300, deadline=None)
@given(ranked_ballots)
def test_schulze_pairwise_counts_and_beats_are_consistent(answers: list[list[str]]) -> None:
    out = plain(KINDS["ranked"].recount["schulze"](RANKED, answers))
    d, p = out["pairwise"], out["paths"]
    for a in IDS:
        for b in IDS:
            if a != b:
                assert d[a][b] + d[b][a] <= len(answers)
                assert p[a][b] >= (d[a][b] if d[a][b] > d[b][a] else 0)
    scores = [r["score"] for r in out["ranking"]]
    assert scores == sorted(scores, reverse=True)
    # the Schulze relation is transitive: whoever beats more options is never beaten by
    # one that beats fewer
    wins = {r["option"]: r["score"] for r in out["ranking"]}
    for a in IDS:
        for b in IDS:
            if a != b and p[a][b] > p[b][a]:
                assert wins[a] > wins[b]
