"""python -m loadtest: simulate a town meeting against a Prachakhom server (loadtest/README.md)."""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
from pathlib import Path

from rich.console import Console

from . import report
from .run import Options, run


def raise_open_files() -> int:
    """Thousands of sockets need thousands of file descriptors: raise the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 1_048_576
    if soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):
            return soft
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m loadtest",
        description="Simulate a town meeting (the Phayao forum by default) against a Prachakhom "
        "server, measure it, check the books, and write results/<time>/.",
    )
    p.add_argument("--url", help="a running server (http://host:port); default: start our own")
    p.add_argument("--admin-token", help="its admin token (with --url)")
    p.add_argument("--redis-url", help="its Redis (with --url): commandstats and the ledger")
    p.add_argument(
        "--server-pid",
        dest="server_pids",
        metavar="PID",
        type=int,
        action="append",
        default=[],
        help="its pid (with --url; repeatable): CPU and RSS by psutil",
    )
    p.add_argument("--scenario", type=Path, help="a scenario file (default: the Phayao forum)")
    p.add_argument("--participants", type=int, default=5000, help="phones (default 5000)")
    p.add_argument("--tablets", type=int, default=500, help="table tablets = tables (default 500)")
    p.add_argument("--screens", type=int, default=20, help="plenary screens (default 20)")
    p.add_argument(
        "--tablet-seats",
        type=int,
        default=1,
        help="seats per table voted from the tablet (default 1)",
    )
    p.add_argument("--workers", type=int, default=1, help="server processes (our own server)")
    p.add_argument(
        "--cluster",
        type=int,
        default=0,
        metavar="N",
        help="our own server on a local Valkey Cluster of N primaries, a replica each",
    )
    p.add_argument(
        "--durability",
        choices=["auto", "replica", "fsync", "os"],
        default="fsync",
        help="our own server's durability (default fsync; auto with --cluster waits for a "
        "replica's fsync too)",
    )
    p.add_argument(
        "--msgpack",
        type=float,
        default=0.5,
        help="share of clients speaking MessagePack, the rest JSON (default 0.5)",
    )
    p.add_argument(
        "--burst-seconds",
        type=float,
        default=2.0,
        help="most votes arrive within this many seconds of opening (default 2)",
    )
    p.add_argument("--changes", type=float, default=0.10, help="share who change their vote")
    p.add_argument("--resends", type=float, default=0.03, help="share who resend the same id")
    p.add_argument(
        "--reconnects",
        type=float,
        default=0.02,
        help="share of phones whose socket drops right after voting",
    )
    p.add_argument("--questions", type=int, help="vote on only the first N questions")
    p.add_argument(
        "--sustain",
        type=float,
        default=10.0,
        help="seconds of closed-loop vote changes on the last question (default 10)",
    )
    p.add_argument("--pause", type=float, default=0.5, help="seconds between questions")
    p.add_argument(
        "--ceiling",
        choices=["both", "start", "end", "off"],
        default="both",
        help="measure the echo and Redis ceiling before the meeting, after it, or both "
        "(default; the better is compared with)",
    )
    p.add_argument(
        "--no-ceiling", dest="ceiling", action="store_const", const="off", help="--ceiling off"
    )
    p.add_argument(
        "--no-demographics",
        dest="demographics",
        action="store_false",
        help="skip the demographic questions",
    )
    p.add_argument(
        "--py-spy",
        action="store_true",
        help="profile the server and the load generator with py-spy during the sustained phase",
    )
    p.add_argument(
        "--organiser-reads",
        action="store_true",
        help="in every round the organiser takes the audit and the JSON export while the "
        "hall votes (both must add up; their seconds are reported)",
    )
    p.add_argument("--echo-seconds", type=float, help="closed-loop echo seconds (default: sustain)")
    p.add_argument("--out", type=Path, help="results folder (default results/<timestamp>/)")
    p.add_argument("--no-plot", dest="plot", action="store_false")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--quiet", dest="progress", action="store_false", help="no progress bar")
    p.add_argument("--ack-timeout", type=float, default=30.0)
    p.add_argument("--connect-concurrency", type=int, default=200)
    p.add_argument("--note", default="", help="a note on the machine's state, kept in the report")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    opts = Options(**vars(args))
    limit = raise_open_files()
    needed = opts.participants + opts.tablets + opts.screens + 100
    console = Console(stderr=True)
    if limit < needed:
        console.print(f"[yellow]open-file limit {limit} is below the {needed} sockets wanted[/]")
    try:
        import uvloop

        body = uvloop.run(run(opts, console=console))
    except ImportError:
        body = asyncio.run(run(opts, console=console))
    report.summary(Console(), body)
    print(f"results: {body['out']}/", file=sys.stderr)
    return 0 if body["books"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
