"""Is this process well: its health (its answer declared as Structs) and its Prometheus
metrics."""

from __future__ import annotations

import time
from typing import Any, Literal

import msgspec
from msgspec import UNSET, UnsetType
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from prachakhom.web.base import Json, services_of
from prachakhom.web.security import metrics_refusal

State = Literal["ok", "degraded", "down"]


class StoreHealth(msgspec.Struct):
    """The store's state (Store.health): its shards and the failover counters."""

    state: State
    mode: Literal["single", "cluster"]
    durability: Literal["auto", "replica", "fsync", "os"]
    replica_waits_short: int | UnsetType = UNSET
    shards: list[dict[str, Any]] | UnsetType = UNSET
    slots_served: int | UnsetType = UNSET
    map_reads: int | UnsetType = UNSET
    moves: int | UnsetType = UNSET


class Workers(msgspec.Struct):
    """The worker pool (WorkerPool.status)."""

    processes: int
    alive: int
    busy: int
    queued: int
    capacity: int
    restarts: int
    last_crash: float | None


class Health(msgspec.Struct):
    """GET /healthz: 200 while Redis answers (ok or degraded), else 503 with the same body."""

    ok: bool
    redis: State
    time: float
    store: StoreHealth | UnsetType = UNSET
    workers: Workers | UnsetType = UNSET


async def healthz(request: Request) -> Response:
    services = services_of(request)
    store = await services.store.health()
    ok = store["state"] != "down"
    return Json(
        {
            "ok": ok,
            "redis": store["state"],
            "store": store,
            "time": time.time(),
            "workers": services.pool.status(),
        },
        status_code=200 if ok else 503,
    )


async def metrics(request: Request) -> Response:
    settings = services_of(request).settings
    refused = metrics_refusal(request, settings.metrics_allow_from, settings.metrics_token)
    if refused is not None:
        status, code, message = refused
        return Json({"error": {"code": code, "message": message}}, status_code=status)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


health_routes = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
]
