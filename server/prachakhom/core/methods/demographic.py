"""`demographic`: one option per voter, like `single`, naming an attribute (sector, age,
district). Its answers become the voter's attributes for `by=` breakdowns; optional
`targets` (the share each group should have) show how representative the room is.
"""

from __future__ import annotations

import math
from typing import Annotated

from msgspec import UNSET, Meta, UnsetType

from prachakhom.core.errors import invalid_question
from prachakhom.core.methods import single
from prachakhom.core.methods.base import Kind, Tally, ranking
from prachakhom.core.question import Definition, Id, Question, check_id
from prachakhom.core.resulttypes import Counted

TARGETS_SLACK = 1.0001  # shares typed as 0.333 three times should not be refused


def attribute(question: Question) -> str:
    return check_id(question.settings.get("attribute"), "the attribute (e.g. sector, age)")


def targets(question: Question) -> dict[str, float] | None:
    """The share each option should have (0..1, adding up to at most 1), or None."""
    value = question.settings.get("targets")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid_question('targets must be a map of option id to share, like {"a": 0.25}')
    for option, share in value.items():
        if option not in question.option_ids:
            raise invalid_question(f"targets names {str(option)[:40]!r}, which is not an option")
        if (
            isinstance(share, bool)
            or not isinstance(share, int | float)
            or not math.isfinite(share)
            or not 0 <= share <= 1
        ):
            raise invalid_question(f"the target for {option!r} must be a share from 0 to 1")
    total = sum(value.values())
    if total > TARGETS_SLACK:
        raise invalid_question(f"the targets add up to {total:g}; they must add up to at most 1")
    return {o: float(value[o]) for o in question.option_ids if o in value}


def check_question(question: Question) -> None:
    attribute(question)
    targets(question)


def result(question: Question, tally: Tally) -> Counted:
    rows = ranking(question, tally)
    out = Counted(ranking=rows, attribute=attribute(question))
    wanted = targets(question)
    if wanted is not None:
        share = {row.option: row.share for row in rows}
        answered = any(row.score for row in rows)
        out.targets = wanted
        # share minus target, per option with a target; empty until someone answers
        out.gaps = {o: round(share[o] - t, 4) for o, t in wanted.items()} if answered else {}
    return out


class DemographicQuestion(Definition, tag="demographic", forbid_unknown_fields=True, kw_only=True):
    attribute: Id  # e.g. sector, age, district
    targets: dict[str, Annotated[float, Meta(ge=0, le=1)]] | UnsetType | None = UNSET


KIND = Kind(
    name="demographic",
    has_options=True,
    definition=DemographicQuestion,
    check_question=check_question,
    contribution=single.contribution,
    result=result,
)
