"""Two server processes on one Valkey: events cross between them, and a process killed
with kill -9 in the middle of a burst loses no acknowledged ballot and counts none twice."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from prachakhom.cli.client import Api, Client
from prachakhom.store.embedded import Embedded

from .conftest import ADMIN, SMALL_MEETING
from .procs import Served, serve
from .wire import is_results


@contextlib.asynccontextmanager
async def two_servers(valkey: Embedded, tmp_path: Path) -> AsyncIterator[tuple[Served, Served]]:
    args = ("--redis-url", valkey.tcp_url, "--admin-token", ADMIN)
    a, b = serve(tmp_path / "a", *args), serve(tmp_path / "b", *args)
    try:
        await asyncio.gather(a.healthy(), b.healthy())
        yield a, b
    finally:
        for served in (a, b):
            served.stop()


async def test_a_ballot_through_one_process_reaches_a_screen_on_the_other(
    valkey: Embedded, tmp_path: Path
) -> None:
    async with two_servers(valkey, tmp_path) as (a, b):
        assert "Redis at redis://127.0.0.1" in a.output()
        async with Api(a.base, ADMIN) as on_a, Api(b.base, ADMIN) as on_b:
            created = await on_a.create_meeting(copy.deepcopy(SMALL_MEETING))
            m = created["id"]
            await on_b.open(m, "q1")  # a state change through B ...
            await on_b.plenary(m, {"view": "question", "question": "q1", "reveal": True})
            screen = Client(b.ws, (await on_b.join(created["codes"]["display"]))["token"])
            tablet = Client(a.ws, (await on_a.join(created["codes"]["tables"]["3"]))["token"])
            await screen.connect()
            await tablet.connect()
            try:
                # ... is seen by a socket on A
                assert [q["id"] for q in tablet.welcome["state"]["questions"]] == ["q1"]
                ack = await tablet.cast("q1", "c", seat=2)
                acked = time.monotonic()
                assert ack["status"] == "counted"
                event = await screen.wait_for(is_results("q1", voters=1), timeout=5)
                assert time.monotonic() - acked < 1.0
                top = event["results"]["ranking"][0]
                assert (top["option"], top["score"]) == ("c", 1)
                # and the other way round: a control event through A reaches B's screen
                seq = (await on_a.close(m, "q1"))["seq"]
                closed = await screen.wait_for(lambda e: e.get("event") == "question_closed")
                assert closed["seq"] == seq
            finally:
                await screen.close()
                await tablet.close()


TABLES, SEATS, WINDOW = 6, 20, 4


async def test_kill_9_mid_burst_loses_nothing_acknowledged(
    valkey: Embedded, tmp_path: Path
) -> None:
    body = copy.deepcopy(SMALL_MEETING) | {
        "tables": {"count": TABLES, "seats": SEATS},
        "sites": [],
        "seat_codes": False,
    }
    async with two_servers(valkey, tmp_path) as (a, b), Api(b.base, ADMIN) as on_b:
        created = await on_b.create_meeting(body)
        m = created["id"]
        await on_b.open(m, "q1")
        tablets = []
        for table in range(1, TABLES + 1):
            token = (await on_b.join(created["codes"]["tables"][str(table)]))["token"]
            tablet = Client(a.ws, token, urls=[a.ws, b.ws])  # to A, B if A is gone
            await tablet.connect()
            tablets.append(tablet)
        acks: dict[tuple[int, int], dict[str, Any]] = {}
        enough = asyncio.Event()
        outbox_at_kill: list[int] = []

        def answer(table: int, seat: int) -> str:
            return "abc"[(table + seat) % 3]

        async def burst(table: int, tablet: Client) -> None:
            window = asyncio.Semaphore(WINDOW)

            async def one(seat: int) -> None:
                async with window:
                    acks[(table, seat)] = await tablet.cast("q1", answer(table, seat), seat=seat)
                    if len(acks) >= TABLES * SEATS // 4:
                        enough.set()

            await asyncio.gather(*(one(seat) for seat in range(1, SEATS + 1)))

        async def killer() -> None:
            await enough.wait()
            a.process.kill()  # kill -9, right now, while ballots are in flight
            outbox_at_kill.extend(len(t.outbox) for t in tablets)
            a.process.wait()

        try:
            bursts = [burst(n, t) for n, t in enumerate(tablets, start=1)]
            await asyncio.wait_for(asyncio.gather(killer(), *bursts), 60)
        finally:
            for tablet in tablets:
                await tablet.close()

        assert sum(outbox_at_kill) > 0  # the kill did catch ballots unanswered
        assert a.process.returncode == -9
        assert all(t.url == b.ws and t.connects == 2 for t in tablets)
        assert set(acks) == {(t, s) for t in range(1, TABLES + 1) for s in range(1, SEATS + 1)}
        for ack in acks.values():
            # a ballot stored by A just before the kill, its ack lost, is a duplicate on B
            assert ack["status"] == "counted" or (ack["status"], ack["first"]) == (
                "duplicate",
                "counted",
            ), ack
        audit = await on_b.audit(m)
        assert audit["ok"], audit
        assert audit["ballots_in_ledger"] == TABLES * SEATS  # each ballot stored once
        results = await on_b.results(m, "q1")
        assert results["voters"] == len(acks)
        expected = {o: sum(answer(t, s) == o for t, s in acks) for o in "abc"}
        assert {r["option"]: r["score"] for r in results["ranking"]} == expected
        assert results["tables_reporting"] == TABLES
