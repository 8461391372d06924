"""What a run measures: replies with their latency, results seen by screens, processes.

Recorder       every answer (t, latency, phase, status) and every results event a screen
               saw (t, screen, question, version): percentiles, rates, time series
ProcessSampler psutil on the server's process(es), Valkey, the load generator and the
               whole machine (so a busy machine shows in the figures)
commandstats   Redis INFO commandstats (server time per command)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import psutil

now = time.perf_counter


def summary_ms(seconds: Iterable[float]) -> dict[str, Any]:
    """n, p50, p95, p99, max and mean of durations given in seconds, in milliseconds."""
    values = np.asarray(list(seconds), dtype=float)
    if values.size == 0:
        return {"n": 0}
    p50, p95, p99 = np.percentile(values, [50, 95, 99]) * 1000
    return {
        "n": int(values.size),
        "p50": round(float(p50), 2),
        "p95": round(float(p95), 2),
        "p99": round(float(p99), 2),
        "max": round(float(values.max()) * 1000, 2),
        "mean": round(float(values.mean()) * 1000, 2),
    }


@dataclass
class Recorder:
    """Answers and results as they arrive; times are perf_counter seconds."""

    t0: float = field(default_factory=now)
    reply_t: list[float] = field(default_factory=list)
    reply_latency: list[float] = field(default_factory=list)
    reply_phase: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    # screen -> question -> [(t, version)], in arrival order
    screens: dict[str, dict[str, list[tuple[float, int]]]] = field(default_factory=dict)
    marks: list[tuple[float, str]] = field(default_factory=list)

    def reply(self, t: float, latency: float, phase: str, status: str) -> None:
        self.reply_t.append(t)
        self.reply_latency.append(latency)
        self.reply_phase.append(phase)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def results(self, screen: str, results: dict[str, Any], t: float) -> None:
        version = results.get("seq")
        if isinstance(version, int):
            seen = self.screens.setdefault(screen, {}).setdefault(results["question"], [])
            seen.append((t, version))

    def mark(self, label: str) -> None:
        self.marks.append((now(), label))

    def replies_in(self, phase: str) -> tuple[list[float], list[float]]:
        """(arrival times, latencies) of the replies of one phase."""
        times, latencies = [], []
        for t, lat, p in zip(self.reply_t, self.reply_latency, self.reply_phase, strict=True):
            if p == phase:
                times.append(t)
                latencies.append(lat)
        return times, latencies

    def recent_rate(self, window: float = 1.0) -> float:
        cutoff, n = now() - window, 0
        for t in reversed(self.reply_t):
            if t < cutoff:
                break
            n += 1
        return n / window

    def recent_p99_ms(self, window: float = 2.0) -> float | None:
        cutoff, lat = now() - window, []
        for t, latency in zip(reversed(self.reply_t), reversed(self.reply_latency), strict=True):
            if t < cutoff:
                break
            lat.append(latency)
        return float(np.percentile(lat, 99) * 1000) if lat else None

    def first_seen(self, screen: str, question: str) -> tuple[np.ndarray, np.ndarray]:
        """(times, running max of versions) of what one screen saw of one question."""
        seen = self.screens.get(screen, {}).get(question, [])
        times = np.array([t for t, _ in seen], dtype=float)
        versions = (
            np.maximum.accumulate(np.array([v for _, v in seen], dtype=np.int64))
            if seen
            else np.array([], dtype=np.int64)
        )
        return times, versions

    def series(self, bucket: float = 0.5) -> dict[str, list[Any]]:
        """Replies per second and latency p50/p99 per time bucket (seconds since t0)."""
        if not self.reply_t:
            return {"t": [], "replies_per_s": [], "p50_ms": [], "p99_ms": [], "phase": []}
        t = np.asarray(self.reply_t) - self.t0
        lat = np.asarray(self.reply_latency)
        index = (t // bucket).astype(int)
        out: dict[str, list[Any]] = {
            "t": [],
            "replies_per_s": [],
            "p50_ms": [],
            "p99_ms": [],
            "phase": [],
        }
        phases = np.asarray(self.reply_phase)
        for b in range(int(index.max()) + 1):
            mask = index == b
            n = int(mask.sum())
            out["t"].append(round(b * bucket, 3))
            out["replies_per_s"].append(round(n / bucket, 1))
            if n:
                p50, p99 = np.percentile(lat[mask], [50, 99]) * 1000
                out["p50_ms"].append(round(float(p50), 2))
                out["p99_ms"].append(round(float(p99), 2))
                values, counts = np.unique(phases[mask], return_counts=True)
                out["phase"].append(str(values[counts.argmax()]))
            else:
                out["p50_ms"].append(None)
                out["p99_ms"].append(None)
                out["phase"].append(None)
        return out


# --- processes -----------------------------------------------------------------------------


@dataclass
class Sample:
    t: float
    cpu: dict[str, float]  # group -> percent of one core
    rss: dict[str, int]  # group -> bytes
    machine_cpu: float  # percent of all cores together (100 = every core busy)


class ProcessSampler:
    """CPU and RSS of process groups every `interval` seconds.

    groups: name -> a function giving the pids now (workers come and go).
    'others' is the machine's CPU not spent by any group (other people's work).
    """

    def __init__(self, groups: dict[str, Callable[[], Sequence[int]]], interval: float = 0.5):
        self.groups = groups
        self.interval = interval
        self.samples: list[Sample] = []
        self._procs: dict[int, psutil.Process] = {}
        self._last: dict[tuple[str, int], float] = {}
        self._task: asyncio.Task[None] | None = None
        self.cores = psutil.cpu_count() or 1

    def _proc(self, pid: int) -> psutil.Process | None:
        proc = self._procs.get(pid)
        if proc is None:
            try:
                proc = self._procs[pid] = psutil.Process(pid)
            except psutil.Error:
                return None
        return proc

    def cpu_seconds(self, group: str) -> float:
        """CPU time (user + system) the group's processes have used so far."""
        total = 0.0
        for pid in self.groups[group]():
            proc = self._proc(pid)
            if proc is not None:
                with contextlib.suppress(psutil.Error):
                    times = proc.cpu_times()
                    total += times.user + times.system
        return total

    def cpu_snapshot(self) -> dict[str, float]:
        return {name: self.cpu_seconds(name) for name in self.groups}

    def rss(self, group: str) -> int:
        total = 0
        for pid in self.groups[group]():
            proc = self._proc(pid)
            if proc is not None:
                with contextlib.suppress(psutil.Error):
                    total += proc.memory_info().rss
        return total

    def per_process(self, group: str) -> dict[str, dict[str, Any]]:
        """Each process of a group now: RSS (MiB) and CPU seconds used since it started."""
        out = {}
        for pid in self.groups[group]():
            proc = self._proc(pid)
            if proc is not None:
                with contextlib.suppress(psutil.Error):
                    times = proc.cpu_times()
                    out[str(pid)] = {
                        "rss_mib": round(proc.memory_info().rss / 2**20, 1),
                        "cpu_seconds": round(times.user + times.system, 2),
                        "name": " ".join(proc.cmdline()[1:4])[:60],
                    }
        return out

    def sample(self, dt: float) -> Sample:
        cpu, rss = {}, {}
        for name, pids in self.groups.items():
            busy, mem = 0.0, 0
            for pid in pids():
                proc = self._proc(pid)
                if proc is None:
                    continue
                try:
                    times = proc.cpu_times()
                    used = times.user + times.system
                    mem += proc.memory_info().rss
                except psutil.Error:
                    continue
                last = self._last.get((name, pid))
                self._last[name, pid] = used
                if last is not None and dt > 0:
                    busy += (used - last) / dt * 100
            cpu[name], rss[name] = round(busy, 1), mem
        machine = psutil.cpu_percent(None)
        ours = sum(cpu.values()) / self.cores
        cpu["others"] = round(max(0.0, machine - ours) * self.cores, 1)
        return Sample(now(), cpu, rss, machine)

    async def _run(self) -> None:
        psutil.cpu_percent(None)
        self.sample(0)
        last = now()
        while True:
            await asyncio.sleep(self.interval)
            t = now()
            self.samples.append(self.sample(t - last))
            last = t

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def between(self, start: float, end: float) -> dict[str, Any]:
        """Mean and peak CPU (percent of one core) and peak RSS per group in [start, end]."""
        chosen = [s for s in self.samples if start <= s.t <= end] or self.samples[-1:]
        out: dict[str, Any] = {}
        if not chosen:
            return out
        for name in chosen[0].cpu:
            values = [s.cpu[name] for s in chosen]
            out[name] = {"cpu_mean": round(sum(values) / len(values), 1), "cpu_max": max(values)}
            if name in chosen[0].rss:
                out[name]["rss_max_mib"] = round(max(s.rss[name] for s in chosen) / 2**20, 1)
        out["machine_cpu_mean"] = round(sum(s.machine_cpu for s in chosen) / len(chosen), 1)
        return out

    def series(self, t0: float) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {"t": [round(s.t - t0, 3) for s in self.samples]}
        for s in self.samples:
            for name, value in s.cpu.items():
                out.setdefault(f"cpu_{name}", []).append(value)
            for name, value in s.rss.items():
                out.setdefault(f"rss_mib_{name}", []).append(round(value / 2**20, 1))
        return out


def usec_per(
    before: dict[str, float], after: dict[str, float], count: int
) -> dict[str, float | None]:
    """CPU microseconds each group spent per message between two snapshots."""
    return {
        name: round((after[name] - before[name]) * 1e6 / count, 1) if count else None
        for name in after
    }


def children_of(pid: int) -> Callable[[], list[int]]:
    """A process and its descendants (uvicorn's workers), looked up each time."""

    def pids() -> list[int]:
        try:
            root = psutil.Process(pid)
            return [pid, *(c.pid for c in root.children(recursive=True))]
        except psutil.Error:
            return []

    return pids


def this_process() -> list[int]:
    return [os.getpid()]


# --- Redis ---------------------------------------------------------------------------------


async def commandstats(redis_url: str) -> dict[str, dict[str, float]]:
    """INFO commandstats: {command: {calls, usec}}, summed over a cluster's primaries;
    {} when Redis cannot be asked."""
    out: dict[str, dict[str, float]] = {}
    for stats in (await commandstats_by_shard(redis_url)).values():
        for command, figures in stats.items():
            into = out.setdefault(command, {"calls": 0.0, "usec": 0.0})
            into["calls"] += figures["calls"]
            into["usec"] += figures["usec"]
    return out


async def commandstats_by_shard(redis_url: str) -> dict[str, dict[str, dict[str, float]]]:
    """INFO commandstats of each primary (one, on a plain server): {address: {command:
    {calls, usec}}}."""
    from prachakhom.store.shards import connect

    try:
        shards = await connect(redis_url)
    except Exception:
        return {}
    found: dict[str, dict[str, dict[str, float]]] = {}
    try:
        described = shards.describe().get("shards") or [{"primary": "single"}]
        for shard, client in zip(described, shards.clients(), strict=False):
            try:
                info = await client.info("commandstats")
            except Exception:
                continue
            found[shard["primary"]] = {
                key.removeprefix("cmdstat_"): {
                    "calls": float(value.get("calls", 0)),
                    "usec": float(value.get("usec", 0)),
                }
                for key, value in info.items()
                if key.startswith("cmdstat_") and isinstance(value, dict)
            }
    finally:
        await shards.aclose()
    return found


def stats_delta(
    before: dict[str, dict[str, float]], after: dict[str, dict[str, float]]
) -> dict[str, dict[str, float]]:
    out = {}
    for command, values in after.items():
        old = before.get(command, {"calls": 0.0, "usec": 0.0})
        calls, usec = values["calls"] - old["calls"], values["usec"] - old["usec"]
        if calls:
            out[command] = {"calls": calls, "usec": usec}
    return out
