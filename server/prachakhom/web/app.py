"""The Starlette app: routes, the socket endpoint, the browser apps, and their lifespan."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from prachakhom.live.coalesce import Coalesced
from prachakhom.live.gctune import tuned_gc
from prachakhom.live.hub import Hub
from prachakhom.live.presence import Presence
from prachakhom.live.receipts import Receipts
from prachakhom.live.results_reader import ResultsReader
from prachakhom.live.services import Services
from prachakhom.live.suggester import Suggester
from prachakhom.live.writer import BallotWriter
from prachakhom.paths import clients_dir
from prachakhom.settings import Settings
from prachakhom.store.shards import client_for, connect, with_seeds
from prachakhom.store.store import Store
from prachakhom.themes.jobs import warm_encoder
from prachakhom.web import api_routes, exception_handlers
from prachakhom.web.agenda import agenda_routes
from prachakhom.web.assets import asset_routes
from prachakhom.web.security import SecurityHeaders
from prachakhom.web.shell import shell_routes
from prachakhom.web.ws import websocket_endpoint
from prachakhom.workers import WorkerPool


class App(Starlette):
    """The app, with the security headers outermost: on its error pages (500) too."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


log = logging.getLogger("prachakhom")


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
