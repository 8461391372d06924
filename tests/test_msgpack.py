"""The whole vote path over the MessagePack subprotocol, and subprotocol negotiation."""

from __future__ import annotations

import msgpack
import pytest

from prachakhom.cli.client import ClientError
from prachakhom.core import protocol

from .conftest import Meeting
from .wire import hello, is_results, raw_socket, recv, reply, send

MSGPACK = protocol.MSGPACK


async def test_whole_path_over_msgpack(meeting: Meeting) -> None:
    m = meeting.organiser
    await m.open(meeting.id, "q1")
    await m.open(meeting.id, "q2")
    await m.plenary(meeting.id, {"view": "question", "question": "q1", "reveal": True})
    screen = await meeting.display(codec=MSGPACK)
    json_screen = await meeting.display()  # the same events reach a JSON screen alike
    tablet = await meeting.table(2, codec=MSGPACK)
    phone = await meeting.seat(2, 5, codec=MSGPACK)
    try:
        for client in (screen, tablet, phone):
            assert client._ws is not None and client._ws.subprotocol == MSGPACK
        welcome = tablet.welcome
        assert (welcome["role"], welcome["table"], welcome["meeting"]) == (
            "facilitator",
            2,
            meeting.id,
        )
        state = welcome["state"]
        assert [q["id"] for q in state["questions"]] == ["q1", "q2"]
        assert state["meeting"]["title"] == {"th": "ประชุมทดสอบ", "en": "Test meeting"}
        assert state["voted"] == {"q1": [], "q2": []}
        assert (phone.welcome["role"], phone.welcome["seat"]) == ("participant", 5)
        (shown,) = screen.welcome["state"]["results"]
        assert (shown["question"], shown["voters"]) == ("q1", 0)

        acks = [
            await tablet.cast("q1", answer, seat=seat)
            for seat, answer in [(1, "b"), (2, "b"), (3, "c")]
        ]
        assert [(a["type"], a["status"], a["seat"]) for a in acks] == [
            ("ack", "counted", 1),
            ("ack", "counted", 2),
            ("ack", "counted", 3),
        ]
        assert (await phone.cast("q1", "a"))["status"] == "counted"
        assert (await phone.cast("q2", ["x", "y"]))["status"] == "counted"
        again = await tablet.cast("q1", "a", seat=3, id=acks[2]["id"])
        assert (again["status"], again["first"]) == ("duplicate", "counted")
        assert (await tablet.cast("q1", "a", seat=3))["status"] == "replaced"
        with pytest.raises(ClientError) as refused:
            await phone.cast("q1", "zz")
        assert refused.value.code == "invalid_answer"

        expected = [("a", 2, 1), ("b", 2, 1), ("c", 0, 3)]
        for client in (screen, json_screen):
            event = await client.wait_for(is_results("q1", voters=4))
            ranking = event["results"]["ranking"]
            assert [(r["option"], r["score"], r["rank"]) for r in ranking] == expected
            assert event["results"]["tables_reporting"] == 1
            assert isinstance(event["seq"], int)
        assert (await m.results(meeting.id, "q2"))["voters"] == 1

        await m.close(meeting.id, "q1")
        closed = await tablet.wait_for(lambda e: e.get("event") == "question_closed")
        assert closed["question"]["id"] == "q1" and closed["question"]["state"] == "closed"
        final = await screen.wait_for(is_results("q1", status="closed"))
        assert final["results"]["voters"] == 4
        with pytest.raises(ClientError) as late:
            await tablet.cast("q1", "c", seat=4)
        assert late.value.code == "question_not_open"
        await tablet.ping()
        assert (await tablet.wait_for(lambda e: e.get("type") == "pong"))["type"] == "pong"
        idea = await tablet.idea("ไฟถนนดับ ซอย ๓")
        assert idea["status"] == "counted"
        audit = await m.audit(meeting.id)
        assert audit["ok"] and audit["ballots_in_ledger"] == 6
    finally:
        for client in (screen, json_screen, tablet, phone):
            await client.close()


@pytest.mark.parametrize(
    ("offered", "chosen"),
    [
        ([protocol.MSGPACK, protocol.JSON], protocol.MSGPACK),
        ([protocol.JSON, protocol.MSGPACK], protocol.JSON),
        (["prachakhom.v2.cbor", protocol.MSGPACK, protocol.JSON], protocol.MSGPACK),
        (["chat", protocol.JSON], protocol.JSON),
        ([protocol.MSGPACK], protocol.MSGPACK),
        (None, None),
    ],
    ids=[
        "msgpack-first",
        "json-first",
        "unknown-first",
        "unknown-then-json",
        "msgpack-only",
        "none",
    ],
)
async def test_server_picks_the_first_offered_subprotocol(
    meeting: Meeting, offered: list[str] | None, chosen: str | None
) -> None:
    token = (await meeting.join(meeting.codes["display"]))["token"]
    async with raw_socket(meeting.server.ws, offered) as ws:
        assert ws.subprotocol == chosen
        # recv (wire.py) checks the frame kind: binary for MessagePack, text for JSON
        welcome = await hello(ws, token)
        assert welcome["role"] == "display"
        await send(ws, {"type": "ping"})
        assert (await reply(ws))["type"] == "pong"


async def test_msgpack_answers_are_plain_msgpack(meeting: Meeting) -> None:
    """A client with any MessagePack library can read the answers: no extension types."""
    await meeting.organiser.open(meeting.id, "q2")
    token = (await meeting.join(meeting.codes["seats"]["1"]["1"]))["token"]
    async with raw_socket(meeting.server.ws, [MSGPACK]) as ws:
        await ws.send(msgpack.packb({"type": "hello", "token": token}))
        frame = await ws.recv()
        assert isinstance(frame, bytes)
        welcome = msgpack.unpackb(
            frame,
            raw=False,
            strict_map_key=True,
            ext_hook=lambda code, data: pytest.fail(f"ext {code}"),
        )
        assert welcome["type"] == "welcome" and welcome["seat"] == 1
        await ws.send(
            msgpack.packb({"type": "ballot", "id": "p1", "question": "q2", "answer": ["z", "x"]})
        )
        ack = await recv(ws)
        assert (ack["type"], ack["id"], ack["status"]) == ("ack", "p1", "counted")
    results = await meeting.organiser.results(meeting.id, "q2")
    assert {r["option"]: r["score"] for r in results["ranking"]} == {"x": 1, "y": 0, "z": 1}
