"""The Results object (PROTOCOL.md): assembled from a tally by pure functions, read here.

`assemble` is pure. `read_results` reads what it needs: the live tally, and for methods
that cannot be counted incrementally (IRV, Schulze) the stored answers as well.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from typing import Any, TypeVar

from .errors import Code, PrachakhomError
from .meetings import Meeting
from .methods import compare, kind_named
from .questions import Question
from .store.store import BallotsRead, Store, TallyRead

K = TypeVar("K")
V = TypeVar("V")
Records = dict[str, dict[str, Any]]  # voter -> stored record {a, c, w, t}
RECOUNT_CACHE_MOST = 256
_recounts: dict[tuple[str, str, int, str], dict[str, Any]] = {}
BALLOTS_KEPT_MOST = 8  # questions whose records are kept: ~2 MB each at 5,000 voters
TAIL_MOST = 5000  # ledger entries read to bring kept records up to date; more: read anew
_ballots: dict[tuple[str, str], BallotsRead] = {}
_keyed: dict[tuple[str, str], tuple[int, dict[Hashable, str]]] = {}  # as compare counts them

# What a hidden result still shows: how many took part, never the standings.
PUBLIC_FIELDS = (
    "question",
    "kind",
    "method",
    "status",
    "voters",
    "eligible",
    "tables_reporting",
    "tables_total",
    "seq",
)


def methods_of(question: Question) -> list[str]:
    kind = kind_named(question.kind)
    return [kind.live_method, *(m for m in kind.recount if m != kind.live_method)]


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
) -> dict[str, Any]:
    kind = kind_named(question.kind)
    if method == kind.live_method:
        fields = kind.result(question, read.tally)
    else:
        fields = kind.recount[method](question, answers or [])
    return {
        "question": question.id,
        "kind": question.kind,
        "method": method,
        "status": state,
        "voters": read.voters,
        "eligible": meeting.eligible,
        "tables_reporting": read.tables_reporting,
        "tables_total": meeting.table_count,
        "seq": read.version,
        **fields,
    }


def hidden(results: dict[str, Any]) -> dict[str, Any]:
    """Participation only: for screens while the organiser has not revealed the result."""
    return {k: results[k] for k in PUBLIC_FIELDS if k in results} | {"hidden": True}


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
) -> dict[str, Any]:
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
) -> dict[str, Any]:
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
        row: dict[str, Any] = {"group": option.id, "label": option.label, "voters": len(members)}
        if option.id in hidden:
            row |= {"suppressed": True, "voters": None}
        else:
            row["results"] = from_records(meeting, question, state, members, method)
        rows.append(row)
    return {
        "question": question.id,
        "by": by.id,
        "attribute": by.settings.get("attribute", by.id),
        "min_group": min_group,
        "groups": rows,
        "not_grouped": unknown,
    }


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


async def read_breakdown(
    store: Store,
    meeting: Meeting,
    question: Question,
    state: str,
    by: Question,
    method: str | None,
    min_group: int,
) -> dict[str, Any]:
    if by.kind != "demographic":
        raise PrachakhomError(Code.BAD_MESSAGE, f"{by.id!r} is not a demographic question")
    chosen = shown_method(question, method)
    records = await ballots(store, meeting.id, question.id)
    attributes = {v: r["a"] for v, r in (await ballots(store, meeting.id, by.id)).items()}
    out = group_results(meeting, question, state, records, by, attributes, chosen, min_group)
    (out["all"],) = await read_results(store, meeting, [(question, state)], method)
    return out


async def read_site(
    store: Store,
    meeting: Meeting,
    question: Question,
    state: str,
    site: str,
    method: str | None,
) -> dict[str, Any]:
    """One site's results (its tables only), with the whole meeting's beside them."""
    found = next((s for s in meeting.sites if s.id == site), None)
    if found is None:
        raise PrachakhomError(Code.NOT_FOUND, f"there is no site {site!r:.40}")
    chosen = shown_method(question, method)
    records = {
        v: r
        for v, r in (await ballots(store, meeting.id, question.id)).items()
        if r["t"] in found.tables
    }
    local = from_records(meeting, question, state, records, chosen)
    local |= {
        "site": site,
        "site_name": found.name,
        "eligible": len(found.tables) * meeting.seats,
        "tables_total": len(found.tables),
    }
    (local["all"],) = await read_results(store, meeting, [(question, state)], method)
    return local


def results_of(
    meeting: Meeting,
    question: Question,
    state: str,
    read: TallyRead,
    records: Records,
    method: str,
    pre: tuple[Question, Records] | None = None,
) -> dict[str, Any]:
    """What `read_results` serves, from a tally and the records it adds up to (one
    snapshot: exports), with the pre/post comparison when `pre` (the pre-poll and its
    records) is given. Pure."""
    kind = kind_named(question.kind)
    results = assemble(meeting, question, state, read, kind.live_method)
    if method != kind.live_method:
        results |= kind.recount[method](question, answers_of(records)) | {"method": method}
    if pre is not None:
        comparison = _compared(pre[0], question, seat_answers(pre[1]), seat_answers(records))
        if comparison is not None:
            results["compare"] = comparison
    return results


def _compared(
    pre: Question, post: Question, pre_answers: Any, post_answers: Any
) -> dict[str, Any] | None:
    try:
        return compare.compare(pre, post, pre_answers, post_answers) | {"pre_question": pre.id}
    except PrachakhomError:  # checked at creation; never let it break a screen or a report
        return None


async def read_compare(store: Store, meeting: Meeting, post: Question) -> dict[str, Any] | None:
    """The pre/post comparison of a question that names its pre-poll with pair_of.

    Cached per (pre, post) tally versions: screens ask every tick, and while the post-poll
    is open only its ballots are read again (the pre-poll's are kept)."""
    if not post.pair_of:
        return None
    pre = await store.question(meeting.id, post.pair_of)
    if pre is None:
        return None
    pre_version, post_version = await store.versions(meeting.id, [pre.id, post.id])
    key = (meeting.id, f"{pre.id}>{post.id}", pre_version * 2**32 + post_version, "compare")
    if key in _recounts:
        return _recounts[key]
    try:
        comparison = compare.compare_keyed(
            pre,
            post,
            await _keyed_answers(store, meeting.id, pre, pre_version),
            await _keyed_answers(store, meeting.id, post, post_version),
        ) | {"pre_question": pre.id}
    except PrachakhomError:  # checked at creation; never let it break a screen
        return None
    _remember(key, comparison)
    return comparison


async def _keyed_answers(
    store: Store, meeting_id: str, question: Question, version: int
) -> dict[Hashable, str]:
    """voter -> answer as the comparison counts it, kept per question at its last tally
    version: while the post-poll is open, the closed pre-poll is keyed once."""
    key = (meeting_id, question.id)
    kept = _keyed.pop(key, None)  # put back last: the least recently used goes first
    if kept is None or kept[0] != version:
        records = await ballots(store, meeting_id, question.id, version)
        kept = (version, compare.keyed(seat_answers(records), compare.answer_key(question)))
    _keep(_keyed, key, kept, BALLOTS_KEPT_MOST)
    return kept[1]


def seat_answers(records: Records) -> dict[str, Any]:
    """voter -> answer, for seat ballots only (a show of hands has no one voter)."""
    return {v: r["a"] for v, r in records.items() if not v.startswith("table:")}


async def ballots(
    store: Store, meeting_id: str, question_id: str, version: int | None = None
) -> Records:
    """A question's stored records at its current tally version (or a later one).

    Screens ask every tick, and reading 5,000 records costs ~12 ms: the records are
    kept, and when the version moves on only the ledger's new entries are read (every
    counted ballot is in the ledger, and moves the version by one, so the version
    tells whether they were all there; if not, everything is read again). The records
    are shared: read them, never change them."""
    key = (meeting_id, question_id)
    if version is None:
        (version,) = await store.versions(meeting_id, [question_id])
    kept = _ballots.pop(key, None)
    if kept is not None and kept.version >= version:
        read = kept
    elif kept is not None and kept.version < version:
        tail = await store.ballots_since(meeting_id, question_id, kept.cursor, TAIL_MOST)
        if tail.complete and tail.version == kept.version + len(tail.changes):
            read = BallotsRead(tail.version, kept.records | dict(tail.changes), tail.cursor)
        else:
            read = await store.ballots_at(meeting_id, question_id)
    else:
        read = await store.ballots_at(meeting_id, question_id)
    _keep(_ballots, key, read, BALLOTS_KEPT_MOST)
    return read.records


def _remember(key: tuple[str, str, int, str], value: dict[str, Any]) -> None:
    _keep(_recounts, key, value, RECOUNT_CACHE_MOST)


def _keep(cache: dict[K, V], key: K, value: V, most: int) -> None:
    """Put a value last in a bounded cache; when full, the first (oldest) goes."""
    if len(cache) >= most:
        cache.pop(next(iter(cache)))
    cache[key] = value


async def _recount(
    store: Store, meeting: Meeting, question: Question, version: int, method: str
) -> dict[str, Any]:
    """Recounts from the stored ballots, cached per tally version (IRV, Schulze)."""
    key = (meeting.id, question.id, version, method)
    cached = _recounts.get(key)
    if cached is None:
        records = await ballots(store, meeting.id, question.id, version)
        cached = kind_named(question.kind).recount[method](question, answers_of(records))
        _remember(key, cached)
    return cached


async def read_results(
    store: Store,
    meeting: Meeting,
    questions: list[tuple[Question, str]],
    method: str | None = None,
) -> list[dict[str, Any]]:
    """Current results of several questions (one round trip for the live tallies)."""
    reads = await store.read_tallies(meeting.id, [q.id for q, _ in questions])
    out = []
    for (question, state), read in zip(questions, reads, strict=True):
        chosen = shown_method(question, method)
        kind = kind_named(question.kind)
        results = assemble(meeting, question, state, read, kind.live_method)
        if chosen != kind.live_method:
            fields = await _recount(store, meeting, question, read.version, chosen)
            results |= fields | {"method": chosen}
        comparison = await read_compare(store, meeting, question)
        if comparison is not None:
            results["compare"] = comparison
        out.append(results)
    return out
