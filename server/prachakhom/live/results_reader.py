"""The one results reader of a process (`services.results`): what the Results take is
read from the store, in one snapshot where it can be, and handed to the pure assembly
in results.py.

    ticker / welcome / GET .../results --> ResultsReader.read
        --> one MULTI: the questions' tallies and their pre-polls' (store.read_tallies)
        --> records for recounts and comparisons: kept, brought up to date from the ledger
        --> results.live_results (pure)

Screens ask every tick, and reading 5,000 records costs ~12 ms: a question's records
are kept and, when its version moves on, only the ledger's new entries are read (every
counted ballot is in the ledger and moves the version by one, so the version tells
whether they were all there; if not, everything is read again). Recounts and
comparisons are kept per tally version. Each cache is bounded (cachetools).
"""

from __future__ import annotations

from collections.abc import Hashable
from weakref import WeakKeyDictionary

from cachetools import LRUCache

from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.meetings import Meeting
from prachakhom.core.methods import kind_named
from prachakhom.core.questions import Question
from prachakhom.core.records import BallotsRead, Records, TallyRead
from prachakhom.core.results import (
    group_results,
    keyed_answers,
    keyed_comparison,
    live_results,
    recount,
    shown_method,
    site_named,
    site_results,
)
from prachakhom.core.resulttypes import Breakdown, Comparison, Counted, Results
from prachakhom.store.store import Store

RECOUNTS_KEPT = 256  # recounts and comparisons, per tally version
BALLOTS_KEPT = 8  # questions whose records are kept: ~2 MB each at 5,000 voters
TAIL_MOST = 5000  # ledger entries read to bring kept records up to date; more: read anew


class ResultsReader:
    def __init__(
        self,
        store: Store,
        *,
        recounts_kept: int = RECOUNTS_KEPT,
        ballots_kept: int = BALLOTS_KEPT,
        tail_most: int = TAIL_MOST,
    ) -> None:
        self.store = store
        self.tail_most = tail_most
        self.recounts: LRUCache[tuple[str, str, int, str], Counted | Comparison] = LRUCache(
            recounts_kept
        )
        self.kept: LRUCache[tuple[str, str], BallotsRead] = LRUCache(ballots_kept)
        # voter -> answer as the comparison counts it, per question at its last version:
        # while the post-poll is open, the closed pre-poll is keyed once
        self.keyed: LRUCache[tuple[str, str], tuple[int, dict[Hashable, str]]] = LRUCache(
            ballots_kept
        )
        _readers[store] = self  # transitional: see reader_for

    async def read(
        self, meeting: Meeting, questions: list[tuple[Question, str]], method: str | None = None
    ) -> list[Results]:
        """Current results of several questions: their tallies and their pre-polls' in
        one transaction, then the records a recount or a comparison needs."""
        pres = {q.id: await self._pre_poll(meeting.id, q) for q, _ in questions}
        ids = [q.id for q, _ in questions]
        ids += [p.id for p in pres.values() if p is not None and p.id not in ids]
        reads = dict(zip(ids, await self.store.read_tallies(meeting.id, ids), strict=True))
        out = []
        for question, state in questions:
            read = reads[question.id]
            chosen = shown_method(question, method)
            recounted = None
            if chosen != kind_named(question.kind).live_method:
                recounted = await self._recount(meeting.id, question, read.version, chosen)
            pre = pres[question.id]
            comparison = None
            if pre is not None:
                comparison = await self._compare(meeting.id, pre, question, reads[pre.id], read)
            out.append(live_results(meeting, question, state, read, chosen, recounted, comparison))
        return out

    async def breakdown(
        self,
        meeting: Meeting,
        question: Question,
        state: str,
        by: Question,
        method: str | None,
        min_group: int,
    ) -> Breakdown:
        """Results per group of a demographic question, with the whole meeting's."""
        if by.kind != "demographic":
            raise PrachakhomError(Code.BAD_MESSAGE, f"{by.id!r} is not a demographic question")
        chosen = shown_method(question, method)
        records = await self.ballots(meeting.id, question.id)
        attributes = {v: r["a"] for v, r in (await self.ballots(meeting.id, by.id)).items()}
        out = group_results(meeting, question, state, records, by, attributes, chosen, min_group)
        (out.all,) = await self.read(meeting, [(question, state)], method)
        return out

    async def site(
        self, meeting: Meeting, question: Question, state: str, site: str, method: str | None
    ) -> Results:
        """One site's results (its tables only), with the whole meeting's beside them."""
        found = site_named(meeting, site)
        chosen = shown_method(question, method)
        records = await self.ballots(meeting.id, question.id)
        local = site_results(meeting, question, state, records, found, chosen)
        (local.all,) = await self.read(meeting, [(question, state)], method)
        return local

    async def ballots(
        self, meeting_id: str, question_id: str, version: int | None = None
    ) -> Records:
        """A question's stored records at its current tally version (or a later one).
        The records are shared: read them, never change them."""
        key = (meeting_id, question_id)
        if version is None:
            (version,) = await self.store.versions(meeting_id, [question_id])
        kept = self.kept.get(key)
        if kept is not None and kept.version >= version:
            read = kept
        elif kept is not None:
            tail = await self.store.ballots_since(
                meeting_id, question_id, kept.cursor, self.tail_most
            )
            if tail.complete and tail.version == kept.version + len(tail.changes):
                read = BallotsRead(tail.version, kept.records | dict(tail.changes), tail.cursor)
            else:
                read = await self.store.ballots_at(meeting_id, question_id)
        else:
            read = await self.store.ballots_at(meeting_id, question_id)
        self.kept[key] = read
        return read.records

    async def _pre_poll(self, meeting_id: str, post: Question) -> Question | None:
        """The pre-poll a question names with pair_of, if it is there."""
        if not post.pair_of:
            return None
        return await self.store.question(meeting_id, post.pair_of)

    async def _recount(
        self, meeting_id: str, question: Question, version: int, method: str
    ) -> Counted:
        """A recount from the stored ballots (IRV, Schulze), kept per tally version."""
        key = (meeting_id, question.id, version, method)
        cached = self.recounts.get(key)
        if not isinstance(cached, Counted):
            cached = recount(question, await self.ballots(meeting_id, question.id, version), method)
            self.recounts[key] = cached
        return cached

    async def _compare(
        self, meeting_id: str, pre: Question, post: Question, pre_read: TallyRead, read: TallyRead
    ) -> Comparison | None:
        """The pre/post comparison, kept per (pre, post) tally versions: while the
        post-poll is open only its ballots are read again."""
        versions = pre_read.version * 2**32 + read.version
        key = (meeting_id, f"{pre.id}>{post.id}", versions, "compare")
        kept = self.recounts.get(key)
        if isinstance(kept, Comparison):
            return kept
        pre_keyed = await self._keyed(meeting_id, pre, pre_read.version)
        post_keyed = await self._keyed(meeting_id, post, read.version)
        comparison = keyed_comparison(pre, post, pre_keyed, post_keyed)
        if comparison is not None:
            self.recounts[key] = comparison
        return comparison

    async def _keyed(
        self, meeting_id: str, question: Question, version: int
    ) -> dict[Hashable, str]:
        key = (meeting_id, question.id)
        kept = self.keyed.get(key)
        if kept is None or kept[0] != version:
            kept = (
                version,
                keyed_answers(question, await self.ballots(meeting_id, question.id, version)),
            )
            self.keyed[key] = kept
        return kept[1]


_readers: WeakKeyDictionary[Store, ResultsReader] = WeakKeyDictionary()


def reader_for(store: Store) -> ResultsReader:
    """The reader of `store` for the welcome state, which is given the store; the
    services' own reader when there is one."""
    return _readers.get(store) or ResultsReader(store)


async def read_results(
    store: Store,
    meeting: Meeting,
    questions: list[tuple[Question, str]],
    method: str | None = None,
) -> list[Results]:
    return await reader_for(store).read(meeting, questions, method)
