"""A meeting over a bad network: 20 tablets (the Python client, with its outbox and
resume) reach the server through a fault proxy that resets every connection every few
seconds, stalls, and adds 0.2-2 s of latency, while they cast, change and deliberately
resend ballots; then an outage during which every seat casts once more. Every ballot is
acked soon after its tablet is back, none is lost (what the outage held back drains from
the outboxes once the network heals), none is counted twice, and the tallies equal the
ledger recount and a model."""

from __future__ import annotations

import asyncio
import copy
import random
import statistics
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prachakhom.cli.client import Api, Client
from prachakhom.store.embedded import Embedded

from .conftest import ADMIN, SMALL_MEETING, make_settings, run_server
from .tcpproxy import FaultProxy
from .wire import snapshot, until

TABLES, SEATS = 20, 5
FAULTS_FOR = 16.0  # seconds of bad network
WITHIN = 10.0  # an ack must come this soon after the tablet is back (or after sending)


class TimedClient(Client):
    """The real client, noting when each (re)connect completed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connected_at: list[float] = []

    async def _open(self) -> None:
        await super()._open()
        self.connected_at.append(time.monotonic())


@dataclass
class Books:
    """What the tablets sent and what came back."""

    sent: int = 0  # messages submitted, resends included
    ids: set[tuple[str, str]] = field(default_factory=set)  # (question, ballot id)
    acks: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    waits: list[float] = field(default_factory=list)  # seconds from (re)connect or send to ack
    final: dict[str, dict[tuple[int, int], Any]] = field(
        default_factory=lambda: {"q1": {}, "q2": {}}
    )
    waiting_at_heal: int = 0  # in outboxes when the network healed
    outage: asyncio.Event = field(default_factory=asyncio.Event)  # the network is down
    at_q2: int = 0  # seats done with q1, waiting for the outage
    all_at_q2: asyncio.Event = field(default_factory=asyncio.Event)
    outage_notes: str = ""

    async def cast(
        self, tablet: TimedClient, question: str, answer: Any, seat: int, ballot_id: str
    ) -> dict[str, Any]:
        self.sent += 1
        self.ids.add((question, ballot_id))
        sent_at = time.monotonic()
        ack = await tablet.cast(question, answer, seat=seat, id=ballot_id, timeout=120)
        acked_at = time.monotonic()
        back = max([t for t in tablet.connected_at if t <= acked_at] + [sent_at])
        self.waits.append(acked_at - back)
        self.acks.setdefault((question, ballot_id), []).append(ack)
        return ack


async def vote(books: Books, tablet: TimedClient, table: int, rng: random.Random) -> None:
    """Each seat: a ballot on q1, for some a change of mind, for some a resend of the same
    id (one with a different answer: it must change nothing), then, during the final
    outage, a ballot on q2."""

    async def seat(s: int) -> None:
        await asyncio.sleep(rng.uniform(0, 6))  # spread over the fault window
        first_id, first = str(uuid.uuid4()), "abc"[(table + s) % 3]
        ack = await books.cast(tablet, "q1", first, s, first_id)
        assert ack["status"] in ("counted", "duplicate"), ack
        books.final["q1"][(table, s)] = first
        await asyncio.sleep(rng.uniform(0.5, 4))
        if s in (1, 2):  # a change of mind: a new id replaces the ballot
            changed = "abc"[(table + s + 1) % 3]
            ack = await books.cast(tablet, "q1", changed, s, str(uuid.uuid4()))
            assert ack["status"] == "replaced" or ack.get("first") == "replaced", ack
            books.final["q1"][(table, s)] = changed
        elif s in (3, 4):  # the same id again; seat 4 even with another answer
            again = first if s == 3 else "abc"[(table + s + 1) % 3]
            ack = await books.cast(tablet, "q1", again, s, first_id)
            assert (ack["status"], ack["first"]) == ("duplicate", "counted"), ack
        books.at_q2 += 1
        if books.at_q2 == TABLES * SEATS:
            books.all_at_q2.set()
        await books.outage.wait()  # q2 is cast while the server cannot be reached at all
        await asyncio.sleep(rng.uniform(0, 0.5))
        pick = sorted({"xyz"[(table + s) % 3], "xyz"[(table * s) % 3]})
        await books.cast(tablet, "q2", pick, s, str(uuid.uuid4()))
        books.final["q2"][(table, s)] = pick

    await asyncio.gather(*(seat(s) for s in range(1, SEATS + 1)))


async def chaos(
    proxy: FaultProxy, until_t: float, rng: random.Random, books: Books, tablets: list[TimedClient]
) -> None:
    """Resets every few seconds, stalls, latency windows, and the odd refused reconnect."""
    loop = asyncio.get_running_loop()
    step = 0
    while loop.time() < until_t:
        step += 1
        proxy.slow(0.2, 2.0)
        await asyncio.sleep(rng.uniform(1.5, 2.5))
        proxy.reset_all()
        proxy.latency = None
        await asyncio.sleep(rng.uniform(0.3, 0.8))
        proxy.stall()
        await asyncio.sleep(rng.uniform(0.8, 1.6))
        proxy.flow()
        if step % 2 == 0:
            proxy.refuse()
            proxy.reset_all()
            await asyncio.sleep(rng.uniform(0.3, 0.7))
            proxy.refuse(False)
        await asyncio.sleep(rng.uniform(0.5, 1.0))
    # the last fault: an outage. What is cast now waits in the outboxes, then drains
    await asyncio.wait_for(books.all_at_q2.wait(), 60)
    proxy.refuse()
    cut = proxy.reset_all()
    books.outage.set()
    await asyncio.sleep(2.5)
    waiting = {(m["question"], i) for t in tablets for i, m in t.outbox.items()}
    books.waiting_at_heal = len(waiting)
    books.outage_notes = (
        f"cut {cut}, open now {proxy.open_connections}, "
        f"tablets connected {sum(t._connected.is_set() for t in tablets)}"
    )
    assert waiting <= books.ids
    proxy.heal()


async def test_tablets_on_a_flaky_network_lose_nothing_and_count_nothing_twice(
    valkey: Embedded, tmp_path: Path
) -> None:
    rng = random.Random(2026)
    body = copy.deepcopy(SMALL_MEETING) | {
        "tables": {"count": TABLES, "seats": SEATS},
        "sites": [],
        "seat_codes": False,
    }
    # a hello may take 2 x 2 s of latency to arrive: give it the production 5 s
    settings = make_settings(valkey, tmp_path, hello_timeout=5.0)
    async with (
        run_server(settings) as server,
        Api(server.base, ADMIN) as admin,
        FaultProxy("127.0.0.1", settings.port).running() as proxy,
    ):
        created = await admin.create_meeting(body)
        m = created["id"]
        await admin.open(m, "q1")
        await admin.open(m, "q2")
        url = f"ws://127.0.0.1:{proxy.port}/ws"
        tablets = []
        for table in range(1, TABLES + 1):
            token = (await admin.join(created["codes"]["tables"][str(table)]))["token"]
            tablet = TimedClient(url, token)
            await tablet.connect()
            tablets.append(tablet)
        books = Books()
        started = time.monotonic()
        try:
            loop = asyncio.get_running_loop()
            faults = asyncio.create_task(
                chaos(proxy, loop.time() + FAULTS_FOR, rng, books, tablets)
            )
            votes = asyncio.gather(
                *(vote(books, t, n, rng) for n, t in enumerate(tablets, start=1))
            )
            await asyncio.wait_for(asyncio.gather(faults, votes), FAULTS_FOR + 60)
            # healed: whatever is still waiting drains
            await until(lambda: all(not t.outbox for t in tablets), "outboxes to drain", 20)
        finally:
            for tablet in tablets:
                await tablet.close()
        elapsed = time.monotonic() - started

        statuses = Counter(a["status"] for acks in books.acks.values() for a in acks)
        acked = sum(len(a) for a in books.acks.values())
        lost = books.sent - acked
        reconnects = sum(t.connects - 1 for t in tablets)
        ledger = await server.services.store.ledger(m)
        stored = Counter((f["q"], f["id"]) for _, f in ledger if f.get("type") == "ballot")
        twice = {k: n for k, n in stored.items() if n > 1}
        waits = sorted(books.waits)
        print(
            f"\nflaky network, {elapsed:.1f} s: faults {dict(proxy.faults)}; "
            f"reconnects {reconnects}; ballots sent {books.sent} "
            f"(in outboxes when the network healed {books.waiting_at_heal}) "
            f"({len(books.ids)} distinct ids), acked {acked} {dict(statuses)}, lost {lost}, "
            f"stored {sum(stored.values())}, double-counted {len(twice)}; "
            f"ack wait after (re)connect p50 {statistics.median(waits):.2f} s, "
            f"p99 {waits[int(len(waits) * 0.99) - 1]:.2f} s, max {waits[-1]:.2f} s"
        )

        assert proxy.faults["connections reset"] >= TABLES * 3  # the network really was bad
        assert proxy.faults["stalls"] >= 3 and reconnects >= TABLES * 3
        assert books.waiting_at_heal == TABLES * SEATS, books.outage_notes  # every q2 held ...
        assert lost == 0 and all(not t.outbox for t in tablets)  # ... and they all got out
        assert set(books.acks) == books.ids  # every ballot answered ...
        assert waits[-1] <= WITHIN, waits[-10:]  # ... soon after its tablet was back
        # every distinct ballot is in the ledger exactly once; resends added nothing
        assert twice == {}
        assert set(stored) == books.ids
        audit = await admin.audit(m)
        assert audit["ok"], audit
        assert audit["ballots_in_ledger"] == len(books.ids)
        live = (await snapshot(admin, m))["questions"]
        expect_q1 = Counter(books.final["q1"].values())
        expect_q2 = Counter(o for pick in books.final["q2"].values() for o in pick)
        assert live["q1"] == (dict(expect_q1), TABLES * SEATS)
        assert live["q2"] == (dict(expect_q2), TABLES * SEATS)
