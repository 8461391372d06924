"""Prometheus metrics of one server process (GET /metrics)."""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter, Gauge, Histogram

BALLOTS = Counter("prachakhom_ballots_total", "Ballots answered, by outcome", ["outcome"])
ERRORS = Counter("prachakhom_errors_total", "Errors sent to clients, by code", ["code"])
CONNECTIONS = Gauge("prachakhom_connections", "Open WebSocket connections, by role", ["role"])
BATCH_SIZE = Histogram(
    "prachakhom_commit_batch_size",
    "Ballots per group commit",
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000),
)
COMMIT_SECONDS = Histogram(
    "prachakhom_commit_seconds",
    "Time of one group commit (write and fsync wait)",
    buckets=(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2),
)
SLOW_CONSUMERS = Counter(
    "prachakhom_slow_consumers_total", "Sockets dropped because they did not read"
)
RESULTS_PUSHED = Counter("prachakhom_results_pushed_total", "Results events sent to sockets")


class Children:
    """A labelled metric's children, each made once. `.labels()` builds a tuple, checks
    it and takes a lock on every call: too slow for a path that runs for every ballot."""

    def __init__(self, metric: Counter | Gauge) -> None:
        self.metric = metric
        self._made: dict[str, Any] = {}

    def __call__(self, value: str) -> Any:
        child = self._made.get(value)
        if child is None:
            child = self._made[value] = self.metric.labels(value)
        return child


BALLOTS_BY = Children(BALLOTS)
ERRORS_BY = Children(ERRORS)
CONNECTIONS_BY = Children(CONNECTIONS)
