"""The audit and the exports run in the worker pool's processes (workers.py,
report/jobs.py), on a real server: the same answers as before, a worker killed mid-export
survived, a full pool refusing at once, and a job dropped when its organiser goes away."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import datetime as dt
import os
import signal
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families

from prachakhom.cli.client import Api, ClientError
from prachakhom.core import recount
from prachakhom.report import document, jsonfile
from prachakhom.report.verify import verify
from prachakhom.store import embedded
from prachakhom.store.store import Store
from prachakhom.web.app import connect_redis
from prachakhom.workers import BUSY, CRASHED, WorkerPool

from . import pooljobs
from .conftest import ADMIN, SMALL_MEETING, Meeting, Running, make_settings, run_server
from .exports import typed
from .forum import Forum


@contextlib.asynccontextmanager
async def hall(
    valkey: embedded.Embedded, tmp: Path, **settings: Any
) -> AsyncIterator[tuple[Meeting, str]]:
    """A server with these settings and the small meeting on it; and its organiser token."""
    async with (
        run_server(make_settings(valkey, tmp, **settings)) as server,
        Api(server.base, ADMIN) as admin,
    ):
        created = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
        async with Api(server.base, created["organiser"]) as organiser:
            yield Meeting(created["id"], created["codes"], organiser, server), created["organiser"]


def pool_of(server: Running) -> WorkerPool:
    return server.services.pool  # type: ignore[no-any-return]


async def until(condition: Callable[[], Any], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        await asyncio.sleep(0.01)


async def jobs_total(server: Running, job: str, outcome: str) -> float:
    """prachakhom_worker_jobs_total{job, outcome}, read from /metrics."""
    async with httpx.AsyncClient(base_url=server.base) as http:
        text = (await http.get("/metrics")).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "prachakhom_worker_jobs_total" and sample.labels == {
                "job": job,
                "outcome": outcome,
            }:
                return sample.value
    return 0.0


async def outcomes(server: Running, job: str) -> dict[str, float]:
    return {
        o: await jobs_total(server, job, o)
        for o in ("done", "busy", "cancelled", "crashed", "failed")
    }


async def healthz(server: Running) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server.base) as http:
        return (await http.get("/healthz")).json()  # type: ignore[no-any-return]


async def leave_while_waiting(server: Running, path: str, token: str) -> asyncio.StreamWriter:
    """A client that sends its request and waits: the caller closes it to go away."""
    _, writer = await asyncio.open_connection("127.0.0.1", server.settings.port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n".encode()
    )
    await writer.drain()
    return writer


def scratch_files(server: Running) -> list[Path]:
    return list(pool_of(server).scratch.iterdir())


async def test_the_pool_answers_as_a_build_here_would_and_leaves_no_file(
    forum: Forum, server: Running, valkey: embedded.Embedded
) -> None:
    before = await outcomes(server, "export"), await outcomes(server, "audit")
    data = await forum.organiser.export(forum.id, "json")
    doc = orjson.loads(data)
    audit = await forum.organiser.audit(forum.id)
    store = Store(connect_redis(valkey.url), durability="os")
    try:
        here = await document.build(
            store,
            forum.id,
            min_group=server.settings.min_group,
            now=dt.datetime.fromisoformat(doc["generated_at"]),
        )
        assert jsonfile.dumps(here) == data
        assert audit == await recount.audit(store, forum.id)
    finally:
        await store.redis.aclose()
    assert verify(typed(doc)).ok and audit["ok"] is True
    assert await jobs_total(server, "export", "done") == before[0]["done"] + 1
    assert await jobs_total(server, "audit", "done") == before[1]["done"] + 1
    await until(lambda: not scratch_files(server))  # sent, then deleted


async def test_a_refusal_inside_a_job_comes_back_as_itself_and_breaks_nothing(
    forum: Forum, server: Running
) -> None:
    with pytest.raises(ClientError) as refused:
        await forum.organiser.export(forum.id, "json", lang="fr")
    assert (refused.value.status, refused.value.code) == (400, "bad_message")
    assert "lang" in refused.value.message
    assert (await healthz(server))["workers"]["restarts"] == 0
    assert verify(typed(orjson.loads(await forum.organiser.export(forum.id, "json")))).ok


async def test_a_worker_killed_mid_export_answers_unavailable_and_the_hall_votes_on(
    valkey: embedded.Embedded, tmp_path: Path
) -> None:
    async with hall(valkey, tmp_path, heavy_workers=1) as (meeting, _):
        server, pool = meeting.server, pool_of(meeting.server)
        await meeting.organiser.open(meeting.id, "q1")
        tablet = await meeting.table(1)
        killed = asyncio.Event()
        acks: list[dict[str, Any]] = []
        after_kill = 0

        async def vote() -> None:
            nonlocal after_kill
            for n in range(10_000):
                ack = await tablet.cast("q1", "abc"[n % 3], seat=n % 5 + 1)
                acks.append(ack)
                after_kill += killed.is_set()
                if after_kill >= 20:
                    return

        voting = asyncio.create_task(vote())
        # the PDF's first export in a fresh worker loads WeasyPrint and matplotlib: seconds
        exporting = asyncio.create_task(meeting.organiser.export(meeting.id, "pdf"))
        await until(lambda: pool.status()["busy"] == 1 and pool.pids())
        for pid in pool.pids():
            os.kill(pid, signal.SIGKILL)
        killed.set()
        with pytest.raises(ClientError) as refused:
            await exporting
        assert (refused.value.status, refused.value.code) == (503, "unavailable")
        assert refused.value.message == CRASHED
        await asyncio.wait_for(voting, 30)
        await tablet.close()
        assert after_kill >= 20
        assert {a["status"] for a in acks} <= {"counted", "replaced"}, acks
        workers = (await healthz(server))["workers"]
        assert workers["restarts"] >= 1 and workers["last_crash"] is not None
        doc = orjson.loads(await meeting.organiser.export(meeting.id, "json"))
        assert verify(typed(doc)).ok
        audit = await meeting.organiser.audit(meeting.id)
        assert audit["ok"] is True and audit["ballots_in_ledger"] == len(acks)
        q1 = next(q for q in doc["questions"] if q["id"] == "q1")
        assert q1["tally"]["voters"] == 5


async def test_a_full_pool_refuses_at_once_and_changes_nothing(
    valkey: embedded.Embedded, tmp_path: Path
) -> None:
    async with hall(valkey, tmp_path, heavy_workers=1, heavy_queue=2) as (meeting, _):
        server, pool = meeting.server, pool_of(meeting.server)
        gate = tmp_path / "gate"
        held = [
            asyncio.create_task(pool.run(pooljobs.hold, str(tmp_path / f"started{i}"), str(gate)))
            for i in range(2)
        ]
        await until(lambda: (tmp_path / "started0").exists() and pool.status()["queued"] == 1)
        status = pool.status()
        assert (status["busy"], status["queued"]) == (1, 1)
        before = await outcomes(server, "export"), await outcomes(server, "audit")
        started = time.monotonic()
        for call in (
            meeting.organiser.export(meeting.id, "json"),
            meeting.organiser.audit(meeting.id),
        ):
            with pytest.raises(ClientError) as refused:
                await call
            assert (refused.value.status, refused.value.code) == (503, "unavailable")
            assert refused.value.message == BUSY
        assert time.monotonic() - started < 5  # the gate is still shut: neither waited
        assert not gate.exists() and not (tmp_path / "started1").exists()
        assert pool.status() == status
        after = await outcomes(server, "export"), await outcomes(server, "audit")
        for was, now in zip(before, after, strict=True):
            assert now == was | {"busy": was["busy"] + 1}
        assert not scratch_files(server)
        gate.touch()
        assert len(set(await asyncio.gather(*held))) == 1  # one process ran both, in turn
        assert verify(typed(orjson.loads(await meeting.organiser.export(meeting.id, "json")))).ok


async def test_a_queued_export_whose_organiser_leaves_is_dropped_unrun(
    valkey: embedded.Embedded, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with hall(valkey, tmp_path, heavy_workers=1) as (meeting, token):
        server, pool = meeting.server, pool_of(meeting.server)
        gate, started = tmp_path / "gate", tmp_path / "started"
        held = asyncio.create_task(pool.run(pooljobs.hold, str(started), str(gate)))
        await until(started.exists)
        before = await outcomes(server, "export")
        client = await leave_while_waiting(
            server, f"/api/meetings/{meeting.id}/export?format=json", token
        )
        await until(lambda: pool.status()["queued"] == 1)
        client.close()
        await client.wait_closed()
        await until(lambda: pool.status()["queued"] == 0)
        gate.touch()
        worker = await held
        # the next job in line runs at once in the same process: the export was not there
        assert await pool.run(pooljobs.pid) == worker
        assert await outcomes(server, "export") == before | {"cancelled": before["cancelled"] + 1}
        assert not scratch_files(server)
        assert "Exception in ASGI application" not in caplog.text


async def test_an_export_left_while_it_runs_finishes_unread_and_its_file_goes(
    valkey: embedded.Embedded, tmp_path: Path
) -> None:
    async with hall(valkey, tmp_path, heavy_workers=1) as (meeting, token):
        server, pool = meeting.server, pool_of(meeting.server)
        before = await outcomes(server, "export")
        # the PDF's first export in a fresh worker loads WeasyPrint and matplotlib: seconds
        client = await leave_while_waiting(
            server, f"/api/meetings/{meeting.id}/export?format=pdf", token
        )
        await until(lambda: pool.status()["busy"] == 1 and pool.pids())
        client.close()
        await client.wait_closed()
        await until(lambda: pool.status()["busy"] == 0, timeout=90)  # it ran to its end
        assert await outcomes(server, "export") == before | {"cancelled": before["cancelled"] + 1}
        assert (await healthz(server))["workers"]["restarts"] == 0
        assert not scratch_files(server)  # written, then deleted: nobody would fetch it
