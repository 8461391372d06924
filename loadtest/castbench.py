"""Microbenchmark of the ballot script: `Store.cast_many` against a fresh embedded Valkey.

    .venv/bin/python -m loadtest.castbench [--ballots 20000] [--batch 10 100 500] [--repeat 5]

For each case (new voters / every voter replacing their ballot; a one-key contribution /
a five-key Borda one) and batch size, it reports Redis's own time per ballot (INFO
commandstats: EVALSHA µs / ballots) and this process's CPU per ballot (building the
call and reading the replies), best of `--repeat` runs, and Valkey's CPU per ballot
(getrusage via INFO cpu: robust to a busy machine, but it counts the sockets and the
AOF too). No sockets, no server: the
figures isolate the script from the rest of the vote path.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from prachakhom.store import embedded, keys
from prachakhom.store.store import Cast, Store, record
from prachakhom.web.app import connect_redis

OPTIONS = ["a", "b", "c", "d", "e"]


def contribution(kind: str, i: int) -> tuple[Any, dict[str, int]]:
    if kind == "single":
        choice = OPTIONS[i % 5]
        return choice, {choice: 1}
    order = OPTIONS[i % 5 :] + OPTIONS[: i % 5]
    return order, {o: 5 - place for place, o in enumerate(order)}


def make_cast(meeting: str, q: str, n: int, voter: int, kind: str) -> Cast:
    answer, contrib = contribution(kind, n)
    table = voter // 10 + 1
    return Cast(
        meeting=meeting,
        question=q,
        ballot_id=f"b{n}",
        voter=keys.seat_voter(table, voter % 10 + 1),
        table=table,
        weight=1,
        record=record(answer, contrib, 1, table),
    )


async def redis_usec(store: Store) -> tuple[float, float]:
    """EVALSHA's time in commandstats (Redis's clock: a descheduled Valkey inflates it)
    and Valkey's CPU time (getrusage, all of it: sockets and AOF too), both in µs."""
    stats = await store.redis.info("commandstats")
    cpu = await store.redis.info("cpu")
    evalsha = float(stats.get("cmdstat_evalsha", {"usec": 0})["usec"])
    return evalsha, (float(cpu["used_cpu_sys"]) + float(cpu["used_cpu_user"])) * 1e6


async def one_case(store: Store, meeting: str, case: str, kind: str, ballots: int, batch: int):
    q = f"{case}-{kind}-{batch}-{time.monotonic_ns()}"
    await store.redis.hset(keys.question_state(meeting), q, "open")
    voters = ballots if case == "new" else ballots // 2
    casts = [make_cast(meeting, q, n, n % voters, kind) for n in range(ballots)]
    if case == "replace":  # the first half is stored first, untimed
        for start in range(0, voters, batch):
            await store.cast_many(casts[start : min(start + batch, voters)])
        casts = casts[voters:]
    usec0, valkey0 = await redis_usec(store)
    cpu0 = time.process_time()
    outcomes: list[str] = []
    for start in range(0, len(casts), batch):
        outcomes += await store.cast_many(casts[start : start + batch])
    cpu = time.process_time() - cpu0
    usec1, valkey1 = await redis_usec(store)
    want = "counted" if case == "new" else "replaced"
    assert outcomes == [want] * len(casts), set(outcomes)
    n = len(casts)
    return (usec1 - usec0) / n, (valkey1 - valkey0) / n, cpu * 1e6 / n


async def main(opts: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = embedded.start(Path(tmp), fsync_always=opts.durability == "fsync")
        redis = connect_redis(server.url)
        store = Store(redis, durability=opts.durability)
        try:
            head = ("case", "kind", "batch", "EVALSHA µs", "Valkey CPU µs", "client CPU µs")
            print("{:<8} {:<7} {:>5}  {:>10}  {:>13}  {:>13}".format(*head))
            for case in ("new", "replace"):
                for kind in ("single", "ranked"):
                    for batch in opts.batch:
                        runs = [
                            await one_case(store, "bench", case, kind, opts.ballots, batch)
                            for _ in range(opts.repeat)
                        ]
                        best = [min(run[i] for run in runs) for i in range(3)]
                        print(
                            f"{case:<8} {kind:<7} {batch:>5}  {best[0]:>10.2f}  "
                            f"{best[1]:>13.2f}  {best[2]:>13.1f}"
                        )
        finally:
            await redis.aclose()
            embedded.stop(server)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=20000)
    parser.add_argument("--batch", type=int, nargs="+", default=[10, 100, 500])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--durability", choices=("fsync", "os"), default="fsync")
    asyncio.run(main(parser.parse_args()))
