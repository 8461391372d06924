"""Property: whatever random script of casts, replacements, resends and shows of hands goes
through the real server, the live tallies equal the recount from the ledger (the audit)
and equal a model computed here from the script alone.

Hypothesis drives a sync test; the server and its Valkey connections live in one
long-lived event loop of their own (a module fixture), and each example runs its script
in that loop, in a fresh meeting with fresh sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prachakhom.cli.client import Api, Client, ClientError
from prachakhom.store import embedded

from .conftest import ADMIN, SMALL_MEETING, Running, make_settings, run_server

SEATS = 3
# (role, table, seat): two tablets and three phones; phone (1, 1) and tablet 1 share a voter
DEVICES = [
    ("facilitator", 1, None),
    ("facilitator", 2, None),
    ("participant", 1, 1),
    ("participant", 1, 2),
    ("participant", 2, 3),
]
SINGLE = ["a", "b", "c"]
MULTIPLE = ["x", "y", "z"]


@dataclass
class Harness:
    loop: asyncio.AbstractEventLoop
    server: Running
    admin: Api

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(asyncio.wait_for(coroutine, 60))


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    # A Valkey of its own without an fsync per write: this property is about counting, not
    # durability (test_embedded and test_multiprocess cover that), and fsyncs would make
    # each example's meeting set-up slow. No rate limit: the script sends at full speed.
    store = embedded.start(tmp_path_factory.mktemp("ledger-valkey"), fsync_always=False)
    config = make_settings(
        store,
        tmp_path_factory.mktemp("ledger"),
        durability="os",
        rate_per_second=1e6,
        rate_burst=10**6,
    )
    loop = asyncio.new_event_loop()
    server_cm = run_server(config)

    async def start() -> Harness:
        server = await server_cm.__aenter__()
        return Harness(loop, server, Api(server.base, ADMIN))

    harness = loop.run_until_complete(start())
    try:
        yield harness
    finally:

        async def stop() -> None:
            await harness.admin.http.aclose()
            await server_cm.__aexit__(None, None, None)

        loop.run_until_complete(stop())
        loop.close()
        embedded.stop(store)


@contextlib.asynccontextmanager
async def fresh_meeting(h: Harness) -> AsyncIterator[tuple[str, Api, list[Client]]]:
    """A meeting of its own for each example (so the audit stays small): a single and a
    multiple question open, one closed, and a socket for each of DEVICES."""
    body = copy.deepcopy(SMALL_MEETING) | {
        "tables": {"count": 2, "seats": SEATS},
        "sites": [],
        "questions": [
            {
                "id": "s",
                "kind": "single",
                "prompt": "หนึ่ง",
                "options": [{"id": o, "label": o} for o in SINGLE],
            },
            {
                "id": "m",
                "kind": "multiple",
                "prompt": "หลาย",
                "max_choices": 2,
                "options": [{"id": o, "label": o} for o in MULTIPLE],
            },
            {
                "id": "shut",
                "kind": "single",
                "prompt": "ปิดแล้ว",
                "options": [{"id": o, "label": o} for o in SINGLE],
            },
        ],
    }
    # the admin may do all the organiser does; one HTTP client for all examples (making
    # one costs tens of milliseconds)
    organiser = h.admin
    created = await organiser.create_meeting(body)
    m, codes = created["id"], created["codes"]
    for q in ("s", "m", "shut"):
        await organiser.open(m, q)
    await organiser.close(m, "shut")
    devices: list[Client] = []
    try:
        for role, table, seat in DEVICES:
            code = (
                codes["tables"][str(table)]
                if role == "facilitator"
                else codes["seats"][str(table)][str(seat)]
            )
            client = Client(h.server.ws, (await organiser.join(code))["token"])
            devices.append(client)
            await client.connect()
        yield m, organiser, devices
    finally:
        for client in devices:
            await client.close()


# --- the script ---------------------------------------------------------------------------


MULTIPLE_ANSWERS = [["x"], ["y"], ["z"], ["x", "y"], ["z", "x"], ["y", "z"]]


@st.composite
def ballot_op(draw: st.DrawFn) -> tuple:
    device = draw(st.integers(0, len(DEVICES) - 1))
    question = draw(st.sampled_from(["single", "multiple"] * 4 + ["shut"]))
    wrong = draw(st.integers(0, 9)) == 0  # now and then an answer the kind refuses
    if question == "multiple":
        answer: Any = (
            draw(st.sampled_from([["x", "x"], [], ["x", "y", "z"], "x"]))
            if wrong
            else draw(st.sampled_from(MULTIPLE_ANSWERS))
        )
    else:
        answer = "zz" if wrong else draw(st.sampled_from(SINGLE))
    role, _, own = DEVICES[device]
    if role == "facilitator":  # None now and then: refused, a tablet must name the seat
        seat = draw(st.sampled_from([1, 2, 3] * 3 + [None]))
    else:  # the last: not its own seat (refused)
        seat = draw(st.sampled_from([None, own] * 3 + [own % SEATS + 1]))
    return ("ballot", device, question, seat, answer)


@st.composite
def tally_op(draw: st.DrawFn) -> tuple:
    device = draw(st.sampled_from([0, 1]))
    question = draw(st.sampled_from(["single", "multiple"]))
    options = SINGLE if question == "single" else MULTIPLE
    # single: at most one hand per option keeps to the seats; multiple: up to all seats;
    # one more than the seats now and then (refused)
    most = 1 if question == "single" else SEATS
    counts = draw(st.dictionaries(st.sampled_from(options), st.integers(0, most), max_size=3))
    if counts and draw(st.integers(0, 9)) == 0:
        counts[next(iter(counts))] = SEATS + 1
    return ("tally", device, question, None, counts)


resend_op = st.tuples(st.just("resend"), st.integers(0, 10**6))
script = st.lists(
    st.one_of(ballot_op(), ballot_op(), ballot_op(), ballot_op(), tally_op(), resend_op),
    min_size=1,
    max_size=40,
)


@dataclass
class Step:
    device: int
    message: dict[str, Any]
    key: tuple[str, str] | None  # (question, voter) it may change; None: refused early


def steps_of(ops: list[tuple], questions: dict[str, str]) -> list[Step]:
    """Turn the drawn operations into messages; a resend repeats an earlier message."""
    steps: list[Step] = []
    for op in ops:
        if op[0] == "resend":
            if steps:
                earlier = steps[op[1] % len(steps)]
                steps.append(Step(earlier.device, dict(earlier.message), earlier.key))
            continue
        kind, device, question, seat, payload = op
        role, table, own = DEVICES[device]
        q = questions[question]
        message: dict[str, Any] = {"id": str(uuid.uuid4()), "question": q}
        if kind == "tally":
            message |= {"type": "table_tally", "counts": payload}
            key: tuple[str, str] | None = (q, f"table:{table}")
        else:
            message |= {"type": "ballot", "answer": payload}
            if seat is not None:
                message["seat"] = seat
            voter_seat = own if role == "participant" else seat
            refused = (role == "participant" and seat not in (None, own)) or voter_seat is None
            key = None if refused else (q, f"{table}:{voter_seat}")
        steps.append(Step(device, message, key))
    return steps


def rounds_of(steps: list[Step]) -> list[list[Step]]:
    """Consecutive steps sent together as long as no two touch the same voter or id: the
    outcome of a round then does not depend on the order the server takes them in."""
    rounds: list[list[Step]] = [[]]
    keys: set[Any] = set()
    for step in steps:
        mine = {("id", step.message["question"], step.message["id"]), step.key}
        if keys & (mine - {None}):
            rounds.append([])
            keys = set()
        rounds[-1].append(step)
        keys |= mine - {None}
    return rounds


# --- the model ----------------------------------------------------------------------------


@dataclass
class Model:
    questions: dict[str, str]  # kind -> question id
    current: dict[tuple[str, str], tuple[dict[str, int], int]] = field(default_factory=dict)
    first: dict[tuple[str, str], str] = field(default_factory=dict)  # (q, id) -> outcome

    def expect(self, step: Step) -> tuple[str, str | None]:
        """("ack", status) or ("error", code), and for a duplicate its first outcome."""
        m = step.message
        role, _, _ = DEVICES[step.device]
        kind = next(k for k, q in self.questions.items() if q == m["question"])
        if m["type"] == "ballot":
            if role == "participant" and step.key is None:
                return ("error", "forbidden"), None
            if step.key is None:
                return ("error", "bad_message"), None
            contribution = answer_contribution(kind, m["answer"])
            weight = 1
        else:
            contribution, weight = hands_contribution(kind, m["counts"])
        if contribution is None:
            return ("error", "invalid_answer"), None
        assert step.key is not None
        if (m["question"], m["id"]) in self.first:
            return ("ack", "duplicate"), self.first[(m["question"], m["id"])]
        if kind == "shut":
            return ("error", "question_not_open"), None
        status = "replaced" if step.key in self.current else "counted"
        self.current[step.key] = (contribution, weight)
        self.first[(m["question"], m["id"])] = status
        return ("ack", status), None

    def tally(self, q: str) -> tuple[dict[str, int], int]:
        total: dict[str, int] = defaultdict(int)
        voters = 0
        for (question, _), (contribution, weight) in self.current.items():
            if question == q:
                voters += weight
                for option, n in contribution.items():
                    total[option] += n
        return {o: n for o, n in total.items() if n}, voters


def answer_contribution(kind: str, answer: Any) -> dict[str, int] | None:
    if kind in ("single", "shut"):
        return {answer: 1} if answer in SINGLE else None
    if not isinstance(answer, list) or not answer or len(answer) > 2:
        return None
    if len(set(answer)) != len(answer):
        return None
    return dict.fromkeys(answer, 1) if set(answer) <= set(MULTIPLE) else None


def hands_contribution(kind: str, counts: dict[str, int]) -> tuple[dict[str, int] | None, int]:
    if kind == "single":
        voters = sum(counts.values())
        if voters > SEATS:
            return None, 0
    else:
        if any(n > SEATS for n in counts.values()):
            return None, 0
        voters = max(counts.values(), default=0)
    return {o: n for o, n in counts.items() if n}, voters


# --- the property -------------------------------------------------------------------------


async def play(h: Harness, ops: list[tuple]) -> None:
    questions = {"single": "s", "multiple": "m", "shut": "shut"}
    async with fresh_meeting(h) as (meeting, organiser, devices):
        model = Model(questions)
        for group in rounds_of(steps_of(ops, questions)):
            expected = [model.expect(step) for step in group]
            answers = await asyncio.gather(*(send(devices, step) for step in group))
            for step, (outcome, first), answer in zip(group, expected, answers, strict=True):
                assert answer[:2] == outcome, (step.message, answer)
                if outcome == ("ack", "duplicate"):
                    assert answer[2] == first, (step.message, answer)

        audit = await organiser.audit(meeting)
        assert audit["ok"], audit
        report = {r["question"]: r for r in audit["questions"]}
        assert audit["ballots_in_ledger"] == len(model.first)  # each accepted id once
        for kind, options in (("single", SINGLE), ("multiple", MULTIPLE)):
            q = questions[kind]
            row = report[q]
            assert row["match"] and row["recount"] == row["live"], row
            live, voters = model.tally(q)
            assert (row["live"], row["live_voters"]) == (live, voters), (kind, row)
            results = await organiser.results(meeting, q)
            assert results["voters"] == voters
            assert {r["option"]: r["score"] for r in results["ranking"]} == {
                o: live.get(o, 0) for o in options
            }
        assert (report["shut"]["live"], report["shut"]["live_voters"]) == ({}, 0)


async def send(devices: list[Client], step: Step) -> tuple[str, str, str | None]:
    try:
        ack = await devices[step.device].request(dict(step.message), timeout=20)
    except ClientError as exc:
        return ("error", exc.code, None)
    assert ack["type"] == "ack" and ack["id"] == step.message["id"], ack
    return ("ack", ack["status"], ack.get("first"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=script)
def test_live_tallies_equal_the_ledger_recount_and_the_model(
    harness: Harness, ops: list[tuple]
) -> None:
    harness.run(play(harness, ops))
