"""Which tables are connected and when each was last heard from, kept in Redis.

    hello / ballot / tally / idea / disconnect --> Presence (a dict in this process)
    flush task (once a second) --> one pipeline: HSET pk:{m}:seen field {at, connected}

A table's tablet and its seats' phones are marked apart (field "12" and "12:phone"): the
table counts as connected only while its tablet is; phones alone are told as such.

The socket handlers only touch a dict: the hot ballot path makes no Redis call for it.
Writes are throttled to one per table per `throttle` seconds in a process (a change of
`connected` always goes out). Every `heartbeat` seconds each table with a live socket in
this process is marked again, so "seen within the last minute" holds for a quiet tablet,
and a table whose socket moved to another process is put right there within a heartbeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable

from prachakhom.store.keys import seen_field
from prachakhom.store.store import Store, impatient

log = logging.getLogger(__name__)

TABLET = "tablet"  # keys.seen_field names its field by the table alone
PHONE = "phone"
Key = tuple[str, int, str]  # (meeting, table, TABLET or PHONE)

_NEVER = float("-inf")


class Presence:
    def __init__(
        self,
        store: Store,
        *,
        throttle: float = 5.0,
        heartbeat: float = 20.0,
        flush_every: float = 1.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.throttle = throttle
        self.heartbeat = heartbeat
        self.flush_every = flush_every
        self.clock = clock
        self.live: dict[Key, int] = {}  # sockets open in this process, per table
        self.written: dict[Key, float] = {}  # when this process last queued a table's mark
        self.pending: dict[Key, tuple[int, bool]] = {}  # what the next flush writes
        self._last_heartbeat = 0.0

    # --- called by the socket sessions (no I/O) ------------------------------------------

    def connected(self, meeting: str, table: int, device: str = TABLET) -> None:
        key = (meeting, table, device)
        self.live[key] = self.live.get(key, 0) + 1
        self._mark(key, True)

    def active(self, meeting: str, table: int, device: str = TABLET) -> None:
        """A ballot, tally or idea from the table: marked at most once per throttle."""
        key = (meeting, table, device)
        now = self.clock()
        if now - self.written.get(key, _NEVER) >= self.throttle:
            self._mark(key, key in self.live, now)

    def disconnected(self, meeting: str, table: int, device: str = TABLET) -> None:
        key = (meeting, table, device)
        left = self.live.get(key, 0) - 1
        if left > 0:
            self.live[key] = left
            return
        self.live.pop(key, None)
        self._mark(key, False)
        self.written.pop(key, None)

    def _mark(self, key: Key, connected: bool, now: float | None = None) -> None:
        now = self.clock() if now is None else now
        self.written[key] = now
        self.pending[key] = (int(now * 1000), connected)

    # --- the flush task ------------------------------------------------------------------

    async def flush(self) -> int:
        """Write what is pending in one round trip; on failure keep it for the next try."""
        now = self.clock()
        if now - self._last_heartbeat >= self.heartbeat:
            self._last_heartbeat = now
            for key in self.live:
                self.pending.setdefault(key, (int(now * 1000), True))
                self.written[key] = now
        if not self.pending:
            return 0
        batch, self.pending = self.pending, {}
        by_meeting: dict[str, dict[str, tuple[int, bool]]] = {}
        for (meeting, table, device), mark in batch.items():
            by_meeting.setdefault(meeting, {})[seen_field(table, device)] = mark
        try:
            with impatient():  # best effort: never waits out a failover
                await self.store.mark_seen(by_meeting)
        except Exception:
            for key, mark in batch.items():
                self.pending.setdefault(key, mark)  # a newer mark wins
            raise
        return len(batch)

    async def flush_forever(self) -> None:
        while True:
            await asyncio.sleep(self.flush_every)
            try:
                await self.flush()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("could not record table presence; will retry", exc_info=True)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Presence]:
        task = asyncio.create_task(self.flush_forever())
        try:
            yield self
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            for key in list(self.live):  # this process is going: its sockets with it
                self._mark(key, False)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.flush(), 2.0)
