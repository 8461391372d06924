"""`scale`: a whole number in min..max (agreement 1-5, a 0-10 rating); no options.

The tally is a histogram keyed by the value as text; results add the mean and median.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeGuard

from msgspec import UNSET, UnsetType

from prachakhom.core.errors import invalid_answer, invalid_question
from prachakhom.core.methods.base import Contribution, Kind, Tally
from prachakhom.core.question import Definition, Question, Text, check_text
from prachakhom.core.resulttypes import Counted

MAX_VALUES = 101  # 0..100 is the widest scale a screen can draw as a histogram
_INT_TEXT = re.compile(r"^-?[0-9]{1,12}$")


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def bounds(question: Question) -> tuple[int, int]:
    """(min, max): whole numbers, min < max, at most MAX_VALUES values."""
    lo, hi = question.settings.get("min"), question.settings.get("max")
    if not _whole(lo):
        raise invalid_question(f"a scale needs min as a whole number (got {lo!r:.20})")
    if not _whole(hi):
        raise invalid_question(f"a scale needs max as a whole number (got {hi!r:.20})")
    if lo >= hi:
        raise invalid_question(f"min ({lo}) must be less than max ({hi})")
    if hi - lo + 1 > MAX_VALUES:
        raise invalid_question(
            f"a scale has at most {MAX_VALUES} values; {lo} to {hi} has {hi - lo + 1}"
        )
    return lo, hi


def check_labels(question: Question, lo: int, hi: int) -> None:
    labels = question.settings.get("labels")
    if labels is None:
        return
    if not isinstance(labels, dict):
        raise invalid_question('labels must be a map of value to text, like {"1": "disagree"}')
    for key, text in labels.items():
        if not (isinstance(key, str) and _INT_TEXT.match(key) and str(int(key)) == key):
            raise invalid_question(f"label key {key!r:.20} is not a whole number")
        if not lo <= int(key) <= hi:
            raise invalid_question(f"label key {key} is not a value from {lo} to {hi}")
        check_text(text, f"the label for {key}")


def check_question(question: Question) -> None:
    check_labels(question, *bounds(question))


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value!r:.20}"


def value(question: Question, answer: Any) -> int:
    """The answer as a whole number in min..max; floats, bools and text are refused."""
    lo, hi = bounds(question)
    if not _whole(answer) or not lo <= answer <= hi:
        raise invalid_answer(
            f"the answer must be a whole number from {lo} to {hi} (got {_shown(answer)})"
        )
    return int(answer)


def contribution(question: Question, answer: Any) -> Contribution:
    return {str(value(question, answer)): 1}


def histogram(question: Question, tally: Tally) -> dict[str, int]:
    """Voters per value, for every value in min..max (zeros included), lowest first."""
    lo, hi = bounds(question)
    return {str(v): int(tally.get(str(v), 0)) for v in range(lo, hi + 1)}


def mean(counts: Iterable[tuple[int, int]]) -> float | None:
    """The mean of values given as (value, how many); None when there are none."""
    pairs = list(counts)
    n = sum(c for _, c in pairs)
    return round(sum(v * c for v, c in pairs) / n, 4) if n else None


def median(counts: Iterable[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many): the middle value, or the mean of
    the two middle values when the number is even; None when there are none."""
    pairs = sorted((v, c) for v, c in counts if c > 0)
    n = sum(c for _, c in pairs)
    if not n:
        return None
    middle = []
    seen = 0
    for v, c in pairs:
        for position in ((n - 1) // 2, n // 2):
            if seen <= position < seen + c:
                middle.append(v)
        seen += c
    return (middle[0] + middle[1]) / 2


def summary(counts: Mapping[str, int]) -> tuple[float | None, float | None]:
    """(mean, median) of a histogram keyed by value text."""
    pairs = [(int(v), c) for v, c in counts.items()]
    return mean(pairs), median(pairs)


def result(question: Question, tally: Tally) -> Counted:
    counts = histogram(question, tally)
    middle, half = summary(counts)
    return Counted(histogram=counts, mean=middle, median=half, ranking=[])


class ScaleQuestion(Definition, tag="scale", forbid_unknown_fields=True, kw_only=True):
    min: int
    max: int
    labels: dict[str, Text] | UnsetType | None = UNSET  # value (as text) to its label


KIND = Kind(
    name="scale",
    has_options=False,
    definition=ScaleQuestion,
    check_question=check_question,
    contribution=contribution,
    result=result,
)
