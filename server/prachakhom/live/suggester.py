"""Suggestions for ideas as they arrive: batched like the ballot writer, run in the pool.

An idea is acked as soon as it is stored; its id is then handed here. One job per meeting
is in the worker pool at a time: ideas that arrive meanwhile wait and go together in the
next (encoding is ~130 ms for one idea alone but ~10 ms each in a batch). When a job
returns, one `suggestions` event (derived: kept for resume, not in the ledger) carries the
ranked themes and near-duplicates of every idea in it to the theme team's screens.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from prachakhom.core import events
from prachakhom.core.errors import PrachakhomError
from prachakhom.store.store import Store
from prachakhom.themes import jobs
from prachakhom.workers import WorkerPool

log = logging.getLogger(__name__)
BATCH_MOST = 256


class Suggester:
    def __init__(self, store: Store, pool: WorkerPool) -> None:
        self.store = store
        self.pool = pool
        self._waiting: dict[str, list[str]] = {}
        self._busy: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def idea_stored(self, meeting_id: str, idea_id: str) -> None:
        self._waiting.setdefault(meeting_id, []).append(idea_id)
        if meeting_id not in self._busy:
            self._start(meeting_id)

    def _start(self, meeting_id: str) -> None:
        self._busy.add(meeting_id)
        task = asyncio.create_task(self._drain(meeting_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, meeting_id: str) -> None:
        try:
            while self._waiting.get(meeting_id):
                batch = self._waiting[meeting_id][:BATCH_MOST]
                del self._waiting[meeting_id][:BATCH_MOST]
                await self._suggest(meeting_id, batch)
        finally:
            self._busy.discard(meeting_id)
            if not self._waiting.get(meeting_id):
                self._waiting.pop(meeting_id, None)

    async def _suggest(self, meeting_id: str, batch: list[str]) -> None:
        try:
            found = await self.pool.run(jobs.encode_new, meeting_id, batch)
        except PrachakhomError as exc:  # busy or a crashed worker: the screen can ask again
            log.warning("no suggestions for %d ideas: %s", len(batch), exc.message)
            return
        except Exception:
            log.exception("the suggestion job failed")
            return
        if found:
            await self.store.emit(meeting_id, events.Suggestions(ideas=found), derived=True)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        try:
            yield
        finally:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
