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
- **Cancelled when nobody waits.** A job waits here, not in the executor, until a process
  is free; if its caller goes away first (the awaiting task is cancelled, or the HTTP
  client disconnects) it is dropped unsent. One already running finishes unread, and a
  file it wrote is deleted (`abandoned`); `scratch` is the folder for such files.
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
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

from prometheus_client import Counter, Gauge
from starlette.requests import Request

from prachakhom.core.errors import Code, PrachakhomError

log = logging.getLogger("prachakhom.workers")
T = TypeVar("T")

JOBS = Counter(
    "prachakhom_worker_jobs_total", "Worker pool jobs, by job and outcome", ["job", "outcome"]
)
QUEUED = Gauge("prachakhom_worker_jobs_in_pool", "Jobs running or waiting in the worker pool")
RESTARTS = Counter("prachakhom_worker_restarts_total", "Worker pools replaced after a crash")

BUSY = "the server is busy with other heavy work; try again in a moment"
CRASHED = "a worker process stopped and was restarted; try again"
GONE = "the caller went away before the job's result"


class WorkerPool:
    """A few worker processes and a bound on the jobs given to them."""

    def __init__(self, redis_url: str, *, processes: int = 2, capacity: int = 32) -> None:
        self.redis_url = redis_url
        self.processes = max(1, processes)
        self.capacity = max(1, capacity)
        self.restarts = 0
        self.last_crash: float | None = None
        self.scratch = Path()  # a folder for the files jobs write, made by running()
        self._executor: ProcessPoolExecutor | None = None
        # a job is handed to the executor only when a process is free: the executor marks
        # what sits in its call queue as running, and a running job can no longer be dropped
        self._slots = asyncio.Semaphore(self.processes)
        self._waiting = 0
        self._running: set[Future[Any]] = set()
        self._abandoned: dict[Future[Any], Callable[[Any], object]] = {}

    @contextlib.asynccontextmanager
    async def running(self, *, warm: Callable[[], Any] | None = None) -> AsyncIterator[None]:
        self._executor = self._new_executor()
        self.scratch = Path(tempfile.mkdtemp(prefix="prachakhom-work-"))
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
            shutil.rmtree(self.scratch, ignore_errors=True)  # and what abandoned jobs left

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
        return {
            "processes": self.processes,
            "alive": len(self.pids()),
            "busy": len(self._running),
            "queued": self._waiting,
            "capacity": self.capacity,
            "restarts": self.restarts,
            "last_crash": self.last_crash,
        }

    async def run(
        self,
        job: Callable[..., T],
        *args: Any,
        request: Request | None = None,
        abandoned: Callable[[T], object] | None = None,
    ) -> T:
        """`job(*args)` in a worker process; its result. Refused at once when the pool is
        full; dropped if `request`'s client disconnects (or this task is cancelled) before
        the job starts. A job already running then finishes unread: `abandoned` gets its
        result (to delete the file it wrote)."""
        name = getattr(job, "__name__", "job")
        if self._executor is None:
            raise PrachakhomError(Code.UNAVAILABLE, "the worker pool is not running")
        if self._waiting + len(self._running) >= self.capacity:
            JOBS.labels(name, "busy").inc()
            raise PrachakhomError(Code.UNAVAILABLE, BUSY)
        try:
            result = await _first(self._call(job, args, abandoned), request)
        except (asyncio.CancelledError, CallerGone):
            JOBS.labels(name, "cancelled").inc()
            raise
        except BrokenProcessPool:
            JOBS.labels(name, "crashed").inc()
            raise PrachakhomError(Code.UNAVAILABLE, CRASHED) from None
        except BaseException:
            JOBS.labels(name, "failed").inc()
            raise
        JOBS.labels(name, "done").inc()
        return result

    async def _call(
        self, job: Callable[..., T], args: tuple[Any, ...], abandoned: Callable[[T], object] | None
    ) -> T:
        self._waiting += 1
        self._gauge()
        try:
            await self._slots.acquire()  # cancelled here, the job is dropped unsent
        finally:
            self._waiting -= 1
            self._gauge()
        executor = self._executor
        try:
            if executor is None:
                raise RuntimeError("the worker pool has stopped")
            future = executor.submit(job, *args)
        except (BrokenProcessPool, RuntimeError):  # broken, or shut down under us
            self._slots.release()
            self._gauge()
            if executor is not None:
                self._replace(executor)
            raise BrokenProcessPool from None
        self._running.add(future)
        self._gauge()
        loop = asyncio.get_running_loop()
        future.add_done_callback(lambda f: _call_soon(loop, self._finished, f))
        try:
            result = await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            if abandoned is not None:
                self._abandoned[future] = abandoned
            raise
        except BrokenProcessPool:
            self._replace(executor)
            raise
        return result

    def _finished(self, future: Future[Any]) -> None:
        """The process is done with a job (or lost it): its slot is free again."""
        self._running.discard(future)
        self._slots.release()
        self._gauge()
        abandoned = self._abandoned.pop(future, None)
        if abandoned is not None and not future.cancelled() and future.exception() is None:
            abandoned(future.result())

    def _gauge(self) -> None:
        QUEUED.set(self._waiting + len(self._running))

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


class CallerGone(PrachakhomError):
    """The HTTP client went away before its job's result: nobody reads the answer, and a
    refusal (unlike a CancelledError) does not reach the server's log as a crash."""

    def __init__(self) -> None:
        super().__init__(Code.UNAVAILABLE, GONE)

    def __reduce__(self) -> Any:
        return type(self), ()


async def _first(job: Coroutine[Any, Any, T], request: Request | None) -> T:
    """The job's result, or CallerGone when the HTTP client has gone away first."""
    if request is None:
        return await job
    task = asyncio.ensure_future(job)
    gone = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({task, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
        if not task.done():  # the client went away, or this task is being cancelled
            task.cancel()
            task.add_done_callback(_retrieved)
    if not task.done():
        raise CallerGone
    return task.result()


def _retrieved(task: asyncio.Task[Any]) -> None:
    """Nobody awaits a dropped job's task: read its end so asyncio does not warn of it."""
    if not task.cancelled():
        task.exception()


async def _disconnected(request: Request) -> None:
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


def _call_soon(
    loop: asyncio.AbstractEventLoop, callback: Callable[..., object], *args: Any
) -> None:
    """From the executor's thread onto the loop; after shutdown there is no loop to tell."""
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(callback, *args)


def _stop_processes(executor: ProcessPoolExecutor) -> None:
    """Shut down means now: a long export still running must not hold the server's exit."""
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.terminate()


# --- inside a worker process ---------------------------------------------------------------

_loop: asyncio.AbstractEventLoop | None = None
_redis_url = ""
_store: Any = None


NICENESS = 10  # a worker yields the CPU to the event loop when both want it


def _init_worker(redis_url: str) -> None:
    global _loop, _redis_url
    _yield_cpu()
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    _redis_url = redis_url
    _loop = asyncio.new_event_loop()
    asyncio.set_event_loop(_loop)
    global _store
    from prachakhom.store.shards import connect
    from prachakhom.store.store import Store

    # reads only: a worker's writes (kept vectors) are derived data, made durable by none
    _store = Store(_loop.run_until_complete(connect(redis_url)), durability="os")


def _yield_cpu() -> None:
    """Every thread of this worker at a lower priority, so that on a shared machine the
    hall's acks come before an export or an encoding. Linux keeps a niceness per thread,
    and numpy's BLAS threads were started before this runs (on import), so each thread
    is set, not just this one; threads started later inherit it from the one that
    starts them."""
    tasks = Path("/proc/self/task")
    threads = [int(t.name) for t in tasks.iterdir()] if tasks.is_dir() else [0]
    for thread in threads:
        with contextlib.suppress(OSError):
            if os.getpriority(os.PRIO_PROCESS, thread) < NICENESS:
                os.setpriority(os.PRIO_PROCESS, thread, NICENESS)


def on_worker_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run an async job body on this worker's own loop (kept between jobs, with its
    Redis connections)."""
    if _loop is None:
        raise RuntimeError("not in a worker process: call _init_worker(redis_url) first")
    _yield_cpu()  # threads a library started since (a BLAS pool made on first use)
    return _loop.run_until_complete(coroutine)


def worker_store() -> Any:
    """This worker's Store on the server's Redis (made on first use, then kept)."""
    if _store is None:
        raise RuntimeError("not in a worker process: call _init_worker(redis_url) first")
    return _store
