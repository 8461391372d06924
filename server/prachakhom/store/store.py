# Size: issue #16 splits the store by aggregate (ballots, meetings, events, ideas and
# themes, vectors) with its wire packing apart; until then the Redis code stays in one place.
# Issue #17 added the durability waits and the failover retry (`_waits`, `_retrying`,
# `rerouted`): they belong in that split's connection module, beside shards.py.
"""The only code that talks to Redis. Key schema: keys.py; scripts: scripts.py."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

import orjson
from redis.asyncio import Redis
from redis.exceptions import (
    AskError,
    ClusterError,
    NoScriptError,
    ReadOnlyError,
    RedisError,
    ResponseError,
    TryAgainError,
    WatchError,
)

from ..auth import Principal
from ..errors import Code, PrachakhomError
from ..meetings import Meeting
from ..questions import Question, parse_question
from . import keys, scripts
from .shards import Shards

# What a failover or a slot moving looks like from a client: try again on the map read anew.
MOVING = (AskError, ClusterError, ReadOnlyError, TryAgainError, ConnectionError, OSError)
REPLICA_WAIT_MS = 1000  # how long a batch waits for a replica's fsync before it is retried

T = TypeVar("T")
# Whether a step waits out a failover (the default) or fails at once: the ticker and the
# presence marks run for every meeting in turn, and one shard failing over must not stall
# the meetings on the others (`impatient`).
PATIENT: contextvars.ContextVar[bool] = contextvars.ContextVar("patient", default=True)


@contextlib.contextmanager
def impatient() -> Iterator[None]:
    token = PATIENT.set(False)
    try:
        yield
    finally:
        PATIENT.reset(token)


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


def _flat(mapping: dict[str, Any]) -> list[Any]:
    return [x for pair in mapping.items() for x in pair]


def _loads(raw: str | bytes | None) -> Any:
    return orjson.loads(raw) if raw is not None else None


def rerouted(method: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """On a cluster, a step that failed because its primary is gone or its slot moved is
    tried again on the map read anew, until `failover_wait` (Store._retrying)."""

    @functools.wraps(method)
    async def wrapper(self: Store, *args: Any, **kwargs: Any) -> T:
        return await self._retrying(lambda: method(self, *args, **kwargs))  # type: ignore[no-any-return]

    return wrapper


class Store:
    """`durability` (settings.py): 'auto' waits for a replica's fsync where the shard
    has a replica online, 'replica' always does, 'fsync' waits for the primary's only,
    'os' for neither. `failover_wait`: seconds a batch of ballots is retried on a
    cluster whose map is moving (a primary failing over) before it is refused."""

    def __init__(
        self,
        redis: Redis | Shards,
        *,
        durability: str = "fsync",
        events_kept: int = 10000,
        failover_wait: float = 20.0,
    ) -> None:
        self.shards = redis if isinstance(redis, Shards) else Shards(redis)
        self.durability = durability
        self.durable = durability != "os"  # WAITAOF after every write the client is told about
        self.events_kept = events_kept
        self.failover_wait = failover_wait
        self._cast_sha = hashlib.sha1(scripts.CAST.encode()).hexdigest()
        self._emit_sha = hashlib.sha1(scripts.EMIT.encode()).hexdigest()
        self._claim_sha = hashlib.sha1(scripts.CLAIM_CODES.encode()).hexdigest()
        self._kept: dict[int, list[Any]] = {}  # ballot connections, kept out of the pools
        self.waits_short = 0  # batches refused because no replica confirmed them in time

    @property
    def redis(self) -> Redis:
        """The one Redis of a single-server deployment (tools and tests)."""
        if self.shards.cluster:
            raise RuntimeError("a cluster has no one Redis: use store.at(key)")
        return self.shards.redis

    def at(self, key: str) -> Redis:
        """The client of the primary that holds `key` now."""
        return self.shards.for_key(key)

    def of(self, meeting_id: str) -> Redis:
        """The client of the primary that holds the meeting."""
        return self.shards.for_key(keys.prefix(meeting_id))

    # --- health and durability -------------------------------------------------------

    async def check_durability(self) -> None:
        """Refuse to start where the durability asked for cannot be had: the AOF off
        ('fsync', 'auto', 'replica'), or no replica online ('replica')."""
        if not self.durable:
            return
        for client in self.shards.clients():
            try:
                await client.execute_command("WAITAOF", 1, 0, 0)
            except ResponseError as exc:
                raise RuntimeError(
                    f"durability {self.durability!r} needs the Redis AOF on (appendonly yes, "
                    f"ideally appendfsync always): {exc}. Or set PRACHAKHOM_DURABILITY=os."
                ) from None
        if self.durability == "replica" and any(
            s.replicas < 1 for s in getattr(self.shards, "shards", [])
        ):
            raise RuntimeError(
                "durability 'replica' needs a replica online for every shard; "
                "or set PRACHAKHOM_DURABILITY=auto"
            )
        if self.durability == "replica" and not self.shards.cluster:
            raise RuntimeError("durability 'replica' needs a cluster with replicas")

    async def health(self) -> dict[str, Any]:
        """What /healthz says of the store: 'ok', 'degraded' (some shards do not answer:
        their meetings are unavailable, the others carry on) or 'down'; the shards, and
        the failover counters."""
        described = self.shards.describe()
        answers = []
        for shard, client in zip(
            described.get("shards", [{}]), self.shards.clients(), strict=False
        ):
            try:
                await asyncio.wait_for(client.ping(), 2.0)
                up = True
            except (RedisError, OSError, TimeoutError):
                self.shards.suspect()
                up = False
            shard["up"] = up
            answers.append(up)
        if self.shards.cluster and described["slots_served"] < 16384:
            answers.append(False)  # some slots have no primary now
        state = "ok" if all(answers) else "degraded" if any(answers) else "down"
        return {
            "state": state,
            "durability": self.durability,
            "replica_waits_short": self.waits_short,
            **described,
        }

    async def ping(self) -> bool:
        try:
            for client in self.shards.clients():
                await client.ping()
        except (RedisError, OSError):
            self.shards.suspect()
            return False
        return True

    def _waits(self, key: str) -> list[tuple[Any, ...]]:
        """The commands that make a write to `key`'s shard durable, sent after it on the
        same connection: none ('os'); WAITAOF 1 0 (the primary's AOF); or, waiting for a
        replica, WAIT 1 then WAITAOF 1 1. A replica reports its fsynced offset when the
        primary asks (REPLCONF GETACK) or once a second: asked while the write is still
        on its way, it reports the old offset, and WAITAOF 1 1 alone took ~1 s here. WAIT
        returns once the replica has the write; the WAITAOF after it asks again, and the
        replica (appendfsync always) has fsynced it by then: 5-9 ms in all here."""
        if not self.durable:
            return []
        if self.durability == "replica" or (
            self.durability == "auto" and self.shards.replicas(key) > 0
        ):
            return [("WAIT", 1, REPLICA_WAIT_MS), ("WAITAOF", 1, 1, REPLICA_WAIT_MS)]
        return [("WAITAOF", 1, 0, 0)]

    def _check_waits(self, waits: list[tuple[Any, ...]], replies: list[Any]) -> None:
        """The replies to `_waits`: the last is WAITAOF's [local, replicas]."""
        if not waits:
            return
        reply = replies[-1]
        if isinstance(reply, Exception) or reply[0] < 1:
            raise UNAVAILABLE
        if reply[1] < waits[-1][2]:  # no replica confirmed in time: the map may have moved
            self.waits_short += 1
            self.shards.suspect()
            raise UNAVAILABLE

    async def _run_scripts(
        self, key: str, calls: list[list[Any]], sources: Sequence[str]
    ) -> list[Any]:
        """EVALSHA calls on `key`'s shard in one round trip, made durable (WAITAOF).

        The scripts are loaded once, not checked before every batch as redis-py's Script
        does (a round trip each); if Redis lost them (a restart, SCRIPT FLUSH, a replica
        promoted), nothing ran: load them and go again. The batch goes out on a
        connection kept for this rather than through a pipeline and the pool: taking and
        returning a pooled connection, the pipeline and its retry wrapper cost ~100 µs
        of CPU per batch."""
        client = self.at(key)
        waits = self._waits(key)
        commands = [*calls, *waits]
        for attempt in (1, 2):
            replies = await self._exchange(client, commands)
            errors = [r for r in replies if isinstance(r, ResponseError)]
            if not errors:
                self._check_waits(waits, replies[len(calls) :])
                return replies[: len(calls)]
            if any(isinstance(e, MOVING) for e in errors):
                self.shards.suspect()
            if attempt == 2 or not all(isinstance(e, NoScriptError) for e in errors):
                raise UNAVAILABLE
            try:
                for source in sources:
                    await client.script_load(source)
            except (RedisError, OSError):
                raise UNAVAILABLE from None
        raise AssertionError("unreachable")

    async def _exchange(self, client: Redis, commands: Sequence[Sequence[Any]]) -> list[Any]:
        """Send commands and read every reply (an error reply as its exception object)."""
        pool = client.connection_pool
        kept = self._kept.setdefault(id(pool), [])
        conn = kept.pop() if kept else None
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
                self.shards.suspect()
                raise UNAVAILABLE from None
            raise
        kept.append(conn)
        return replies

    async def _retrying(self, step: Callable[[], Any]) -> Any:
        """On a cluster, a step refused while the map moves (a failover: the primary is
        gone until its replica is promoted) is tried again on the map read anew, until
        `failover_wait`. Only for steps that are safe to repeat: a batch of ballots is,
        by ballot id (one that landed is answered as a duplicate)."""
        if not self.shards.cluster or not PATIENT.get():
            return await step()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.failover_wait
        pause = 0.05
        while True:
            try:
                return await step()
            except PrachakhomError as exc:
                if exc.code != Code.UNAVAILABLE or loop.time() + pause > deadline:
                    raise
            except (RedisError, OSError):  # no primary for the slot yet: not promoted
                if loop.time() + pause > deadline:
                    raise UNAVAILABLE from None
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.5)
            with contextlib.suppress(RedisError, OSError):
                await self.shards.refresh()

    # --- meetings, codes, tokens -----------------------------------------------------

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

    async def _write(self, key: str, commands: list[tuple[Any, ...]]) -> list[Any]:
        """Commands on `key`'s shard (all in its slot) as one transaction, then the
        WAITAOF that makes them durable, down one connection (inside MULTI a WAITAOF
        answers at once without waiting)."""
        client = self.at(key)
        waits = self._waits(key)
        sent = [("MULTI",), *commands, ("EXEC",), *waits]
        replies = await self._exchange(client, sent)
        done = replies[len(commands) + 1]
        if isinstance(done, ResponseError) or done is None:
            if isinstance(done, MOVING) or any(isinstance(r, MOVING) for r in replies):
                self.shards.suspect()
            raise UNAVAILABLE
        self._check_waits(waits, replies[len(commands) + 2 :])
        return list(done)

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

    async def rewrite_aof(self, client: Redis | None = None) -> bool:
        """Ask Redis to rewrite its AOF in the background (old writes, such as a voter's
        replaced ballots, then leave the log). False if Redis refused (one is running,
        or the command is disabled on a managed Redis)."""
        done = True
        for each in [client] if client is not None else self.shards.clients():
            try:
                await each.bgrewriteaof()
            except ResponseError:
                done = False
        return done

    @rerouted
    async def meeting(self, meeting_id: str) -> Meeting | None:
        raw = await self.of(meeting_id).hget(keys.meta(meeting_id), "meeting")
        return Meeting.from_dict(orjson.loads(raw)) if raw else None

    @rerouted
    async def meeting_ids(self) -> list[str]:
        return sorted(await self.at(keys.MEETINGS).smembers(keys.MEETINGS))

    @rerouted
    async def codes(self, meeting_id: str) -> dict[str, Any]:
        return _loads(await self.of(meeting_id).hget(keys.meta(meeting_id), "codes")) or {}

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

    # --- questions -------------------------------------------------------------------

    @rerouted
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

    @rerouted
    async def question(self, meeting_id: str, question_id: str) -> Question | None:
        raw = await self.of(meeting_id).hget(keys.questions(meeting_id), question_id)
        return parse_question(orjson.loads(raw)) if raw else None

    @rerouted
    async def questions(self, meeting_id: str) -> list[tuple[Question, str]]:
        """The agenda in order, each with its state."""
        pipe = self.of(meeting_id).pipeline(transaction=True)
        pipe.lrange(keys.question_order(meeting_id), 0, -1)
        pipe.hgetall(keys.questions(meeting_id))
        pipe.hgetall(keys.question_state(meeting_id))
        order, defs, states = await pipe.execute()
        return [(parse_question(orjson.loads(defs[q])), states.get(q, "draft")) for q in order]

    @rerouted
    async def states(self, meeting_id: str) -> dict[str, str]:
        return await self.of(meeting_id).hgetall(keys.question_state(meeting_id))

    # --- control events --------------------------------------------------------------

    @rerouted
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
        call = [
            "EVALSHA", self._emit_sha, 1, keys.ledger(meeting_id),
            keys.prefix(meeting_id), keys.channel(meeting_id), orjson.dumps(body),
            self.events_kept, body["event"], guard, key, field, value,
            "derived" if derived else "",
        ]  # fmt: skip
        (reply,) = await self._run_scripts(keys.ledger(meeting_id), [call], [scripts.EMIT])
        seq, reason = reply
        return int(seq), reason if isinstance(reason, str) else reason.decode()

    @rerouted
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

    @rerouted
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

    @rerouted
    async def plenary(self, meeting_id: str) -> dict[str, Any]:
        return _loads(await self.of(meeting_id).hget(keys.meta(meeting_id), "plenary")) or {
            "view": "participation"
        }

    @rerouted
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

    @rerouted
    async def ideas(self, meeting_id: str) -> list[dict[str, Any]]:
        raw = await self.of(meeting_id).hvals(keys.ideas(meeting_id))
        return sorted((orjson.loads(r) for r in raw), key=lambda i: (i["at"], i["id"]))

    @rerouted
    async def themes(self, meeting_id: str) -> list[dict[str, Any]]:
        raw = await self.of(meeting_id).hvals(keys.themes(meeting_id))
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
                async with self.of(meeting_id).pipeline(transaction=True) as pipe:
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

    @rerouted
    async def idea_vectors(self, meeting_id: str, ids: Sequence[str]) -> list[str | None]:
        """Kept vectors of these ideas (themes/encoder.py), None where not encoded yet."""
        if not ids:
            return []
        return list(await self.of(meeting_id).hmget(keys.vectors(meeting_id), list(ids)))

    @rerouted
    async def keep_vectors(self, meeting_id: str, packed: dict[str, str]) -> None:
        if packed:
            await self.of(meeting_id).hset(keys.vectors(meeting_id), mapping=packed)

    @rerouted
    async def ideas_named(self, meeting_id: str, ids: Sequence[str]) -> list[dict[str, Any] | None]:
        if not ids:
            return []
        return [
            _loads(r) for r in await self.of(meeting_id).hmget(keys.ideas(meeting_id), list(ids))
        ]

    @rerouted
    async def current_seq(self, meeting_id: str) -> int:
        return int(await self.of(meeting_id).get(keys.seq(meeting_id)) or 0)

    @rerouted
    async def events_after(self, meeting_id: str, after: int, most: int) -> list[Event] | None:
        """The kept control events with seq > after, or None if some were trimmed."""
        if after >= await self.current_seq(meeting_id):
            return []
        first = await self.of(meeting_id).xrange(keys.events(meeting_id), count=1)
        if not first or int(first[0][1]["seq"]) > after + 1:
            return None
        found: list[Event] = []
        cursor = "-"
        while len(found) <= most:
            batch = await self.of(meeting_id).xrange(keys.events(meeting_id), min=cursor, count=500)
            if not batch:
                break
            for _entry_id, entry in batch:
                if int(entry["seq"]) > after:
                    found.append(Event(int(entry["seq"]), orjson.loads(entry["e"])))
            cursor = "(" + batch[-1][0]
        return found if len(found) <= most else None

    # --- ballots ---------------------------------------------------------------------

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
            args: list[Any] = ["EVALSHA", self._cast_sha, 1]
            args += [keys.ledger(meeting_id), keys.prefix(meeting_id)]
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
            *(self._retrying(lambda g=g: self._cast_group(g, cast_on_shard)) for g in groups)
        )
        return outcomes
        await asyncio.gather(
            *(
                self._retrying(lambda g=g: self._cast_group(g, cast_on_shard))
                for g in self._by_shard(list(calls))
            )
        )
        return outcomes

    def _by_shard(self, meetings: list[str]) -> list[list[str]]:
        groups: dict[str, list[str]] = {}
        for m in meetings:
            groups.setdefault(self.shards.shard_of(keys.prefix(m)).address, []).append(m)
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
        return [_loads(r) for r in raw]

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

    # --- tallies ---------------------------------------------------------------------

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
