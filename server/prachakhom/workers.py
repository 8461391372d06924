"""The worker pool: CPU work (encoding and grouping ideas, exports, audits) in processes.

The event loop only moves bytes. A thread beside it is not enough: it shares the GIL, and
an export in a thread was measured to raise a burst's ack p99 from 103–285 ms to
126–626 ms. So heavy jobs run in a few processes started with the server:

    route / live layer ──run(job, args)──▶ WorkerPool ──▶ process: job(args) on its own
         ▲                                  │ bounded      asyncio loop, with its own
         └──────── small result ◀───────────┘ (queue)      Store on the same Redis

A job reads what it needs from Redis itself, so only its arguments (ids) and its result
(small, or the path of a file it wrote) cross the process boundary.

- **Bounded.** At most `capacity` jobs run or wait; one more is refused at once with
  `unavailable` ("busy") instead of queueing behind an export.
- **Cancelled when nobody waits.** A job still queued when its caller goes away (the
  awaiting task is cancelled, or the HTTP client disconnects) is dropped before it runs.
- **A crash is survived.** A worker that dies (killed, out of memory) breaks the pool;
  the jobs it had are answered `unavailable`, a fresh pool replaces it, the server
  carries on, and `/healthz` counts the restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from prometheus_client import Counter, Gauge
from starlette.requests import Request

from .errors import Code, PrachakhomError

log = logging.getLogger("prachakhom.workers")
T = TypeVar("T")

JOBS = Counter(
    "prachakhom_worker_jobs_total", "Worker pool jobs, by job and outcome", ["job", "outcome"]
)
QUEUED = Gauge("prachakhom_worker_jobs_in_pool", "Jobs running or waiting in the worker pool")
RESTARTS = Counter("prachakhom_worker_restarts_total", "Worker pools replaced after a crash")

BUSY = "the server is busy with other heavy work; try again in a moment"
CRASHED = "a worker process stopped and was restarted; try again"


class WorkerPool:
    """A few worker processes and a bound on the jobs given to them."""

    def __init__(self, redis_url: str, *, processes: int = 2, capacity: int = 32) -> None:
        self.redis_url = redis_url
        self.processes = max(1, processes)
        self.capacity = max(1, capacity)
        self.restarts = 0
        self.last_crash: float | None = None
        self._executor: ProcessPoolExecutor | None = None
        self._jobs: set[Future[Any]] = set()

    @contextlib.asynccontextmanager
    async def running(self, *, warm: Callable[[], Any] | None = None) -> AsyncIterator[None]:
        self._executor = self._new_executor()
        if warm is not None:  # each process loads what it needs before the first real job
            for _ in range(self.processes):
                self._executor.submit(warm)
        try:
            yield
        finally:
            executor, self._executor = self._executor, None
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
                _stop_processes(executor)

    def _new_executor(self) -> ProcessPoolExecutor:
        # spawn, not fork: a fork would copy the server's event loop, sockets and threads
        return ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(self.redis_url,),
        )

    def pids(self) -> list[int]:
        """The worker processes alive now (tests kill one to prove the pool survives)."""
        executor = self._executor
        processes = getattr(executor, "_processes", None) or {}
        return [pid for pid, p in list(processes.items()) if p.is_alive()]

    def status(self) -> dict[str, Any]:
        busy = sum(1 for f in list(self._jobs) if f.running())
        return {
            "processes": self.processes,
            "alive": len(self.pids()),
            "busy": busy,
            "queued": len(self._jobs) - busy,
            "capacity": self.capacity,
            "restarts": self.restarts,
            "last_crash": self.last_crash,
        }

    async def run(self, job: Callable[..., T], *args: Any, request: Request | None = None) -> T:
        """`job(*args)` in a worker process; its result. Refused at once when the pool is
        full; dropped if `request`'s client disconnects (or this task is cancelled) before
        the job starts."""
        name = getattr(job, "__name__", "job")
        executor = self._executor
        if executor is None:
            raise PrachakhomError(Code.UNAVAILABLE, "the worker pool is not running")
        if len(self._jobs) >= self.capacity:
            JOBS.labels(name, "busy").inc()
            raise PrachakhomError(Code.UNAVAILABLE, BUSY)
        try:
            future = executor.submit(job, *args)
        except (BrokenProcessPool, RuntimeError):  # broken, or shut down under us
            self._replace(executor)
            raise PrachakhomError(Code.UNAVAILABLE, CRASHED) from None
        self._jobs.add(future)
        QUEUED.set(len(self._jobs))
        try:
            result = await _first(asyncio.wrap_future(future), request)
        except asyncio.CancelledError:
            future.cancel()  # dropped if it has not started; a running job finishes unread
            JOBS.labels(name, "cancelled").inc()
            raise
        except BrokenProcessPool:
            JOBS.labels(name, "crashed").inc()
            self._replace(executor)
            raise PrachakhomError(Code.UNAVAILABLE, CRASHED) from None
        finally:
            self._jobs.discard(future)
            QUEUED.set(len(self._jobs))
        JOBS.labels(name, "done").inc()
        return result

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """A fresh pool for a broken one (once, however many of its jobs report it)."""
        if self._executor is not broken:
            return
        log.error("a worker process died; starting a fresh worker pool")
        self.restarts += 1
        self.last_crash = time.time()
        RESTARTS.inc()
        broken.shutdown(wait=False, cancel_futures=True)
        self._executor = self._new_executor()


async def _first(job: Awaitable[T], request: Request | None) -> T:
    """The job's result, or CancelledError when the HTTP client has gone away first."""
    if request is None:
        return await job
    task = asyncio.ensure_future(job)
    gone = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({task, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
    if not task.done():
        task.cancel()
        raise asyncio.CancelledError("the client went away")
    return task.result()


async def _disconnected(request: Request) -> None:
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


def _stop_processes(executor: ProcessPoolExecutor) -> None:
    """Shut down means now: a long export still running must not hold the server's exit."""
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.terminate()


# --- inside a worker process ---------------------------------------------------------------

_loop: asyncio.AbstractEventLoop | None = None
_redis_url = ""
_store: Any = None


def _init_worker(redis_url: str) -> None:
    global _loop, _redis_url
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    _redis_url = redis_url
    _loop = asyncio.new_event_loop()
    asyncio.set_event_loop(_loop)


def on_worker_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run an async job body on this worker's own loop (kept between jobs, with its
    Redis connections)."""
    if _loop is None:
        raise RuntimeError("not in a worker process: call _init_worker(redis_url) first")
    return _loop.run_until_complete(coroutine)


def worker_store() -> Any:
    """This worker's Store on the server's Redis (made on first use, then kept)."""
    global _store
    from .app import connect_redis  # the same pool settings as the server's
    from .store.store import Store

    if _store is None:
        _store = Store(connect_redis(_redis_url), durable=False)
    return _store
