# Size: issue #16 splits the store by aggregate (ballots, meetings, events, ideas and
# themes, vectors) with its wire packing apart; until then the Redis code stays in one place.
"""The only code that talks to Redis. Key schema: keys.py; scripts: scripts.py."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson
from redis.asyncio import Redis
from redis.exceptions import NoScriptError, RedisError, ResponseError, WatchError

from ..auth import Principal
from ..errors import Code, PrachakhomError
from ..meetings import Meeting
from ..questions import Question, parse_question
from . import keys, scripts

UNAVAILABLE = PrachakhomError(
    Code.UNAVAILABLE, "the vote store is not answering; nothing was recorded, send again"
)


def pack_commands(commands: Sequence[Sequence[str | bytes | int]]) -> bytes:
    """Commands in the Redis protocol (RESP arrays of bulk strings), as redis-py packs
    them, in one pass: its general packer took ~10 µs per ballot of a group commit."""
    out = []
    for command in commands:
        out.append(b"*%d\r\n" % len(command))
        for arg in command:
            if isinstance(arg, str):
                arg = arg.encode()
            elif isinstance(arg, int):
                arg = b"%d" % arg
            out.append(b"$%d\r\n%b\r\n" % (len(arg), arg))
    return b"".join(out)


class Cast(NamedTuple):
    """One ballot or show of hands, checked and ready to write. (A named tuple: one is
    made per ballot, and a frozen dataclass costs three times as much to make.)"""

    meeting: str
    question: str
    ballot_id: str
    voter: str
    table: int
    weight: int
    record: bytes  # JSON {a, c, w, t}


@dataclass(frozen=True, slots=True)
class BallotsRead:
    """Every voter's record of a question at a tally version, and the ledger id then."""

    version: int
    records: dict[str, Any]  # voter -> {a, c, w, t}
    cursor: str


@dataclass(frozen=True, slots=True)
class BallotsTail:
    """The records a question's ballots wrote after a ledger id, in ledger order."""

    version: int
    changes: list[tuple[str, Any]]  # (voter, record); a voter's later ballot after the earlier
    cursor: str
    complete: bool  # False: the ledger held more than was read


@dataclass(frozen=True, slots=True)
class TallyRead:
    tally: dict[str, int]
    voters: int
    tables_reporting: int
    version: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Questions' live tallies (and, when asked for, their voters' records, as stored)
    with the id of the ledger's last entry, all read in one transaction. Each ballot
    script writes its ledger entry and its tallies at once, so the ledger up to
    `ledger_end` is exactly what these tallies and records add up to."""

    tallies: list[TallyRead]
    records: dict[str, dict[str, str]]  # question -> voter -> record JSON; {} unless asked
    ledger_end: str  # "0-0" while the ledger is empty


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    body: dict[str, Any]  # {"event": ..., payload}


def record(answer: Any, contribution: dict[str, int], weight: int, table: int) -> bytes:
    """A ballot as stored and in the ledger. c, w, t come first, in this order: the CAST
    script reads them with string patterns instead of decoding JSON (scripts.py)."""
    return orjson.dumps({"c": contribution, "w": weight, "t": table, "a": answer})


def _flat_codes(codes: Any) -> list[str]:
    """Every join code in the organiser's code listing (nested by table and seat)."""
    if isinstance(codes, str):
        return [codes]
    if isinstance(codes, dict):
        return [c for value in codes.values() for c in _flat_codes(value)]
    return []


@dataclass(frozen=True)
class ThemeChange:
    """What one change of the themes writes and deletes, and the caller's answer."""

    write: list[dict[str, Any]]
    answer: Any
    delete: tuple[str, ...] = ()


def _loads(raw: str | bytes | None) -> Any:
    return orjson.loads(raw) if raw is not None else None


class Store:
    def __init__(self, redis: Redis, *, durable: bool = True, events_kept: int = 10000) -> None:
        self.redis = redis
        self.durable = durable  # WAITAOF after every write the client is told about
        self.events_kept = events_kept
        self._cast = redis.register_script(scripts.CAST)
        self._ballot_connections: list[Any] = []  # kept out of the pool between batches
        self._emit = redis.register_script(scripts.EMIT)

    # --- health and durability -------------------------------------------------------

    async def check_durability(self) -> None:
        """In fsync mode, refuse to start on a server whose AOF is off."""
        if not self.durable:
            return
        try:
            await self.redis.execute_command("WAITAOF", 1, 0, 0)
        except ResponseError as exc:
            raise RuntimeError(
                f"durability 'fsync' needs the Redis AOF on (appendonly yes, ideally "
                f"appendfsync always): {exc}. Or set PRACHAKHOM_DURABILITY=os."
            ) from None

    async def ping(self) -> bool:
        try:
            return bool(await self.redis.ping())
        except (RedisError, OSError):
            return False

    def _durable_tail(self, pipe: Any) -> None:
        if self.durable:
            pipe.execute_command("WAITAOF", 1, 0, 0)

    async def _run(self, pipe: Any) -> list[Any]:
        """Execute a pipeline, made durable in fsync mode; storage errors -> unavailable."""
        self._durable_tail(pipe)
        try:
            replies = await pipe.execute()
        except (RedisError, OSError):
            raise UNAVAILABLE from None
        if self.durable and replies[-1][0] < 1:
            raise UNAVAILABLE
        return replies[:-1] if self.durable else replies

    async def _run_scripts(self, calls: list[list[Any]]) -> list[Any]:
        """EVALSHA calls in one round trip, made durable (WAITAOF in fsync mode).

        The script is loaded once, not checked before every batch as redis-py's Script
        does (a round trip each); if Redis lost it (a restart, SCRIPT FLUSH), nothing
        ran: load it and go again. The batch goes out on a connection kept for ballots
        rather than through a pipeline and the pool: taking and returning a pooled
        connection, the pipeline and its retry wrapper cost ~100 µs of CPU per batch."""
        commands = [*calls, ("WAITAOF", 1, 0, 0)] if self.durable else calls
        for attempt in (1, 2):
            replies = await self._exchange(commands)
            errors = [r for r in replies if isinstance(r, ResponseError)]
            if not errors:
                if self.durable and replies[-1][0] < 1:
                    raise UNAVAILABLE
                return replies[: len(calls)]
            if attempt == 2 or not all(isinstance(e, NoScriptError) for e in errors):
                raise UNAVAILABLE
            try:
                await self.redis.script_load(scripts.CAST)
            except (RedisError, OSError):
                raise UNAVAILABLE from None
        raise AssertionError("unreachable")

    async def _exchange(self, commands: Sequence[Sequence[Any]]) -> list[Any]:
        """Send commands and read every reply (an error reply as its exception object)."""
        pool = self.redis.connection_pool
        conn = self._ballot_connections.pop() if self._ballot_connections else None
        try:
            if conn is None:
                conn = await pool.get_connection()
            await conn.send_packed_command(pack_commands(commands))
            replies: list[Any] = []
            for _ in commands:
                try:
                    replies.append(await conn.read_response())
                except ResponseError as exc:
                    replies.append(exc)
        except BaseException as exc:  # the connection's state is unknown: let it go
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.disconnect()
                await pool.release(conn)
            if isinstance(exc, RedisError | OSError):
                raise UNAVAILABLE from None
            raise
        self._ballot_connections.append(conn)
        return replies

    # --- meetings, codes, tokens -----------------------------------------------------

    async def create_meeting(
        self, meeting: Meeting, codes: dict[str, Any], code_principals: dict[str, Principal]
    ) -> bool:
        """Store a meeting and its join codes; False if a code was already taken."""
        taken = await self.redis.hmget(keys.CODES, list(code_principals)) if code_principals else []
        if any(taken):
            return False
        m = meeting.id
        pipe = self.redis.pipeline(transaction=True)
        pipe.sadd(keys.MEETINGS, m)
        pipe.hset(
            keys.meta(m),
            mapping={
                "meeting": orjson.dumps(meeting.to_dict()),
                "codes": orjson.dumps(codes),
                "plenary": orjson.dumps({"view": "participation"}),
            },
        )
        if code_principals:
            pipe.hset(
                keys.CODES,
                mapping={code: orjson.dumps(p.to_dict()) for code, p in code_principals.items()},
            )
        await self._run(pipe)
        return True

    async def purge(self, meeting_id: str) -> int:
        """Delete the meeting and everything of it: ballots, ledger, answers, ideas,
        codes, tokens. Returns the number of keys deleted. The AOF is then rewritten so
        the deleted data leaves the disk too."""
        codes = _flat_codes(await self.codes(meeting_id))
        doomed = [k async for k in self.redis.scan_iter(match=keys.prefix(meeting_id) + "*")]
        pipe = self.redis.pipeline(transaction=True)
        if codes:
            pipe.hdel(keys.CODES, *codes)
        pipe.srem(keys.MEETINGS, meeting_id)
        if doomed:
            pipe.unlink(*doomed)
        await self._run(pipe)
        for _ in range(100):  # wait out a rewrite already running, then start a fresh one
            if await self.rewrite_aof():
                break
            await asyncio.sleep(0.2)
        return len(doomed)

    async def rewrite_aof(self) -> bool:
        """Ask Redis to rewrite its AOF in the background (old writes, such as a voter's
        replaced ballots, then leave the log). False if Redis refused (one is running,
        or the command is disabled on a managed Redis)."""
        try:
            await self.redis.bgrewriteaof()
        except ResponseError:
            return False
        return True

    async def meeting(self, meeting_id: str) -> Meeting | None:
        raw = await self.redis.hget(keys.meta(meeting_id), "meeting")
        return Meeting.from_dict(orjson.loads(raw)) if raw else None

    async def meeting_ids(self) -> list[str]:
        return sorted(await self.redis.smembers(keys.MEETINGS))

    async def codes(self, meeting_id: str) -> dict[str, Any]:
        return _loads(await self.redis.hget(keys.meta(meeting_id), "codes")) or {}

    async def code(self, code: str) -> Principal | None:
        raw = await self.redis.hget(keys.CODES, code)
        return Principal.from_dict(orjson.loads(raw)) if raw else None

    async def count_join_failure(self, address: str) -> int:
        key = keys.join_failures(address)
        pipe = self.redis.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, 60, nx=True)
        failures, _ = await pipe.execute()
        return int(failures)

    async def join_failures(self, address: str) -> int:
        return int(await self.redis.get(keys.join_failures(address)) or 0)

    async def add_token(self, digest: str, principal: Principal) -> None:
        pipe = self.redis.pipeline(transaction=False)
        pipe.hset(keys.tokens(principal.meeting), digest, orjson.dumps(principal.to_dict()))
        await self._run(pipe)

    async def principal(self, meeting_id: str, digest: str) -> Principal | None:
        raw = await self.redis.hget(keys.tokens(meeting_id), digest)
        return Principal.from_dict(orjson.loads(raw)) if raw else None

    # --- questions -------------------------------------------------------------------

    async def add_question(self, meeting_id: str, question: Question) -> bool:
        """False if the id is taken. Questions are fixed once created. The organisers'
        screens hear of it (question_added)."""
        body = {"event": "question_added", "question": question.to_dict() | {"state": "draft"}}
        seq, _ = await self.emit(
            meeting_id,
            body,
            guard="new_question",
            key=keys.questions(meeting_id),
            field=question.id,
            value=orjson.dumps(question.to_dict()),
        )
        return seq > 0

    async def question(self, meeting_id: str, question_id: str) -> Question | None:
        raw = await self.redis.hget(keys.questions(meeting_id), question_id)
        return parse_question(orjson.loads(raw)) if raw else None

    async def questions(self, meeting_id: str) -> list[tuple[Question, str]]:
        """The agenda in order, each with its state."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.lrange(keys.question_order(meeting_id), 0, -1)
        pipe.hgetall(keys.questions(meeting_id))
        pipe.hgetall(keys.question_state(meeting_id))
        order, defs, states = await pipe.execute()
        return [(parse_question(orjson.loads(defs[q])), states.get(q, "draft")) for q in order]

    async def states(self, meeting_id: str) -> dict[str, str]:
        return await self.redis.hgetall(keys.question_state(meeting_id))

    # --- control events --------------------------------------------------------------

    async def emit(
        self,
        meeting_id: str,
        body: dict[str, Any],
        *,
        guard: str = "",
        key: str = "",
        field: str = "",
        value: str | bytes = "",
        derived: bool = False,
    ) -> tuple[int, str]:
        """Write (guarded) and publish a control event atomically. (seq, '') or (0, why).
        A `derived` event (suggestions: recomputable, no decision) stays out of the
        ledger."""
        pipe = self.redis.pipeline(transaction=False)
        await self._emit(
            keys=[keys.ledger(meeting_id)],
            args=[
                keys.prefix(meeting_id),
                keys.channel(meeting_id),
                orjson.dumps(body),
                self.events_kept,
                body["event"],
                guard,
                key,
                field,
                value,
                "derived" if derived else "",
            ],
            client=pipe,
        )
        (reply,) = await self._run(pipe)
        seq, reason = reply
        return int(seq), reason if isinstance(reason, str) else reason.decode()

    async def set_question_state(
        self, meeting_id: str, question: Question, state: str
    ) -> tuple[int, str]:
        event = "question_opened" if state == "open" else "question_closed"
        body = {"event": event, "question": question.to_dict() | {"state": state}}
        return await self.emit(
            meeting_id,
            body,
            guard="state",
            key=keys.question_state(meeting_id),
            field=question.id,
            value=state,
        )

    async def set_plenary(self, meeting_id: str, view: dict[str, Any]) -> int:
        seq, _ = await self.emit(
            meeting_id,
            {"event": "plenary", "view": view},
            guard="hset",
            key=keys.meta(meeting_id),
            field="plenary",
            value=orjson.dumps(view),
        )
        return seq

    async def plenary(self, meeting_id: str) -> dict[str, Any]:
        return _loads(await self.redis.hget(keys.meta(meeting_id), "plenary")) or {
            "view": "participation"
        }

    async def add_idea(self, meeting_id: str, idea: dict[str, Any]) -> int:
        """Seq of the idea's event, or 0 if this idea id was already stored."""
        seq, _ = await self.emit(
            meeting_id,
            {"event": "idea", "idea": idea},
            guard="hsetnx",
            key=keys.ideas(meeting_id),
            field=idea["id"],
            value=orjson.dumps(idea),
        )
        return seq

    async def ideas(self, meeting_id: str) -> list[dict[str, Any]]:
        raw = await self.redis.hvals(keys.ideas(meeting_id))
        return sorted((orjson.loads(r) for r in raw), key=lambda i: (i["at"], i["id"]))

    async def themes(self, meeting_id: str) -> list[dict[str, Any]]:
        raw = await self.redis.hvals(keys.themes(meeting_id))
        return sorted((orjson.loads(r) for r in raw), key=lambda t: (t["at"], t["id"]))

    async def update_themes(
        self, meeting_id: str, change: Callable[[dict[str, dict[str, Any]]], ThemeChange]
    ) -> Any:
        """Apply `change` (pure: the themes by id -> what to write and delete) in one
        optimistic transaction on the themes hash, retried if someone else wrote it
        meanwhile, so two people filing at the same moment both land. Pushes one
        `themes_changed` event with the themes written and the ids deleted (not the whole
        list: at hall scale that is 100 KiB, and every change is kept in the ledger)."""
        key = keys.themes(meeting_id)
        for _ in range(50):
            try:
                async with self.redis.pipeline(transaction=True) as pipe:
                    await pipe.watch(key)
                    current = {t["id"]: t for t in (orjson.loads(r) for r in await pipe.hvals(key))}
                    done = change(current)  # may raise: nothing written
                    pipe.multi()
                    for theme in done.write:
                        pipe.hset(key, theme["id"], orjson.dumps(theme))
                    if done.delete:
                        pipe.hdel(key, *done.delete)
                    await pipe.execute()
                break
            except WatchError:
                continue
            except (RedisError, OSError):
                raise UNAVAILABLE from None
        else:
            raise PrachakhomError(Code.UNAVAILABLE, "the themes are changing too fast; retry")
        # the event's own WAITAOF covers the write above: the AOF is one log, fsynced in order
        await self.emit(
            meeting_id,
            {"event": "themes_changed", "themes": done.write, "deleted": list(done.delete)},
        )
        return done.answer

    async def idea_vectors(self, meeting_id: str, ids: Sequence[str]) -> list[str | None]:
        """Kept vectors of these ideas (themes/encoder.py), None where not encoded yet."""
        if not ids:
            return []
        return list(await self.redis.hmget(keys.vectors(meeting_id), list(ids)))

    async def keep_vectors(self, meeting_id: str, packed: dict[str, str]) -> None:
        if packed:
            await self.redis.hset(keys.vectors(meeting_id), mapping=packed)

    async def ideas_named(self, meeting_id: str, ids: Sequence[str]) -> list[dict[str, Any] | None]:
        if not ids:
            return []
        return [_loads(r) for r in await self.redis.hmget(keys.ideas(meeting_id), list(ids))]

    async def current_seq(self, meeting_id: str) -> int:
        return int(await self.redis.get(keys.seq(meeting_id)) or 0)

    async def events_after(self, meeting_id: str, after: int, most: int) -> list[Event] | None:
        """The kept control events with seq > after, or None if some were trimmed."""
        if after >= await self.current_seq(meeting_id):
            return []
        first = await self.redis.xrange(keys.events(meeting_id), count=1)
        if not first or int(first[0][1]["seq"]) > after + 1:
            return None
        found: list[Event] = []
        cursor = "-"
        while len(found) <= most:
            batch = await self.redis.xrange(keys.events(meeting_id), min=cursor, count=500)
            if not batch:
                break
            for _entry_id, entry in batch:
                if int(entry["seq"]) > after:
                    found.append(Event(int(entry["seq"]), orjson.loads(entry["e"])))
            cursor = "(" + batch[-1][0]
        return found if len(found) <= most else None

    # --- ballots ---------------------------------------------------------------------

    async def cast_many(self, casts: Sequence[Cast]) -> list[str]:
        """Group commit: one script call per meeting, one pipeline, one fsync wait.

        Returns an outcome per cast, in order: counted | replaced | dup:<first> | not_open.
        """
        by_meeting: dict[str, list[int]] = {}
        for i, c in enumerate(casts):
            by_meeting.setdefault(c.meeting, []).append(i)
        calls = []
        for meeting_id, indexes in by_meeting.items():
            args: list[Any] = ["EVALSHA", self._cast.sha, 1]
            args += [keys.ledger(meeting_id), keys.prefix(meeting_id)]
            for i in indexes:
                c = casts[i]
                args += [c.ballot_id, b" ".join((c.question.encode(), c.voter.encode(), c.record))]
            calls.append(args)
        replies = await self._run_scripts(calls)
        outcomes = [""] * len(casts)
        for indexes, reply in zip(by_meeting.values(), replies, strict=True):
            text = reply if isinstance(reply, str) else reply.decode()
            for i, outcome in zip(indexes, text.split(" "), strict=True):
                outcomes[i] = outcome
        return outcomes

    async def ballots_of(self, meeting_id: str, question_id: str, voters: list[str]) -> list[Any]:
        """The current records of some voters (their own ballots: for their screens)."""
        if not voters:
            return []
        raw = await self.redis.hmget(keys.votes(meeting_id, question_id), voters)
        return [_loads(r) for r in raw]

    async def all_ballots(self, meeting_id: str, question_id: str) -> dict[str, Any]:
        return (await self.ballots_at(meeting_id, question_id)).records

    async def ballots_at(self, meeting_id: str, question_id: str) -> BallotsRead:
        """Every voter's current record, with the tally version they add up to and the
        ledger's last entry id, read in one transaction: `ballots_since` goes on from
        there."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hget(keys.versions(meeting_id), question_id)
        pipe.hgetall(keys.votes(meeting_id, question_id))
        pipe.xrevrange(keys.ledger(meeting_id), count=1)
        version, raw, last = await pipe.execute()
        records = {voter: orjson.loads(r) for voter, r in raw.items()}
        return BallotsRead(int(version or 0), records, last[0][0] if last else "0-0")

    async def ballots_since(
        self, meeting_id: str, question_id: str, cursor: str, most: int
    ) -> BallotsTail:
        """The records a question's ballots wrote after the ledger id `cursor`, with the
        version now, in one transaction. The CAST script bumps the version once per
        ledger entry, so the version tells whether these are all of them (complete: the
        ledger held at most `most` entries after the cursor)."""
        pipe = self.redis.pipeline(transaction=True)
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

    # --- tallies ---------------------------------------------------------------------

    async def versions(self, meeting_id: str, question_ids: Sequence[str]) -> list[int]:
        if not question_ids:
            return []
        raw = await self.redis.hmget(keys.versions(meeting_id), list(question_ids))
        return [int(v or 0) for v in raw]

    async def read_tallies(self, meeting_id: str, question_ids: Sequence[str]) -> list[TallyRead]:
        """Several questions' tallies, each read atomically with its version."""
        pipe = self.redis.pipeline(transaction=True)
        _queue_tallies(pipe, meeting_id, question_ids)
        return _tally_reads(await pipe.execute())

    async def snapshot(
        self, meeting_id: str, question_ids: Sequence[str], *, records: bool = False
    ) -> Snapshot:
        """The questions' tallies (and records) with the ledger's end, in one transaction:
        read the ledger `until` that end for the entries they add up to (see Snapshot)."""
        pipe = self.redis.pipeline(transaction=True)
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

    async def tables_voted(
        self, meeting_id: str, question_ids: Sequence[str]
    ) -> dict[str, dict[int, int]]:
        """Per question, the voters counted from each table (seats, plus hands)."""
        pipe = self.redis.pipeline(transaction=False)
        for q in question_ids:
            pipe.hgetall(keys.tables(meeting_id, q))
        replies = await pipe.execute() if question_ids else []
        return {
            q: {int(t): int(n) for t, n in counts.items()}
            for q, counts in zip(question_ids, replies, strict=True)
        }

    # --- table presence (presence.py) ------------------------------------------------

    async def mark_seen(self, marks: dict[str, dict[str, tuple[int, bool]]]) -> None:
        """Record tables as seen: meeting -> field ("12" a tablet, "12:phone" its phones)
        -> (at in ms, connected). One round trip."""
        pipe = self.redis.pipeline(transaction=False)
        for meeting_id, tables in marks.items():
            pipe.hset(
                keys.seen(meeting_id),
                mapping={
                    field: orjson.dumps({"at": at, "connected": connected})
                    for field, (at, connected) in tables.items()
                },
            )
        await pipe.execute()

    async def seen(self, meeting_id: str) -> dict[str, dict[str, Any]]:
        """field ("12" a tablet, "12:phone" its phones) -> {at, connected}, for the
        devices ever seen."""
        raw = await self.redis.hgetall(keys.seen(meeting_id))
        return {f: orjson.loads(v) for f, v in raw.items()}

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
            batch = await self.redis.xrange(
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
