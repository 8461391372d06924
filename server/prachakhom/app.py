"""The Starlette app: routes, the socket endpoint, the browser apps, and their lifespan."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from .agenda import agenda_routes
from .assets import asset_routes
from .coalesce import Coalesced
from .gctune import tuned_gc
from .hub import Hub
from .presence import Presence
from .receipts import Receipts
from .results_reader import ResultsReader
from .security import SecurityHeaders
from .services import Services
from .settings import Settings
from .shell import shell_routes
from .store.shards import client_for, connect, with_seeds
from .store.store import Store
from .suggester import Suggester
from .themes.jobs import warm_encoder
from .web import api_routes, exception_handlers
from .workers import WorkerPool
from .writer import BallotWriter
from .ws import websocket_endpoint


class App(Starlette):
    """The app, with the security headers outermost: on its error pages (500) too."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


log = logging.getLogger("prachakhom")


def clients_dir() -> Path | None:
    """The browser apps: clients/ beside server/ in a checkout (or the image)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "clients", here.parent.parent / "clients"):
        if candidate.is_dir():
            return candidate
    return None


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        shards = await connect(settings.redis_url)
        store = Store(
            shards,
            durability=settings.durability,
            events_kept=settings.events_kept,
            failover_wait=settings.failover_wait,
        )
        await store.check_durability()
        results = ResultsReader(store)
        hub = Hub(store, results, tick_hz=settings.tick_hz)
        writer = BallotWriter(
            store,
            max_batch=settings.max_batch,
            concurrency=settings.writer_lanes,
        )
        presence = Presence(store)
        pool = WorkerPool(
            with_seeds(settings.redis_url, shards),
            processes=settings.heavy_workers,
            capacity=settings.heavy_queue,
        )
        app.state.services = Services(
            settings,
            store,
            hub,
            writer,
            settings.admin_token,
            presence=presence,
            receipts=Receipts(store),
            pool=pool,
            suggester=Suggester(store, pool),
            shared_jobs=Coalesced(pool),
            results=results,
        )
        warm = warm_encoder if settings.warm_workers else None
        async with (
            shards.running(),
            pool.running(warm=warm),
            app.state.services.suggester.running(),
            writer.running(),
            hub.running(),
            presence.running(),
        ):
            with tuned_gc():
                yield
        await shards.aclose()

    app_routes: list[BaseRoute] = [
        *api_routes,
        *agenda_routes,
        *asset_routes,
        WebSocketRoute("/ws", websocket_endpoint),
    ]
    static = clients_dir()
    if static is not None:
        app_routes.append(Route("/", lambda request: RedirectResponse("/app/")))
        app_routes += shell_routes(static)  # before the mount: /app/sw.js is made here
        app_routes.append(Mount("/app", StaticFiles(directory=static, html=True), name="app"))
    return App(routes=app_routes, lifespan=lifespan, exception_handlers=exception_handlers)


def connect_redis(url: str) -> Redis:
    """A client of one Redis (tools and tests; the server itself uses store.shards)."""
    return client_for(url)
