"""The organiser's audit and exports taken while the hall is still voting: each is one
consistent moment of the meeting. The recount of the ledger it carries equals its live
tallies, and an export taken mid-vote passes `verify` like one taken after the close."""

from __future__ import annotations

import asyncio
import copy
import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import orjson
import pytest

from prachakhom.cli.client import Api
from prachakhom.report.verify import verify
from prachakhom.store import embedded

from .conftest import ADMIN, SMALL_MEETING, Meeting, make_settings, run_server
from .exports import typed

ROUNDS = 12
PACE = 0.01  # seconds between one tablet's ballots: a steady stream, not a flood


@pytest.fixture
async def streaming(valkey: embedded.Embedded, tmp_path: Path) -> AsyncIterator[Meeting]:
    """The small meeting on a server whose per-socket rate limit the tablets stay under:
    at the default (120 at once, then 30 a second) their ballots came in lumps half a
    second apart (the client waits that long after `rate_limited`), and a dozen quick
    audits could all fall between two lumps."""
    settings = make_settings(valkey, tmp_path, rate_burst=1_000, rate_per_second=1_000)
    async with run_server(settings) as server, Api(server.base, ADMIN) as admin:
        created = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
        async with Api(server.base, created["organiser"]) as organiser:
            yield Meeting(created["id"], created["codes"], organiser, server)


async def vote_until(meeting: Meeting, stop: asyncio.Event) -> int:
    """Four tablets keep voting for their seats, changing answers (so tallies move even
    when no new voter comes): the stream an audit or export lands in the middle of."""
    tablets = [await meeting.table(n) for n in (1, 2, 3, 4)]
    answers = itertools.cycle(["a", "b", "c"])
    sent = 0

    async def one(tablet_index: int) -> None:
        nonlocal sent
        tablet = tablets[tablet_index]
        for seat in itertools.cycle(range(1, 6)):
            if stop.is_set():
                return
            ack = await tablet.cast("q1", next(answers), seat=seat)
            assert ack["status"] in ("counted", "replaced"), ack
            sent += 1
            await asyncio.sleep(PACE)

    try:
        await asyncio.gather(*(one(i) for i in range(len(tablets))))
    finally:
        for tablet in tablets:
            await tablet.close()
    return sent


async def test_audit_and_export_taken_mid_vote_each_add_up(streaming: Meeting) -> None:
    meeting = streaming
    await meeting.organiser.open(meeting.id, "q1")
    stop = asyncio.Event()
    voting = asyncio.create_task(vote_until(meeting, stop))
    try:
        await asyncio.sleep(0.2)  # the stream is flowing
        audits, exports = [], []
        for _ in range(ROUNDS):
            audits.append(await meeting.organiser.audit(meeting.id))
            exports.append(orjson.loads(await meeting.organiser.export(meeting.id, "json")))
    finally:
        stop.set()
        sent = await voting
    assert sent > 0
    counts = [a["ballots_in_ledger"] for a in audits]
    assert counts == sorted(counts) and counts[-1] > counts[0], counts  # taken mid-vote
    for audit in audits:
        assert audit["ok"] is True, audit["questions"]
    for doc in exports:
        verdict = verify(typed(doc))
        assert verdict.ok, verdict.problems
        assert doc["audit"]["ok"] is True, doc["audit"]
        q1 = next(q for q in doc["questions"] if q["id"] == "q1")
        assert q1["results"]["voters"] == q1["tally"]["voters"]
    assert exports[-1]["ledger"]["count"] > exports[0]["ledger"]["count"]  # they moved on too
