"""`prachakhom serve` with its embedded Valkey: data survives a restart and a crash of
Valkey itself; one data dir serves one server; --redis-url uses the given server."""

from __future__ import annotations

import asyncio
import copy
import os
import signal
from pathlib import Path
from typing import Any

import redis as sync_redis

from prachakhom.cli.client import Api, Client
from prachakhom.store import embedded, keys

from .conftest import ADMIN, SMALL_MEETING, make_settings, run_server
from .procs import Served, serve
from .wire import until


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def cast_one(served: Served, token: str, seat: int, answer: str) -> dict[str, Any]:
    async with Client(served.ws, token) as tablet:
        return await tablet.cast("q1", answer, seat=seat)


async def test_embedded_valkey_keeps_everything_across_restarts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = serve(data)
    try:
        await first.healthy()
        assert "storage: embedded Valkey" in first.output()
        token = (data / "admin-token").read_text().strip()
        assert len(token) >= 32 and f"Admin token: {token}" in first.output()
        valkey_pid = int((data / embedded.PIDFILE).read_text())
        assert alive(valkey_pid)
        async with Api(first.base, token) as admin:
            created = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
            m = created["id"]
            await admin.open(m, "q1")
            tablet = (await admin.join(created["codes"]["tables"]["2"]))["token"]
            ack = await cast_one(first, tablet, 4, "b")
            assert ack["status"] == "counted"

        # a second server on the same data dir refuses, and leaves the first alone
        second = serve(data)
        assert second.process.wait(30) == 1
        assert "another Prachakhom server is using the data folder" in second.output()
        assert str(valkey_pid) in second.output()
        await first.healthy(5)
        assert int((data / embedded.PIDFILE).read_text()) == valkey_pid
    finally:
        first.stop(signal.SIGINT)  # Ctrl-C
    assert "Embedded Valkey stopped" in first.output()
    assert not alive(valkey_pid) and not (data / embedded.PIDFILE).exists()

    again = serve(data)
    try:
        await again.healthy()
        assert "storage: embedded Valkey" in again.output()
        assert (data / "admin-token").read_text().strip() == token  # reused, not remade
        assert f"Admin token: {token}" in again.output()
        async with Api(again.base, token) as admin:
            meeting = await admin.meeting(m)
            assert [(q["id"], q["state"]) for q in meeting["questions"]] == [
                ("q1", "open"),
                ("q2", "draft"),
            ]
            results = await admin.results(m, "q1")
            assert results["voters"] == 1
            assert {r["option"]: r["score"] for r in results["ranking"]} == {"a": 0, "b": 1, "c": 0}
            # the old token still works, and its seat is still the same voter
            replaced = await cast_one(again, tablet, 4, "c")
            assert replaced["status"] == "replaced"
    finally:
        valkey_pid = int((data / embedded.PIDFILE).read_text())
        again.stop(signal.SIGTERM)  # what a service manager sends
    # on SIGTERM the serve process can end before its Valkey has (the Valkey then gets
    # its SIGTERM from the kernel, as its parent dies): let it finish before restarting
    await until(
        lambda: not (data / embedded.PIDFILE).exists() or not alive(valkey_pid),
        "the embedded Valkey to exit",
    )

    third = serve(data)
    try:
        await third.healthy()
        async with Api(third.base, token) as admin:
            audit = await admin.audit(m)
            assert audit["ok"] and audit["ballots_in_ledger"] == 2
            assert (await admin.results(m, "q1"))["ranking"][0]["option"] == "c"
    finally:
        third.stop(signal.SIGTERM)


async def test_serve_with_redis_url_uses_that_server(
    valkey: embedded.Embedded, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    served = serve(data, "--redis-url", valkey.tcp_url, "--admin-token", ADMIN)
    try:
        await served.healthy()
        assert f"storage: Redis at {valkey.tcp_url}" in served.output()
        assert "embedded Valkey" not in served.output()
        async with Api(served.base, ADMIN) as admin:
            created = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
        with sync_redis.Redis(port=valkey.port, decode_responses=True) as r:
            assert created["id"] in r.smembers(keys.MEETINGS)
        assert not (data / embedded.PIDFILE).exists()
        assert not (data / "admin-token").exists()  # the configured token is not stored
    finally:
        served.stop()


async def test_acked_ballots_survive_kill_9_of_valkey(tmp_path: Path) -> None:
    """kill -9 of the embedded valkey-server during a burst, restart from its AOF: every
    ballot acknowledged before the crash is there; the rest arrive once, by retries."""
    data = tmp_path / "valkey"
    store = embedded.start(data)  # appendfsync always; the server acks after WAITAOF
    restarted: embedded.Embedded | None = None
    try:
        async with (
            run_server(make_settings(store, tmp_path)) as server,
            Api(server.base, ADMIN) as admin,
        ):
            body = copy.deepcopy(SMALL_MEETING) | {
                "tables": {"count": 4, "seats": 10},
                "sites": [],
                "seat_codes": False,
            }
            created = await admin.create_meeting(body)
            m = created["id"]
            await admin.open(m, "q1")
            tablets = []
            for table in range(1, 5):
                token = (await admin.join(created["codes"]["tables"][str(table)]))["token"]
                tablets.append(Client(server.ws, token))
                await tablets[-1].connect()
            acks: dict[tuple[int, int], dict[str, Any]] = {}
            enough = asyncio.Event()

            async def cast(table: int) -> None:  # each tablet one seat after the other
                for seat in range(1, 11):
                    acks[(table, seat)] = await tablets[table - 1].cast(
                        "q1", "abc"[seat % 3], seat=seat
                    )
                    if len(acks) >= 8:
                        enough.set()

            burst = asyncio.gather(*(cast(table) for table in range(1, 5)))
            await enough.wait()
            pid = int((data / embedded.PIDFILE).read_text())
            assert pid == store.process.pid
            os.kill(pid, signal.SIGKILL)
            store.process.wait()  # reap it, or its pid stays "in use"
            acked_before = {key: ack["id"] for key, ack in acks.items()}
            assert 8 <= len(acked_before) < 40
            assert not burst.done()

            restarted = embedded.start(data)  # the same unix socket path: the server finds it
            await asyncio.wait_for(burst, 30)  # the rest: answered unavailable, sent again
            for tablet in tablets:
                await tablet.close()
            assert len(acks) == 40

            with sync_redis.Redis(port=restarted.port, decode_responses=True) as r:
                stored = r.hgetall(keys.ballot_ids(m, "q1"))
            for key, ballot_id in acked_before.items():
                assert stored.get(ballot_id) == "counted", key  # nothing acked was lost
            assert len(stored) == 40
            for ack in acks.values():
                assert ack["status"] == "counted" or (ack["status"], ack["first"]) == (
                    "duplicate",
                    "counted",
                ), ack
            audit = await admin.audit(m)
            assert audit["ok"] and audit["ballots_in_ledger"] == 40
            results = await admin.results(m, "q1")
            assert results["voters"] == 40
            assert {r["option"]: r["score"] for r in results["ranking"]} == {
                "a": 12,
                "b": 16,
                "c": 12,
            }
    finally:
        embedded.stop(restarted or store)
