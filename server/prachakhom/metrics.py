"""Prometheus metrics of one server process (GET /metrics)."""

from __future__ import annotations

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
