"""Meetings, their join codes and tokens, and which tables were seen (presence.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from prachakhom.core.auth import Principal
from prachakhom.core.meetings import Meeting
from prachakhom.store import keys, scripts
from prachakhom.store.connection import Connection, rerouted


def _flat_codes(codes: Any) -> list[str]:
    """Every join code in the organiser's code listing (nested by table and seat)."""
    if isinstance(codes, str):
        return [codes]
    if isinstance(codes, dict):
        return [c for value in codes.values() for c in _flat_codes(value)]
    return []


def _flat(mapping: dict[str, Any]) -> list[Any]:
    return [x for pair in mapping.items() for x in pair]


def loads(raw: str | bytes | None) -> Any:
    return orjson.loads(raw) if raw is not None else None


class MeetingStore(Connection):
    @rerouted
    async def create_meeting(
        self, meeting: Meeting, codes: dict[str, Any], code_principals: dict[str, Principal]
    ) -> bool:
        """Store a meeting and its join codes; False if a code was already taken.

        Three steps, each inside one slot (a cluster refuses a transaction across two):
        claim the codes (all or none), write the meeting, list it. A crash between them
        leaves at most codes that lead to no meeting (a join answers not_found)."""
        m = meeting.id
        if code_principals:
            pairs = {code: orjson.dumps(p.to_dict()) for code, p in code_principals.items()}
            claim = ["EVALSHA", self._claim_sha, 1, keys.CODES, *_flat(pairs)]
            (claimed,) = await self._run_scripts(keys.CODES, [claim], [scripts.CLAIM_CODES])
            if not claimed:
                return False
        meta = {
            "meeting": orjson.dumps(meeting.to_dict()),
            "codes": orjson.dumps(codes),
            "plenary": orjson.dumps({"view": "participation"}),
        }
        await self._write(keys.meta(m), [("HSET", keys.meta(m), *_flat(meta))])
        await self._write(keys.MEETINGS, [("SADD", keys.MEETINGS, m)])
        return True

    @rerouted
    async def purge(self, meeting_id: str) -> int:
        """Delete the meeting and everything of it: ballots, ledger, answers, ideas,
        codes, tokens. Returns the number of keys deleted. The AOF is then rewritten so
        the deleted data leaves the disk too."""
        codes = _flat_codes(await self.codes(meeting_id))
        client = self.of(meeting_id)
        doomed = [k async for k in client.scan_iter(match=keys.prefix(meeting_id) + "*")]
        await self._write(keys.MEETINGS, [("SREM", keys.MEETINGS, meeting_id)])
        if doomed:
            await self._write(doomed[0], [("UNLINK", *doomed)])
        if codes:
            await self._write(keys.CODES, [("HDEL", keys.CODES, *codes)])
        for client in {id(c): c for c in (self.of(meeting_id), self.at(keys.CODES))}.values():
            for _ in range(100):  # wait out a rewrite already running, then start a fresh one
                if await self.rewrite_aof(client):
                    break
                await asyncio.sleep(0.2)
        return len(doomed)

    @rerouted
    async def meeting(self, meeting_id: str) -> Meeting | None:
        raw = await self.of(meeting_id).hget(keys.meta(meeting_id), "meeting")
        return Meeting.from_dict(orjson.loads(raw)) if raw else None

    @rerouted
    async def meeting_ids(self) -> list[str]:
        return sorted(await self.at(keys.MEETINGS).smembers(keys.MEETINGS))

    @rerouted
    async def codes(self, meeting_id: str) -> dict[str, Any]:
        return loads(await self.of(meeting_id).hget(keys.meta(meeting_id), "codes")) or {}

    @rerouted
    async def code(self, code: str) -> Principal | None:
        raw = await self.at(keys.CODES).hget(keys.CODES, code)
        return Principal.from_dict(orjson.loads(raw)) if raw else None

    @rerouted
    async def count_join_failure(self, address: str) -> int:
        key = keys.join_failures(address)
        pipe = self.at(key).pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, 60, nx=True)
        failures, _ = await pipe.execute()
        return int(failures)

    @rerouted
    async def join_failures(self, address: str) -> int:
        return int(await self.at(keys.join_failures(address)).get(keys.join_failures(address)) or 0)

    @rerouted
    async def add_token(self, digest: str, principal: Principal) -> None:
        key = keys.tokens(principal.meeting)
        await self._write(key, [("HSET", key, digest, orjson.dumps(principal.to_dict()))])

    @rerouted
    async def principal(self, meeting_id: str, digest: str) -> Principal | None:
        raw = await self.of(meeting_id).hget(keys.tokens(meeting_id), digest)
        return Principal.from_dict(orjson.loads(raw)) if raw else None

    # --- table presence (presence.py) ------------------------------------------------

    @rerouted
    async def mark_seen(self, marks: dict[str, dict[str, tuple[int, bool]]]) -> None:
        """Record tables as seen: meeting -> field ("12" a tablet, "12:phone" its phones)
        -> (at in ms, connected). One round trip per shard."""
        pipes: dict[int, Any] = {}
        for meeting_id, tables in marks.items():
            client = self.of(meeting_id)
            pipe = pipes.get(id(client))
            if pipe is None:
                pipe = pipes[id(client)] = client.pipeline(transaction=False)
            pipe.hset(
                keys.seen(meeting_id),
                mapping={
                    field: orjson.dumps({"at": at, "connected": connected})
                    for field, (at, connected) in tables.items()
                },
            )
        for pipe in pipes.values():
            await pipe.execute()

    @rerouted
    async def seen(self, meeting_id: str) -> dict[str, dict[str, Any]]:
        """field ("12" a tablet, "12:phone" its phones) -> {at, connected}, for the
        devices ever seen."""
        raw = await self.of(meeting_id).hgetall(keys.seen(meeting_id))
        return {f: orjson.loads(v) for f, v in raw.items()}
