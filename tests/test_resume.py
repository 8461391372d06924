"""Reconnects: resume_from replays exactly the missed control events (or a fresh state once
they are no longer kept), and the client's outbox sends what waited, counted once."""

from __future__ import annotations

import asyncio
import contextlib
import copy
from pathlib import Path
from typing import Any

import httpx

from prachakhom.cli.client import Api, Client
from prachakhom.store import keys
from prachakhom.store.embedded import Embedded

from .conftest import (
    ADMIN,
    SMALL_MEETING,
    Meeting,
    Running,
    make_settings,
    run_server,
    sync_client,
)
from .wire import snapshot, until

CONTROL = ("question_opened", "question_closed", "plenary", "idea", "themes_changed")


async def control_events(client: Client, until_seq: int, timeout: float = 10) -> list[tuple]:
    """(seq, event) of every control event the client receives up to until_seq."""
    got: list[tuple] = []
    while not got or got[-1][0] < until_seq:
        event = await client.wait_for(lambda e: e.get("event") in CONTROL, timeout)
        got.append((event["seq"], event["event"]))
    return got


async def left_the_room(server: Running, meeting_id: str) -> None:
    """Wait until the server has noticed the dropped socket (its room is gone)."""
    await until(lambda: meeting_id not in server.services.hub.rooms, "the room to close")


async def test_display_resumes_with_exactly_the_missed_events(meeting: Meeting) -> None:
    m, org = meeting.id, meeting.organiser
    await org.open(m, "q1")
    await org.plenary(m, {"view": "question", "question": "q1", "reveal": True})
    screen = await meeting.display(reconnect=False)
    seen = screen.last_seq
    assert seen == screen.welcome["seq"] and seen > 0
    await screen.drop()
    await screen.close()
    await left_the_room(meeting.server, m)

    tablet = await meeting.table(1)
    missed = [
        (await org.open(m, "q2"))["seq"],
        (await org.plenary(m, {"view": "question", "question": "q2", "reveal": False}))["seq"],
        (await org.close(m, "q1"))["seq"],
    ]
    await tablet.idea("น้ำประปาไม่ไหล")  # the idea wall is on the plenary screens too
    missed.append(missed[-1] + 1)
    missed.append((await org.plenary(m, {"view": "text", "text": "พัก 10 นาที"}))["seq"])
    assert missed == list(range(seen + 1, seen + 6))
    await tablet.close()
    await left_the_room(meeting.server, m)  # the room is loaded afresh from the store

    back = Client(meeting.server.ws, screen.token, reconnect=False)
    back.last_seq = seen
    welcome = await back.connect()
    try:
        assert welcome["resumed"] is True
        assert welcome["seq"] == seen + 5
        assert welcome["state"]["plenary"] == {"view": "text", "text": "พัก 10 นาที"}
        replayed = await control_events(back, seen + 5)
        assert replayed == list(
            zip(
                missed,
                ["question_opened", "plenary", "question_closed", "idea", "plenary"],
                strict=True,
            )
        )
        # and nothing twice afterwards: the next live event follows directly
        now = (await org.plenary(m, {"view": "participation"}))["seq"]
        assert await control_events(back, now) == [(seen + 6, "plenary")]
        # a resume from the present replays nothing and still says resumed
        again = Client(meeting.server.ws, screen.token, reconnect=False)
        again.last_seq = now
        assert (await again.connect())["resumed"] is True
        later = (await org.plenary(m, {"view": "ideas"}))["seq"]
        assert await control_events(again, later) == [(now + 1, "plenary")]
        await again.close()
    finally:
        await back.close()


async def test_resume_too_old_gets_a_fresh_state(valkey: Embedded, tmp_path: Path) -> None:
    kept = 5
    settings = make_settings(valkey, tmp_path, events_kept=kept)
    async with run_server(settings) as server, Api(server.base, ADMIN) as admin:
        created = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
        m = created["id"]
        async with Api(server.base, created["organiser"]) as org, Api(server.base) as anyone:
            token = (await anyone.join(created["codes"]["display"]))["token"]
            await org.open(m, "q1")
            screen = Client(server.ws, token, reconnect=False)
            await screen.connect()
            seen = screen.last_seq
            await screen.drop()
            await screen.close()
            await left_the_room(server, m)

            # XADD MAXLEN ~ trims whole stream nodes (100 entries): emit plenty
            for i in range(120):
                await org.plenary(m, {"view": "text", "text": f"t{i}"})
            await org.open(m, "q2")
            with sync_client(valkey) as r:
                ((_, first),) = r.xrange(keys.events(m), count=1)
                assert int(first["seq"]) > seen + 1  # the premise: what we missed is gone
                assert r.xlen(keys.events(m)) < 120

            back = Client(server.ws, token, reconnect=False)
            back.last_seq = seen
            welcome = await back.connect()
            try:
                assert welcome["resumed"] is False
                assert welcome["seq"] == seen + 121
                state = welcome["state"]
                assert state["plenary"] == {"view": "text", "text": "t119"}
                assert [q["id"] for q in state["questions"]] == ["q1", "q2"]
                # no replay: the first control event is the next live one
                now = (await org.close(m, "q2"))["seq"]
                assert await control_events(back, now) == [(seen + 122, "question_closed")]
            finally:
                await back.close()


async def test_client_reconnects_by_itself_without_gaps(meeting: Meeting) -> None:
    """The client's own reconnect (resume_from = its last seq) after a network fault while
    the organiser keeps changing things: every control event once, in seq order."""
    m, org = meeting.id, meeting.organiser
    screen = await meeting.display()
    start = screen.last_seq
    try:
        views = [{"view": "text", "text": f"ข้อความ {i}"} for i in range(12)]
        for view in views[:4]:
            await org.plenary(m, view)
        await screen.drop()
        for view in views[4:]:
            await org.plenary(m, view)  # some while down, some racing the reconnect
        got = await control_events(screen, start + 12)
        assert got == [(seq, "plenary") for seq in range(start + 1, start + 13)]
        assert screen.connects == 2
        assert screen.welcome["resumed"] is True
        now = (await org.open(m, "q1"))["seq"]
        assert await control_events(screen, now) == [(start + 13, "question_opened")]
    finally:
        await screen.close()


async def test_ballots_cast_during_a_network_fault_are_counted_once(meeting: Meeting) -> None:
    m = meeting.id
    await meeting.organiser.open(m, "q1")
    tablet = await meeting.table(4)
    try:
        await tablet.drop()
        # sent at once, into a connection that is already cut: they wait in the outbox
        casts = [
            asyncio.create_task(tablet.cast("q1", a, seat=s))
            for s, a in [(1, "a"), (2, "b"), (3, "c"), (4, "a")]
        ]
        acks = await asyncio.gather(*casts)
        assert [a["status"] for a in acks] == ["counted"] * 4
        assert tablet.connects == 2 and tablet.outbox == {}
    finally:
        await tablet.close()
    results = await meeting.organiser.results(m, "q1")
    assert results["voters"] == 4
    assert {r["option"]: r["score"] for r in results["ranking"]} == {"a": 2, "b": 1, "c": 1}
    audit = await meeting.organiser.audit(m)
    assert audit["ok"] and audit["ballots_in_ledger"] == 4


async def test_outbox_waits_out_a_server_restart(valkey: Embedded, tmp_path: Path) -> None:
    """The server is gone for a while: ballots wait in the outbox, go out after the
    reconnect, and each counts once (a resend of an acked id is a duplicate)."""
    settings = make_settings(valkey, tmp_path)
    stack = contextlib.AsyncExitStack()
    server = await stack.enter_async_context(run_server(settings))
    async with Api(server.base, ADMIN) as admin:
        created = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
    m = created["id"]
    async with Api(server.base) as anyone:
        token = (await anyone.join(created["codes"]["tables"]["2"]))["token"]
    async with Api(server.base, created["organiser"]) as org:
        await org.open(m, "q1")
        await org.open(m, "q2")
    tablet = Client(server.ws, token)
    await tablet.connect()
    try:
        first: dict[str, Any] = {
            "type": "ballot",
            "id": "first",
            "question": "q1",
            "answer": "a",
            "seat": 1,
        }
        assert (await tablet.request(dict(first)))["status"] == "counted"

        await stack.aclose()  # the server goes away
        await until(lambda: not tablet._connected.is_set(), "the client to notice")
        waiting = [
            asyncio.create_task(tablet.cast("q1", "b", seat=2)),
            asyncio.create_task(tablet.cast("q1", "c", seat=3)),
            asyncio.create_task(tablet.cast("q2", ["x", "y"], seat=3)),
            asyncio.create_task(tablet.cast("q1", "b", seat=1)),  # replaces "first"
        ]
        lost_ack = tablet.submit(dict(first))  # as if the first ack had been lost
        await asyncio.sleep(0)  # let the casts reach the outbox
        assert len(tablet.outbox) == 5
        assert not any(task.done() for task in waiting)

        async with run_server(settings) as again, Api(again.base, created["organiser"]) as org:
            acks = await asyncio.wait_for(asyncio.gather(*waiting), 15)
            assert [a["status"] for a in acks] == ["counted", "counted", "counted", "replaced"]
            duplicate = await asyncio.wait_for(lost_ack, 5)
            assert (duplicate["status"], duplicate["first"]) == ("duplicate", "counted")
            assert tablet.outbox == {} and tablet.connects == 2
            counted = await snapshot(org, m)
            assert counted["questions"]["q1"] == ({"b": 2, "c": 1}, 3)
            assert counted["questions"]["q2"] == ({"x": 1, "y": 1}, 1)
            audit = await org.audit(m)
            assert audit["ballots_in_ledger"] == 5
    finally:
        await tablet.close()
        await stack.aclose()


async def rate_limited_so_far(base: str) -> float:
    async with httpx.AsyncClient(base_url=base) as http:
        text = (await http.get("/metrics")).text
    line = next(
        (
            x
            for x in text.splitlines()
            if x.startswith('prachakhom_errors_total{code="rate_limited"}')
        ),
        None,
    )
    return float(line.split()[-1]) if line else 0.0


async def test_outbox_sends_rate_limited_ballots_again_after_a_pause(
    valkey: Embedded, tmp_path: Path
) -> None:
    settings = make_settings(valkey, tmp_path, rate_burst=5, rate_per_second=20)
    body = copy.deepcopy(SMALL_MEETING) | {"tables": {"count": 1, "seats": 15}, "sites": []}
    async with run_server(settings) as server, Api(server.base, ADMIN) as admin:
        created = await admin.create_meeting(body)
        m = created["id"]
        await admin.open(m, "q1")
        token = (await admin.join(created["codes"]["tables"]["1"]))["token"]
        limited_before = await rate_limited_so_far(server.base)
        async with Client(server.ws, token) as tablet:
            acks = await asyncio.gather(
                *(tablet.cast("q1", "abc"[seat % 3], seat=seat) for seat in range(1, 16))
            )
            assert [a["status"] for a in acks] == ["counted"] * 15
            assert tablet.connects == 1  # no reconnect: the pause did it
        assert await rate_limited_so_far(server.base) - limited_before >= 5
        audit = await admin.audit(m)
        assert audit["ok"] and audit["ballots_in_ledger"] == 15
        assert (await admin.results(m, "q1"))["voters"] == 15
