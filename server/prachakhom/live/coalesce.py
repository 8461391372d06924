"""Heavy reads shared by the callers that ask at the same time (the theme board, the
themes wall): one job per key in the worker pool at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from prachakhom.workers import WorkerPool

T = TypeVar("T")


class Coalesced:
    """One job per key in the pool at a time. Callers that arrive while it runs share the
    next one, which starts when it ends: each caller gets an answer computed after it
    asked, and ten screens asking at once cost two jobs, not ten."""

    def __init__(self, pool: WorkerPool) -> None:
        self.pool = pool
        self._running: dict[Hashable, asyncio.Future[Any]] = {}
        self._next: dict[Hashable, asyncio.Future[Any]] = {}

    async def run(self, key: Hashable, job: Callable[..., T], *args: Any) -> T:
        shared = self._next.get(key)
        if shared is None:
            shared = asyncio.ensure_future(self._after(key, self._running.get(key), job, args))
            shared.add_done_callback(_retrieved)  # its callers may all have gone
            self._next[key] = shared
        return await asyncio.shield(shared)  # one caller leaving does not cancel the others

    async def _after(
        self,
        key: Hashable,
        before: asyncio.Future[Any] | None,
        job: Callable[..., T],
        args: tuple[Any, ...],
    ) -> T:
        if before is not None:
            await asyncio.wait([before])
        me = self._next.pop(key)
        self._running[key] = me
        try:
            return await self.pool.run(job, *args)
        finally:
            if self._running.get(key) is me:
                del self._running[key]


def _retrieved(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()
