"""`single`: one option per voter; the tally counts voters per option."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prachakhom.core.errors import invalid_answer
from prachakhom.core.methods.base import (
    Contribution,
    Kind,
    Tally,
    check_hands,
    option_id,
    ranking,
)
from prachakhom.core.question import Definition, Question
from prachakhom.core.resulttypes import Counted


def check_question(question: Question) -> None:
    """Options are checked by the parser; single takes no settings."""


def contribution(question: Question, answer: Any) -> Contribution:
    return {option_id(question, answer): 1}


def result(question: Question, tally: Tally) -> Counted:
    return Counted(ranking=ranking(question, tally))


def table_tally(
    question: Question, counts: Mapping[str, int], seats: int
) -> tuple[Contribution, int]:
    """A show of hands: each hand is one voter, so the hands must fit the table."""
    hands = sum(counts.values())
    if hands > seats:
        raise invalid_answer(f"{hands} hands is more than the table's {seats} seats")
    return check_hands(question, counts), hands


class SingleQuestion(Definition, tag="single", forbid_unknown_fields=True, kw_only=True):
    """One option id."""


KIND = Kind(
    name="single",
    has_options=True,
    definition=SingleQuestion,
    check_question=check_question,
    contribution=contribution,
    result=result,
    table_tally=table_tally,
)
