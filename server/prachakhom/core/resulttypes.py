"""The Results object (docs/protocol.md) as types: declared once, here.

These Structs are the results: each kind in methods/ counts into a `Counted` (its own
fields of Results), results.py assembles the Results, Breakdown and Group around it, and
the ticker, the sockets, the HTTP answers and the export encode them as they are (msgspec
writes their fields in the order declared here: the key order of the dicts that came
before, whose bytes `tests/test_resulttypes.py` holds). The export's JSON Schema and the
OpenAPI `Results` component are generated from them.

A field a result may lack is `UNSET` (absent from the JSON); `None` is JSON null, which
some fields carry (a scale's mean with no voters, IRV's last round's `eliminated`).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from prachakhom.core.question import Id, Text

Count = Annotated[int, Meta(ge=0)]
Fraction = Annotated[float, Meta(ge=0, le=1, description="A share from 0 to 1, 4 decimals.")]
Counts = dict[str, int]
Matrix = dict[str, dict[str, int]]
KindName = Literal["single", "multiple", "ranked", "points", "scale", "budget", "demographic"]
MethodName = Literal["count", "borda", "irv", "schulze"]
State = Literal["draft", "open", "closed"]


class RankedOption(Struct, forbid_unknown_fields=True):
    """One option's standing: best first; ties share a rank (1, 2, 2, 4) and keep the
    options' own order."""

    option: str
    label: Text
    score: Annotated[int, Meta(description="Votes, points or wins, by the method.")]
    share: Annotated[float, Meta(ge=0, le=1, description="The option's part of all scores.")]
    rank: Annotated[int, Meta(ge=1)]


class Round(Struct, forbid_unknown_fields=True):
    """One round of an instant-runoff count."""

    counts: Counts
    eliminated: Annotated[str | None, Meta(description="None in the last round.")]
    exhausted: Count


class Wilcoxon(Struct, forbid_unknown_fields=True):
    """The Wilcoxon signed-rank test of the paired answers' differences (scale)."""

    statistic: int | float  # 0, an integer, when no answer rose
    w_plus: int | float
    w_minus: float
    n: Count
    z: float | None
    p_value: Annotated[float, Meta(ge=0, le=1)] | None
    method: Literal["exact", "normal"] | None


class Poll(Struct, forbid_unknown_fields=True):
    """One poll's answers: voters, counts and shares per answer (mean, median: scale)."""

    voters: Count
    counts: Counts
    shares: dict[str, Fraction]
    mean: float | UnsetType | None = UNSET
    median: float | UnsetType | None = UNSET


class Shift(Struct, forbid_unknown_fields=True):
    """After minus before: each share (in points of 0..1), and the mean for a scale."""

    shares: dict[str, float]
    mean: float | UnsetType | None = UNSET


class Paired(Struct, forbid_unknown_fields=True):
    """Only the voters who answered both polls, and how they moved: up, down, same and
    the Wilcoxon test (scale), or changed, same and the transitions (single)."""

    voters: Count
    pre: Poll
    post: Poll
    shift: Shift
    up: Count | UnsetType = UNSET
    down: Count | UnsetType = UNSET
    changed: Count | UnsetType = UNSET
    same: Count | UnsetType = UNSET
    wilcoxon: Wilcoxon | UnsetType = UNSET
    transitions: Annotated[
        dict[str, dict[str, int]] | UnsetType,
        Meta(description="{from: {to: voters}}, changes only."),
    ] = UNSET


class Comparison(Struct, forbid_unknown_fields=True):
    """Before and after (pair_of): docs/methods.md, 'Before and after'."""

    kind: Literal["scale", "single"]
    pre: Poll
    post: Poll
    shift: Shift
    paired: Paired
    pre_question: Id


class Counted(Struct, kw_only=True):
    """What a kind's count gives (its live tally or a recount by another method): its
    own fields of Results, the rest UNSET. Each field is the Results field of its name,
    in the same order (a test checks it); results.py puts them into the Results."""

    histogram: dict[str, int] | UnsetType = UNSET
    mean: float | UnsetType | None = UNSET
    median: float | UnsetType | None = UNSET
    ranking: list[RankedOption] | UnsetType = UNSET
    max_choices: int | UnsetType = UNSET
    max_rank: int | UnsetType = UNSET
    points: int | UnsetType = UNSET
    rounds: list[Round] | UnsetType = UNSET
    pairwise: Matrix | UnsetType = UNSET
    paths: Matrix | UnsetType = UNSET
    funded: list[str] | UnsetType = UNSET
    spent: int | UnsetType = UNSET
    budget: int | UnsetType = UNSET
    attribute: str | UnsetType = UNSET
    targets: dict[str, float] | UnsetType = UNSET
    gaps: dict[str, float] | UnsetType = UNSET


class Results(Struct, forbid_unknown_fields=True):
    """The Results object of docs/protocol.md; kind-specific fields in docs/methods.md.
    A hidden result (not yet revealed) carries only the participation fields and
    `hidden`."""

    # What the export's JSON Schema adds to this type's own: the fields each kind and
    # method always has (report/schema.py merges it in).
    json_schema_rules: ClassVar[dict[str, Any]] = {
        "allOf": [
            {"if": {"required": ["hidden"]}, "else": {"required": ["ranking"]}},
            *(
                {
                    "if": {"properties": {key: {"const": value}}, "not": {"required": ["hidden"]}},
                    "then": {"required": required},
                }
                for key, value, required in (
                    ("kind", "scale", ["histogram", "mean", "median"]),
                    ("kind", "budget", ["funded", "spent", "budget"]),
                    ("kind", "demographic", ["attribute"]),
                    ("method", "irv", ["rounds"]),
                    ("method", "schulze", ["pairwise", "paths"]),
                )
            ),
        ]
    }

    question: Id
    kind: KindName
    method: MethodName
    status: State
    voters: Annotated[int, Meta(ge=0, description="People counted: seats plus hands.")]
    eligible: Count
    tables_reporting: Count
    tables_total: Count
    seq: Annotated[int, Meta(ge=0, description="The tally's version; 0 for subsets.")]
    histogram: Annotated[
        dict[Annotated[str, Meta(pattern="^-?[0-9]+$")], Count] | UnsetType,
        Meta(description="scale: voters per value, every value from min to max."),
    ] = UNSET
    mean: float | UnsetType | None = UNSET
    median: float | UnsetType | None = UNSET
    ranking: list[RankedOption] | UnsetType = UNSET
    max_choices: Annotated[int, Meta(ge=1)] | UnsetType = UNSET
    max_rank: Annotated[int, Meta(ge=1)] | UnsetType = UNSET
    points: Annotated[int, Meta(ge=1)] | UnsetType = UNSET
    rounds: Annotated[list[Round] | UnsetType, Meta(description="irv: each round.")] = UNSET
    pairwise: Annotated[
        Matrix | UnsetType, Meta(description="schulze: d[a][b], ballots ranking a above b.")
    ] = UNSET
    paths: Annotated[
        Matrix | UnsetType, Meta(description="schulze: the strongest path from a to b.")
    ] = UNSET
    funded: Annotated[
        list[str] | UnsetType, Meta(description="budget: the funded projects, in order.")
    ] = UNSET
    spent: Count | UnsetType = UNSET
    budget: Annotated[int, Meta(ge=1)] | UnsetType = UNSET
    attribute: str | UnsetType = UNSET
    targets: Annotated[
        dict[str, Fraction] | UnsetType,
        Meta(description="demographic: the share each group should have."),
    ] = UNSET
    gaps: Annotated[
        dict[str, float] | UnsetType,
        Meta(description="demographic: share minus target; empty until someone answers."),
    ] = UNSET
    compare: Comparison | UnsetType = UNSET
    site: str | UnsetType = UNSET
    site_name: Text | UnsetType = UNSET
    all: Annotated[
        Results | UnsetType, Meta(description="With site=: the whole meeting's results.")
    ] = UNSET
    hidden: Literal[True] | UnsetType = UNSET


class Group(Struct, forbid_unknown_fields=True):
    """One group of a breakdown: shown with its results, or suppressed (fewer than
    min_group people) with no count and no results."""

    json_schema_rules: ClassVar[dict[str, Any]] = {
        "oneOf": [
            {
                "required": ["suppressed"],
                "properties": {"voters": {"type": "null"}},
                "not": {"required": ["results"]},
            },
            {
                "required": ["results"],
                "properties": {"voters": {"type": "integer"}},
                "not": {"required": ["suppressed"]},
            },
        ]
    }

    group: str
    label: Text
    voters: Count | None
    suppressed: Literal[True] | UnsetType = UNSET
    results: Results | UnsetType = UNSET


class Breakdown(Struct, forbid_unknown_fields=True):
    """Results per group of a demographic question (`by=`)."""

    question: Id
    by: Id
    attribute: str
    min_group: Count
    groups: list[Group]
    not_grouped: Annotated[
        int, Meta(ge=0, description="Voters in no group: no answer to `by`, or hands.")
    ]
    all: Annotated[
        Results | UnsetType, Meta(description="From the results API: the whole meeting's.")
    ] = UNSET
