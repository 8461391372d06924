"""`points`: dot voting; each voter spreads up to `points` points over the options."""

from __future__ import annotations

from typing import Annotated, Any

from msgspec import Meta

from prachakhom.core.errors import invalid_answer
from prachakhom.core.methods.base import (
    Contribution,
    Kind,
    Tally,
    positive_int_setting,
    ranking,
)
from prachakhom.core.question import Definition, Question
from prachakhom.core.resulttypes import Counted


def points(question: Question) -> int:
    """Each voter's total: a required whole number of at least 1."""
    return positive_int_setting(question, "points")


def check_question(question: Question) -> None:
    points(question)


def contribution(question: Question, answer: Any) -> Contribution:
    """The points given per option; zero entries are allowed and contribute nothing."""
    have = points(question)
    if not isinstance(answer, dict):
        raise invalid_answer('the answer must be a map of option id to points, like {"a": 3}')
    given: Contribution = {}
    for option, n in answer.items():
        if not isinstance(option, str) or option not in question.option_ids:
            raise invalid_answer(f"{str(option)[:40]!r} is not an option of this question")
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise invalid_answer(f"the points for {option!r} must be a whole number, 0 or more")
        if n:
            given[option] = n
    total = sum(given.values())
    if total > have:
        raise invalid_answer(f"you gave {total:,} points but have only {have:,}")
    if not total:
        raise invalid_answer("give at least 1 point")
    return given


def result(question: Question, tally: Tally) -> Counted:
    return Counted(ranking=ranking(question, tally), points=points(question))


class PointsQuestion(Definition, tag="points", forbid_unknown_fields=True, kw_only=True):
    points: Annotated[int, Meta(ge=1)]  # each voter's total


KIND = Kind(
    name="points",
    has_options=True,
    definition=PointsQuestion,
    check_question=check_question,
    contribution=contribution,
    result=result,
)
