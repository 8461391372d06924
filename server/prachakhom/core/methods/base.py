"""What every question kind provides, and the helpers kinds share."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from prachakhom.core.errors import invalid_answer, invalid_question
from prachakhom.core.question import COMMON, Definition, Question
from prachakhom.core.resulttypes import Counted, RankedOption

Contribution = dict[str, int]
Tally = Mapping[str, int]


@dataclass(frozen=True)
class Kind:
    """A question kind: plain functions over plain data."""

    name: str
    has_options: bool
    definition: type[
        Definition
    ]  # its JSON form, tagged by `kind`: the common fields and its settings
    check_question: Callable[[Question], None]
    # answer -> contribution; raises invalid_answer with a message a facilitator understands
    contribution: Callable[[Question, Any], Contribution]
    # live tally -> its fields of Results ("ranking", or "histogram"/"mean"/"median", ...)
    result: Callable[[Question, Tally], Counted]
    # a facilitator's show of hands is allowed: counts per option, and how many voters
    table_tally: Callable[[Question, Mapping[str, int], int], tuple[Contribution, int]] | None = (
        None
    )
    # other tally methods computed from the stored answers (e.g. ranked: "irv", "schulze"):
    # name -> f(question, answers) -> its fields of Results, as `result` gives them
    recount: Mapping[str, Callable[[Question, Sequence[Any]], Counted]] = field(
        default_factory=dict
    )
    # the method a question shows by default ("borda" for a ranked question, say);
    # None: the live tally (`result`)
    default_method: Callable[[Question], str | None] = lambda question: None
    # the method name of the live tally, as results report it
    live_method: str = "count"

    @property
    def methods(self) -> tuple[str, ...]:
        """The methods its results can be counted by (`method=`), the live tally's first."""
        return (self.live_method, *(m for m in self.recount if m != self.live_method))

    @property
    def settings(self) -> tuple[str, ...]:
        """Its settings' names, in their declared order."""
        return tuple(f for f in self.definition.__struct_fields__ if f not in COMMON)


def ranking(question: Question, scores: Mapping[str, int]) -> list[RankedOption]:
    """Best first; ties share a rank (1, 2, 2, 4) and keep the options' own order."""
    total = sum(scores.get(o, 0) for o in question.option_ids)
    ordered = sorted(
        enumerate(question.options), key=lambda pair: (-scores.get(pair[1].id, 0), pair[0])
    )
    rows: list[RankedOption] = []
    for position, (_, option) in enumerate(ordered):
        score = scores.get(option.id, 0)
        rank = rows[-1].rank if rows and rows[-1].score == score else position + 1
        share = round(score / total, 4) if total else 0.0
        rows.append(RankedOption(option.id, option.label, score, share, rank))
    return rows


def option_id(question: Question, value: Any) -> str:
    if not isinstance(value, str):
        raise invalid_answer("the answer must be one option id (text)")
    if value not in question.option_ids:
        raise invalid_answer(f"{value[:40]!r} is not an option of this question")
    return value


def distinct_option_ids(question: Question, value: Any, most: int) -> list[str]:
    if not isinstance(value, list) or not value:
        raise invalid_answer("the answer must be a list of option ids")
    if len(value) > most:
        raise invalid_answer(f"choose at most {most} options (got {len(value)})")
    ids = [option_id(question, v) for v in value]
    if len(set(ids)) != len(ids):
        raise invalid_answer("each option may be chosen only once")
    return ids


def positive_int_setting(question: Question, name: str, default: int | None = None) -> int:
    value = question.settings.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise invalid_question(f"{name} must be a whole number of at least 1")
    return value


def check_hands(question: Question, counts: Mapping[str, int]) -> Contribution:
    for option in counts:
        if option not in question.option_ids:
            raise invalid_answer(f"{option[:40]!r} is not an option of this question")
    return {o: n for o, n in counts.items() if n}
