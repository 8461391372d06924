"""Live table status (GET /api/meetings/{m}/tables, presence.py) and what a display may
read of the results API (one site's results of the question on show, once revealed)."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from prachakhom.cli.client import Api, Client, ClientError
from prachakhom.live.presence import PHONE, Presence

from .conftest import ADMIN, SMALL_MEETING, Meeting, make_settings, run_server


async def status(api: Api, m: str) -> dict[str, Any]:
    return await api.call("GET", f"/api/meetings/{m}/tables")  # type: ignore[no-any-return]


def row(found: dict[str, Any], table: int) -> dict[str, Any]:
    return next(r for r in found["tables"] if r["table"] == table)


async def until(
    check: Callable[[], Awaitable[dict[str, Any]]],
    predicate: Callable[[dict[str, Any]], bool],
    timeout: float = 6.0,
) -> dict[str, Any]:
    """Poll until predicate holds (presence is flushed to Redis once a second)."""
    deadline = time.monotonic() + timeout
    while True:
        found = await check()
        if predicate(found):
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {timeout}s: {found}")
        await asyncio.sleep(0.1)


async def test_tables_show_connected_last_seen_and_seats_voted(meeting: Meeting) -> None:
    m, organiser = meeting.id, meeting.organiser
    for q in ("q1", "q2"):
        await organiser.open(m, q)
    before = await status(organiser, m)
    assert before["seats"] == 5 and before["questions"] == ["q1", "q2"]
    assert [r["table"] for r in before["tables"]] == [1, 2, 3, 4]
    assert row(before, 1) == {
        "table": 1,
        "site": "north",
        "connected": False,
        "phones": False,
        "last_seen": None,
        "voted": {"q1": 0, "q2": 0},
    }
    assert row(before, 3)["site"] == "south"

    started = int(time.time() * 1000)
    tablet = await meeting.table(1)
    found = await until(lambda: status(organiser, m), lambda f: row(f, 1)["connected"])
    assert row(found, 1)["last_seen"] >= started - 1000
    assert not row(found, 2)["connected"] and row(found, 2)["last_seen"] is None

    for seat, answer in ((1, "a"), (2, "b")):
        await tablet.cast("q1", answer, seat=seat)
    await tablet.cast("q2", ["x"], seat=1)
    await tablet.cast("q1", "c", seat=2)  # a replaced ballot is still one seat
    hands = await meeting.table(2)
    await hands.table_tally("q1", {"a": 2, "b": 1})  # a show of hands counts its hands
    phone = await meeting.seat(3, 4)
    await phone.cast("q2", ["y", "z"])
    found = await until(
        lambda: status(organiser, m),
        lambda f: all(row(f, t)["connected"] for t in (1, 2)) and row(f, 3)["phones"],
    )
    # a phone alone is not the table: its tablet is what "connected" means
    assert (row(found, 3)["connected"], row(found, 3)["phones"]) == (False, True)
    assert row(found, 3)["last_seen"] is not None
    assert {r["table"]: r["voted"] for r in found["tables"]} == {
        1: {"q1": 2, "q2": 1},
        2: {"q1": 3, "q2": 0},
        3: {"q1": 0, "q2": 1},
        4: {"q1": 0, "q2": 0},
    }
    assert not row(found, 4)["connected"]

    # only open questions are counted
    await organiser.close(m, "q2")
    assert (await status(organiser, m))["questions"] == ["q1"]

    # a socket that goes away: the table is no longer connected, its last_seen stays
    await tablet.close()
    gone = await until(lambda: status(organiser, m), lambda f: not row(f, 1)["connected"])
    assert row(gone, 1)["last_seen"] >= row(found, 1)["last_seen"]
    assert row(gone, 1)["voted"] == {"q1": 2}
    # two tablets of one table: the table stays connected until both are gone; a phone of
    # it does not keep it connected
    second = await meeting.table(2)
    seat_phone = await meeting.seat(2, 1)
    await hands.close()
    await asyncio.sleep(1.5)
    assert row(await status(organiser, m), 2)["connected"]
    await second.close()
    left = await until(lambda: status(organiser, m), lambda f: not row(f, 2)["connected"])
    assert row(left, 2)["phones"]
    await seat_phone.close()
    await phone.close()
    await until(lambda: status(organiser, m), lambda f: not row(f, 3)["phones"])


async def test_a_table_not_heard_from_for_a_minute_is_not_connected(meeting: Meeting) -> None:
    store = meeting.server.services.store
    now = int(time.time() * 1000)
    marks = {"1": (now - 61_000, True), "2": (now - 5_000, True), "3:phone": (now - 2_000, True)}
    await store.mark_seen({meeting.id: marks})
    found = await status(meeting.organiser, meeting.id)
    assert (row(found, 1)["connected"], row(found, 1)["last_seen"]) == (False, now - 61_000)
    assert row(found, 2)["connected"] is True
    assert (row(found, 3)["connected"], row(found, 3)["phones"]) == (False, True)
    assert row(found, 3)["last_seen"] == now - 2_000


async def test_table_status_is_shared_by_every_server_process(valkey: Any, tmp_path: Path) -> None:
    """A tablet on one process shows as connected to an organiser asking another."""
    async with (
        run_server(make_settings(valkey, tmp_path / "a")) as a,
        run_server(make_settings(valkey, tmp_path / "b")) as b,
        Api(a.base, ADMIN) as admin,
    ):
        created = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
        m = created["id"]
        await admin.open(m, "q1")
        async with Api(b.base) as anyone:
            joined = await anyone.join(created["codes"]["tables"]["4"])
        async with Client(b.ws, joined["token"]) as tablet:
            await tablet.cast("q1", "a", seat=5)
            found = await until(lambda: status(admin, m), lambda f: row(f, 4)["connected"])
            assert row(found, 4)["voted"] == {"q1": 1}
        await until(lambda: status(admin, m), lambda f: not row(f, 4)["connected"])


async def test_only_the_organiser_sees_table_status(meeting: Meeting, admin: Api) -> None:
    m, base = meeting.id, meeting.server.base
    assert (await status(admin, m))["meeting"] == m
    codes = meeting.codes
    for code in (codes["tables"]["1"], codes["seats"]["1"]["1"], codes["display"], codes["theme"]):
        joined = await meeting.join(code)
        async with Api(base, joined["token"]) as someone:
            with pytest.raises(ClientError) as refused:
                await status(someone, m)
            assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    async with Api(base) as nobody:
        with pytest.raises(ClientError) as refused:
            await status(nobody, m)
        assert refused.value.status == 401
    other = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
    async with Api(base, other["organiser"]) as stranger:
        with pytest.raises(ClientError) as refused:
            await status(stranger, m)
        assert refused.value.code == "forbidden"


# --- presence: batched, throttled, no I/O on the ballot path ------------------------------


class FakeStore:
    def __init__(self) -> None:
        self.writes: list[dict[str, dict[str, tuple[int, bool]]]] = []
        self.fail = False

    async def mark_seen(self, marks: dict[str, dict[str, tuple[int, bool]]]) -> None:
        if self.fail:
            raise ConnectionError("redis is down")
        self.writes.append(marks)


async def test_presence_writes_at_most_once_per_table_per_throttle() -> None:
    now = [1000.0]
    store = FakeStore()
    presence = Presence(store, throttle=5.0, heartbeat=20.0, clock=lambda: now[0])  # type: ignore[arg-type]
    presence.connected("m1", 1)
    presence.connected("m1", 2)
    assert store.writes == []  # nothing is written by the socket handlers themselves
    await presence.flush()
    assert store.writes == [{"m1": {"1": (1_000_000, True), "2": (1_000_000, True)}}]

    for i in range(100):  # a burst of ballots from table 1 within the throttle
        now[0] = 1000.0 + i * 0.04
        presence.active("m1", 1)
    assert await presence.flush() == 0 and len(store.writes) == 1
    now[0] = 1005.5
    presence.active("m1", 1)
    presence.active("m1", 1)
    assert await presence.flush() == 1
    assert store.writes[-1] == {"m1": {"1": (1_005_500, True)}}

    # a second socket of table 2 leaves: still connected; the last one: disconnected
    presence.connected("m1", 2)
    await presence.flush()
    presence.disconnected("m1", 2)
    assert await presence.flush() == 0
    now[0] = 1006.0
    presence.disconnected("m1", 2)
    await presence.flush()
    assert store.writes[-1] == {"m1": {"2": (1_006_000, False)}}

    # Redis down: the marks wait for the next flush, newer ones winning
    store.fail = True
    presence.connected("m2", 7)
    with pytest.raises(ConnectionError):
        await presence.flush()
    store.fail = False
    await presence.flush()
    assert store.writes[-1] == {"m2": {"7": (1_006_000, True)}}

    # the heartbeat marks every live table again, so a quiet tablet stays "seen"
    now[0] = 1030.0
    await presence.flush()
    assert store.writes[-1] == {"m1": {"1": (1_030_000, True)}, "m2": {"7": (1_030_000, True)}}

    # a phone of a seat is marked apart from its table's tablet
    now[0] = 1031.0
    presence.connected("m1", 3, PHONE)
    await presence.flush()
    assert store.writes[-1] == {"m1": {"3:phone": (1_031_000, True)}}


# --- what a display may read of the results API -------------------------------------------


async def test_a_display_reads_its_site_only_for_the_revealed_question_on_show(
    meeting: Meeting,
) -> None:
    m, organiser, base = meeting.id, meeting.organiser, meeting.server.base
    await organiser.add_question(
        m,
        {
            "id": "sector",
            "kind": "demographic",
            "attribute": "sector",
            "prompt": "sector",
            "options": [{"id": "p", "label": "P"}, {"id": "c", "label": "C"}],
        },
    )
    for q in ("q1", "q2", "sector"):
        await organiser.open(m, q)
    tablet = await meeting.table(3)  # site south
    for seat in (1, 2):
        await tablet.cast("q1", "b", seat=seat)
    north = await meeting.table(1)
    await north.cast("q1", "a", seat=1)
    display = await meeting.join(meeting.codes["display"])
    async with Api(base, display["token"]) as screen:

        async def refused(q: str, **params: Any) -> str:
            with pytest.raises(ClientError) as caught:
                await screen.results(m, q, **params)
            return caught.value.code

        # nothing on show, then the question on show but hidden
        assert await refused("q1", site="south") == "forbidden"
        await organiser.plenary(m, {"view": "question", "question": "q1", "reveal": False})
        assert await refused("q1", site="south") == "forbidden"

        await organiser.plenary(m, {"view": "question", "question": "q1", "reveal": True})
        south = await screen.results(m, "q1", site="south")
        assert (south["site"], south["voters"], south["all"]["voters"]) == ("south", 2, 3)
        assert {r["option"]: r["score"] for r in south["ranking"]} == {"a": 0, "b": 2, "c": 0}
        assert south["tables_total"] == 2 and south["site_name"] == "South"
        with pytest.raises(ClientError) as unknown:
            await screen.results(m, "q1", site="west")
        assert unknown.value.code == "not_found"

        # never another question, never the whole meeting's or a group's, never a method
        assert await refused("q2", site="south") == "forbidden"
        assert await refused("q1") == "forbidden"
        assert await refused("q1", by="sector") == "forbidden"
        assert await refused("q1", by="sector", site="south") == "forbidden"
        assert await refused("q1", site="south", method="count") == "forbidden"
        # a before/after view split by hall: either side, per site, and nothing more
        await organiser.plenary(m, {"view": "compare", "pre": "q1", "post": "q2"})
        assert (await screen.results(m, "q1", site="south"))["voters"] == 2
        assert await refused("q1") == "forbidden"
        await organiser.plenary(m, {"view": "compare", "pre": "q2", "post": "q2"})
        assert await refused("q1", site="south") == "forbidden"

    # the organiser still reads everything; other roles nothing
    await organiser.plenary(m, {"view": "question", "question": "q1", "reveal": True})
    assert (await organiser.results(m, "q1", by="sector"))["by"] == "sector"
    for code in (
        meeting.codes["tables"]["1"],
        meeting.codes["seats"]["3"]["1"],
        meeting.codes["theme"],
    ):
        joined = await meeting.join(code)
        async with Api(base, joined["token"]) as someone:
            with pytest.raises(ClientError) as caught:
                await someone.results(m, "q1", site="south")
            assert caught.value.code == "forbidden"
    for client in (tablet, north):
        await client.close()
