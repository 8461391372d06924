"""What a run shows and leaves behind: a progress bar while it runs, a summary at the end,
results.json + series.json + plot.png in the results folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table


class Live:
    """One progress bar per phase, with a line of live figures beside it."""

    def __init__(self, console: Console, enabled: bool) -> None:
        self.progress = Progress(
            TextColumn("[bold]{task.description:<13}"),
            BarColumn(bar_width=16),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[stats]}"),
            console=console,
            disable=not enabled,
        )
        self.task: TaskID | None = None
        self.done = 0  # advanced cheaply per reply, shown by stats() a few times a second
        self.clock = False

    def __enter__(self) -> Live:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def phase(self, name: str, total: int, clock: bool = False) -> None:
        """A new bar; with clock=True it counts time (set `done`), not replies."""
        if self.task is not None:
            self.progress.update(self.task, completed=self.progress.tasks[-1].total)
        self.done = 0
        self.clock = clock
        self.task = self.progress.add_task(name, total=max(total, 1), stats="")

    def advance(self, n: int = 1) -> None:
        if not self.clock:
            self.done += n

    def stats(self, text: str) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=self.done, stats=text)


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return f"{value}{unit}"


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _signed(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+,.1f}"


def summary(console: Console, report: dict[str, Any]) -> None:
    table = Table(title="Prachakhom load test", show_edge=False, title_justify="left")
    table.add_column("figure")
    table.add_column("value", justify="right")
    conns = report["connections"]
    head = report.get("headline", {})
    rows = [
        ("connections held (max)", _fmt(conns.get("held_max"))),
        ("idle KiB per connection (server RSS)", _fmt(conns.get("idle_kib_per_connection"))),
        ("sustained ballots/s", _fmt(head.get("ballots_per_s"))),
        ("sustained echo msgs/s (same clients)", _fmt(head.get("echo_per_s"))),
        ("ballots/s as a fraction of echo", _share(head.get("fraction_of_echo"))),
        (
            "same, by CPU (echo µs/msg ÷ server µs/ballot)",
            f"{_share(head.get('cpu_fraction_of_echo'))} "
            f"({_fmt(head.get('echo_server_cpu_usec_per_message'))} ÷ "
            f"{_fmt(head.get('server_cpu_usec_per_ballot'))})",
        ),
    ]
    bursts = report.get("bursts_all", {})
    rows += [
        ("burst ack p99 ms, worst one-question round",
            _fmt(head.get("burst_ack_p99_one_question_ms"))),
        ("burst ack p50 / p99 / max ms, all rounds", "{} / {} / {}".format(
            *(_fmt(bursts.get("ack_ms", {}).get(k)) for k in ("p50", "p99", "max")))),
        ("echo's p99 ms, the same vote timing (floor)",
            _fmt(head.get("echo_timed_burst_p99_ms"))),
        ("vote-to-screen p50 / p99 ms", "{} / {}".format(
            *(_fmt(bursts.get("vote_to_screen_ms", {}).get(k)) for k in ("p50", "p99")))),
        ("worst screen final after last ack ms", _fmt(bursts.get("screen_final_ms_max"))),
        ("Redis µs per ballot (evalsha)", _fmt(report.get("redis", {}).get("usec_per_ballot"))),
        ("server CPU % (mean, bursts)", _fmt(report.get("resources", {}).get("bursts", {})
                                           .get("server", {}).get("cpu_mean"))),
        ("others' CPU % (machine busy-ness)", _fmt(report.get("machine", {}).get("others_cpu"))),
        *_reads_row(report.get("organiser_reads", [])),
        ("errors", _fmt(sum(report.get("errors", {}).values()))),
        ("books balance", "[green]yes[/green]" if report["books"]["ok"] else "[red]NO[/red]"),
    ]  # fmt: skip
    for row in rows:
        table.add_row(*row)
    console.print(table)
    for burst in report.get("bursts", []):
        console.print(
            f"  {burst['phase']:<14} {burst['ballots']:>6,} replies in {burst['seconds']:>5.2f} s"
            f"  ack p99 {_fmt(burst['ack_ms'].get('p99'))} ms"
            f"  screens final {_signed(burst.get('screen_final_ms_max'))} ms"
        )
    for problem in report["books"]["problems"]:
        console.print(f"  [red]books:[/red] {problem}")


def _reads_row(reads: list[dict[str, Any]]) -> list[tuple[str, str]]:
    if not reads:
        return []
    adds_up = all(r["audit_ok"] and r["export_ok"] for r in reads)
    return [
        (
            "organiser's audit / export mid-vote, worst s",
            f"{_fmt(max(r['audit_s'] for r in reads))} / "
            f"{_fmt(max(r['export_s'] for r in reads))}, "
            + ("add up" if adds_up else "[red]DO NOT ADD UP[/red]"),
        )
    ]


def write(out: Path, report: dict[str, Any], series: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    (out / "series.json").write_bytes(orjson.dumps(series))


def plot(path: Path, series: dict[str, Any], report: dict[str, Any]) -> None:
    """Throughput, latency and CPU over time, with the phases marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    replies, procs = series["replies"], series["processes"]
    fig, axes = plt.subplots(
        4, 1, figsize=(12, 11), sharex=True, gridspec_kw={"height_ratios": [3, 3, 1.3, 2.5]}
    )
    ax = axes[0]
    ax.plot(replies["t"], replies["replies_per_s"], lw=1, label="ballot replies/s")
    echo = report.get("headline", {}).get("echo_per_s")
    if echo:
        ax.axhline(echo, ls="--", color="tab:red", lw=1, label=f"echo ceiling {echo:,.0f}/s")
    ax.set_ylabel("per second")
    ax.legend(loc="upper left")
    ax.set_title(report.get("title", "Prachakhom load test"))

    ax = axes[1]
    ax.plot(replies["t"], replies["p50_ms"], lw=1, label="ack p50")
    ax.plot(replies["t"], replies["p99_ms"], lw=1, label="ack p99")
    finals = [
        (b["t_acked"], max(b["screen_final_ms_max"], 0.1))
        for b in [*report.get("bursts", []), report.get("sustained") or {}]
        if b.get("screen_final_ms_max") is not None
    ]
    if finals:
        ax.scatter(
            *zip(*finals, strict=True),
            marker="x",
            color="tab:red",
            label="worst screen final after last ack",
        )
    ax.set_yscale("log")
    ax.set_ylabel("ms")
    ax.legend(loc="upper left")

    ax = axes[2]
    held = series.get("held") or {"t": [], "held": []}
    ax.plot(held["t"], held["held"], lw=1, color="tab:gray")
    ax.set_ylabel("sockets held")

    ax = axes[3]
    for name in ("server", "valkey", "loadgen", "echo_server", "others"):
        values = procs.get(f"cpu_{name}")
        if values:
            ax.plot(procs["t"], values, lw=1, label=f"{name} CPU %")
    ax.set_ylabel("% of one core")
    ax.set_xlabel("seconds since start (others = processes not in this run)")
    ax.legend(loc="upper left")
    for a in axes:
        for t, label in series.get("marks", []):
            a.axvline(t, color="0.85", lw=0.8, zorder=0)
            if a is axes[0]:
                a.annotate(
                    label,
                    (t, 1),
                    xycoords=("data", "axes fraction"),
                    rotation=90,
                    fontsize=7,
                    va="top",
                    ha="right",
                    color="0.4",
                )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
