"""Group commit: socket handlers submit ballots; a few writer tasks send what is waiting.

A lone ballot goes straight out (a batch of one, no added delay). Under a burst, ballots
pile up while a batch is in flight and go out together in the next: one pipeline, one
script call per meeting and one fsync wait (WAITAOF) for the lot, then every ballot in it
is answered. The per-ballot cost falls as the load rises.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator

from .errors import PrachakhomError
from .metrics import BATCH_SIZE, COMMIT_SECONDS
from .store.store import UNAVAILABLE, Cast, Store

log = logging.getLogger(__name__)


class BallotWriter:
    def __init__(self, store: Store, *, max_batch: int = 512, concurrency: int = 2) -> None:
        self.store = store
        self.max_batch = max_batch
        self.concurrency = concurrency
        self._waiting: deque[tuple[Cast, asyncio.Future[str]]] = deque()
        self._wake = asyncio.Event()

    def submit(self, cast: Cast) -> asyncio.Future[str]:
        """Queue a ballot; the future gets its outcome once it is durable (or an error)."""
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._waiting.append((cast, future))
        self._wake.set()
        return future

    async def cast(self, cast: Cast) -> str:
        return await self.submit(cast)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[BallotWriter]:
        tasks = [asyncio.create_task(self._run()) for _ in range(self.concurrency)]
        try:
            yield self
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._fail_all(self._drain(len(self._waiting)))

    async def _run(self) -> None:
        while True:
            if not self._waiting:
                self._wake.clear()
                await self._wake.wait()
                continue
            batch = self._drain(self.max_batch)
            await self._commit(batch)

    def _drain(self, most: int) -> list[tuple[Cast, asyncio.Future[str]]]:
        batch = []
        while self._waiting and len(batch) < most:
            batch.append(self._waiting.popleft())
        return batch

    async def _commit(self, batch: list[tuple[Cast, asyncio.Future[str]]]) -> None:
        BATCH_SIZE.observe(len(batch))
        try:
            with COMMIT_SECONDS.time():
                outcomes = await self.store.cast_many([cast for cast, _ in batch])
        except PrachakhomError as exc:
            self._fail_all(batch, exc)
            return
        except Exception:  # never let one bad batch stop the writer
            log.exception("a ballot batch failed")
            self._fail_all(batch)
            return
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if not future.done():
                future.set_result(outcome)

    @staticmethod
    def _fail_all(
        batch: list[tuple[Cast, asyncio.Future[str]]], error: PrachakhomError = UNAVAILABLE
    ) -> None:
        for _, future in batch:
            if not future.done():
                future.set_exception(error)
