# Size: the command, its flags and its summary table; the work is in theme_data,
# theme_desk, theme_replay, theme_baseline and theme_hall.
"""python -m loadtest.themes [FILE]: measure the theme engine (loadtest/README.md, "The
theme engine").

A labelled idea file is replayed as a theme team would, against a real server (our own
on the embedded Valkey, or --url): online suggestions over several seeds, the proposed
groups against the labels, the groups of 1,000 ideas, and with --hall thousands of ideas
from hundreds of tablets while the hall votes. The TF-IDF baseline is computed beside
the engine. The figures are printed beside their targets and written to
results/<time>/themes.json; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

from . import theme_replay as replay
from .__main__ import raise_open_files
from .metrics import ProcessSampler, summary_ms, this_process
from .target import Target, given_server, own_server
from .theme_data import IdeaFile, load
from .theme_desk import room, send_idea
from .theme_hall import HallOptions, hall

now = time.perf_counter
TARGETS = {
    "top1": 0.85,
    "top3": 0.97,
    "ari": 0.5,
    "suggest_p95_ms": 300.0,
    "groups_1000_s": 2.0,
    "burst_ratio": 1.10,
}


@dataclass
class Settings:
    file: Path | None = None
    names: Path | None = None
    seeds: int = 5
    tables: int = 10
    scale: int = 1000
    timeout: float = 30.0
    hall: bool = False
    hall_opts: HallOptions = field(default_factory=HallOptions)
    url: str | None = None
    admin_token: str | None = None
    redis_url: str | None = None
    server_pids: list[int] = field(default_factory=list)
    workers: int = 1
    out: Path | None = None
    progress: bool = True
    note: str = ""


# --- the measurements --------------------------------------------------------------------


async def warm_up(target: Target, data: IdeaFile, timeout: float) -> dict[str, Any]:
    """A few ideas in a meeting of their own before anything is timed: a server just
    started is still loading the encoder in its workers."""
    seconds, ids = [], []
    async with room(target, 2, "warm-up") as hall_:
        for n, labelled in enumerate(data.ideas[:4]):
            sent = await send_idea(hall_.tablets[n % 2], f"w{n}", labelled.text)
            if sent.idea is not None:
                ids.append(sent.idea)
                found = await hall_.desk.suggestion(sent.idea, max(timeout, 60.0))
                seconds.append(None if found is None else round(found.t - sent.t_ack, 3))
        took, _ = await replay.propose(hall_, ids, None)  # loads the grouping code too
    return {"suggestion_seconds": seconds, "groupings_seconds": round(took, 3)}


async def online(target: Target, data: IdeaFile, s: Settings, console: Console) -> dict[str, Any]:
    """Every seed, with the team's names and (when they differ) with the tags as names."""
    variants = {"names": data}
    if data.names:
        variants["tags"] = data.with_tags_as_names()
    out: dict[str, Any] = {}
    for variant, labelled in variants.items():
        seeds, pooled = [], []
        for seed in range(1, s.seeds + 1):
            steps, facts = await replay.online(
                target, labelled, seed, tables=s.tables, timeout=s.timeout,
                group=variant == "names",
            )  # fmt: skip
            scored = replay.scores(steps)
            seeds.append({"seed": seed, **scored, **facts, "steps": replay.steps_json(steps)})
            pooled += steps
            console.print(
                f"  online ({variant}) seed {seed}: top-1 {scored['top1']}, top-3 "
                f"{scored['top3']} (baseline {scored['baseline_top1']} / "
                f"{scored['baseline_top3']}), suggestions p95 {scored['suggest_ms'].get('p95')} ms"
            )
        out[variant] = {"pooled": replay.scores(pooled), "seeds": seeds}
    out["groupings"] = groupings_figures(data, out["names"]["seeds"])
    return out


def groupings_figures(data: IdeaFile, seeds: list[dict[str, Any]]) -> dict[str, Any]:
    """The server's groups of each seed's meeting, and the baseline's of the same ideas."""
    k = len(data.tags)
    engine: dict[str, list[Any]] = {"auto": [], "k": []}
    base: dict[str, list[Any]] = {"auto": [], "k": []}
    for seed in seeds:
        order = replay.shuffled(data, seed["seed"])
        texts, tags = [i.text for i in order], [i.theme for i in order]
        b = replay.baseline_groupings(texts, tags, k)
        for name in ("auto", "k"):
            engine[name].append(seed["groupings"][name])
            base[name].append(b[name])

    def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "ari_mean": replay.mean([r["ari"] for r in rows]),
            "ari": [r["ari"] for r in rows],
            "groups": [r["groups"] for r in rows],
            "ms": summary_ms(r["seconds"] for r in rows),
        }

    return {
        "labelled_themes": k,
        "engine": {name: summary(rows) for name, rows in engine.items()},
        "baseline": {name: summary(rows) for name, rows in base.items()},
    }


async def measure(target: Target, data: IdeaFile, s: Settings, console: Console) -> dict[str, Any]:
    """Everything the settings ask for, against `target`; the body of themes.json."""
    out_dir = s.out or Path("results") / time.strftime("%Y%m%d-%H%M%S")
    out_dir.mkdir(parents=True, exist_ok=True)
    body: dict[str, Any] = {
        "title": "Prachakhom theme engine benchmark",
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "file": data.path,
        "ideas": len(data.ideas),
        "themes": {tag: data.name(tag) for tag in data.tags},
        "settings": _plain(asdict(s) | {"hall_opts": asdict(s.hall_opts)}),
        "server": {"base_url": target.base_url, **target.about},
        "code": code_state(),
        "note": s.note,
    }
    sampler = ProcessSampler(
        {"server": target.server_pids, "valkey": target.valkey_pids, "loadgen": this_process}
    )
    sampler.start()
    spans: dict[str, tuple[float, float]] = {}
    try:
        console.print("warm-up")
        body["warm_up"] = await warm_up(target, data, s.timeout)
        if s.seeds:
            console.print(f"online: {s.seeds} seeds of {len(data.ideas)} ideas")
            started = now()
            body["online"] = await online(target, data, s, console)
            spans["online"] = (started, now())
        if s.scale:
            console.print(f"groupings of {s.scale:,} ideas")
            started = now()
            body["scale"] = await replay.scale(
                target, data, s.scale, seed=1, timeout=max(s.timeout, 180)
            )
            spans["scale"] = (started, now())
    finally:
        await sampler.stop()  # the hall samples for itself
    body["machine"] = {
        "cores": os.cpu_count(),
        "load_avg": os.getloadavg(),
        "cpu_percent_of_a_core": {name: sampler.between(*span) for name, span in spans.items()},
        "note": "others: processes that are not this run's (other people's work)",
    }
    if s.hall:
        h = s.hall_opts
        console.print(
            f"hall: {h.ideas:,} ideas from {h.tablets} tablets over {h.seconds:g} s, "
            f"{h.voters:,} voters"
        )
        body["hall"] = await hall(target, data, h, out_dir, console)
    body["targets"] = targets(body)
    (out_dir / "themes.json").write_bytes(
        orjson.dumps(body, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    )
    body["out"] = str(out_dir)
    return body


def code_state() -> dict[str, Any]:
    """The commit this tree is on and the server's files changed since (our own server runs
    this tree: a figure belongs to the code it was measured on)."""
    root = Path(__file__).parents[1]

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout.rstrip()

    changed = git("status", "--porcelain", "--", "server")
    return {
        "commit": git("rev-parse", "--short", "HEAD").strip() or None,
        "server_files_changed": [line[3:] for line in changed.splitlines()],
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# --- the targets and the summary ---------------------------------------------------------


def _at_least(value: float | None, floor: float) -> bool | None:
    return None if value is None else value >= floor


def _at_most(value: float | None, ceiling: float) -> bool | None:
    return None if value is None else value <= ceiling


def targets(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets beside the engine's figures and the baseline's (not asserts)."""
    rows: list[dict[str, Any]] = []

    def row(figure: str, target: str, engine: Any, baseline: Any = None, met: Any = None) -> None:
        rows.append(
            {"figure": figure, "target": target, "engine": engine, "baseline": baseline, "met": met}
        )

    online_ = body.get("online", {})
    for variant, says in (("names", "team's names"), ("tags", "tags as names")):
        if variant not in online_:
            continue
        p = online_[variant]["pooled"]
        row(
            f"online top-1, {says}",
            ">= 0.85",
            p["top1"],
            p["baseline_top1"],
            _at_least(p["top1"], TARGETS["top1"]),
        )
        row(
            f"online top-3, {says}",
            ">= 0.97",
            p["top3"],
            p["baseline_top3"],
            _at_least(p["top3"], TARGETS["top3"]),
        )
        row(
            "  ideas scored / new theme / no suggestion",
            "",
            f"{p['scored']} / {p['new_theme']} / {p['no_suggestion']}",
        )
    if "names" in online_:
        ms = online_["names"]["pooled"]["suggest_ms"]
        row(
            "suggestion ms, one idea at a time, p50 / p95",
            "p95 <= 300",
            f"{ms.get('p50')} / {ms.get('p95')}",
            None,
            _at_most(ms.get("p95"), 300),
        )
        g = online_["groupings"]
        for name, says in (("auto", "server's k"), ("k", f"k = {g['labelled_themes']}")):
            e, b = g["engine"][name], g["baseline"][name]
            row(
                f"groupings ARI, {says}",
                ">= 0.5",
                e["ari_mean"],
                b["ari_mean"],
                _at_least(e["ari_mean"], TARGETS["ari"]),
            )
        took = g["engine"]["auto"]["ms"]
        row(
            f"  groupings of {body['ideas']} ideas, ms p50 / max",
            "",
            f"{took.get('p50')} / {took.get('max')}",
        )
    scale = body.get("scale")
    if scale:
        row(
            f"groupings of {scale['ideas']:,} ideas, slowest call, s",
            "<= 2",
            scale["seconds_max"],
            None,
            _at_most(scale["seconds_max"], TARGETS["groups_1000_s"]),
        )
    h = body.get("hall")
    if h:
        ideas = h["ideas"]
        ms = ideas["suggest_ms"]
        row(
            f"hall: suggestion ms p50 / p95 / p99 ({ideas['acked']:,} ideas)",
            "p95 <= 300",
            f"{ms.get('p50')} / {ms.get('p95')} / {ms.get('p99')}",
            None,
            _at_most(ms.get("p95"), 300),
        )
        row("hall: share of ideas with suggestions", "", ideas["suggested_share"])
        others = h.get("cpu_during_ideas", {}).get("others", {}).get("cpu_mean")
        row("  others' CPU during the ideas, % of a core", "", _percent(others))
        cpu = h.get("server_cpu_split", {})
        if cpu:
            row(
                "hall: server CPU, % of a core: serving / workers",
                "",
                f"{cpu['main_percent']} / {cpu['workers_percent']}",
            )
        burst = h.get("burst")
        if burst:
            what = "ideas + export" if h["options"]["export"] else "ideas, no export"
            row(
                f"hall: ballot ack p99 ms, alone / with {what}",
                "within 10 %",
                f"{burst['median_alone']} / {burst['median_with']} (x{burst['ratio']})",
                None,
                _at_most(burst["ratio"], TARGETS["burst_ratio"]),
            )
    for span, figures in body.get("machine", {}).get("cpu_percent_of_a_core", {}).items():
        others = figures.get("others", {}).get("cpu_mean")
        row(f"  others' CPU during {span}, % of a core", "", _percent(others))
    return rows


def _percent(value: float | None) -> str | None:
    return None if value is None else f"{value:.1f}"


def summary(console: Console, body: dict[str, Any]) -> None:
    table = Table(
        title=f"{body['title']}: {body['ideas']} labelled ideas, {len(body['themes'])} themes"
    )
    for column in ("figure", "target", "engine", "baseline (TF-IDF)", "met"):
        table.add_column(column)
    for r in body["targets"]:
        met = {True: "[green]yes[/]", False: "[red]no[/]", None: ""}[r["met"]]
        table.add_row(r["figure"], r["target"], _shown(r["engine"]), _shown(r["baseline"]), met)
    console.print(table)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:,.1f}"
    return str(value)


# --- the command -------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m loadtest.themes",
        description="Measure the theme engine with a labelled idea file (default: the Phayao "
        "ideas with the shipped team's names) against a Prachakhom server; writes "
        "results/<time>/themes.json.",
    )
    p.add_argument("file", nargs="?", type=Path, help='{"ideas": [{"text", "theme"}], "names"?}')
    p.add_argument("--names", type=Path, help="a JSON map tag -> the theme's name")
    p.add_argument("--seeds", type=int, default=5, help="online replays, one meeting each (5)")
    p.add_argument("--tables", type=int, default=10, help="tablets the ideas come from (10)")
    p.add_argument("--scale", type=int, default=1000, help="ideas for the scale check (0: none)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for suggestions")
    p.add_argument("--hall", action="store_true", help="also the hall-scale run")
    p.add_argument("--hall-ideas", type=int, default=3000)
    p.add_argument("--hall-tablets", type=int, default=500)
    p.add_argument("--hall-seconds", type=float, default=150.0)
    p.add_argument("--voters", type=int, default=5000, help="phones voting in the hall (0: none)")
    p.add_argument("--screens", type=int, default=5, help="plenary screens in the hall")
    p.add_argument(
        "--rounds-alone", type=int, default=3, help="ballot bursts before the ideas, and after (3)"
    )
    p.add_argument(
        "--rounds-with", type=int, default=5, help="ballot bursts during the ideas, with an export"
    )
    p.add_argument(
        "--no-hall-export",
        dest="hall_export",
        action="store_false",
        help="no export in the bursts during the ideas (to tell the two loads apart)",
    )
    p.add_argument("--url", help="a running server (http://host:port); default: start our own")
    p.add_argument("--admin-token", help="its admin token (with --url)")
    p.add_argument("--redis-url", help="its Redis (with --url): the hall's ledger check")
    p.add_argument("--server-pid", dest="server_pids", type=int, action="append", default=[])
    p.add_argument("--workers", type=int, default=1, help="server processes (our own server)")
    p.add_argument("--seed", type=int, default=1, help="the hall's seed")
    p.add_argument("--out", type=Path, help="results folder (default results/<time>/)")
    p.add_argument("--quiet", dest="progress", action="store_false", help="no progress bar")
    p.add_argument("--note", default="", help="a note on the machine's state, kept in the JSON")
    return p


def settings_of(args: argparse.Namespace) -> Settings:
    return Settings(
        file=args.file,
        names=args.names,
        seeds=args.seeds,
        tables=args.tables,
        scale=args.scale,
        timeout=args.timeout,
        hall=args.hall,
        hall_opts=HallOptions(
            ideas=args.hall_ideas,
            tablets=args.hall_tablets,
            seconds=args.hall_seconds,
            voters=args.voters,
            screens=args.screens,
            seed=args.seed,
            timeout=args.timeout,
            rounds_alone=args.rounds_alone,
            rounds_with=args.rounds_with,
            export=args.hall_export,
            progress=args.progress,
        ),
        url=args.url,
        admin_token=args.admin_token,
        redis_url=args.redis_url,
        server_pids=args.server_pids,
        workers=args.workers,
        out=args.out,
        progress=args.progress,
        note=args.note,
    )


async def run(s: Settings, console: Console) -> dict[str, Any]:
    data = load(s.file, s.names)
    s.out = s.out or Path("results") / time.strftime("%Y%m%d-%H%M%S")
    s.out.mkdir(parents=True, exist_ok=True)
    async with contextlib.AsyncExitStack() as stack:
        if s.url:
            if not s.admin_token:
                raise SystemExit("--url needs --admin-token")
            target = await given_server(s.url, s.admin_token, s.redis_url, s.server_pids)
        else:
            target = await stack.enter_async_context(
                own_server(workers=s.workers, log_path=s.out / "server.log")
            )
        return await measure(target, data, s, console)


def main(argv: list[str] | None = None) -> int:
    s = settings_of(parser().parse_args(argv))
    raise_open_files()
    console = Console(stderr=True)
    try:
        import uvloop

        body = uvloop.run(run(s, console))
    except ImportError:
        body = asyncio.run(run(s, console))
    summary(Console(width=max(Console().width, 120)), body)
    print(f"results: {body['out']}/themes.json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
