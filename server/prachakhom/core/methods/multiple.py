"""`multiple`: approval voting; a voter picks 1..max_choices distinct options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from msgspec import UNSET, Meta, UnsetType

from prachakhom.core.errors import invalid_answer, invalid_question
from prachakhom.core.methods.base import (
    Contribution,
    Kind,
    Tally,
    check_hands,
    distinct_option_ids,
    positive_int_setting,
    ranking,
)
from prachakhom.core.question import Definition, Question
from prachakhom.core.resulttypes import Counted


def max_choices(question: Question) -> int:
    return positive_int_setting(question, "max_choices", len(question.options))


def check_question(question: Question) -> None:
    if max_choices(question) > len(question.options):
        raise invalid_question("max_choices cannot be more than the number of options")


def contribution(question: Question, answer: Any) -> Contribution:
    return dict.fromkeys(distinct_option_ids(question, answer, max_choices(question)), 1)


def result(question: Question, tally: Tally) -> Counted:
    return Counted(ranking=ranking(question, tally), max_choices=max_choices(question))


def table_tally(
    question: Question, counts: Mapping[str, int], seats: int
) -> tuple[Contribution, int]:
    """Hands per option; each may be up to the seats, and at least the largest count voted."""
    for option, n in counts.items():
        if n > seats:
            raise invalid_answer(f"{n} hands for {option[:40]!r} is more than {seats} seats")
    voters = max(counts.values(), default=0)
    return check_hands(question, counts), voters


class MultipleQuestion(Definition, tag="multiple", forbid_unknown_fields=True, kw_only=True):
    max_choices: Annotated[int, Meta(ge=1)] | UnsetType = UNSET  # default: every option


KIND = Kind(
    name="multiple",
    has_options=True,
    definition=MultipleQuestion,
    check_question=check_question,
    contribution=contribution,
    result=result,
    table_tally=table_tally,
)
