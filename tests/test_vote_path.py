"""The whole path over real sockets: create, join, open, cast, ack, results, close."""

from __future__ import annotations

import uuid

import pytest

from prachakhom.cli.client import ClientError

from .conftest import Meeting


def is_results(question: str, **expect: object):
    def check(message: dict) -> bool:
        if message.get("event") != "results":
            return False
        results = message["results"]
        return results["question"] == question and all(
            results.get(k) == v for k, v in expect.items()
        )

    return check


async def test_create_join_cast_results_close(meeting: Meeting) -> None:
    m = meeting.organiser
    await m.open(meeting.id, "q1")
    await m.plenary(meeting.id, {"view": "question", "question": "q1", "reveal": True})
    screen = await meeting.display()
    tablet = await meeting.table(1)
    assert tablet.welcome["role"] == "facilitator" and tablet.welcome["table"] == 1
    assert [q["id"] for q in tablet.welcome["state"]["questions"]] == ["q1"]

    acks = [
        await tablet.cast("q1", answer, seat=seat)
        for seat, answer in [(1, "a"), (2, "b"), (3, "a")]
    ]
    assert [a["status"] for a in acks] == ["counted"] * 3

    event = await screen.wait_for(is_results("q1", voters=3))
    ranking = event["results"]["ranking"]
    assert [(r["option"], r["score"], r["rank"]) for r in ranking] == [
        ("a", 2, 1),
        ("b", 1, 2),
        ("c", 0, 3),
    ]
    assert event["results"]["tables_reporting"] == 1
    assert event["results"]["eligible"] == 20

    closed = await m.close(meeting.id, "q1")
    assert closed["state"] == "closed"
    await screen.wait_for(lambda e: e.get("event") == "question_closed")
    final = await screen.wait_for(is_results("q1", status="closed"))
    assert final["results"]["ranking"][0]["option"] == "a"
    with pytest.raises(ClientError) as refused:
        await tablet.cast("q1", "c", seat=4)
    assert refused.value.code == "question_not_open"
    results = await m.results(meeting.id, "q1")
    assert results["voters"] == 3 and results["status"] == "closed"
    for c in (screen, tablet):
        await c.close()


async def test_duplicate_id_never_counts_twice_and_replacement(meeting: Meeting) -> None:
    await meeting.organiser.open(meeting.id, "q1")
    phone = await meeting.seat(2, 3)
    ballot_id = str(uuid.uuid4())
    first = await phone.cast("q1", "a", id=ballot_id)
    again = await phone.cast("q1", "a", id=ballot_id)
    assert (first["status"], again["status"], again["first"]) == ("counted", "duplicate", "counted")
    changed = await phone.cast("q1", "b")
    assert changed["status"] == "replaced"
    # the same id resent after the change still changes nothing
    assert (await phone.cast("q1", "a", id=ballot_id))["status"] == "duplicate"
    results = await meeting.organiser.results(meeting.id, "q1")
    assert results["voters"] == 1
    assert {r["option"]: r["score"] for r in results["ranking"]} == {"a": 0, "b": 1, "c": 0}
    await phone.close()


async def test_seat_is_the_voter_whichever_device(meeting: Meeting) -> None:
    """A facilitator voting for seat 2 and the seat's own phone are the same voter."""
    await meeting.organiser.open(meeting.id, "q1")
    tablet, phone = await meeting.table(1), await meeting.seat(1, 2)
    assert (await tablet.cast("q1", "a", seat=2))["status"] == "counted"
    assert (await phone.cast("q1", "c"))["status"] == "replaced"
    results = await meeting.organiser.results(meeting.id, "q1")
    assert results["voters"] == 1 and results["ranking"][0]["option"] == "c"
    await tablet.close()
    await phone.close()


async def test_multiple_choice_and_show_of_hands(meeting: Meeting) -> None:
    m = meeting.organiser
    await m.open(meeting.id, "q1")
    await m.open(meeting.id, "q2")
    tablet = await meeting.table(3)
    assert (await tablet.cast("q2", ["x", "z"], seat=1))["status"] == "counted"
    tally = await tablet.table_tally("q1", {"a": 2, "b": 1})
    assert tally["status"] == "counted"
    again = await tablet.table_tally("q1", {"a": 1, "c": 3})
    assert again["status"] == "replaced"
    results = await m.results(meeting.id, "q1")
    assert {r["option"]: r["score"] for r in results["ranking"]} == {"a": 1, "b": 0, "c": 3}
    assert results["voters"] == 4
    with pytest.raises(ClientError) as too_many:
        await tablet.table_tally("q1", {"a": 6})
    assert too_many.value.code == "invalid_answer"
    q2 = await m.results(meeting.id, "q2")
    assert {r["option"]: r["score"] for r in q2["ranking"]} == {"x": 1, "y": 0, "z": 1}
    await tablet.close()


async def test_ideas_reach_the_theme_team(meeting: Meeting) -> None:
    theme = await meeting.client(meeting.codes["theme"])
    tablet = await meeting.table(2)
    ack = await tablet.idea("รถพยาบาลมาช้า หมู่บ้านอยู่ไกล", round="problems")
    assert ack["status"] == "counted"
    event = await theme.wait_for(lambda e: e.get("event") == "idea")
    assert event["idea"]["text"] == "รถพยาบาลมาช้า หมู่บ้านอยู่ไกล"
    assert event["idea"]["table"] == 2 and event["idea"]["site"] == "north"
    ideas = await meeting.organiser.ideas(meeting.id)
    assert [i["text"] for i in ideas["ideas"]] == ["รถพยาบาลมาช้า หมู่บ้านอยู่ไกล"]
    await theme.close()
    await tablet.close()


async def test_hidden_results_until_revealed(meeting: Meeting) -> None:
    m = meeting.organiser
    await m.open(meeting.id, "q1")
    await m.plenary(meeting.id, {"view": "question", "question": "q1", "reveal": False})
    screen = await meeting.display()
    (shown,) = screen.welcome["state"]["results"]
    assert shown["hidden"] is True and "ranking" not in shown
    tablet = await meeting.table(1)
    await tablet.cast("q1", "b", seat=1)
    hidden = await screen.wait_for(is_results("q1", voters=1))
    assert hidden["results"]["hidden"] is True and "ranking" not in hidden["results"]
    await m.plenary(meeting.id, {"view": "question", "question": "q1", "reveal": True})
    revealed = await screen.wait_for(
        lambda e: e.get("event") == "results" and "ranking" in e["results"]
    )
    assert revealed["results"]["ranking"][0]["option"] == "b"
    await screen.close()
    await tablet.close()


async def test_new_draft_reaches_organiser_only_and_bad_pair_is_refused(
    meeting: Meeting, server
) -> None:
    from prachakhom.cli.client import Api, Client

    console = Client(server.ws, meeting.organiser.http.headers["authorization"][7:])
    await console.connect()
    tablet = await meeting.table(1)
    await meeting.organiser.add_question(
        meeting.id,
        {
            "id": "q3",
            "kind": "single",
            "prompt": "ใหม่",
            "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
        },
    )
    added = await console.wait_for(lambda e: e.get("event") == "question_added")
    assert added["question"]["id"] == "q3" and added["question"]["state"] == "draft"
    await tablet.ping()
    assert (await tablet.wait_for(lambda e: e.get("type") in ("pong", "event")))["type"] == "pong"
    async with Api(server.base, tablet.token) as as_tablet:
        seen = await as_tablet.meeting(meeting.id)
    assert [q["id"] for q in seen["questions"]] == []  # all three are drafts
    assert "codes" not in seen
    with pytest.raises(ClientError) as bad_pair:
        await meeting.organiser.add_question(
            meeting.id,
            {
                "id": "post",
                "kind": "multiple",
                "pair_of": "q1",
                "prompt": "after",
                "options": [{"id": "a", "label": "A"}],
            },
        )
    assert bad_pair.value.code == "invalid_question"
    with pytest.raises(ClientError) as missing_pre:
        await meeting.organiser.add_question(
            meeting.id,
            {
                "id": "post2",
                "kind": "single",
                "pair_of": "nope",
                "prompt": "after",
                "options": [{"id": "a", "label": "A"}],
            },
        )
    assert missing_pre.value.code == "invalid_question"
    await console.close()
    await tablet.close()
