"""Failover drills on a real Valkey Cluster: `python -m loadtest.failover --kills 20`.

One drill: a meeting of 500 voters behind 50 tablets (the Python client, with its
outbox, given every app process's URL) sends a burst of 2,000 ballots (four questions
each); when a quarter are acknowledged the primary holding the meeting is killed with
SIGKILL (and, every other drill, an app process at the same moment). The drill waits
for every ballot's answer, then checks the books: every acknowledged ballot counted
exactly once (a resend of one that had landed answered `duplicate`), the ledger
holding each ballot once, the audit's recount equal to the live tallies, and the
replica promoted. It measures how long the hall waited: the longest time without an
acknowledgement after the kill. The killed node is started again from its AOF (it
rejoins as a replica) before the next drill.

The soak command starts its own cluster (3 primaries, 1 replica each) and two app
processes, runs the drills, prints each and writes JSON (--out).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import secrets
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson
import redis
from redis.crc import key_slot

from prachakhom.cli.client import Api, Client, ws_url
from prachakhom.store import keys, localcluster
from prachakhom.store.embedded import free_port

from .target import spawn_server, wait_healthy

QUESTIONS = ("q1", "q2", "q3", "q4")
WINDOW = 4  # ballots a tablet has in flight at once


def meeting_body(tables: int, seats: int) -> dict[str, Any]:
    return {
        "title": {"th": "ซ้อมสลับเครื่อง", "en": "Failover drill"},
        "language": "th",
        "tables": {"count": tables, "seats": seats},
        "sites": [],
        "seat_codes": False,
        "questions": [
            {
                "id": q,
                "kind": "single",
                "prompt": {"th": f"คำถาม {q}", "en": f"Question {q}"},
                "options": [{"id": o, "label": o.upper()} for o in "abc"],
            }
            for q in QUESTIONS
        ],
    }


def answer(table: int, seat: int, question: str) -> str:
    return "abc"[(table * 7 + seat * 3 + QUESTIONS.index(question)) % 3]


@dataclass
class Drill:
    ballots: int
    acknowledged: int
    duplicates: int  # resends of ballots that had landed before the kill
    wrong_answers: int  # acks that are neither counted nor a duplicate of a counted one
    ledger_ballots: int
    audit_ok: bool
    tallies_exact: bool
    promoted: bool
    killed_primary: int
    killed_app: bool
    kill_after_acks: int
    hall_wait_s: float  # longest time without an ack after the kill
    burst_s: float
    outbox_at_kill: int

    @property
    def exact(self) -> bool:
        return (
            self.acknowledged == self.ballots
            and self.wrong_answers == 0
            and self.ledger_ballots == self.ballots
            and self.audit_ok
            and self.tallies_exact
            and self.promoted
        )


def primary_of(cluster: localcluster.LocalCluster, meeting: str) -> localcluster.Node:
    """The node serving the meeting's slot now, as the cluster says."""
    slot = key_slot(keys.prefix(meeting).encode())
    for node in cluster.nodes:
        try:
            with contextlib.closing(redis.Redis(port=node.port, socket_timeout=2)) as r:
                for low, high, primary, *_ in r.execute_command("CLUSTER", "SLOTS"):
                    if low <= slot <= high:
                        return cluster.node(int(primary[1]))
        except redis.RedisError:
            continue
    raise RuntimeError("no node of the cluster answers")


def replicas_of(cluster: localcluster.LocalCluster, primary: localcluster.Node) -> list[int]:
    """Ports of the nodes replicating `primary` now (as the primary says)."""
    with contextlib.closing(redis.Redis(port=primary.port, socket_timeout=2)) as r:
        info = r.info("replication")
    return [int(v["port"]) for k, v in info.items() if k.startswith("slave") and "port" in v]


async def drill(
    cluster: localcluster.LocalCluster,
    bases: list[str],
    admin: str,
    *,
    tables: int = 50,
    seats: int = 10,
    kill_app: Callable[[], None] | None = None,
) -> Drill:
    """One burst with the meeting's primary killed a quarter of the way through."""
    ballots = tables * seats * len(QUESTIONS)
    async with Api(bases[-1], admin, timeout=120) as api:
        created = await api.create_meeting(meeting_body(tables, seats))
        m = created["id"]
        for q in QUESTIONS:
            await api.open(m, q)
        victim = primary_of(cluster, m)
        standby = replicas_of(cluster, victim)
        urls = [ws_url(b) for b in bases]
        tablets = []
        for table in range(1, tables + 1):
            token = (await api.join(created["codes"]["tables"][str(table)]))["token"]
            tablet = Client(urls[table % len(urls)], token, urls=urls)
            await tablet.connect()
            tablets.append(tablet)
        acks: dict[tuple[int, int, str], dict[str, Any]] = {}
        ack_times: list[float] = []
        kill_at = asyncio.Event()
        killed: dict[str, Any] = {}

        async def burst(table: int, tablet: Client) -> None:
            window = asyncio.Semaphore(WINDOW)

            async def one(seat: int, q: str) -> None:
                async with window:
                    ack = await tablet.cast(q, answer(table, seat, q), seat=seat, timeout=120)
                    acks[(table, seat, q)] = ack
                    ack_times.append(time.monotonic())
                    if len(acks) >= ballots // 4:
                        kill_at.set()

            await asyncio.gather(*(one(seat, q) for q in QUESTIONS for seat in range(1, seats + 1)))

        async def killer() -> None:
            await kill_at.wait()
            killed["at"] = time.monotonic()
            killed["acks"] = len(acks)
            localcluster.kill(victim)
            if kill_app is not None:
                kill_app()
            killed["outbox"] = sum(len(t.outbox) for t in tablets)

        started = time.monotonic()
        try:
            await asyncio.wait_for(
                asyncio.gather(killer(), *(burst(n, t) for n, t in enumerate(tablets, 1))), 180
            )
        finally:
            for tablet in tablets:
                await tablet.close()
        burst_s = time.monotonic() - started
        after = sorted(t for t in ack_times if t >= killed["at"])
        gaps = [b - a for a, b in zip([killed["at"], *after], after, strict=False)]
        wrong = sum(
            1
            for ack in acks.values()
            if not (
                ack.get("status") == "counted"
                or (ack.get("status"), ack.get("first")) == ("duplicate", "counted")
            )
        )
        audit = await api.audit(m)
        exact = True
        for q in QUESTIONS:
            results = await api.results(m, q)
            expected = {
                o: sum(1 for (t, s, qq) in acks if qq == q and answer(t, s, q) == o) for o in "abc"
            }
            got = {r["option"]: r["score"] for r in results["ranking"]}
            exact &= {o: got.get(o, 0) for o in "abc"} == expected
            exact &= results["voters"] == tables * seats
        roles = localcluster.roles(cluster)
        promoted = any(roles.get(port) == "master" for port in standby)
    return Drill(
        ballots=ballots,
        acknowledged=len(acks),
        duplicates=sum(1 for a in acks.values() if a.get("status") == "duplicate"),
        wrong_answers=wrong,
        ledger_ballots=int(audit.get("ballots_in_ledger", -1)),
        audit_ok=bool(audit.get("ok")),
        tallies_exact=exact,
        promoted=promoted,
        killed_primary=victim.port,
        killed_app=kill_app is not None,
        kill_after_acks=killed["acks"],
        hall_wait_s=round(max(gaps, default=0.0), 3),
        burst_s=round(burst_s, 3),
        outbox_at_kill=killed["outbox"],
    )


async def restart(cluster: localcluster.LocalCluster, port: int) -> None:
    """Start a killed node again from its AOF and wait until the cluster is whole."""
    node = cluster.node(port)
    await asyncio.to_thread(localcluster.start_node, node, die_with_parent=True)
    await asyncio.to_thread(localcluster.wait_healthy, cluster, 60)


# --- the soak command ------------------------------------------------------------------


@dataclass
class Apps:
    """App processes on the cluster, each restartable."""

    cluster_url: str
    data: Path
    token: str
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)
    logs: list[Any] = field(default_factory=list)

    @property
    def bases(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.ports]

    async def start(self, i: int) -> None:
        if i == len(self.ports):
            self.ports.append(free_port())
            self.processes.append(None)  # type: ignore[arg-type]
            self.logs.append(None)
        log, process = spawn_server(
            self.ports[i], self.data / f"app{i}", self.cluster_url, self.token, 1, "auto",
            self.data / f"app{i}.log",
        )  # fmt: skip
        self.processes[i], self.logs[i] = process, log
        await wait_healthy(self.bases[i], process, 60)

    def kill(self, i: int) -> None:
        self.processes[i].kill()

    async def stop(self) -> None:
        for process, log in zip(self.processes, self.logs, strict=True):
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                await asyncio.to_thread(process.wait, 15)
            process.kill()
            log.close()


@contextlib.asynccontextmanager
async def soak_rig(primaries: int, replicas: int, apps: int) -> AsyncIterator[tuple[Any, Apps]]:
    data = Path(tempfile.mkdtemp(prefix="prachakhom-failover-"))
    cluster = await asyncio.to_thread(
        localcluster.up, data / "cluster", primaries=primaries, replicas=replicas,
        die_with_parent=True,
    )  # fmt: skip
    rig = Apps(cluster.url, data, secrets.token_urlsafe(24))
    try:
        for i in range(apps):
            await rig.start(i)
        yield cluster, rig
    finally:
        await rig.stop()
        localcluster.down(cluster)
        shutil.rmtree(data, ignore_errors=True)


async def soak(opts: argparse.Namespace) -> dict[str, Any]:
    drills: list[Drill] = []
    async with soak_rig(opts.primaries, 1, opts.apps) as (cluster, apps):
        for n in range(1, opts.kills + 1):
            with_app = opts.apps > 1 and n % 2 == 0
            result = await drill(
                cluster, apps.bases, apps.token, tables=opts.tables, seats=opts.seats,
                kill_app=(lambda: apps.kill(0)) if with_app else None,
            )  # fmt: skip
            drills.append(result)
            print(
                f"drill {n:2}: {'primary+app' if with_app else 'primary    '} "
                f"acked {result.acknowledged}/{result.ballots} dup {result.duplicates:3} "
                f"ledger {result.ledger_ballots} audit {'ok' if result.audit_ok else 'FAIL'} "
                f"tallies {'exact' if result.tallies_exact else 'WRONG'} "
                f"promoted {'yes' if result.promoted else 'NO'} "
                f"hall waited {result.hall_wait_s:.2f} s (burst {result.burst_s:.1f} s)",
                flush=True,
            )
            await restart(cluster, result.killed_primary)
            if with_app:
                await apps.start(0)
    waits = [d.hall_wait_s for d in drills]
    summary = {
        "drills": len(drills),
        "all_exact": all(d.exact for d in drills),
        "ballots": sum(d.ballots for d in drills),
        "duplicates_answered": sum(d.duplicates for d in drills),
        "hall_wait_s": {
            "median": round(statistics.median(waits), 3),
            "max": round(max(waits), 3),
            "min": round(min(waits), 3),
        },
        "each": [asdict(d) for d in drills],
    }
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest.failover", description=__doc__)
    parser.add_argument("--kills", type=int, default=20, help="drills, each a primary killed")
    parser.add_argument("--primaries", type=int, default=3)
    parser.add_argument("--apps", type=int, default=2, help="app processes (one killed too)")
    parser.add_argument("--tables", type=int, default=50)
    parser.add_argument("--seats", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path("failover.json"))
    opts = parser.parse_args(argv)
    summary = asyncio.run(soak(opts))
    opts.out.write_bytes(orjson.dumps(summary, option=orjson.OPT_INDENT_2))
    wait = summary["hall_wait_s"]
    books = "every acknowledged ballot counted once" if summary["all_exact"] else "NOT EXACT"
    print(
        f"\n{summary['drills']} drills, {summary['ballots']} ballots: {books}; "
        f"{summary['duplicates_answered']} resends answered duplicate; the hall waited "
        f"{wait['median']:.2f} s (median), {wait['max']:.2f} s (longest). JSON: {opts.out}"
    )
    return 0 if summary["all_exact"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
