"""Is this process well: its health, its Prometheus metrics, and the API's description."""

from __future__ import annotations

import time

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from prachakhom.web import openapi
from prachakhom.web.base import Json, services_of
from prachakhom.web.security import metrics_refusal


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
    Route("/api/openapi.json", openapi.serve, methods=["GET"]),
]
