"""The hall-scale run: thousands of ideas from hundreds of tablets while the hall votes.

    meeting, phones, tablets, screens, the theme team      (the load test's Run)
    ballot bursts alone           (before the ideas begin)
    the ideas: N over S seconds, random tablets; the team's desk times each idea's
      `suggestions` from its ack; a few people of the team file ideas as they come
    ballot bursts during the ideas, each with the organiser's JSON export mid-burst
    ballot bursts alone           (after the ideas end)
    the books, the figures

Every burst is one `single` question opened to the hall (copies of the forum's `iap2`),
so the rounds compare like with like: the ack p99 of the rounds with ideas and an export
against the rounds without. With `voters=0` only the ideas run (tablets alone).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from rich.console import Console

from prachakhom.cli.client import Api

from . import books as books_module
from . import joins, report
from .clients import Pool
from .metrics import summary_ms
from .run import Options, Run
from .target import Target
from .theme_data import IdeaFile, variations
from .theme_desk import Desk, Filing, send_idea

now = time.perf_counter


@dataclass
class HallOptions:
    ideas: int = 3000
    tablets: int = 500
    seconds: float = 150.0
    voters: int = 5000  # phones; 0: the ideas alone
    screens: int = 5
    rounds_alone: int = 3  # before the ideas, and as many after
    rounds_with: int = 5  # during the ideas, each with an export
    export: bool = True  # the organiser's JSON export in each burst during the ideas
    export_delay: float = 0.3  # seconds into a burst when the export starts
    burst_seconds: float = 2.0
    filers: int = 4  # people of the theme team filing
    think: float = 2.0  # seconds each takes to file one idea
    timeout: float = 30.0  # for an idea's suggestions after its ack
    seed: int = 1
    progress: bool = True


@dataclass(slots=True)
class HallIdea:
    tag: str
    t_sent: float
    idea: str | None = None
    t_ack: float | None = None
    ack_s: float | None = None
    error: str | None = None
    suggest_s: float | None = None


def scenario_file(out: Path, opts: HallOptions) -> Path:
    """The forum's meeting with copies of its `iap2` question, one per round."""
    from prachakhom.cli.demo import scenario

    data = scenario()
    single = next(q for q in data["questions"] if q["id"] == "iap2")
    names = [f"alone{n + 1}" for n in range(opts.rounds_alone * 2)]
    names += [f"with{n + 1}" for n in range(opts.rounds_with)]
    path = out / "hall-scenario.json"
    body = {"meeting": data["meeting"], "questions": [single | {"id": n} for n in names]}
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path


class Hall:
    def __init__(
        self, target: Target, data: IdeaFile, opts: HallOptions, out: Path, live: report.Live
    ) -> None:
        self.target = target
        self.data = data
        self.opts = opts
        self.rng = random.Random(opts.seed)
        self.sim = Run(
            Options(
                participants=opts.voters,
                tablets=opts.tablets,
                screens=opts.screens if opts.voters else 0,
                tablet_seats=1 if opts.voters else 0,
                scenario=scenario_file(out, opts),
                demographics=False,
                sustain=0.0,
                ceiling="off",
                burst_seconds=opts.burst_seconds,
                out=out,
                plot=False,
                seed=opts.seed,
                progress=opts.progress,
            ),
            target,
            Console(stderr=True),
            live,
        )
        self.sim.out_dir = out
        self.desk_pool = Pool(url=target.ws_url, timeout=15.0, answer_timeout=opts.timeout)
        self.ideas: list[HallIdea] = []
        self.rounds: list[dict[str, Any]] = []
        self.exports: list[dict[str, Any]] = []
        self.filing: Filing | None = None
        self.queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        self.span: tuple[float, float] = (0.0, 0.0)
        self.cpu_split: dict[str, Any] = {}

    async def run(self) -> dict[str, Any]:
        sim = self.sim
        sim.sampler.start()
        sim.pool.start()
        self.desk_pool.start()
        try:
            await sim.create_meeting()
            assert sim.organiser is not None
            async with sim.organiser:
                await sim.join_and_connect()
                desk, team = await self.connect_desk()
                async with team:
                    self.filing = Filing(team, sim.meeting_id, self.data.name)
                    return await self.meeting(desk)
        finally:
            await self.desk_pool.close()
            await sim.pool.close()
            await sim.sampler.stop()

    async def connect_desk(self) -> tuple[Desk, Api]:
        (joined,) = await joins.join_all(self.target.base_url, [self.sim.codes["theme"]])
        desk = Desk(self.desk_pool, joined["token"])
        if await self.desk_pool.connect_all([desk]):
            raise ConnectionError("the theme team's socket did not connect")
        return desk, Api(self.target.base_url, joined["token"])

    async def meeting(self, desk: Desk) -> dict[str, Any]:
        sim, opts = self.sim, self.opts
        questions = sim.votes if opts.voters else []
        before = questions[: opts.rounds_alone]
        during = [q for q in questions if q["id"].startswith("with")]
        after = questions[opts.rounds_alone : opts.rounds_alone * 2]
        for q in before:
            await self.ballot_round(q, loaded=False)
        filers = [asyncio.create_task(self.filer()) for _ in range(opts.filers)]
        cpu0 = self.sim.sampler.per_process("server")
        started = now()
        stream = asyncio.create_task(self.stream(desk))
        for n, q in enumerate(during):
            at = started + opts.seconds * (n + 1) / (len(during) + 1)
            await asyncio.sleep(max(0.0, at - now()))
            await self.ballot_round(q, loaded=True)
        await stream
        suggested = await desk.all_of([i.idea for i in self.ideas if i.idea], opts.timeout)
        self.span = (started, now())
        root = next(iter(self.target.server_pids()), None)
        self.cpu_split = split_cpu(cpu0, self.sim.sampler.per_process("server"), self.span, root)
        if self.cpu_split and self.ideas:  # the workers also ran the exports
            workers = self.cpu_split["workers_percent"] / 100 * self.cpu_split["seconds"]
            self.cpu_split["workers_cpu_ms_per_idea"] = round(workers * 1000 / len(self.ideas), 1)
        for task in filers:
            task.cancel()
        await asyncio.gather(*filers, return_exceptions=True)
        for idea in self.ideas:
            found = desk.suggested.get(idea.idea or "")
            if found is not None and idea.t_ack is not None:
                idea.suggest_s = max(0.0, found.t - idea.t_ack)
        for q in after:
            await self.ballot_round(q, loaded=False)
        books = await self.books(questions) if questions else None
        return self.figures(suggested, desk.events, books)

    async def stream(self, desk: Desk) -> None:
        """The ideas at random moments over `seconds` (a Poisson stream of fixed size),
        each from a random table's tablet."""
        opts, rng = self.opts, self.rng
        made = variations(self.data.ideas, opts.ideas, rng)
        moments = sorted(rng.uniform(0, opts.seconds) for _ in made)
        tablets = self.sim.tablets
        started = now()
        sending = []
        self.sim.live.phase("ideas", opts.ideas)
        for n, (labelled, at) in enumerate(zip(made, moments, strict=True)):
            await asyncio.sleep(max(0.0, started + at - now()))
            tablet = tablets[rng.randrange(len(tablets))]
            sending.append(asyncio.create_task(self.one(desk, tablet, n, labelled)))
        await asyncio.gather(*sending)

    async def one(self, desk: Desk, tablet: Any, n: int, labelled: Any) -> None:
        record = HallIdea(labelled.theme, now())
        self.ideas.append(record)
        sent = await send_idea(tablet, f"h{n}", labelled.text)
        record.idea, record.t_ack, record.ack_s, record.error = (
            sent.idea, sent.t_ack, sent.ack_s, sent.error,
        )  # fmt: skip
        self.sim.live.advance()
        if sent.idea is not None and await desk.suggestion(sent.idea, self.opts.timeout):
            self.queue.put_nowait((sent.idea, labelled.theme))

    async def filer(self) -> None:
        """One person of the theme team: the next idea with suggestions, a moment to read
        it, then filed under its labelled theme."""
        assert self.filing is not None
        while True:
            idea, tag = await self.queue.get()
            await asyncio.sleep(self.opts.think)
            with contextlib.suppress(Exception):  # a refused filing is counted by its absence
                await self.filing.file(idea, tag)

    async def ballot_round(self, q: dict[str, Any], loaded: bool) -> None:
        """One burst; `loaded`: while the ideas arrive (and with the export, if asked)."""
        sim = self.sim
        export = loaded and self.opts.export
        reading = asyncio.create_task(self.export(q["id"])) if export else None
        cpu0, started = sim.sampler.per_process("server"), now()
        await sim.question_round(q["id"], [q])
        root = next(iter(self.target.server_pids()), None)
        cpu = split_cpu(cpu0, sim.sampler.per_process("server"), (started, now()), root)
        if reading is not None:
            await reading
        burst = sim.bursts[-1]
        _, latencies = sim.rec.replies_in(q["id"])
        self.rounds.append(
            {
                "question": q["id"],
                "with_ideas": loaded,
                "export": export,
                "ack_ms": summary_ms(latencies),
                "seconds": round(burst["t_acked"] - burst["t_start"], 3),
                "window": (burst["t_start"], burst["t_acked"]),
                "resources": sim.sampler.between(burst["t_start"], burst["t_acked"]),
                "server_cpu": cpu,  # the whole round: opening to the screens' final tally
            }
        )

    async def export(self, phase: str) -> None:
        """The organiser's JSON export, started just after the burst opens."""
        sim = self.sim
        assert sim.organiser is not None
        await asyncio.sleep(self.opts.export_delay)
        started = now()
        body = await sim.organiser.export(sim.meeting_id, "json")
        self.exports.append(
            {
                "round": phase,
                "seconds": round(now() - started, 3),
                "bytes": len(body),
                "adds_up": orjson.loads(body)["audit"]["ok"],
            }
        )

    async def books(self, questions: list[dict[str, Any]]) -> dict[str, Any]:
        sim = self.sim
        assert sim.organiser is not None
        await sim.resolve_unanswered()
        ledger = await sim.read_ledger()
        return await books_module.check(
            sim.books, sim.organiser, sim.meeting_id, [q["id"] for q in questions], ledger
        )

    # --- figures -----------------------------------------------------------------------

    def figures(self, suggested: int, events: int, books: dict[str, Any] | None) -> dict[str, Any]:
        acked = [i for i in self.ideas if i.idea is not None]
        latencies = [i.suggest_s for i in acked if i.suggest_s is not None]
        windows = [r["window"] for r in self.rounds if r["with_ideas"]]

        def in_burst(i: HallIdea) -> bool:
            return any(a <= (i.t_ack or 0) <= b + 1.0 for a, b in windows)

        errors: dict[str, int] = {}
        for i in self.ideas:
            if i.error:
                errors[i.error] = errors.get(i.error, 0) + 1
        start, end = self.span
        assert self.filing is not None
        out: dict[str, Any] = {
            "options": vars(self.opts) | {"file": self.data.path},
            "ideas": {
                "sent": len(self.ideas),
                "acked": len(acked),
                "errors": errors,
                "ideas_per_s": round(len(self.ideas) / self.opts.seconds, 1),
                "suggested": suggested,
                "suggested_share": round(suggested / len(acked), 4) if acked else None,
                "suggestion_events": events,
                "ideas_per_event": round(suggested / events, 1) if events else None,
                "suggest_ms": summary_ms(latencies),
                "suggest_ms_during_bursts": summary_ms(
                    i.suggest_s for i in acked if i.suggest_s is not None and in_burst(i)
                ),
                "suggest_ms_outside_bursts": summary_ms(
                    i.suggest_s for i in acked if i.suggest_s is not None and not in_burst(i)
                ),
                "ack_ms": summary_ms(i.ack_s for i in acked if i.ack_s is not None),
                "filed": len(self.filing.seconds),
                "themes_made": len(self.filing.theme_of),
                "filing_ms": summary_ms(self.filing.seconds),
            },
            "cpu_during_ideas": self.sim.sampler.between(start, end),
            "server_cpu_split": self.cpu_split,
            "server_processes": self.sim.sampler.per_process("server"),
            "connections": self.sim.out.get("connections", {}),
            "errors": dict(self.sim.pool.errors),
        }
        if self.rounds:
            out["rounds"] = [
                {k: v for k, v in r.items() if k != "window"}
                | {"t_start": round(r["window"][0] - start, 1)}
                for r in self.rounds
            ]
            out["exports"] = self.exports
            out["burst"] = burst_comparison(self.rounds)
        if books is not None:
            out["books"] = {k: books[k] for k in ("ok", "problems", "ballots_stored") if k in books}
        return out


def split_cpu(
    before: dict[str, dict[str, Any]],
    after: dict[str, dict[str, Any]],
    span: tuple[float, float],
    root: int | None,
) -> dict[str, Any]:
    """The server's CPU over the span, its main process (the one that serves) apart from
    its workers (the theme engine's encoding and grouping, exports), in % of one core."""
    seconds = max(span[1] - span[0], 1e-9)
    if root is None:
        return {}
    used = {
        pid: after[pid]["cpu_seconds"] - before.get(pid, {}).get("cpu_seconds", 0.0)
        for pid in after
    }
    serving = used.get(str(root), 0.0)
    workers = sum(v for pid, v in used.items() if pid != str(root))
    return {
        "seconds": round(seconds, 1),
        "main_percent": round(serving / seconds * 100, 1),
        "workers_percent": round(workers / seconds * 100, 1),
        "total_percent": round((serving + workers) / seconds * 100, 1),
    }


def burst_comparison(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Ack p99 of the rounds alone against the rounds with the ideas and an export."""

    def p99s(with_load: bool) -> list[float]:
        return [
            r["ack_ms"]["p99"]
            for r in rounds
            if r["with_ideas"] is with_load and "p99" in r["ack_ms"]
        ]

    def others(with_load: bool) -> list[float | None]:
        return [
            r["resources"].get("others", {}).get("cpu_mean")
            for r in rounds
            if r["with_ideas"] is with_load
        ]

    alone, loaded = p99s(False), p99s(True)
    a = float(np.median(alone)) if alone else None
    w = float(np.median(loaded)) if loaded else None
    return {
        "ack_p99_ms_alone": alone,
        "ack_p99_ms_with": loaded,
        "others_cpu_alone": others(False),  # other people's work on the machine, per round
        "others_cpu_with": others(True),
        "median_alone": None if a is None else round(a, 1),
        "median_with": None if w is None else round(w, 1),
        "ratio": round(w / a, 3) if a and w else None,
    }


async def hall(
    target: Target, data: IdeaFile, opts: HallOptions, out: Path, console: Console
) -> dict[str, Any]:
    from prachakhom.live.gctune import tuned_gc

    with tuned_gc(), report.Live(console, opts.progress and console.is_terminal) as live:
        return await Hall(target, data, opts, out, live).run()
