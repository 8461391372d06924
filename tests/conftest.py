"""Real parts only: an embedded Valkey per test session (flushed between tests) and a
real uvicorn on a free port, talked to with real HTTP and WebSocket clients."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import os
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
import redis as sync_redis
import uvicorn

from prachakhom.cli.client import Api, Client, ws_url
from prachakhom.cli.demo import scenario, scenario_body
from prachakhom.settings import Settings
from prachakhom.store import embedded, localcluster
from prachakhom.web.app import create_app
from prachakhom.web.serving import uvicorn_options

ADMIN = "test-admin-token-0123456789abcdef"


# PRACHAKHOM_TEST_STORE=cluster runs the tests against a local 3 + 3 Valkey Cluster
# instead of one embedded Valkey (the Makefile does so for the end-to-end tests).
ON_CLUSTER = os.environ.get("PRACHAKHOM_TEST_STORE", "") == "cluster"


@dataclass(frozen=True)
class ClusterStore:
    """A local cluster in the shape of embedded.Embedded, for the fixtures below."""

    cluster: localcluster.LocalCluster

    @property
    def url(self) -> str:
        return self.cluster.url

    tcp_url = url

    @property
    def port(self) -> int:
        return self.cluster.nodes[0].port

    def flush(self) -> None:
        for node, role in localcluster.roles(self.cluster).items():
            if role == "master":
                with sync_redis.Redis(port=node) as r:
                    r.flushall()


def sync_client(valkey: Any) -> Any:
    """A blocking client for a test's own look at the data (cluster-aware on a cluster)."""
    if isinstance(valkey, ClusterStore):
        from redis.cluster import RedisCluster

        return RedisCluster(host="127.0.0.1", port=valkey.port, decode_responses=True)
    return sync_redis.Redis(port=valkey.port, decode_responses=True)


@pytest.fixture(scope="session")
def valkey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if ON_CLUSTER:
        with localcluster.running(tmp_path_factory.mktemp("cluster")) as cluster:
            yield ClusterStore(cluster)
        return
    with embedded.running(tmp_path_factory.mktemp("valkey")) as server:
        yield server


@pytest.fixture(autouse=True)
def flush(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "valkey" in request.fixturenames:
        server = request.getfixturevalue("valkey")
        if isinstance(server, ClusterStore):
            server.flush()
            return
        with sync_redis.Redis(port=server.port) as r:
            r.flushall()


@dataclass
class Running:
    settings: Settings
    server: uvicorn.Server
    task: asyncio.Task[None]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    @property
    def ws(self) -> str:
        return ws_url(self.base)

    @property
    def services(self) -> Any:
        return self.server.config.loaded_app.app.state.services  # type: ignore[union-attr]


@contextlib.asynccontextmanager
async def run_server(
    settings: Settings, listener: socket.socket | None = None
) -> AsyncIterator[Running]:
    """A real uvicorn serving the app on its port, in this event loop (on `listener`,
    a listening socket made by the caller, when given)."""
    options = uvicorn_options(settings) | {"log_level": "warning"}
    config = uvicorn.Config(create_app(settings), **options)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[listener] if listener else None))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield Running(settings, server, task)
    finally:
        server.should_exit = True
        await task


def make_settings(valkey: embedded.Embedded, tmp: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "port": embedded.free_port(),
        "redis_url": valkey.url,
        "admin_token": ADMIN,
        "data_dir": tmp,
        "hello_timeout": 1.0,
        "warm_workers": False,  # a test that needs the encoder loads it on first use
    }
    return Settings.from_env({}, **(values | overrides))


@pytest.fixture
async def server(valkey: embedded.Embedded, tmp_path: Path) -> AsyncIterator[Running]:
    async with run_server(make_settings(valkey, tmp_path)) as running:
        yield running


@pytest.fixture
async def admin(server: Running) -> AsyncIterator[Api]:
    async with Api(server.base, ADMIN) as api:
        yield api


SMALL_MEETING: dict[str, Any] = {
    "title": {"th": "ประชุมทดสอบ", "en": "Test meeting"},
    "language": "th",
    "tables": {"count": 4, "seats": 5},
    "sites": [
        {"id": "north", "name": "North", "tables": 2},
        {"id": "south", "name": "South", "tables": 2},
    ],
    "seat_codes": True,
    "questions": [
        {
            "id": "q1",
            "kind": "single",
            "prompt": {"th": "เลือกหนึ่ง", "en": "Pick one"},
            "options": [
                {"id": "a", "label": "A"},
                {"id": "b", "label": "B"},
                {"id": "c", "label": "C"},
            ],
        },
        {
            "id": "q2",
            "kind": "multiple",
            "max_choices": 2,
            "prompt": "Pick two",
            "options": [
                {"id": "x", "label": "X"},
                {"id": "y", "label": "Y"},
                {"id": "z", "label": "Z"},
            ],
        },
    ],
}


@dataclass
class Meeting:
    id: str
    codes: dict[str, Any]
    organiser: Api
    server: Running

    async def join(self, code: str) -> dict[str, Any]:
        async with Api(self.server.base) as api:
            return await api.join(code)  # type: ignore[no-any-return]

    async def client(self, code: str, **kwargs: Any) -> Client:
        joined = await self.join(code)
        client = Client(self.server.ws, joined["token"], **kwargs)
        await client.connect()
        return client

    async def table(self, n: int, **kwargs: Any) -> Client:
        return await self.client(self.codes["tables"][str(n)], **kwargs)

    async def seat(self, table: int, seat: int, **kwargs: Any) -> Client:
        return await self.client(self.codes["seats"][str(table)][str(seat)], **kwargs)

    async def display(self, **kwargs: Any) -> Client:
        return await self.client(self.codes["display"], **kwargs)


@pytest.fixture
async def meeting(server: Running, admin: Api) -> AsyncIterator[Meeting]:
    created = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
    async with Api(server.base, created["organiser"]) as organiser:
        yield Meeting(created["id"], created["codes"], organiser, server)


def demo_body() -> dict[str, Any]:
    return scenario_body(scenario())


@pytest.fixture
async def forum(server: Running, admin: Api) -> AsyncIterator[Any]:
    """The demo forum with every kind voted, ideas and themes (tests/forum.py)."""
    from .forum import voted_forum

    found = await voted_forum(server, admin)
    async with found.organiser:
        yield found


@pytest.fixture
async def exported(forum: Any) -> dict[str, Any]:
    """The forum's JSON export, through the API."""
    return orjson.loads(await forum.organiser.export(forum.id, "json"))  # type: ignore[no-any-return]
