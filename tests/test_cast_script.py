"""The CAST script through `Store.cast_many`, against a model: any sequence of casts, cut
into batches of any size, leaves the outcomes, tallies, voters, tables, versions, stored
records and ledger that applying the casts one by one would."""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prachakhom.core import results
from prachakhom.core.records import Cast, record
from prachakhom.live.results_reader import ResultsReader
from prachakhom.store import embedded, keys, scripts
from prachakhom.store.store import Store
from prachakhom.store.wire import pack_commands
from prachakhom.web.app import connect_redis

OPEN = ("s", "t")
QUESTIONS = (*OPEN, "shut")
VOTERS = ("1:1", "1:2", "2:1", "table:1", "table:2")
KEYS = ("a", "b", "c", "-2", "1", "x.y+z")
ANSWERS = st.one_of(
    st.sampled_from(["a", ["a", "b"], {"a": 3}, 'say "hi" \\ }', "ตอบ", None]),
    st.text(max_size=8),
)
_meetings = itertools.count()


@st.composite
def casts(draw: st.DrawFn) -> dict[str, Any]:
    voter = draw(st.sampled_from(VOTERS))
    hands = voter.startswith("table:")
    return {
        "question": draw(st.sampled_from(QUESTIONS)),
        "id": draw(st.sampled_from([f"b{i}" for i in range(6)])),
        "voter": voter,
        "table": int(voter.split(":")[1 if hands else 0]),
        "weight": draw(st.integers(0, 3)) if hands else 1,
        "c": draw(st.dictionaries(st.sampled_from(KEYS), st.integers(0, 5), max_size=4)),
        "a": draw(ANSWERS),
        "legacy": draw(st.integers(0, 4)) == 0,  # the key order of older versions
    }


def stored(cast: dict[str, Any]) -> bytes:
    if cast["legacy"]:
        return orjson.dumps(
            {"a": cast["a"], "c": cast["c"], "w": cast["weight"], "t": cast["table"]}
        )
    return record(cast["a"], cast["c"], cast["weight"], cast["table"])


def as_cast(meeting: str, c: dict[str, Any]) -> Cast:
    return Cast(meeting, c["question"], c["id"], c["voter"], c["table"], c["weight"], stored(c))


@dataclass
class Model:
    ids: dict[tuple[str, str], str] = field(default_factory=dict)
    votes: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    tally: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    voters: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    tables: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    versions: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    ledger: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, counts: dict[str, int], key: str, delta: int) -> None:
        counts[key] = counts.get(key, 0) + delta

    def cast(self, c: dict[str, Any]) -> str:
        q, voter = c["question"], c["voter"]
        first = self.ids.get((q, c["id"]))
        if first:
            return f"dup:{first}"
        if q not in OPEN:
            return "not_open"
        old = self.votes.get((q, voter))
        status, delta = ("replaced", c["weight"] - old["w"]) if old else ("counted", c["weight"])
        for k, v in (old["c"] if old else {}).items():
            self.add(self.tally[q], k, -v)
        for k, v in c["c"].items():
            self.add(self.tally[q], k, v)
        self.votes[(q, voter)] = {"a": c["a"], "c": c["c"], "w": c["weight"], "t": c["table"]}
        self.ids[(q, c["id"])] = status
        self.voters[q] += delta
        self.add(self.tables[q], str(c["table"]), delta)
        self.versions[q] += 1
        self.ledger.append((c["id"], q, voter, status))
        return status


async def check(url: str, drawn: list[dict[str, Any]], cuts: list[int]) -> None:
    redis = connect_redis(url)
    store = Store(redis, durability="os")
    m = f"cast{next(_meetings)}"
    try:
        await redis.hset(
            keys.question_state(m), mapping={"s": "open", "t": "open", "shut": "closed"}
        )
        model = Model()
        want = [model.cast(c) for c in drawn]
        batch = [as_cast(m, c) for c in drawn]
        got: list[str] = []
        start = 0
        for size in [*cuts, len(batch)]:
            got += await store.cast_many(batch[start : start + size])
            start += size
            if start >= len(batch):
                break
        assert got == want
        for q in OPEN:
            read = (await store.read_tallies(m, [q]))[0]
            assert read.tally == {k: v for k, v in model.tally[q].items() if v}
            assert read.voters == model.voters[q]
            assert read.version == model.versions[q]
            tables = (await store.tables_voted(m, [q]))[q]
            assert tables == {int(t): n for t, n in model.tables[q].items() if n > 0}
            read = await store.ballots_at(m, q)
            assert read.records == {v: r for (mq, v), r in model.votes.items() if mq == q}
            assert read.version == model.versions[q]
        ledger = [(f["id"], f["q"], f["voter"], f["status"]) for _, f in await store.ledger(m)]
        assert ledger == model.ledger
    finally:
        await redis.aclose()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    drawn=st.lists(casts(), min_size=1, max_size=30),
    cuts=st.lists(st.integers(1, 12), max_size=6),
)
def test_any_batches_leave_what_one_by_one_would(
    valkey: embedded.Embedded, drawn: list[dict[str, Any]], cuts: list[int]
) -> None:
    asyncio.run(check(valkey.url, drawn, cuts))


async def test_the_script_is_loaded_again_after_a_flush(valkey: embedded.Embedded) -> None:
    redis = connect_redis(valkey.url)
    store = Store(redis, durability="fsync")
    try:
        await redis.hset(keys.question_state("flush"), "q", "open")
        one = Cast("flush", "q", "b1", "1:1", 1, 1, record("a", {"a": 1}, 1, 1))
        assert await store.cast_many([one]) == ["counted"]
        await redis.script_flush()
        two = Cast("flush", "q", "b2", "1:1", 1, 1, record("b", {"b": 1}, 1, 1))
        assert await store.cast_many([two, one]) == ["replaced", "dup:counted"]
        assert (await store.read_tallies("flush", ["q"]))[0].tally == {"b": 1}
        assert scripts.CAST  # the text the store loads
    finally:
        await redis.aclose()


async def test_records_are_read_again_only_when_the_version_moves(
    valkey: embedded.Embedded,
) -> None:
    """Screens ask for a comparison every tick: the records are kept per tally version."""
    redis = connect_redis(valkey.url)
    store = Store(redis, durability="os")
    reader = ResultsReader(store)
    try:
        await redis.hset(keys.question_state("kept"), "q", "open")
        cast = [
            Cast("kept", "q", f"b{i}", f"1:{i}", 1, 1, record(i, {"x": 1}, 1, 1)) for i in range(3)
        ]
        await store.cast_many(cast[:2])
        first = await reader.ballots("kept", "q")
        assert {v: r["a"] for v, r in first.items()} == {"1:0": 0, "1:1": 1}
        assert await reader.ballots("kept", "q") is first  # same version: kept
        assert await reader.ballots("kept", "q", 2) is first
        await store.cast_many([cast[2], cast[0]])  # one new, one resent: version 3
        assert await reader.ballots("kept", "q", 2) is first  # as the caller saw it
        reads = await full_reads(redis)
        now = await reader.ballots("kept", "q")
        assert await full_reads(redis) == reads  # brought up to date from the ledger
        assert now is not first and sorted(now) == ["1:0", "1:1", "1:2"]
        assert sorted(first) == ["1:0", "1:1"]  # what a caller holds is never changed
        assert results.seat_answers(now | {"table:1": record_of(5)}) == {
            "1:0": 0,
            "1:1": 1,
            "1:2": 2,
        }
    finally:
        await redis.aclose()


async def follow(url: str, batches: list[list[dict[str, Any]]], tail_most: int) -> None:
    """Kept records brought up to date from the ledger equal the stored ones after every
    batch: whatever else the ledger holds, and when the tail is longer than is read."""
    redis = connect_redis(url)
    store = Store(redis, durability="os")
    reader = ResultsReader(store, tail_most=tail_most)
    m = f"follow{next(_meetings)}"
    try:
        await redis.hset(
            keys.question_state(m), mapping={"s": "open", "t": "open", "shut": "closed"}
        )
        for n, drawn in enumerate(batches):
            await store.cast_many([as_cast(m, c) for c in drawn])
            if n % 2:  # a control event between ballots, as EMIT writes one
                await redis.xadd(keys.ledger(m), {"type": "state", "seq": n, "e": "{}"})
            for q in OPEN:
                assert await reader.ballots(m, q) == await store.all_ballots(m, q)
    finally:
        await redis.aclose()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    batches=st.lists(st.lists(casts(), max_size=8), min_size=1, max_size=6),
    tail_most=st.integers(1, 10),
)
def test_kept_records_follow_the_ledger(
    valkey: embedded.Embedded,
    batches: list[list[dict[str, Any]]],
    tail_most: int,
) -> None:
    asyncio.run(follow(valkey.url, batches, tail_most))


async def full_reads(redis: Any) -> int:
    return int((await redis.info("commandstats")).get("cmdstat_hgetall", {}).get("calls", 0))


def record_of(answer: Any) -> dict[str, Any]:
    return orjson.loads(record(answer, {"x": 1}, 1, 1))  # type: ignore[no-any-return]


@settings(deadline=None, database=None)
@given(
    st.lists(
        st.lists(st.text(max_size=8) | st.binary(max_size=8) | st.integers(-(2**63), 2**63)),
        min_size=1,
        max_size=4,
    )
)
def test_commands_are_packed_as_redis_py_packs_them(commands: list[list[Any]]) -> None:
    from redis.asyncio.connection import Connection

    commands = [["EVALSHA", *command] for command in commands]
    assert pack_commands(commands) == b"".join(Connection().pack_commands(commands))


async def test_replies_are_parsed_by_hiredis(valkey: embedded.Embedded) -> None:
    """The compiled RESP parser (pinned in pyproject) is the one in use: redis-py falls
    back to its pure-Python parser without a word, 5x slower on 5,000 records."""
    redis = connect_redis(valkey.url)
    try:
        connection = await redis.connection_pool.get_connection()
        assert type(connection._parser).__name__ == "_AsyncHiredisParser"
        await redis.connection_pool.release(connection)
    finally:
        await redis.aclose()
