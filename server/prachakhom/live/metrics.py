"""Prometheus metrics of one server process (GET /metrics)."""

from __future__ import annotations

from collections import Counter as Counts
from collections.abc import Iterator
from typing import Any

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

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


class LabelCounts(Collector):
    """A counter by one label, kept in a plain dict: an increment is a dict update, where
    prometheus_client's Counter takes a lock (1.2 µs, once per ballot). The event loop's
    thread is the only writer; /metrics reads it through this collector."""

    def __init__(self, name: str, documentation: str, label: str) -> None:
        self.name, self.documentation, self.label = name, documentation, label
        self.counts: Counts[str] = Counts()
        REGISTRY.register(self)

    def inc(self, value: str) -> None:
        self.counts[value] += 1

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(self.name, self.documentation, labels=[self.label])
        for value, count in list(self.counts.items()):
            family.add_metric([value], count)
        yield family


BALLOTS = LabelCounts("prachakhom_ballots", "Ballots answered, by outcome", "outcome")
ERRORS = LabelCounts("prachakhom_errors", "Errors sent to clients, by code", "code")
CONNECTIONS_BY = Children(CONNECTIONS)
