"""Ballots: the group commit (one CAST script call per meeting, one round trip per
shard) and the voters' stored records, read whole or as the ledger's tail."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import orjson
from redis.exceptions import RedisError

from prachakhom.core.records import BallotsRead, BallotsTail, Cast, record
from prachakhom.store import keys, scripts
from prachakhom.store.connection import Connection, rerouted
from prachakhom.store.meetings import loads


def seat_ballot(
    meeting_id: str,
    question_id: str,
    ballot_id: str,
    table: int,
    seat: int,
    answer: Any,
    contribution: dict[str, int],
) -> Cast:
    """A seat's ballot, ready to write: one voter, the seat."""
    return Cast(
        meeting_id,
        question_id,
        ballot_id,
        keys.seat_voter(table, seat),
        table,
        1,
        record(answer, contribution, 1, table),
    )


def show_of_hands(
    meeting_id: str,
    question_id: str,
    ballot_id: str,
    table: int,
    counts: Any,
    contribution: dict[str, int],
    voters: int,
) -> Cast:
    """A table's show of hands, ready to write: the table as one voter of `voters` weight."""
    return Cast(
        meeting_id,
        question_id,
        ballot_id,
        keys.table_voter(table),
        table,
        voters,
        record(counts, contribution, voters, table),
    )


class BallotStore(Connection):
    async def cast_many(self, casts: Sequence[Cast]) -> list[str]:
        """Group commit: one script call per meeting, one round trip and one fsync wait
        per shard (all shards at once).

        Returns an outcome per cast, in order: counted | replaced | dup:<first> | not_open.
        """
        by_meeting: dict[str, list[int]] = {}
        for i, c in enumerate(casts):
            by_meeting.setdefault(c.meeting, []).append(i)
        calls: dict[str, list[Any]] = {}
        for meeting_id, indexes in by_meeting.items():
            declared = keys.cast_keys(meeting_id, (casts[i].question for i in indexes))
            args: list[Any] = ["EVALSHA", self._cast_sha, len(declared), *declared]
            args.append(keys.prefix(meeting_id))
            for i in indexes:
                c = casts[i]
                args += [c.ballot_id, b" ".join((c.question.encode(), c.voter.encode(), c.record))]
            calls[meeting_id] = args
        outcomes = [""] * len(casts)
        if not casts:
            return outcomes

        async def cast_on_shard(meetings: list[str]) -> None:
            key = keys.ledger(meetings[0])
            replies = await self._run_scripts(key, [calls[m] for m in meetings], [scripts.CAST])
            for meeting_id, reply in zip(meetings, replies, strict=True):
                text = reply if isinstance(reply, str) else reply.decode()
                for i, outcome in zip(by_meeting[meeting_id], text.split(" "), strict=True):
                    outcomes[i] = outcome

        if not self.shards.cluster:
            await cast_on_shard(list(calls))
            return outcomes
        try:
            groups = self._by_shard(list(calls))
        except (RedisError, OSError):  # a slot with no primary now: one group, retried
            groups = [list(calls)]
        await asyncio.gather(
            *(self._retrying(partial(self._cast_group, g, cast_on_shard)) for g in groups)
        )
        return outcomes

    def _by_shard(self, meetings: list[str]) -> list[list[str]]:
        groups: dict[str, list[str]] = {}
        for m in meetings:
            shard = self.shards.shard_of(keys.prefix(m))  # type: ignore[attr-defined]
            groups.setdefault(shard.address, []).append(m)
        return list(groups.values())

    async def _cast_group(self, meetings: list[str], cast: Callable[[list[str]], Any]) -> None:
        """One shard's meetings of a batch; regrouped by the map read now (a retry after
        a failover finds them on the promoted replica)."""
        for group in self._by_shard(meetings):
            await cast(group)

    @rerouted
    async def ballots_of(self, meeting_id: str, question_id: str, voters: list[str]) -> list[Any]:
        """The current records of some voters (their own ballots: for their screens)."""
        if not voters:
            return []
        raw = await self.of(meeting_id).hmget(keys.votes(meeting_id, question_id), voters)
        return [loads(r) for r in raw]

    @rerouted
    async def all_ballots(self, meeting_id: str, question_id: str) -> dict[str, Any]:
        return (await self.ballots_at(meeting_id, question_id)).records

    @rerouted
    async def ballots_at(self, meeting_id: str, question_id: str) -> BallotsRead:
        """Every voter's current record, with the tally version they add up to and the
        ledger's last entry id, read in one transaction: `ballots_since` goes on from
        there."""
        pipe = self.of(meeting_id).pipeline(transaction=True)
        pipe.hget(keys.versions(meeting_id), question_id)
        pipe.hgetall(keys.votes(meeting_id, question_id))
        pipe.xrevrange(keys.ledger(meeting_id), count=1)
        version, raw, last = await pipe.execute()
        records = {voter: orjson.loads(r) for voter, r in raw.items()}
        return BallotsRead(int(version or 0), records, last[0][0] if last else "0-0")

    @rerouted
    async def ballots_since(
        self, meeting_id: str, question_id: str, cursor: str, most: int
    ) -> BallotsTail:
        """The records a question's ballots wrote after the ledger id `cursor`, with the
        version now, in one transaction. The CAST script bumps the version once per
        ledger entry, so the version tells whether these are all of them (complete: the
        ledger held at most `most` entries after the cursor)."""
        pipe = self.of(meeting_id).pipeline(transaction=True)
        pipe.hget(keys.versions(meeting_id), question_id)
        pipe.xrange(keys.ledger(meeting_id), min=f"({cursor}", count=most)
        version, entries = await pipe.execute()
        changes = [
            (fields["voter"], orjson.loads(fields["rec"]))
            for _, fields in entries
            if fields.get("type") == "ballot" and fields.get("q") == question_id
        ]
        return BallotsTail(
            int(version or 0),
            changes,
            entries[-1][0] if entries else cursor,
            complete=len(entries) < most,
        )
