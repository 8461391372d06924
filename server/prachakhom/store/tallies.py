"""Live tallies and the ledger: versions, tallies read with their version, the
snapshot an audit or export reads in one transaction, and the ledger itself."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from prachakhom.core.records import Snapshot, TallyRead
from prachakhom.store import keys
from prachakhom.store.connection import Connection, rerouted


class TallyStore(Connection):
    @rerouted
    async def versions(self, meeting_id: str, question_ids: Sequence[str]) -> list[int]:
        if not question_ids:
            return []
        raw = await self.of(meeting_id).hmget(keys.versions(meeting_id), list(question_ids))
        return [int(v or 0) for v in raw]

    @rerouted
    async def read_tallies(self, meeting_id: str, question_ids: Sequence[str]) -> list[TallyRead]:
        """Several questions' tallies, each read atomically with its version."""
        pipe = self.of(meeting_id).pipeline(transaction=True)
        _queue_tallies(pipe, meeting_id, question_ids)
        return _tally_reads(await pipe.execute())

    @rerouted
    async def snapshot(
        self, meeting_id: str, question_ids: Sequence[str], *, records: bool = False
    ) -> Snapshot:
        """The questions' tallies (and records) with the ledger's end, in one transaction:
        read the ledger `until` that end for the entries they add up to (see Snapshot)."""
        pipe = self.of(meeting_id).pipeline(transaction=True)
        _queue_tallies(pipe, meeting_id, question_ids)
        for q in question_ids if records else ():
            pipe.hgetall(keys.votes(meeting_id, q))
        pipe.xrevrange(keys.ledger(meeting_id), count=1)
        replies = await pipe.execute()
        n = len(question_ids)
        last = replies[-1]
        return Snapshot(
            tallies=_tally_reads(replies[: 4 * n]),
            records=dict(zip(question_ids, replies[4 * n : -1], strict=True)) if records else {},
            ledger_end=last[0][0] if last else "0-0",
        )

    @rerouted
    async def tables_voted(
        self, meeting_id: str, question_ids: Sequence[str]
    ) -> dict[str, dict[int, int]]:
        """Per question, the voters counted from each table (seats, plus hands)."""
        pipe = self.of(meeting_id).pipeline(transaction=False)
        for q in question_ids:
            pipe.hgetall(keys.tables(meeting_id, q))
        replies = await pipe.execute() if question_ids else []
        return {
            q: {int(t): int(n) for t, n in counts.items()}
            for q, counts in zip(question_ids, replies, strict=True)
        }

    @rerouted
    async def ledger(self, meeting_id: str, until: str = "+") -> list[tuple[str, dict[str, str]]]:
        """The whole ledger in order, up to and with the entry `until` (for the audit and
        exports: a Snapshot's `ledger_end`)."""
        return [entry async for entry in self.ledger_after(meeting_id, "-", until)]

    async def ledger_after(
        self, meeting_id: str, after: str, until: str = "+"
    ) -> AsyncIterator[tuple[str, dict[str, str]]]:
        """Ledger entries after a stream id ("(<id>" excludes it; "-" is the start), up
        to and with `until` ("+": the end)."""
        cursor = after
        while True:
            batch = await self.of(meeting_id).xrange(
                keys.ledger(meeting_id), min=cursor, max=until, count=2000
            )
            if not batch:
                return
            for entry in batch:
                yield entry
            cursor = "(" + batch[-1][0]


def _queue_tallies(pipe: Any, meeting_id: str, question_ids: Sequence[str]) -> None:
    for q in question_ids:
        pipe.hgetall(keys.tally(meeting_id, q))
        pipe.hget(keys.voters(meeting_id), q)
        pipe.hlen(keys.tables(meeting_id, q))
        pipe.hget(keys.versions(meeting_id), q)


def _tally_reads(replies: list[Any]) -> list[TallyRead]:
    """What `_queue_tallies` queued, four replies per question."""
    return [
        TallyRead(
            tally={k: int(v) for k, v in tally.items()},
            voters=int(voters or 0),
            tables_reporting=int(tables),
            version=int(version or 0),
        )
        for tally, voters, tables, version in zip(*[iter(replies)] * 4, strict=True)
    ]
