"""Every kind of the demo forum through the socket, then methods, breakdowns, sites and
the pre/post comparison through the results API."""

from __future__ import annotations

import msgspec
import pytest

from prachakhom.cli.client import Api, Client, ClientError
from prachakhom.core.methods.compare import compare
from prachakhom.core.questions import parse_question
from prachakhom.core.resulttypes import Breakdown, Results

from .conftest import Running, demo_body

# 12 voters: tables 1 (site muang) and 31 (site chiangkham), seats 1..6
VOTERS = [(t, s) for t in (1, 31) for s in range(1, 7)]


def answers_for(i: int, table: int) -> dict[str, object]:
    return {
        "sector": "public" if i < 7 else "civil",
        "age": ["u25", "25-39", "40-59", "60+"][i % 4],
        "district": "mueang" if table == 1 else "chiangkham",
        "pre": 2 + i % 2,  # 2 or 3
        "post": 4 + i % 2,  # everyone moves up by 2
        "iap2": "involve" if i % 3 else "empower",
        "priorities": ["ems1669", "bedridden", "haze"] if i % 2 else ["haze", "ems1669"],
        "dots": {"vhv": 3, "clinic": 2} if i % 2 else {"ambulance": 5},
        "budget": ["vhv", "clinic", "masks"] if i % 2 else ["ambulance", "hotline"],
        "worth": ["heard", "learned"] if i % 2 else ["trust"],
    }


@pytest.fixture
async def forum(server: Running, admin: Api):
    created = await admin.create_meeting(demo_body())
    m = created["id"]
    async with Api(server.base, created["organiser"]) as organiser:
        for q in created["questions"]:
            await organiser.open(m, q["id"])
        yield m, organiser, created


async def test_every_kind_end_to_end(server: Running, forum) -> None:
    m, organiser, created = forum
    worth = next(q for q in created["questions"] if q["id"] == "worth")
    assert {o["id"] for o in worth["options"]} >= {"heard", "learned"}
    tablets: dict[int, Client] = {}
    async with Api(server.base) as anyone:
        for table in (1, 31):
            joined = await anyone.join(created["codes"]["tables"][str(table)])
            tablets[table] = Client(server.ws, joined["token"])
            await tablets[table].connect()
    for i, (table, seat) in enumerate(VOTERS, start=1):
        for question, answer in answers_for(i, table).items():
            ack = await tablets[table].cast(question, answer, seat=seat)
            assert ack["status"] == "counted", (question, ack)

    pre = await organiser.results(m, "pre")
    assert pre["histogram"] == {"1": 0, "2": 6, "3": 6, "4": 0, "5": 0}
    assert pre["mean"] == 2.5 and pre["voters"] == 12

    borda = await organiser.results(m, "priorities")
    scores = {r["option"]: r["score"] for r in borda["ranking"]}
    # odd voters (6): ems 3, bedridden 2, haze 1; even voters (6): haze 3, ems 2
    assert scores["ems1669"] == 6 * 3 + 6 * 2 and scores["haze"] == 6 * 1 + 6 * 3
    assert scores["bedridden"] == 12 and borda["method"] == "borda"
    irv = await organiser.results(m, "priorities", method="irv")
    assert irv["method"] == "irv" and irv["rounds"]
    schulze = await organiser.results(m, "priorities", method="schulze")
    assert schulze["method"] == "schulze" and schulze["ranking"][0]["option"] == "ems1669"
    with pytest.raises(ClientError) as wrong:
        await organiser.results(m, "iap2", method="schulze")
    assert wrong.value.code == "bad_message"

    budget = await organiser.results(m, "budget")
    assert budget["spent"] <= budget["budget"] and budget["funded"]
    dots = await organiser.results(m, "dots")
    assert {r["option"]: r["score"] for r in dots["ranking"]}["ambulance"] == 30

    by_sector = await organiser.results(m, "iap2", by="sector")
    groups = {g["group"]: g for g in by_sector["groups"]}
    assert groups["public"]["voters"] == 6 and groups["civil"]["voters"] == 6
    assert groups["business"]["suppressed"] is True and "results" not in groups["business"]
    public = {r["option"]: r["score"] for r in groups["public"]["results"]["ranking"]}
    assert public == {"inform": 0, "consult": 0, "involve": 4, "collaborate": 0, "empower": 2}
    assert by_sector["all"]["voters"] == 12

    site = await organiser.results(m, "iap2", site="chiangkham")
    assert site["voters"] == 6 and site["all"]["voters"] == 12 and site["tables_total"] == 20

    post = await organiser.results(m, "post")
    paired = post["compare"]["paired"]
    assert paired["voters"] == 12 and post["compare"]["shift"]["mean"] == 2.0
    assert paired["wilcoxon"]["p_value"] < 0.01
    # what the API answered is what core/resulttypes.py declares, field for field
    for answered in (pre, borda, irv, schulze, budget, dots, site, post):
        msgspec.convert(answered, Results, strict=True)
    msgspec.convert(by_sector, Breakdown, strict=True)
    for client in tablets.values():
        await client.close()


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("pre", 6),
        ("pre", "3"),
        ("pre", 2.5),
        ("iap2", "nope"),
        ("iap2", ["inform"]),
        ("priorities", ["haze", "haze"]),
        ("priorities", ["haze", "cpr", "ncd", "drugs"]),
        ("dots", {"vhv": 6}),
        ("dots", {"vhv": -1}),
        ("dots", {}),
        ("budget", ["ambulance", "clinic", "masks"]),
        ("budget", []),
        ("worth", ["heard", "learned", "met"]),
        ("sector", "martian"),
    ],
)
async def test_invalid_answers_change_nothing(server: Running, forum, question, answer) -> None:
    m, organiser, created = forum
    async with Api(server.base) as anyone:
        joined = await anyone.join(created["codes"]["seats"]["2"]["3"])
    client = Client(server.ws, joined["token"])
    await client.connect()
    with pytest.raises(ClientError) as refused:
        await client.cast(question, answer)
    assert refused.value.code == "invalid_answer" and refused.value.message
    audit = await organiser.audit(m)
    assert audit["ok"] and audit["ballots_in_ledger"] == 0
    await client.close()


async def test_the_comparison_follows_the_post_poll_as_votes_come(server: Running, forum) -> None:
    """The pre-poll is keyed once and kept while the post-poll moves on: after every new
    or changed post-poll ballot the comparison equals one computed afresh from what the
    voters gave."""
    m, organiser, created = forum
    questions = {q["id"]: parse_question(q) for q in created["questions"]}
    async with Api(server.base) as anyone:
        joined = await anyone.join(created["codes"]["tables"]["1"])
    tablet = Client(server.ws, joined["token"])
    await tablet.connect()
    try:
        pre = {f"1:{seat}": 1 + seat % 5 for seat in range(1, 7)}
        for voter, answer in pre.items():
            ack = await tablet.cast("pre", answer, seat=int(voter[2:]))
            assert ack["status"] == "counted", ack
        await organiser.close(m, "pre")
        post: dict[str, int] = {}
        steps = [(1, 5), (2, 3), (1, 2), (7, 4), (3, 3), (2, 1)]  # seat 7 has no pre-poll
        for seat, answer in steps:
            ack = await tablet.cast("post", answer, seat=seat)
            assert ack["status"] in ("counted", "replaced"), ack
            post[f"1:{seat}"] = answer
            shown = (await organiser.results(m, "post"))["compare"]
            expected = compare(questions["pre"], questions["post"], pre, post)
            assert shown == msgspec.to_builtins(expected) and shown["pre_question"] == "pre"
        assert shown["paired"]["voters"] == 3 and shown["post"]["voters"] == 4
    finally:
        await tablet.close()
