"""The store's connection to Redis: the shards, durability, and retries across a failover.

Every aggregate's part of the store (meetings.py, events.py, ideas.py, ballots.py,
tallies.py) is a `Connection`: it reaches a meeting's primary with `of`, runs scripts
and transactions made durable (`_run_scripts`, `_write`: WAITAOF, or WAIT for a
replica) down a kept connection (wire.py), and is tried again while a cluster's map
moves (`rerouted`, `_retrying`). Key schema: keys.py; scripts: scripts.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import hashlib
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.exceptions import (
    AskError,
    ClusterError,
    NoScriptError,
    ReadOnlyError,
    RedisError,
    ResponseError,
    TryAgainError,
)

from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.store import keys, scripts
from prachakhom.store.shards import Shards
from prachakhom.store.wire import Wire

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


def rerouted(method: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """On a cluster, a step that failed because its primary is gone or its slot moved is
    tried again on the map read anew, until `failover_wait` (Connection._retrying)."""

    @functools.wraps(method)
    async def wrapper(self: Connection, *args: Any, **kwargs: Any) -> T:
        return await self._retrying(lambda: method(self, *args, **kwargs))  # type: ignore[no-any-return]

    return wrapper


class Connection:
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
        self.wire = Wire()  # ballot connections, kept out of the pools
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
        try:
            return await self.wire.exchange(client, commands)
        except (RedisError, OSError):
            self.shards.suspect()
            raise UNAVAILABLE from None

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
