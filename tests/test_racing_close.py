"""Ballots racing the close of their question.

Several tablets fire a ballot for every seat at once while the organiser closes the
question (with a few close calls at once). A ballot counts only if the question was open
when it was written: an ack `counted`/`replaced` <=> the ballot is in the ledger after
the question's opening and before its close; `question_not_open` <=> it is nowhere in the
ledger or the tally. Repeated closes answer the same and change nothing.
"""

from __future__ import annotations

import asyncio
import copy
from collections import Counter
from typing import Any

import orjson

from prachakhom.cli.client import Api
from prachakhom.core import protocol

from .conftest import SMALL_MEETING, Running
from .wire import hello, raw_socket, reply, send, snapshot

TABLES, SEATS, ROUNDS = 6, 40, 3
CODECS = [protocol.JSON, protocol.MSGPACK]


def answer(rnd: int, table: int, seat: int) -> str:
    return "abc"[(rnd + table * seat) % 3]


def voter_of(ballot_id: str) -> tuple[int, int]:
    """(table, seat) of an id made by tablet_round: r<round>-t<table>-s<seat>."""
    _, table, seat = ballot_id.split("-")
    return int(table[1:]), int(seat[1:])


class Trigger(asyncio.Event):
    """Set once `after` acks have arrived, over all the tablets."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.left = after
        if after <= 0:
            self.set()

    def acked(self) -> None:
        self.left -= 1
        if self.left <= 0:
            self.set()


async def tablet_round(
    ws: Any, rnd: int, table: int, trigger: Trigger
) -> dict[str, dict[str, Any]]:
    """Send a ballot for every seat without waiting for answers, a few ms apart so that
    the close lands in the middle of the stream; collect every answer by id."""
    for seat in range(1, SEATS + 1):
        message = {
            "type": "ballot",
            "id": f"r{rnd}-t{table}-s{seat}",
            "question": "q1",
            "answer": answer(rnd, table, seat),
            "seat": seat,
        }
        await send(ws, message)
        await asyncio.sleep(0.003)
    answers: dict[str, dict[str, Any]] = {}
    while len(answers) < SEATS:
        got = await reply(ws, timeout=20)
        assert got["id"] not in answers, got
        answers[got["id"]] = got
        if got["type"] == "ack":
            trigger.acked()
    return answers


async def close_when(api: Api, m: str, trigger: asyncio.Event, calls: int) -> list[Any]:
    await trigger.wait()
    return await asyncio.gather(*(api.close(m, "q1") for _ in range(calls)))


def q1_windows(ledger: list[tuple[str, dict[str, str]]]) -> tuple[list[set[str]], list[str]]:
    """The ballot ids of q1 written in each open window (opened .. closed), in order, and
    those written while q1 was not open (must be none)."""
    windows: list[set[str]] = []
    outside: list[str] = []
    is_open = False
    for _, fields in ledger:
        kind = fields.get("type")
        if kind in ("question_opened", "question_closed"):
            if orjson.loads(fields["e"])["question"]["id"] == "q1":
                is_open = kind == "question_opened"
                if is_open:
                    windows.append(set())
        elif kind == "ballot" and fields["q"] == "q1":
            if is_open:
                windows[-1].add(fields["id"])
            else:
                outside.append(fields["id"])
    return windows, outside


async def test_ballots_racing_a_close_count_only_if_written_while_open(
    server: Running, admin: Api
) -> None:
    body = copy.deepcopy(SMALL_MEETING) | {
        "tables": {"count": TABLES, "seats": SEATS},
        "sites": [],
        "seat_codes": False,
    }
    created = await admin.create_meeting(body)
    m = created["id"]
    tokens = [
        (await admin.join(created["codes"]["tables"][str(t)]))["token"]
        for t in range(1, TABLES + 1)
    ]
    outcomes: list[dict[str, dict[str, Any]]] = []
    final: dict[tuple[int, int], str] = {}
    close_answers: list[list[Any]] = []
    for rnd in range(1, ROUNDS + 1):
        opened = await admin.open(m, "q1")
        assert opened["state"] == "open" and isinstance(opened["seq"], int)
        sockets = [raw_socket(server.ws, [CODECS[t % 2]]) for t in range(TABLES)]
        wss = [await s.__aenter__() for s in sockets]
        try:
            for ws, token in zip(wss, tokens, strict=True):
                await hello(ws, token)
            # the close goes out at the first ack, at once, or half way
            trigger = Trigger({1: 1, 2: 0, 3: TABLES * SEATS // 2}[rnd])
            *answers, closes = await asyncio.gather(
                *(tablet_round(ws, rnd, t, trigger) for t, ws in enumerate(wss, start=1)),
                close_when(admin, m, trigger, 3),
            )
            close_answers.append(closes)
            merged = {k: v for a in answers for k, v in a.items()}
            outcomes.append(merged)
            # after the close: a new ballot is refused, a resend of an acked one is not
            ws = wss[0]
            acked = [i for i, a in answers[0].items() if a["type"] == "ack"]
            late = {"type": "ballot", "id": f"late-{rnd}", "question": "q1", "answer": "a"}
            await send(ws, late | {"seat": 1})
            refused = await reply(ws)
            assert (refused["type"], refused["code"]) == ("error", "question_not_open")
            if acked:
                seat = voter_of(acked[0])[1]
                resend = late | {"id": acked[0], "answer": "b", "seat": seat}
                await send(ws, resend)
                again = await reply(ws)
                assert (again["type"], again["status"]) == ("ack", "duplicate"), again
        finally:
            for s in sockets:
                await s.__aexit__(None, None, None)
        for key, got in merged.items():
            if got["type"] == "ack":
                table, seat = voter_of(key)
                final[(table, seat)] = answer(rnd, table, seat)

    # the closes: exactly one per round made the event, the others changed nothing
    for closes in close_answers:
        seqs = [c["seq"] for c in closes]
        assert all(c["state"] == "closed" for c in closes)
        assert sum(isinstance(s, int) for s in seqs) == 1 and seqs.count(None) == 2, seqs

    ledger = await server.services.store.ledger(m)
    windows, outside = q1_windows(ledger)
    assert outside == []  # nothing was written for q1 while it was not open
    assert len(windows) == ROUNDS
    figures = []
    for rnd, (merged, written) in enumerate(zip(outcomes, windows, strict=True), start=1):
        statuses = Counter(
            a["status"] if a["type"] == "ack" else a["code"] for a in merged.values()
        )
        assert set(statuses) <= {"counted", "replaced", "question_not_open"}, statuses
        acked = {i for i, a in merged.items() if a["type"] == "ack"}
        refused = {i for i, a in merged.items() if a["type"] == "error"}
        assert acked == written, rnd  # acked <=> written while open
        assert not refused & {f["id"] for _, f in ledger if f.get("type") == "ballot"}
        figures.append(dict(statuses))
    print(f"\nracing close, per round: {figures}")
    # across the rounds the race went both ways
    total = Counter()
    for f in figures:
        total.update(f)
    assert total["question_not_open"] > 0 and total["counted"] + total["replaced"] > 0

    # the tally is the last acked ballot of every seat, and equals the ledger recount
    before = await snapshot(admin, m)
    expect = dict(Counter(final.values()))
    assert before["questions"]["q1"] == (expect, len(final))
    reads = []
    for _ in range(3):
        again = await admin.close(m, "q1")
        assert (again["state"], again["seq"]) == ("closed", None)
        reads.append(await admin.results(m, "q1"))
    assert reads[0] == reads[1] == reads[2]
    assert reads[0]["status"] == "closed" and reads[0]["voters"] == len(final)
    assert await snapshot(admin, m) == before  # not even a ledger entry was added
