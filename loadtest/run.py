# Size: the meeting's phases in order, read top to bottom; its pieces live in the modules.
"""One simulated meeting, start to end, and its figures.

create the meeting -> join every code (HTTP) -> connect phones, tablets and screens ->
demographics -> question after question: open, show on the plenary, a burst of ballots
(changes, resends, reconnects), screens catch up, close -> a closed-loop sustained phase
on the last question -> the books -> figures. The ceiling (echo, Redis) is measured before
the meeting and again after it (--ceiling both): on a shared machine the two differ, and
the report keeps both and compares with the better one.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
from rich.console import Console

from prachakhom.cli.client import Api
from prachakhom.live.gctune import tuned_gc

from . import books as books_module
from . import ceiling, joins, profiling, report, scenario
from .books import Books
from .clients import JSON, MSGPACK, Agent, Pool
from .figures import Figures, targets
from .metrics import (
    ProcessSampler,
    Recorder,
    commandstats,
    commandstats_by_shard,
    stats_delta,
    this_process,
    usec_per,
)
from .target import Target

now = time.perf_counter


@dataclass
class Options:
    url: str | None = None
    admin_token: str | None = None
    redis_url: str | None = None
    server_pids: list[int] = field(default_factory=list)
    scenario: Path | None = None
    participants: int = 5000
    tablets: int = 500
    screens: int = 20
    tablet_seats: int = 1
    workers: int = 1
    durability: str = "fsync"
    cluster: int = 0  # our own server on a local cluster of this many primaries
    msgpack: float = 0.5
    burst_seconds: float = 2.0
    changes: float = 0.10
    resends: float = 0.03
    reconnects: float = 0.02
    questions: int | None = None
    sustain: float = 10.0
    pause: float = 0.5
    ceiling: str = "both"  # both | start | end | off
    demographics: bool = True
    py_spy: bool = False
    organiser_reads: bool = False
    echo_seconds: float | None = None
    out: Path | None = None
    plot: bool = True
    seed: int = 1
    progress: bool = True
    ack_timeout: float = 30.0
    connect_concurrency: int = 200
    note: str = ""


@dataclass(slots=True)
class Flags:
    change: bool
    resend: bool
    reconnect: bool


class Run(Figures):
    def __init__(self, opts: Options, target: Target, console: Console, live: report.Live):
        self.opts = opts
        self.target = target
        self.console = console
        self.live = live
        self.rng = random.Random(opts.seed)
        self.rec = Recorder()
        self.pool = Pool(url=target.ws_url, timeout=15.0, answer_timeout=opts.ack_timeout)
        self.pool.results_hook = lambda agent, results, t: self.rec.results(agent.name, results, t)
        self.echo_pids: list[int] = []
        self.sampler = ProcessSampler(
            {
                "server": target.server_pids,
                "valkey": target.valkey_pids,
                "loadgen": this_process,
                "echo_server": lambda: self.echo_pids,
            }
        )
        self.data = scenario.load(opts.scenario)
        self.layout = scenario.layout(opts.participants, opts.tablets, opts.tablet_seats)
        self.demographics, self.votes = scenario.agenda(self.data)
        if opts.questions is not None:
            self.votes = self.votes[: opts.questions]
        if not opts.demographics:
            self.demographics = []
        self.books = Books({q["id"]: q for q in self.data["questions"]})
        self.phones: list[Agent] = []
        self.tablets: list[Agent] = []
        self.screens: list[Agent] = []
        self.run_id = secrets.token_hex(3)
        self.sent = 0
        self.voted: dict[tuple[str, str], Any] = {}  # (question, voter) -> last stored answer
        self.phase_of: dict[str, str] = {}  # ballot id -> phase
        self.unanswered: dict[str, tuple[Agent, dict[str, Any]]] = {}
        self.bursts: list[dict[str, Any]] = []
        self.reads: list[dict[str, Any]] = []  # the organiser's audits and exports mid-vote
        self.held: list[tuple[float, int]] = []
        self.meeting_id = ""
        self.codes: dict[str, Any] = {}
        self.organiser: Api | None = None
        self.out: dict[str, Any] = {}
        self.out_dir: Path | None = None
        self.profile: dict[str, Any] | None = None
        self.cpu_voting: tuple[dict[str, float], dict[str, float]] = ({}, {})

    # --- the meeting -----------------------------------------------------------------------

    async def run(self) -> dict[str, Any]:
        self.sampler.start()
        self.pool.start()
        ticker = asyncio.get_running_loop().create_task(self._tick())
        try:
            if self.opts.ceiling in ("both", "start"):
                await self.measure_ceiling("start")
            await self.create_meeting()
            assert self.organiser is not None
            async with self.organiser:
                await self.join_and_connect()
                stats0, metrics0 = await self._redis_stats(), await self._server_metrics()
                shards0 = await self._redis_shards()
                t_votes, cpu_votes = now(), self.sampler.cpu_snapshot()
                if self.demographics:
                    await self.question_round("demographics", self.demographics)
                for i, q in enumerate(self.votes):
                    sustain = self.opts.sustain if i == len(self.votes) - 1 else 0.0
                    await self.question_round(q["id"], [q], sustain)
                t_done, cpu_done = now(), self.sampler.cpu_snapshot()
                self.cpu_voting = (cpu_votes, cpu_done)
                stats1, metrics1 = await self._redis_stats(), await self._server_metrics()
                self.shard_figures(shards0, await self._redis_shards())
                await self.resolve_unanswered()
                self.rec.mark("books")
                ledger = await self.read_ledger()
                self.out["books"] = await books_module.check(
                    self.books, self.organiser, self.meeting_id,
                    [q["id"] for q in self.demographics + self.votes], ledger,
                )  # fmt: skip
                self.check_reads()
            await self.pool.close()  # the meeting's sockets go before the ceiling's come
            if self.opts.ceiling in ("both", "end"):
                await self.measure_ceiling("end")
            self.best_ceiling()
            self.figures(ledger, t_votes, t_done, stats0, stats1, metrics0, metrics1)
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
            await self.pool.close()
            await self.sampler.stop()
        return self.out

    async def measure_ceiling(self, when: str) -> None:
        self.rec.mark(f"ceiling ({when})")
        seconds = self.opts.echo_seconds or self.opts.sustain or 3.0
        connections = max(1, self.opts.participants)

        def progress(name: str, done: int, total: int) -> None:
            self.live.phase(name, total)

        self.live.phase("echo connect", connections)
        runs = self.out.setdefault("ceiling", {}).setdefault("runs", [])
        run: dict[str, Any] = {"when": when, "t": round(now() - self.rec.t0, 1)}
        run["echo"] = await ceiling.measure_echo(
            connections,
            self.opts.msgpack,
            seconds,
            progress,
            self.echo_pids,
            burst_seconds=self.opts.burst_seconds,
            seed=self.opts.seed,
        )
        if self.target.redis_url:
            self.live.phase("redis scripts", 1)
            run["redis"] = await ceiling.measure_redis(
                self.target.redis_url, seconds=min(1.0, seconds)
            )
        runs.append(run)

    def best_ceiling(self) -> None:
        """The ceiling is the best the bare stack did in this run (a busy moment only lowers
        it); the echo and Redis figures compared with come from that measurement."""
        runs = self.out.get("ceiling", {}).get("runs", [])
        if not runs:
            return
        best = max(runs, key=lambda r: r["echo"].get("sustained", {}).get("per_s", 0))
        self.out["ceiling"] |= {"used": best["when"], "echo": best["echo"]}
        if "redis" in best:
            self.out["ceiling"]["redis"] = best["redis"]

    async def create_meeting(self) -> None:
        body = scenario.meeting_body(self.data, self.layout)
        async with Api(self.target.base_url, self.target.admin_token) as admin:
            created = await admin.create_meeting(body)
        self.meeting_id = created["id"]
        self.codes = created["codes"]
        self.organiser = Api(self.target.base_url, created["organiser"])

    def _codec(self) -> str:
        return MSGPACK if self.rng.random() < self.opts.msgpack else JSON

    async def join_and_connect(self) -> None:
        seats = self.codes.get("seats", {})
        for i, (table, seat) in enumerate(self.layout.phones):
            code = seats[str(table)][str(seat)]
            self.phones.append(Agent(self.pool, "phone", i, self._codec(), code, table, seat))
        if self.opts.tablets:
            for t in range(1, self.layout.tables + 1):
                code = self.codes["tables"][str(t)]
                self.tablets.append(Agent(self.pool, "tablet", t, self._codec(), code, t))
        for i in range(self.opts.screens):
            self.screens.append(Agent(self.pool, "screen", i, self._codec(), self.codes["display"]))
        agents = self.phones + self.tablets + self.screens

        self.rec.mark("join")
        self.live.phase("join (HTTP)", len(agents))
        started = now()
        answers = await joins.join_all(
            self.target.base_url, [a.token for a in agents], done=self.live.advance
        )
        for agent, joined in zip(agents, answers, strict=True):
            agent.token = joined["token"]  # the code, traded for a token
        join_s = now() - started

        await asyncio.sleep(0.5)
        rss_before = self.sampler.rss("server")
        self.rec.mark("connect")
        self.live.phase("connect", len(agents))
        started = now()
        failed = await self.pool.connect_all(agents, self.opts.connect_concurrency)
        connect_s = now() - started
        await asyncio.sleep(min(2.0, 0.3 + len(agents) / 2500))  # idle: the sockets' cost
        rss_after = self.sampler.rss("server")
        held = self.pool.held
        self.out["connections"] = {
            "wanted": len(agents),
            "phones": len(self.phones),
            "tablets": len(self.tablets),
            "screens": len(self.screens),
            "failed": len(failed),
            "join_seconds": round(join_s, 2),
            "joins_per_s": round(len(agents) / join_s, 1),
            "connect_seconds": round(connect_s, 2),
            "connects_per_s": round(len(agents) / connect_s, 1),
            "held_after_connect": held,
            "server_rss_mib_before": round(rss_before / 2**20, 1),
            "server_rss_mib_idle": round(rss_after / 2**20, 1),
            "idle_kib_per_connection": round((rss_after - rss_before) / 1024 / held, 1)
            if rss_before and held
            else None,
            "codecs": {
                "msgpack": sum(a.codec == MSGPACK for a in agents),
                "json": sum(a.codec == JSON for a in agents),
            },
        }
        self.live.advance(0)

    # --- a question round ------------------------------------------------------------------

    async def question_round(
        self, phase: str, questions: list[dict[str, Any]], sustain: float = 0.0
    ) -> None:
        assert self.organiser is not None
        m = self.meeting_id
        shown = questions[0]["id"]
        await self.organiser.plenary(m, {"view": "question", "question": shown, "reveal": True})
        for q in questions:
            await self.organiser.open(m, q["id"])
        self.rec.mark(phase)
        await self.burst(phase, questions, shown)
        if sustain > 0:
            self.rec.mark("sustain")
            await self.sustain(questions[-1], sustain)
        for q in questions:
            await self.organiser.close(m, q["id"])
        await asyncio.sleep(self.opts.pause)

    def check_reads(self) -> None:
        """An audit or export taken mid-vote that does not add up is a fault of the books."""
        self.out["organiser_reads"] = self.reads
        books = self.out["books"]
        for read in self.reads:
            for what in ("audit", "export"):
                if not read[f"{what}_ok"]:
                    books["problems"].append(
                        f"{read['phase']}: the {what} taken mid-vote does not add up"
                    )
                    books["ok"] = False

    def _flags(self) -> Flags:
        r = self.rng.random
        return Flags(r() < self.opts.changes, r() < self.opts.resends, r() < self.opts.reconnects)

    async def burst(self, phase: str, questions: list[dict[str, Any]], shown: str) -> None:
        flows, total = [], 0
        for agent in self.phones:
            flags = self._flags()
            total += len(questions) * (1 + flags.change + flags.resend)
            flows.append(self.voter(agent, None, questions, flags, phase))
        for agent in self.tablets:
            for seat in self.layout.tablet_seats.get(agent.table or 0, []):
                flags = self._flags()
                flags.reconnect = False  # a tablet's other seats share its socket
                total += len(questions) * (1 + flags.change + flags.resend)
                flows.append(self.voter(agent, seat, questions, flags, phase))
        if len(self.screens) >= 2:  # one screen reconnects in the middle of the burst
            flows.append(self._bounce_later(self.screens[-1], self.opts.burst_seconds / 2))
        self.live.phase(phase, total)
        started = now()
        reading = None  # beside the voters, not among them: it does not time the round
        if self.opts.organiser_reads:
            reading = asyncio.create_task(self.organiser_reads(phase, self.opts.burst_seconds / 2))
        await asyncio.gather(*flows)
        acked = now()
        await self.wait_screens(shown, len(self.books.stored_ballots(shown)))
        if reading is not None:
            await reading
        final = len(self.books.stored_ballots(shown))
        self.bursts.append(
            {
                "phase": phase,
                "question": shown,
                "questions": len(questions),
                "t_start": started,
                "t_acked": acked,
                "final": final,
            }
        )

    async def organiser_reads(self, phase: str, delay: float) -> None:
        """What an organiser may do while the hall votes: the audit, then the JSON export.
        Each must add up (its recount equal to its tallies) while the acks go on."""
        assert self.organiser is not None
        await asyncio.sleep(delay)
        started = now()
        audit = await self.organiser.audit(self.meeting_id)
        audited = now()
        body = await self.organiser.export(self.meeting_id, "json")
        exported = now()
        self.reads.append(
            {
                "phase": phase,
                "audit_s": round(audited - started, 3),
                "audit_ok": audit["ok"],
                "ledger_entries": audit["ledger_entries"],
                "export_s": round(exported - audited, 3),
                "export_bytes": len(body),
                "export_ok": orjson.loads(body)["audit"]["ok"],
            }
        )

    async def _bounce_later(self, agent: Agent, delay: float) -> None:
        await asyncio.sleep(delay)
        await agent.bounce()

    async def voter(
        self,
        agent: Agent,
        seat: int | None,
        questions: list[dict[str, Any]],
        flags: Flags,
        phase: str,
    ) -> None:
        rng = self.rng
        await asyncio.sleep(scenario.vote_delay(rng, self.opts.burst_seconds))
        voter = f"{agent.table}:{seat if seat is not None else agent.seat}"
        for i, q in enumerate(questions):
            given = scenario.answer(q, rng)
            bid = await self.cast(agent, q, given, seat, voter, phase, flags.reconnect and i == 0)
            if bid is not None and flags.resend:
                await self.resend(agent, bid, phase)
            if flags.change:
                await asyncio.sleep(rng.uniform(0.2, 1.0))
                await self.cast(
                    agent, q, scenario.another_answer(q, given, rng), seat, voter, phase
                )
            if i + 1 < len(questions):
                await asyncio.sleep(rng.uniform(0.1, 0.5))  # reading the next question

    async def cast(
        self,
        agent: Agent,
        q: dict[str, Any],
        given: Any,
        seat: int | None,
        voter: str,
        phase: str,
        bounce: bool = False,
    ) -> str | None:
        self.sent += 1
        bid = f"{self.run_id}-{self.sent}"
        message: dict[str, Any] = {
            "type": "ballot",
            "id": bid,
            "question": q["id"],
            "answer": given,
        }
        if seat is not None:
            message["seat"] = seat
        key = (q["id"], voter)
        expect = "either" if bounce else ("replaced" if key in self.voted else "counted")
        self.books.sent(bid, q["id"], voter, given, expect)
        self.phase_of[bid] = phase
        future = agent.request(message)
        if bounce:  # the socket drops before the ack can arrive; the outbox resends
            await agent.bounce(self.rng.uniform(0.0, 0.2))
        reply = await self._answer(agent, bid, message, future)
        if reply is None:
            return None
        answer, latency = reply
        t = now()
        outcome = self.books.answered(bid, answer, t)
        self.rec.reply(t, latency, phase, outcome.split(":")[0])
        self.live.advance()
        if books_module.Books.stored(self.books.ballots[bid]):
            self.voted[key] = given
        return bid

    async def _answer(
        self, agent: Agent, bid: str, message: dict[str, Any], future: asyncio.Future[Any]
    ) -> tuple[dict[str, Any], float] | None:
        try:
            return await future  # type: ignore[no-any-return]
        except TimeoutError:  # the pool's sweeper gave up on it
            self.pool.error("ack_timeout")
            self.unanswered[bid] = (agent, message)
            return None

    async def resend(self, agent: Agent, bid: str, phase: str) -> None:
        """The same id again, as a client does after a lost ack: `duplicate`, never twice."""
        ballot = self.books.ballots[bid]
        message = {
            "type": "ballot",
            "id": bid,
            "question": ballot.question,
            "answer": ballot.answer,
        }
        if agent.kind == "tablet":
            message["seat"] = int(ballot.voter.split(":")[1])
        reply = await self._answer(agent, bid, message, agent.request(message))
        if reply is not None:
            answer, latency = reply
            t = now()
            outcome = self.books.answered(bid, answer, t)
            self.rec.reply(t, latency, phase, outcome.split(":")[0])
            self.live.advance()

    async def sustain(self, q: dict[str, Any], seconds: float) -> None:
        """Every phone changes its vote again as soon as the last one is acked (closed loop)."""
        phase = "sustain"
        self.live.phase(phase, int(seconds * 10), clock=True)
        started = now()
        end = started + seconds

        async def loop(agent: Agent) -> None:
            voter = f"{agent.table}:{agent.seat}"
            given = self.voted.get((q["id"], voter))
            while now() < end:
                if given is None:
                    given = scenario.answer(q, self.rng)
                else:
                    given = scenario.another_answer(q, given, self.rng)
                if await self.cast(agent, q, given, None, voter, phase) is None:
                    return

        async def clock() -> None:
            while now() < end:
                await asyncio.sleep(0.1)
                self.live.done = int((now() - started) * 10)

        cpu0 = self.sampler.cpu_snapshot()
        before = len(self.rec.reply_t)
        profiler = self.start_py_spy(seconds)
        await asyncio.gather(clock(), *(loop(a) for a in self.phones))
        acked = now()
        cpu = usec_per(cpu0, self.sampler.cpu_snapshot(), len(self.rec.reply_t) - before)
        if profiler is not None:
            await self.stop_py_spy(profiler)
        stored = len(self.books.stored_ballots(q["id"]))
        await self.wait_screens(q["id"], stored)
        self.bursts.append(
            {"phase": phase, "question": q["id"], "t_start": started, "t_acked": acked,
             "final": stored, "sustain": seconds, "cpu_usec_per_ballot": cpu}
        )  # fmt: skip

    def start_py_spy(self, seconds: float) -> Any:
        """py-spy for `seconds` on the server's main process (and its workers) and on this
        load generator: where each side's CPU per ballot goes."""
        pids = list(self.target.server_pids())
        if not self.opts.py_spy or not pids or self.out_dir is None:
            return None
        loop = asyncio.get_running_loop()
        return {
            side: (out, loop.create_task(profiling.start(pid, seconds, out, workers)))
            for side, pid, out, workers in (
                ("server", pids[0], self.out_dir / "profile-sustain.txt", True),
                ("loadgen", os.getpid(), self.out_dir / "profile-loadgen-sustain.txt", False),
            )
        }

    async def stop_py_spy(self, starting: Any) -> None:
        self.profile = {}
        for side, (out, task) in starting.items():
            process = await task
            self.profile[side] = (
                {"error": "py-spy is not installed (pip install py-spy)"}
                if process is None
                else await profiling.finish(process, out)
            )

    async def wait_screens(self, question: str, final: int, timeout: float = 10.0) -> None:
        """Until every screen shows the tally with every stored ballot (or the timeout)."""
        deadline = now() + timeout
        while now() < deadline:
            behind = [
                s for s in self.screens
                if max((v for _, v in self.rec.screens.get(s.name, {}).get(question, [])),
                       default=-1) < final
            ]  # fmt: skip
            if not behind:
                return
            await asyncio.sleep(0.01)
        self.pool.error("screen_not_final_in_10s")

    async def resolve_unanswered(self) -> None:
        """Ask again about ballots that never got an answer (their question is closed now)."""
        for bid, (agent, message) in list(self.unanswered.items()):
            self.books.ballots[bid].expect = "late"
            if not agent.ready:
                with contextlib.suppress(Exception):
                    await agent.connect(resume=True)
            reply = await self._answer(agent, bid, message, agent.request(message))
            if reply is not None:
                self.books.answered(bid, reply[0], now())
                self.unanswered.pop(bid, None)

    # --- measuring -------------------------------------------------------------------------

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(0.25)
            self.held.append((now(), self.pool.held))
            p99 = self.rec.recent_p99_ms()
            shown = "-" if p99 is None else f"{p99:,.0f}"
            errors = sum(self.pool.errors.values())
            self.live.stats(
                f"{self.pool.held:,} sockets · {self.rec.recent_rate():,.0f} ballots/s · "
                f"p99 {shown} ms · {errors} errors"
            )

    async def _redis_shards(self) -> dict[str, dict[str, dict[str, float]]]:
        if not self.target.redis_url:
            return {}
        return await commandstats_by_shard(self.target.redis_url)

    def shard_figures(self, before: dict[str, Any], after: dict[str, Any]) -> None:
        """Per primary: the ballot scripts' calls and Redis time while voting. A meeting
        lives in one slot, so one primary carries a meeting's whole load."""
        rows = []
        for address, stats in after.items():
            delta = stats_delta(before.get(address, {}), stats)
            evalsha = delta.get("evalsha", {"calls": 0, "usec": 0})
            rows.append(
                {
                    "primary": address,
                    "evalsha_calls": int(evalsha["calls"]),
                    "evalsha_usec": int(evalsha["usec"]),
                    "commands_usec": int(sum(v["usec"] for v in delta.values())),
                }
            )
        self.out["redis_shards"] = rows

    async def _redis_stats(self) -> dict[str, dict[str, float]]:
        return await commandstats(self.target.redis_url) if self.target.redis_url else {}

    async def _server_metrics(self) -> dict[str, float]:
        """The group-commit batch histogram's sum and count from GET /metrics (one process)."""
        try:
            async with httpx.AsyncClient(base_url=self.target.base_url, timeout=5) as http:
                text = (await http.get("/metrics")).text
        except httpx.HTTPError:
            return {}
        found = {}
        for what in ("batch_size_sum", "batch_size_count", "seconds_sum", "seconds_count"):
            name = f"prachakhom_commit_{what}"
            match = re.search(rf"^{name} ([0-9.e+-]+)$", text, re.M)
            if match:
                found[name] = float(match.group(1))
        return found

    async def read_ledger(self) -> list[tuple[str, dict[str, Any]]] | None:
        if not self.target.redis_url:
            return None
        from prachakhom.store.shards import connect
        from prachakhom.store.store import Store

        shards = await connect(self.target.redis_url)  # a cluster: the meeting's primary
        try:
            return await Store(shards, durability="os").ledger(self.meeting_id)
        finally:
            await shards.aclose()


async def run(
    opts: Options, target: Target | None = None, console: Console | None = None
) -> dict[str, Any]:
    """The whole run: returns the report (also written to the results folder)."""
    from . import target as targets_module

    console = console or Console(stderr=True)
    out = opts.out or Path("results") / time.strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    async with contextlib.AsyncExitStack() as stack:
        if target is None:
            if opts.url:
                if not opts.admin_token:
                    raise SystemExit("--url needs --admin-token")
                target = await targets_module.given_server(
                    opts.url, opts.admin_token, opts.redis_url, opts.server_pids
                )
            else:
                target = await stack.enter_async_context(
                    targets_module.own_server(
                        workers=opts.workers, durability=opts.durability,
                        log_path=out / "server.log", cluster=opts.cluster,
                    )
                )  # fmt: skip
        started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        # The books and latencies grow to millions of objects: with CPython's default
        # thresholds the collector took a third of this process's CPU per ballot, on the
        # cores the server shares (loadtest/README.md, fifth round). As the server does.
        with tuned_gc(), report.Live(console, opts.progress and console.is_terminal) as live:
            simulation = Run(opts, target, console, live)
            simulation.out_dir = out
            body = await simulation.run()
        body = {
            "title": f"Prachakhom load test: {opts.participants:,} phones, {opts.tablets:,} "
            f"tablets, {opts.screens} screens",
            "started": started,
            "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(opts).items()},
            "server": {"base_url": target.base_url, **target.about},
            **body,
        }
        body["targets"] = targets(body, opts)
        report.write(out, body, simulation.series)
        if opts.plot:
            report.plot(out / "plot.png", simulation.series, body)
        body["out"] = str(out)
        return body
