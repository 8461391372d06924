# Size: one table of hostile inputs per message kind and endpoint, against one server.
"""Everything a careless or hostile client can send, against the real server and Valkey.

For each bad input: the error code (and the quoted `id` when the message had a usable
one), and that nothing was written (the audit's live tallies and ledger are unchanged).
"""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import httpx
import msgpack
import orjson
import pytest

from prachakhom.cli.client import Api, ClientError
from prachakhom.core import protocol
from prachakhom.store.embedded import Embedded

from .conftest import ADMIN, SMALL_MEETING, Meeting, make_settings, run_server
from .wire import close_code, hello, raw_socket, recv, reply, send, snapshot

JSON = [protocol.JSON]
MSGPACK = [protocol.MSGPACK]


def ballot(id: Any = "b1", question: Any = "q1", answer: Any = "a", **extra: Any) -> dict:
    return {"type": "ballot", "id": id, "question": question, "answer": answer, **extra}


def nested(depth: int) -> Any:
    value: Any = "a"
    for _ in range(depth):
        value = [value]
    return value


async def expect_error(ws: Any, code: str, quoted: str | None, case: str) -> dict:
    answer = await reply(ws)
    assert answer["type"] == "error", (case, answer)
    assert answer["code"] == code, (case, answer)
    assert answer.get("id") == quoted, (case, answer)
    assert answer["message"], case
    return answer


async def baseline(meeting: Meeting) -> tuple[str, dict]:
    """q1 open with one ballot in (seat 1 chose a); a facilitator token for table 1."""
    await meeting.organiser.open(meeting.id, "q1")
    tablet = await meeting.table(1)
    assert (await tablet.cast("q1", "a", seat=1))["status"] == "counted"
    await tablet.close()
    token = (await meeting.join(meeting.codes["tables"]["1"]))["token"]
    before = await snapshot(meeting.organiser, meeting.id)
    assert before["questions"]["q1"] == ({"a": 1}, 1)
    return token, before


async def prove_still_counting(meeting: Meeting, ws: Any, before: dict) -> None:
    """The same socket still works, and a good ballot does change the snapshot."""
    await send(ws, ballot("good-one", answer="b", seat=2))
    ack = await reply(ws)
    assert (ack["type"], ack["id"], ack["status"]) == ("ack", "good-one", "counted")
    after = await snapshot(meeting.organiser, meeting.id)
    assert after["questions"]["q1"] == ({"a": 1, "b": 1}, 2)
    assert after["ledger_entries"] == before["ledger_entries"] + 1


async def test_ballot_for_closed_draft_and_unknown_question(meeting: Meeting) -> None:
    token, _ = await baseline(meeting)
    await meeting.organiser.close(meeting.id, "q1")
    before = await snapshot(meeting.organiser, meeting.id)
    async with raw_socket(meeting.server.ws, JSON) as ws:
        await hello(ws, token)
        cases = [
            ("closed question", ballot("c1", "q1", "b", seat=2), "question_not_open", "c1"),
            ("draft question", ballot("c2", "q2", ["x"], seat=2), "question_not_open", "c2"),
            ("unknown question", ballot("c3", "nope", "a", seat=2), "not_found", "c3"),
            (
                "show of hands, closed",
                {"type": "table_tally", "id": "c4", "question": "q1", "counts": {"a": 2}},
                "question_not_open",
                "c4",
            ),
            (
                "show of hands, unknown",
                {"type": "table_tally", "id": "c5", "question": "zz", "counts": {"a": 2}},
                "not_found",
                "c5",
            ),
        ]
        for case, message, code, quoted in cases:
            await send(ws, message)
            await expect_error(ws, code, quoted, case)
            assert await snapshot(meeting.organiser, meeting.id) == before, case
        # the refused ids were not remembered: once q1 reopens, c1 counts normally
        await meeting.organiser.open(meeting.id, "q1")
        await send(ws, ballot("c1", "q1", "b", seat=2))
        ack = await reply(ws)
        assert (ack["type"], ack["id"], ack["status"]) == ("ack", "c1", "counted")


JSON_CASES: list[tuple[str, str | bytes | dict, str, str | None]] = [
    ("not JSON", '{"type": "ballot", "id": "j1", ', "bad_message", None),
    ("empty frame", "", "bad_message", None),
    ("JSON but not a map", '["ballot", "j2"]', "bad_message", None),
    ("a bare number", "12", "bad_message", None),
    ("NaN literal", '{"type": "ballot", "id": "j3", "answer": NaN}', "bad_message", None),
    ("type missing", {"id": "j4", "question": "q1", "answer": "a", "seat": 2}, "bad_message", "j4"),
    ("type not a string", {"type": 7, "id": "j5"}, "bad_message", "j5"),
    ("answer int for single", ballot("j6", answer=1, seat=2), "invalid_answer", "j6"),
    ("answer not an option", ballot("j7", answer="zz", seat=2), "invalid_answer", "j7"),
    ("answer list for single", ballot("j8", answer=["a"], seat=2), "invalid_answer", "j8"),
    (
        "answer missing",
        {"type": "ballot", "id": "j9", "question": "q1", "seat": 2},
        "bad_message",
        "j9",
    ),
    ("seat as string", ballot("j10", seat="2"), "bad_message", "j10"),
    ("seat as float", ballot("j11", seat=2.0), "bad_message", "j11"),
    ("seat as fraction", ballot("j12", seat=2.5), "bad_message", "j12"),
    ("seat as bool", ballot("j13", seat=True), "bad_message", "j13"),
    ("seat zero", ballot("j14", seat=0), "bad_message", "j14"),
    ("seat negative", ballot("j15", seat=-1), "bad_message", "j15"),
    ("seat past the table", ballot("j16", seat=6), "bad_message", "j16"),
    ("seat 2**53", ballot("j17", seat=2**53), "bad_message", "j17"),
    ("seat 2**63 - 1", ballot("j18", seat=2**63 - 1), "bad_message", "j18"),
    ("seat -2**63", ballot("j19", seat=-(2**63)), "bad_message", "j19"),
    # orjson reads integers past 64 bits as floats: still refused where an int belongs
    (
        "seat 2**70",
        '{"type":"ballot","id":"j20","question":"q1","answer":"a","seat":' + str(2**70) + "}",
        "bad_message",
        "j20",
    ),
    ("huge int as answer", ballot("j21", answer=2**60, seat=2), "bad_message", "j21"),
    (
        "float exponent seat",
        '{"type":"ballot","id":"j22","question":"q1","answer":"a","seat":1e400}',
        "bad_message",
        None,
    ),
    ("id too long", ballot("x" * (protocol.MAX_ID + 1), seat=2), "bad_message", None),
    (
        "id missing",
        {"type": "ballot", "question": "q1", "answer": "a", "seat": 2},
        "bad_message",
        None,
    ),
    ("id empty", ballot("", seat=2), "bad_message", None),
    ("id as int", ballot(12345, seat=2), "bad_message", None),
    ("id as list", ballot(["j23"], seat=2), "bad_message", None),
    ("question as int", ballot("j24", question=1, seat=2), "bad_message", "j24"),
    ("question too long", ballot("j25", question="q" * 65, seat=2), "bad_message", "j25"),
    (
        "answer nested too deep",
        ballot("j26", answer=nested(protocol.MAX_DEPTH + 3), seat=2),
        "bad_message",
        "j26",
    ),
    ("maps nested 600 deep", '{"a":' * 600 + "1" + "}" * 600, "bad_message", None),
    (
        "lists nested past the parser's limit",
        '{"id":"j32","a":' + "[" * 1500 + "]" * 1500 + "}",
        "bad_message",
        None,
    ),
    (
        "hands for a seat count",
        {"type": "table_tally", "id": "j27", "question": "q1", "counts": {"a": 6}},
        "invalid_answer",
        "j27",
    ),
    (
        "negative hands",
        {"type": "table_tally", "id": "j28", "question": "q1", "counts": {"a": -1}},
        "bad_message",
        "j28",
    ),
    (
        "hands as float",
        {"type": "table_tally", "id": "j29", "question": "q1", "counts": {"a": 1.0}},
        "bad_message",
        "j29",
    ),
    (
        "counts not a map",
        {"type": "table_tally", "id": "j30", "question": "q1", "counts": ["a"]},
        "bad_message",
        "j30",
    ),
    ("hello again", {"type": "hello", "token": "whatever"}, "bad_message", None),
    ("unknown type", {"type": "vote", "id": "j31"}, "unknown_type", "j31"),
    ("unknown type, long name", {"type": "x" * 300}, "unknown_type", None),
]


async def test_malformed_json_messages(meeting: Meeting) -> None:
    token, before = await baseline(meeting)
    async with raw_socket(meeting.server.ws, JSON) as ws:
        await hello(ws, token)
        for case, frame, code, quoted in JSON_CASES:
            await ws.send(frame if isinstance(frame, str) else orjson.dumps(frame).decode())
            await expect_error(ws, code, quoted, case)
            assert await snapshot(meeting.organiser, meeting.id) == before, case
        # unknown types and bad messages never close the socket: a ping gets its pong
        await send(ws, {"type": "ping"})
        assert (await reply(ws))["type"] == "pong"
        await prove_still_counting(meeting, ws, before)


def packb(message: Any) -> bytes:
    return msgpack.packb(message, use_bin_type=True, datetime=True)


MSGPACK_CASES: list[tuple[str, str | bytes, str, str | None]] = [
    ("never-used byte 0xc1", b"\xc1", "bad_message", None),
    ("truncated map", b"\x85\xa4type", "bad_message", None),
    ("trailing bytes", packb(ballot("m1", seat=2)) + b"\x00", "bad_message", None),
    ("map claiming 2**32 - 1 entries", b"\xdf\xff\xff\xff\xff", "bad_message", None),
    ("string claiming 4 GiB", b"\xdb\xff\xff\xff\xff", "bad_message", None),
    ("array claiming 2**32 - 1 items", b"\x81\xa4type\xdd\xff\xff\xff\xff", "bad_message", None),
    (
        "JSON text frame on msgpack",
        orjson.dumps(ballot("m2", seat=2)).decode(),
        "bad_message",
        None,
    ),
    ("JSON bytes on msgpack", orjson.dumps(ballot("m3", seat=2)), "bad_message", None),
    ("not a map", packb(["ballot", "m4"]), "bad_message", None),
    (
        "extension type answer",
        packb(ballot("m5", answer=msgpack.ExtType(5, b"a"), seat=2)),
        "bad_message",
        None,
    ),
    ("extension type as the message", packb(msgpack.ExtType(1, b"\x00" * 8)), "bad_message", None),
    (
        "timestamp answer",
        packb(ballot("m6", answer=msgpack.Timestamp(1, 0), seat=2)),
        "bad_message",
        "m6",
    ),
    ("timestamp seat", packb(ballot("m7", seat=msgpack.Timestamp(2, 0))), "bad_message", "m7"),
    ("bytes answer", packb(ballot("m8", answer=b"a", seat=2)), "bad_message", "m8"),
    ("bytes id", packb(ballot(b"m9", seat=2)), "bad_message", None),
    ("int map key", packb({"type": "ballot", 1: "x"}), "bad_message", None),
    ("int key in the answer", packb(ballot("m10", answer={1: 2}, seat=2)), "bad_message", None),
    ("uint64 seat", packb(ballot("m11", seat=2**64 - 1)), "bad_message", "m11"),
    ("int64 min seat", packb(ballot("m12", seat=-(2**63))), "bad_message", "m12"),
    ("seat 2**53", packb(ballot("m13", seat=2**53)), "bad_message", "m13"),
    ("float64 seat", packb(ballot("m14", seat=2.0)), "bad_message", "m14"),
    ("NaN answer", packb(ballot("m15", answer=float("nan"), seat=2)), "bad_message", "m15"),
    ("infinite seat", packb(ballot("m16", seat=float("inf"))), "bad_message", "m16"),
    ("answer int for single", packb(ballot("m17", answer=3, seat=2)), "invalid_answer", "m17"),
    (
        "answer nested too deep",
        packb(ballot("m18", answer=nested(protocol.MAX_DEPTH + 3), seat=2)),
        "bad_message",
        "m18",
    ),
    (
        "lists nested 1000 deep",
        b"\x82\xa2id\xa3m21\xa1a" + b"\x91" * 1000 + b"\xc0",
        "bad_message",
        "m21",
    ),
    ("nil id", packb(ballot(None, seat=2)), "bad_message", None),
    ("facilitator omits seat", packb(ballot("m19")), "bad_message", "m19"),
    ("unknown type", packb({"type": "vote", "id": "m20"}), "unknown_type", "m20"),
]


async def test_malformed_msgpack_messages(meeting: Meeting) -> None:
    token, before = await baseline(meeting)
    async with raw_socket(meeting.server.ws, MSGPACK) as ws:
        assert ws.subprotocol == protocol.MSGPACK
        await hello(ws, token)
        for case, frame, code, quoted in MSGPACK_CASES:
            await ws.send(frame)
            await expect_error(ws, code, quoted, case)
            assert await snapshot(meeting.organiser, meeting.id) == before, case
        await send(ws, {"type": "ping"})
        assert (await reply(ws))["type"] == "pong"
        await prove_still_counting(meeting, ws, before)


@pytest.mark.parametrize("subprotocols", [JSON, MSGPACK], ids=["json", "msgpack"])
async def test_oversize_frame_closes_with_1009(meeting: Meeting, subprotocols: list) -> None:
    token, before = await baseline(meeting)
    limit = meeting.server.settings.max_frame
    async with raw_socket(meeting.server.ws, subprotocols) as ws:
        await hello(ws, token)

        def padded(size: int) -> str | bytes:
            """The largest frame of at most `size` bytes (ASCII: bytes == characters)."""
            for n in range(size, 0, -1):
                frame = protocol.encode(ballot("big", answer="a" * n, seat=2), subprotocols[0])
                if len(frame) <= size:
                    return frame
            raise AssertionError("unreachable")

        # exactly at the limit (or just under, for msgpack's length header): read and refused
        at_limit = padded(limit)
        assert len(at_limit) == limit
        await ws.send(at_limit)
        await expect_error(ws, "invalid_answer", "big", "a frame at the limit is read")
        over = padded(limit + 1)
        assert len(over) == limit + 1
        await ws.send(over)
        assert await close_code(ws) == 1009
    assert await snapshot(meeting.organiser, meeting.id) == before


async def test_bad_token_in_hello_closes_with_4401(meeting: Meeting) -> None:
    _, before = await baseline(meeting)
    unknown_meeting_token = "mzzzzzzzzz." + "A" * 32
    for token in ("nonsense", unknown_meeting_token, "", meeting.id + ".forged"):
        async with raw_socket(meeting.server.ws, JSON) as ws:
            await send(ws, {"type": "hello", "token": token})
            error = await recv(ws)
            assert error["type"] == "error", (token, error)
            assert error["code"] == ("bad_message" if token == "" else "unauthorized"), error
            assert await close_code(ws) == 4401, token
    # the admin token is not a meeting token either
    async with raw_socket(meeting.server.ws, JSON) as ws:
        await send(ws, {"type": "hello", "token": ADMIN})
        assert (await recv(ws))["code"] == "unauthorized"
        assert await close_code(ws) == 4401
    assert await snapshot(meeting.organiser, meeting.id) == before


async def test_no_hello_in_time_closes_with_4401(meeting: Meeting) -> None:
    timeout = meeting.server.settings.hello_timeout
    async with raw_socket(meeting.server.ws, JSON) as ws:
        started = time.monotonic()
        assert await close_code(ws, timeout + 5) == 4401
        assert time.monotonic() - started >= timeout * 0.9


@pytest.mark.parametrize(
    ("first", "code"),
    [
        ({"type": "ping"}, "unauthorized"),
        (ballot("early", seat=1), "unauthorized"),
        ({"type": "hello"}, "bad_message"),
        ({"type": "hello", "token": "x", "resume_from": 1.5}, "bad_message"),
        ({"type": "hello", "token": "x", "resume_from": -1}, "bad_message"),
        ({"type": "hello", "token": "x", "resume_from": 2**60}, "bad_message"),
        ("not even JSON", "bad_message"),
    ],
    ids=[
        "ping",
        "ballot",
        "hello-without-token",
        "float-resume",
        "negative-resume",
        "huge-resume",
        "garbage",
    ],
)
async def test_first_message_must_be_hello(meeting: Meeting, first: Any, code: str) -> None:
    token, before = await baseline(meeting)
    if isinstance(first, dict) and "token" in first:
        first = first | {"token": token}  # a good token does not excuse a bad hello
    async with raw_socket(meeting.server.ws, JSON) as ws:
        await ws.send(first if isinstance(first, str) else orjson.dumps(first).decode())
        error = await recv(ws)
        assert (error["type"], error["code"]) == ("error", code), error
        assert await close_code(ws) == 4401
    assert await snapshot(meeting.organiser, meeting.id) == before


async def test_roles_that_may_not_cast(meeting: Meeting) -> None:
    _, before = await baseline(meeting)
    display = (await meeting.join(meeting.codes["display"]))["token"]
    theme = (await meeting.join(meeting.codes["theme"]))["token"]
    phone = (await meeting.join(meeting.codes["seats"]["2"]["3"]))["token"]
    tablet = (await meeting.join(meeting.codes["tables"]["2"]))["token"]
    organiser = meeting.organiser.http.headers["authorization"].removeprefix("Bearer ")
    tally = {"type": "table_tally", "id": "t1", "question": "q1", "counts": {"a": 1}}
    idea = {"type": "idea", "id": "i1", "text": "ถนนชำรุด"}
    cases = [
        ("display casts", display, ballot("r1", seat=1), "forbidden", "r1"),
        ("display casts without seat", display, ballot("r2"), "forbidden", "r2"),
        ("theme casts", theme, ballot("r3", seat=1), "forbidden", "r3"),
        ("organiser casts on the socket", organiser, ballot("r4", seat=1), "forbidden", "r4"),
        ("participant votes for another seat", phone, ballot("r5", seat=4), "forbidden", "r5"),
        ("participant sends a show of hands", phone, tally, "forbidden", "t1"),
        ("participant sends an idea", phone, idea, "forbidden", "i1"),
        ("display sends a show of hands", display, tally, "forbidden", "t1"),
        ("facilitator omits the seat", tablet, ballot("r6"), "bad_message", "r6"),
        ("facilitator seat null", tablet, ballot("r7", seat=None), "bad_message", "r7"),
    ]
    for case, token, message, code, quoted in cases:
        async with raw_socket(meeting.server.ws, JSON) as ws:
            await hello(ws, token)
            await send(ws, message)
            await expect_error(ws, code, quoted, case)
            assert await snapshot(meeting.organiser, meeting.id) == before, case
    # the participant naming its own seat is fine: that is the control for r5
    async with raw_socket(meeting.server.ws, JSON) as ws:
        await hello(ws, phone)
        await send(ws, ballot("r8", answer="c", seat=3))
        assert (await reply(ws))["status"] == "counted"
    assert (await snapshot(meeting.organiser, meeting.id))["questions"]["q1"] == (
        {"a": 1, "c": 1},
        2,
    )


async def test_wrong_join_codes_then_rate_limited(meeting: Meeting) -> None:
    limit = meeting.server.settings.join_failures_per_minute
    right = meeting.codes["tables"]["1"]
    wrong = "ZZZZZZ" if right != "ZZZZZZ" else "YYYYYY"
    async with Api(meeting.server.base) as anyone:
        for _ in range(limit - 1):
            with pytest.raises(ClientError) as refused:
                await anyone.join(wrong)
            assert (refused.value.status, refused.value.code) == (404, "not_found")
        assert (await anyone.join(right))["role"] == "facilitator"  # still allowed
        with pytest.raises(ClientError) as refused:
            await anyone.join(wrong)
        assert (refused.value.status, refused.value.code) == (404, "not_found")
        for code in (right, wrong, "ab"):
            with pytest.raises(ClientError) as limited:
                await anyone.join(code)
            assert (limited.value.status, limited.value.code) == (429, "rate_limited"), code


async def test_message_rate_limit_never_counts_refused_ballots(
    valkey: Embedded, tmp_path: Path
) -> None:
    settings = make_settings(valkey, tmp_path, rate_burst=5, rate_per_second=1)
    body = copy.deepcopy(SMALL_MEETING) | {"tables": {"count": 1, "seats": 20}, "sites": []}
    async with run_server(settings) as server, Api(server.base, ADMIN) as admin:
        created = await admin.create_meeting(body)
        m = created["id"]
        async with Api(server.base, created["organiser"]) as organiser:
            await organiser.open(m, "q1")
            async with Api(server.base) as anyone:
                token = (await anyone.join(created["codes"]["tables"]["1"]))["token"]
            async with raw_socket(server.ws, JSON) as ws:
                await hello(ws, token)
                frames = [
                    orjson.dumps(ballot(f"s{seat}", seat=seat)).decode() for seat in range(1, 16)
                ]
                for frame in frames:  # at once: no waiting for answers in between
                    await ws.send(frame)
                answers = {}
                while len(answers) < len(frames):
                    answer = await reply(ws)
                    assert answer["id"] not in answers, answer
                    answers[answer["id"]] = answer
            acked = {int(i[1:]) for i, a in answers.items() if a["type"] == "ack"}
            limited = {int(i[1:]) for i, a in answers.items() if a["type"] == "error"}
            assert all(a["status"] == "counted" for a in answers.values() if a["type"] == "ack")
            assert {a["code"] for a in answers.values() if a["type"] == "error"} == {"rate_limited"}
            assert 5 <= len(acked) <= 6 and len(limited) == 15 - len(acked)
            assert acked == set(range(1, len(acked) + 1))  # the first ones got through
            results = await organiser.results(m, "q1")
            assert results["voters"] == len(acked)
            top = results["ranking"][0]
            assert (top["option"], top["score"]) == ("a", len(acked))
            audit = await organiser.audit(m)
            assert audit["ok"] and audit["ballots_in_ledger"] == len(acked)
            # a fresh tablet is told exactly which seats have voted
            async with Api(server.base) as anyone:
                token = (await anyone.join(created["codes"]["tables"]["1"]))["token"]
            async with raw_socket(server.ws, JSON) as ws:
                welcome = await hello(ws, token)
            assert welcome["state"]["voted"] == {"q1": sorted(acked)}


# --- HTTP ---------------------------------------------------------------------------------


async def test_organiser_endpoints_refuse_other_tokens(meeting: Meeting, admin: Api) -> None:
    m = meeting.id
    await meeting.organiser.open(m, "q1")
    other = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
    facilitator = (await meeting.join(meeting.codes["tables"]["1"]))["token"]
    display = (await meeting.join(meeting.codes["display"]))["token"]
    before = await meeting.organiser.meeting(m)
    question = {
        "id": "q9",
        "kind": "single",
        "prompt": "P",
        "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
    }
    calls = [
        ("POST", f"/api/meetings/{m}/questions", question),
        ("POST", f"/api/meetings/{m}/questions/q2/open", None),
        ("POST", f"/api/meetings/{m}/questions/q1/close", None),
        ("GET", f"/api/meetings/{m}/questions/q1/results", None),
        ("PUT", f"/api/meetings/{m}/plenary", {"view": "text", "text": "hacked"}),
        ("GET", f"/api/meetings/{m}/audit", None),
    ]
    who = [
        ("facilitator", facilitator, 403, "forbidden"),
        ("display", display, 403, "forbidden"),
        ("organiser of another meeting", other["organiser"], 403, "forbidden"),
        ("no token", None, 401, "unauthorized"),
        ("made-up token", f"{m}.notatoken", 401, "unauthorized"),
    ]
    for name, token, status, code in who:
        async with Api(meeting.server.base, token) as api:
            for method, path, body in calls:
                with pytest.raises(ClientError) as refused:
                    await api.call(method, path, body)
                assert (refused.value.status, refused.value.code) == (status, code), (
                    name,
                    method,
                    path,
                )
            with pytest.raises(ClientError) as refused:
                await api.create_meeting(copy.deepcopy(SMALL_MEETING))
            assert refused.value.status == status, name
    after = await meeting.organiser.meeting(m)
    assert after == before  # nothing opened, closed, added or shown
    assert [(q["id"], q["state"]) for q in after["questions"]] == [("q1", "open"), ("q2", "draft")]
    assert after["plenary"] == {"view": "participation"}
    # a facilitator may read the meeting, but never its join codes
    async with Api(meeting.server.base, facilitator) as api:
        seen = await api.meeting(m)
    assert "codes" not in seen and "codes" in after


async def test_bad_json_bodies(meeting: Meeting) -> None:
    m = meeting.id
    organiser = meeting.organiser.http.headers["authorization"]
    before = await meeting.organiser.meeting(m)
    async with httpx.AsyncClient(base_url=meeting.server.base) as http:
        calls = [
            ("POST", f"/api/meetings/{m}/questions", organiser, b'{"id": "q9", '),
            ("POST", f"/api/meetings/{m}/questions", organiser, b"\xff\xfe"),
            ("PUT", f"/api/meetings/{m}/plenary", organiser, b"not json"),
            ("PUT", f"/api/meetings/{m}/plenary", organiser, b"[1, 2"),
            ("POST", "/api/meetings", f"Bearer {ADMIN}", b'{"title": '),
            ("POST", "/api/join", None, b"{code: ABCDEF}"),
        ]
        for method, path, auth, content in calls:
            headers = {"content-type": "application/json"} | (
                {"authorization": auth} if auth else {}
            )
            response = await http.request(method, path, content=content, headers=headers)
            assert response.status_code == 400, (path, content, response.text)
            assert response.json()["error"]["code"] == "bad_message", (path, content)
    assert await meeting.organiser.meeting(m) == before
