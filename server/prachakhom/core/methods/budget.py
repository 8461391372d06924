"""`budget`: participatory budgeting; a voter approves projects whose costs fit the budget.

The tally counts approvals per project. The funded set goes down the projects in order of
approvals (ties in the options' order) and funds each one that still fits in what is left.
"""

from __future__ import annotations

from typing import Annotated, Any

from msgspec import Meta

from prachakhom.core.errors import invalid_answer, invalid_question
from prachakhom.core.methods.base import (
    Contribution,
    Kind,
    Tally,
    positive_int_setting,
    ranking,
)
from prachakhom.core.question import Definition, Question
from prachakhom.core.resulttypes import Counted


def budget(question: Question) -> int:
    return positive_int_setting(question, "budget")


def costs(question: Question) -> dict[str, int]:
    """Every option's cost: a whole number, 0 or more."""
    value = question.settings.get("costs")
    if not isinstance(value, dict):
        raise invalid_question('costs must be a map of option id to cost, like {"a": 1500000}')
    for option, cost in value.items():
        if option not in question.option_ids:
            raise invalid_question(f"costs names {str(option)[:40]!r}, which is not an option")
        if isinstance(cost, bool) or not isinstance(cost, int) or cost < 0:
            raise invalid_question(f"the cost of {option!r} must be a whole number, 0 or more")
    missing = [o for o in question.option_ids if o not in value]
    if missing:
        raise invalid_question(f"every option needs a cost; missing: {', '.join(missing)}")
    return dict(value)


def check_question(question: Question) -> None:
    total, cost = budget(question), costs(question)
    for option in question.option_ids:
        if cost[option] > total:
            raise invalid_question(
                f"{option!r} costs {cost[option]:,}, more than the whole budget of {total:,}"
            )


def contribution(question: Question, answer: Any) -> Contribution:
    """One approval per chosen project, if the chosen projects fit the budget together."""
    if not isinstance(answer, list):
        raise invalid_answer("the answer must be a list of project (option) ids")
    if not answer:
        raise invalid_answer("choose at least one project")
    for choice in answer:
        if not isinstance(choice, str):
            raise invalid_answer("each chosen project must be an option id (text)")
        if choice not in question.option_ids:
            raise invalid_answer(f"{choice[:40]!r} is not an option of this question")
    if len(set(answer)) != len(answer):
        raise invalid_answer("each project may be chosen only once")
    total, cost = budget(question), costs(question)
    spent = sum(cost[o] for o in answer)
    if spent > total:
        raise invalid_answer(f"the chosen projects cost {spent:,} but the budget is {total:,}")
    return dict.fromkeys(answer, 1)


def funded(question: Question, tally: Tally) -> list[str]:
    """Projects by approvals (ties in the options' order); each funded if it still fits
    in what is left, else skipped and the next tried. Unapproved projects are not funded."""
    left, cost = budget(question), costs(question)
    chosen = []
    for _, option in sorted(
        enumerate(question.option_ids), key=lambda p: (-tally.get(p[1], 0), p[0])
    ):
        if tally.get(option, 0) > 0 and cost[option] <= left:
            chosen.append(option)
            left -= cost[option]
    return chosen


def result(question: Question, tally: Tally) -> Counted:
    chosen, cost = funded(question, tally), costs(question)
    return Counted(
        ranking=ranking(question, tally),
        funded=chosen,
        spent=sum(cost[o] for o in chosen),
        budget=budget(question),
    )


class BudgetQuestion(Definition, tag="budget", forbid_unknown_fields=True, kw_only=True):
    budget: Annotated[int, Meta(ge=1)]
    costs: dict[str, Annotated[int, Meta(ge=0)]]  # every option's cost


KIND = Kind(
    name="budget",
    has_options=True,
    definition=BudgetQuestion,
    check_question=check_question,
    contribution=contribution,
    result=result,
)
