"""Group commit: socket handlers submit ballots; a few writer tasks send what is waiting.

A lone ballot goes straight out (a batch of one, no added delay). Under a burst, ballots
pile up while a batch is in flight and go out together in the next: one pipeline, one
script call per meeting and one fsync wait (WAITAOF) for the lot, then every ballot in it
is answered. The per-ballot cost falls as the load rises.

One batch is in flight at a time by default (`writer_lanes`): measured, a second lane
halved the batches and cost more CPU per ballot in the server and in Redis than the
overlap won (so did making a batch wait a few ms for company). With more lanes a voter
always uses the same one, so two quick ballots from one voter are written in the order
they were sent.

Each ballot comes with a callback, called once with its outcome (or the error) as soon as
its batch is durable: the socket's ack goes out from there, with no future and no task
per ballot. The store's words for outcomes (`dup:<first>`, ...) are read here, once, into
a typed `Outcome`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable

from prachakhom.core.errors import PrachakhomError
from prachakhom.core.messages import Outcome
from prachakhom.live.metrics import BATCH_SIZE, COMMIT_SECONDS
from prachakhom.store.store import UNAVAILABLE, Cast, Store

log = logging.getLogger(__name__)


# called once: with the ballot's outcome, or the error to tell the client
Done = Callable[[Outcome | PrachakhomError], None]
Pending = tuple[Cast, Done]


class _Lane:
    """Ballots waiting for one writer task, in the order they were submitted."""

    def __init__(self) -> None:
        self.waiting: deque[Pending] = deque()
        self.wake = asyncio.Event()

    def drain(self, most: int) -> list[Pending]:
        batch: list[Pending] = []
        while self.waiting and len(batch) < most:
            batch.append(self.waiting.popleft())
        return batch


class BallotWriter:
    def __init__(self, store: Store, *, max_batch: int = 512, concurrency: int = 1) -> None:
        self.store = store
        self.max_batch = max_batch
        self.concurrency = concurrency
        self._lanes = [_Lane() for _ in range(concurrency)]

    def submit(self, cast: Cast, done: Done) -> None:
        """Queue a ballot; `done` gets its outcome once it is durable (or the error)."""
        lane = self._lanes[hash((cast.meeting, cast.voter)) % len(self._lanes)]
        lane.waiting.append((cast, done))
        lane.wake.set()

    async def cast(self, cast: Cast) -> Outcome:
        """Write one ballot and wait for its outcome (raises the error)."""
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()

        def done(result: Outcome | PrachakhomError) -> None:
            if future.done():
                return
            if isinstance(result, PrachakhomError):
                future.set_exception(result)
            else:
                future.set_result(result)

        self.submit(cast, done)
        return await future

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[BallotWriter]:
        tasks = [asyncio.create_task(self._run(lane)) for lane in self._lanes]
        try:
            yield self
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for lane in self._lanes:
                self._fail_all(lane.drain(len(lane.waiting)))

    async def _run(self, lane: _Lane) -> None:
        while True:
            if not lane.waiting:
                lane.wake.clear()
                await lane.wake.wait()
                continue
            await self._commit(lane.drain(self.max_batch))

    async def _commit(self, batch: list[Pending]) -> None:
        BATCH_SIZE.observe(len(batch))
        try:
            with COMMIT_SECONDS.time():
                words = await self.store.cast_many([cast for cast, _ in batch])
            outcomes = [Outcome.parse(word) for word in words]
        except PrachakhomError as exc:
            self._fail_all(batch, exc)
            return
        except Exception:  # never let one bad batch stop the writer
            log.exception("a ballot batch failed")
            self._fail_all(batch)
            return
        for (_, done), outcome in zip(batch, outcomes, strict=True):
            _call(done, outcome)

    @staticmethod
    def _fail_all(batch: list[Pending], error: PrachakhomError = UNAVAILABLE) -> None:
        for _, done in batch:
            _call(done, error)


def _call(done: Done, result: Outcome | PrachakhomError) -> None:
    try:
        done(result)
    except Exception:  # one socket's trouble must not cost the others their acks
        log.exception("answering a ballot failed")
