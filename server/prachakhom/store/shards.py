"""Where a key lives: one Redis, or the primary of its slot in a Valkey/Redis Cluster.

Given one URL, `connect` asks the server (`INFO cluster`) whether it is a cluster. On a
plain server every key goes to its one client, as before. On a cluster, the map of slots
to primaries is read with `CLUSTER SHARDS` from any node that answers, and each primary
gets a plain client of its own (a bounded, blocking pool). A meeting's keys share one
hash tag, so its scripts, its transactions and the `WAITAOF` that makes them durable all
go down one connection to the one primary that holds them. (redis-py's cluster client
routes each command by its own key, and `WAITAOF` has none: it would wait on some other
node.) A key-less step never spans two slots (store.py).

The map is read again when a step meets `MOVED`, `ASK`, `CLUSTERDOWN`, a read-only
replica or a dead connection (`suspect`), and every few seconds anyway; so a meeting is
followed to whichever node holds it after a failover or a slot migration.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from redis.asyncio import BlockingConnectionPool, Redis
from redis.crc import key_slot
from redis.exceptions import RedisError

log = logging.getLogger("prachakhom.shards")
POOL_SIZE = 64
SLOTS = 16384
REFRESH_EVERY = 5.0  # seconds between map reads while all is well
REFRESH_SOON = 0.25  # at most this often while something is wrong


def client_for(url: str, **extra: Any) -> Redis:
    """A bounded, blocking pool: bursts wait for a connection instead of failing."""
    pool = BlockingConnectionPool.from_url(
        url,
        decode_responses=True,
        max_connections=POOL_SIZE,
        timeout=10,
        health_check_interval=30,
        **extra,
    )
    return Redis.from_pool(pool)  # the client owns the pool: aclose() closes it


@dataclass
class Shard:
    """One slot range's primary now, with how many of its replicas are online."""

    address: str  # host:port
    replicas: int
    low: int
    high: int


class Shards:
    """One Redis for every key."""

    cluster = False

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def for_key(self, key: str) -> Redis:
        return self.redis

    def clients(self) -> list[Redis]:
        return [self.redis]

    def replicas(self, key: str) -> int:
        return 0

    def suspect(self) -> None:
        """A step failed in a way that may mean the map moved (no map here)."""

    async def refresh(self) -> None:
        return None

    def describe(self) -> dict[str, Any]:
        return {"mode": "single"}

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        yield

    async def aclose(self) -> None:
        await self.redis.aclose()


@dataclass
class ClusterShards(Shards):
    """The primaries of a cluster, found from any node that answers."""

    seeds: list[str]  # host:port of nodes known to be in the cluster
    template: str  # the URL given (its scheme, password and options for every node)
    shards: list[Shard] = field(default_factory=list)  # by their first slot
    _lows: list[int] = field(default_factory=list)
    _clients: dict[str, Redis] = field(default_factory=dict)
    _refreshing: asyncio.Lock = field(default_factory=asyncio.Lock)
    _read_at: float = 0.0
    _wanted: bool = False
    _soon: asyncio.Task[None] | None = None
    refreshes: int = 0
    moves: int = 0  # times a slot was found on another primary than before
    cluster = True

    def __post_init__(self) -> None:
        self.redis = None  # type: ignore[assignment]  # no one client for all keys

    def _client(self, address: str) -> Redis:
        client = self._clients.get(address)
        if client is None:
            client = self._clients[address] = client_for(_url_at(self.template, address))
        return client

    def shard_of(self, key: str) -> Shard:
        slot = key_slot(key.encode())
        i = bisect.bisect_right(self._lows, slot) - 1
        if i < 0 or self.shards[i].high < slot:
            self.suspect()
            raise _unserved(key)
        return self.shards[i]

    def _address_of(self, slot: int) -> str | None:
        i = bisect.bisect_right(self._lows, slot) - 1
        return self.shards[i].address if i >= 0 and slot <= self.shards[i].high else None

    def for_key(self, key: str) -> Redis:
        return self._client(self.shard_of(key).address)

    def clients(self) -> list[Redis]:
        return [self._client(s.address) for s in self.shards]

    def replicas(self, key: str) -> int:
        return self.shard_of(key).replicas

    def suspect(self) -> None:
        """Read the map again soon (now, unless it was read in the last REFRESH_SOON s)."""
        self._wanted = True
        if self._soon is not None and not self._soon.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop: the next step's refresh reads it
            return
        self._soon = loop.create_task(self._refresh_soon())

    async def _refresh_soon(self) -> None:
        await asyncio.sleep(max(0.0, self._read_at + REFRESH_SOON - time.monotonic()))
        with contextlib.suppress(RedisError, OSError):
            await self.refresh()

    async def refresh(self) -> None:
        """Read the slot map again (at most every REFRESH_SOON seconds)."""
        async with self._refreshing:
            if time.monotonic() - self._read_at < REFRESH_SOON:
                return
            self._read_at = time.monotonic()
            self._wanted = False
            shards = await self._read_map()
            if not shards:
                self._wanted = True
                return
            shards.sort(key=lambda s: s.low)
            if self.shards:  # slot ranges now served by another primary than before
                self.moves += sum(
                    1 for s in shards if self._address_of(s.low) not in (None, s.address)
                )
            self.shards, self._lows = shards, [s.low for s in shards]
            self.refreshes += 1
            self.seeds = list(dict.fromkeys([s.address for s in shards] + self.seeds))[:32]

    async def _read_map(self) -> list[Shard]:
        for address in list(self.seeds):
            client = self._client(address)
            try:
                reply = await asyncio.wait_for(client.execute_command("CLUSTER", "SHARDS"), 2.0)
            except (RedisError, OSError, TimeoutError):
                continue
            shards = _parse_shards(reply)
            if shards:
                return shards
        return []

    def describe(self) -> dict[str, Any]:
        served = sum(s.high - s.low + 1 for s in self.shards)
        return {
            "mode": "cluster",
            "shards": [
                {"primary": s.address, "replicas": s.replicas, "slots": [s.low, s.high]}
                for s in self.shards
            ],
            "slots_served": served,
            "map_reads": self.refreshes,
            "moves": self.moves,
        }

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        task = asyncio.create_task(self._watch())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_SOON)
            due = time.monotonic() - self._read_at >= REFRESH_EVERY
            if self._wanted or due:
                try:
                    await self.refresh()
                except Exception:  # the next round tries again
                    log.warning("reading the cluster's slot map failed", exc_info=True)

    async def aclose(self) -> None:
        for client in self._clients.values():
            with contextlib.suppress(Exception):
                await client.aclose()


def _unserved(key: str) -> RedisError:
    from redis.exceptions import ClusterDownError

    return ClusterDownError(f"no primary serves the slot of {key!r:.60} now")


def _parse_shards(reply: Any) -> list[Shard]:
    """CLUSTER SHARDS -> one Shard per slot range, with its primary if one is online."""
    found = []
    for entry in reply:
        entry = _as_dict(entry)
        nodes = [_as_dict(n) for n in entry.get("nodes", [])]
        primary = next(
            (n for n in nodes if n.get("role") == "master" and n.get("health") == "online"), None
        )
        if primary is None:
            continue
        replicas = sum(
            1 for n in nodes if n.get("role") == "replica" and n.get("health") == "online"
        )
        address = f"{primary.get('endpoint') or primary.get('ip')}:{primary['port']}"
        ranges = entry.get("slots", [])
        for low, high in zip(ranges[::2], ranges[1::2], strict=True):
            found.append(Shard(address, replicas, int(low), int(high)))
    return found


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    return dict(zip(value[::2], value[1::2], strict=True))  # RESP2: a flat list


def _url_at(template: str, address: str) -> str:
    """The given URL with another host:port (same scheme, user, password, options)."""
    parts = urlsplit(template)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@{address}" if credentials else address
    return parts._replace(netloc=netloc, path="").geturl()


def hosts_of(url: str) -> list[str]:
    """The host:port list of a URL; several may be given, comma-separated, for a cluster
    (redis://10.0.0.1:6379,10.0.0.2:6379,10.0.0.3:6379): any one that answers will do."""
    netloc = urlsplit(url).netloc.rpartition("@")[2]
    return [h if ":" in h else f"{h}:6379" for h in netloc.split(",") if h]


async def connect(url: str) -> Shards:
    """The shards behind a URL: a cluster if a server it names says it is one."""
    if url.startswith("unix://"):
        return Shards(client_for(url))
    hosts = hosts_of(url)
    for host in hosts:
        probe = client_for(_url_at(url, host))
        try:
            info = await probe.info("cluster")
        except (RedisError, OSError):
            await probe.aclose()
            continue
        if not info.get("cluster_enabled"):
            return Shards(probe)
        await probe.aclose()
        shards = ClusterShards(seeds=[host, *(h for h in hosts if h != host)], template=url)
        await shards.refresh()  # if no slot is served yet, steps answer unavailable until one is
        return shards
    # nothing answers yet: a plain client to the first, as before (its errors say so)
    return Shards(client_for(_url_at(url, hosts[0]) if hosts else url))


def with_seeds(url: str, shards: Shards) -> str:
    """The URL naming every node known now (for worker processes started later, when the
    node first named may be gone)."""
    if not isinstance(shards, ClusterShards):
        return url
    return _url_at(url, ",".join(dict.fromkeys([*shards.seeds, *hosts_of(url)])))
