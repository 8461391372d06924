"""The Results object (docs/protocol.md), assembled by pure functions: the Structs of
resulttypes.py, built directly (a kind counts into a `Counted`; the Results is made
around it), typed and encoded as they are.

No I/O here: `results_reader.ResultsReader` reads the tallies and records these take
(one snapshot a tick, the services' one reader) and hands them over.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from typing import Any, cast

from msgspec import UNSET

from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.meetings import Meeting, Site
from prachakhom.core.methods import compare, kind_named
from prachakhom.core.questions import Question
from prachakhom.core.records import Records, TallyRead
from prachakhom.core.resulttypes import (
    Breakdown,
    Comparison,
    Counted,
    Group,
    KindName,
    MethodName,
    Results,
    State,
)


def methods_of(question: Question) -> list[str]:
    """The methods a question's results can be counted by, the live tally's first."""
    return list(kind_named(question.kind).methods)


def shown_method(question: Question, method: str | None) -> str:
    kind = kind_named(question.kind)
    chosen = method or kind.default_method(question) or kind.live_method
    if chosen != kind.live_method and chosen not in kind.recount:
        raise PrachakhomError(
            Code.BAD_MESSAGE,
            f"a {question.kind} question can be counted by {', '.join(methods_of(question))}, "
            f"not {chosen!r}",
        )
    return chosen


def assemble(
    meeting: Meeting,
    question: Question,
    state: str,
    read: TallyRead,
    method: str,
    answers: list[Any] | None = None,
) -> Results:
    kind = kind_named(question.kind)
    if method == kind.live_method:
        counted = kind.result(question, read.tally)
    else:
        counted = kind.recount[method](question, answers or [])
    # positional: msgspec matches 25 keywords one by one, ~2 us of a tick; the count's
    # fields are in Results' order (Counted's are checked against it in the tests)
    return Results(
        question.id, cast(KindName, question.kind), cast(MethodName, method),
        cast(State, state), read.voters, meeting.eligible, read.tables_reporting,
        meeting.table_count, read.version,
        counted.histogram, counted.mean, counted.median, counted.ranking, counted.max_choices,
        counted.max_rank, counted.points, counted.rounds, counted.pairwise, counted.paths,
        counted.funded, counted.spent, counted.budget, counted.attribute, counted.targets,
        counted.gaps,
    )  # fmt: skip


def recounted_by(results: Results, counted: Counted, method: str) -> Results:
    """`results` with another method's count in place of its own: each field that count
    has replaces the live tally's (a field it lacks, the live one keeps), and its name."""
    for name in Counted.__struct_fields__:
        value = getattr(counted, name)
        if value is not UNSET:
            setattr(results, name, value)
    results.method = cast(MethodName, method)
    return results


def hidden(results: Results) -> Results:
    """Participation only: for screens while the organiser has not revealed the result."""
    return Results(
        question=results.question,
        kind=results.kind,
        method=results.method,
        status=results.status,
        voters=results.voters,
        eligible=results.eligible,
        tables_reporting=results.tables_reporting,
        tables_total=results.tables_total,
        seq=results.seq,
        hidden=True,
    )


def answers_of(records: Records) -> list[Any]:
    """Seat ballots' answers (a show of hands carries no single answer)."""
    return list(seat_answers(records).values())


def tally_of(records: Records) -> TallyRead:
    """What the live tally would be for just these voters: the same sums, recomputed."""
    tally: dict[str, int] = defaultdict(int)
    tables: dict[int, int] = defaultdict(int)
    for record in records.values():
        for key, delta in record["c"].items():
            tally[key] += delta
        tables[record["t"]] += record["w"]
    return TallyRead(
        tally={k: v for k, v in tally.items() if v},
        voters=sum(r["w"] for r in records.values()),
        tables_reporting=sum(1 for n in tables.values() if n > 0),
        version=0,
    )


def from_records(
    meeting: Meeting, question: Question, state: str, records: Records, method: str
) -> Results:
    """Results of a subset of voters (a site, a demographic group), from their records."""
    return assemble(meeting, question, state, tally_of(records), method, answers_of(records))


def group_results(
    meeting: Meeting,
    question: Question,
    state: str,
    records: Records,
    by: Question,
    attributes: dict[str, str],
    method: str,
    min_group: int,
) -> Breakdown:
    """One Results per group of the demographic question `by`; groups of fewer than
    min_group voters are suppressed (counted, never shown), as are voters without an
    answer to `by` (and shows of hands, which have no per-person attributes)."""
    groups: dict[str, Records] = {o: {} for o in by.option_ids}
    unknown = 0
    for voter, record in records.items():
        group = attributes.get(voter)
        if group in groups:
            groups[group][voter] = record
        else:
            unknown += record["w"]
    hidden = hidden_groups({o: len(m) for o, m in groups.items()}, unknown, min_group)
    rows = []
    for option in by.options:
        members = groups[option.id]
        if option.id in hidden:
            rows.append(Group(group=option.id, label=option.label, voters=None, suppressed=True))
        else:
            shown = from_records(meeting, question, state, members, method)
            rows.append(
                Group(group=option.id, label=option.label, voters=len(members), results=shown)
            )
    return Breakdown(
        question=question.id,
        by=by.id,
        attribute=by.settings.get("attribute", by.id),
        min_group=min_group,
        groups=rows,
        not_grouped=unknown,
    )


def hidden_groups(sizes: dict[str, int], ungrouped: int, min_group: int) -> set[str]:
    """Groups whose results are not shown: those under min_group, and then, while the
    hidden groups and the ungrouped voters together are fewer than min_group (but not
    none), the smallest shown group too. Otherwise everyone minus the shown groups
    would give away a small group's answers, one person's ballot at worst."""
    hidden = {g for g, n in sizes.items() if 0 < n < min_group}
    while True:
        residual = ungrouped + sum(sizes[g] for g in hidden)
        shown = [g for g, n in sizes.items() if n and g not in hidden]
        if residual == 0 or residual >= min_group or not shown:
            return hidden | {g for g, n in sizes.items() if n == 0}
        hidden.add(min(shown, key=lambda g: (sizes[g], g)))


def site_named(meeting: Meeting, site: str) -> Site:
    found = next((s for s in meeting.sites if s.id == site), None)
    if found is None:
        raise PrachakhomError(Code.NOT_FOUND, f"there is no site {site!r:.40}")
    return found


def site_results(
    meeting: Meeting, question: Question, state: str, records: Records, site: Site, method: str
) -> Results:
    """One site's results, from all the question's records (its tables' are counted)."""
    local = from_records(
        meeting,
        question,
        state,
        {v: r for v, r in records.items() if r["t"] in site.tables},
        method,
    )
    local.site = site.id
    local.site_name = site.name
    local.eligible = len(site.tables) * meeting.seats
    local.tables_total = len(site.tables)
    return local


def results_of(
    meeting: Meeting,
    question: Question,
    state: str,
    read: TallyRead,
    records: Records,
    method: str,
    pre: tuple[Question, Records] | None = None,
) -> Results:
    """What `read_results` serves, from a tally and the records it adds up to (one
    snapshot: exports), with the pre/post comparison when `pre` (the pre-poll and its
    records) is given. Pure."""
    kind = kind_named(question.kind)
    results = assemble(meeting, question, state, read, kind.live_method)
    if method != kind.live_method:
        recounted_by(results, kind.recount[method](question, answers_of(records)), method)
    if pre is not None:
        comparison = _compared(pre[0], question, seat_answers(pre[1]), seat_answers(records))
        if comparison is not None:
            results.compare = comparison
    return results


def _compared(
    pre: Question, post: Question, pre_answers: Any, post_answers: Any
) -> Comparison | None:
    try:
        return compare.compare(pre, post, pre_answers, post_answers)
    except PrachakhomError:  # checked at creation; never let it break a screen or a report
        return None


def live_results(
    meeting: Meeting,
    question: Question,
    state: str,
    read: TallyRead,
    method: str,
    recounted: Counted | None,
    comparison: Comparison | None,
) -> Results:
    """What a screen is sent: the live tally's Results, with a recount's fields in place
    of the live method's (`recounted`, by `method`) and the pre/post comparison."""
    results = assemble(meeting, question, state, read, kind_named(question.kind).live_method)
    if recounted is not None:
        recounted_by(results, recounted, method)
    if comparison is not None:
        results.compare = comparison
    return results


def recount(question: Question, records: Records, method: str) -> Counted:
    """The fields of a method that needs every ballot (IRV, Schulze)."""
    return kind_named(question.kind).recount[method](question, answers_of(records))


def keyed_comparison(
    pre: Question, post: Question, pre_keyed: dict[Hashable, str], post_keyed: dict[Hashable, str]
) -> Comparison | None:
    """The pre/post comparison from both polls' answers as `compare.keyed` keys them."""
    try:
        return compare.compare_keyed(pre, post, pre_keyed, post_keyed)
    except PrachakhomError:  # checked at creation; never let it break a screen
        return None


def keyed_answers(question: Question, records: Records) -> dict[Hashable, str]:
    """voter -> answer as the comparison counts it."""
    return compare.keyed(seat_answers(records), compare.answer_key(question))


def seat_answers(records: Records) -> dict[str, Any]:
    """voter -> answer, for seat ballots only (a show of hands has no one voter)."""
    return {v: r["a"] for v, r in records.items() if not v.startswith("table:")}
