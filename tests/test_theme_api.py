"""The theme team's API on a real server: suggestions as ideas arrive (computed in the
worker pool with the real encoder), kept vectors, filing by several people at once,
proposed groups, the themes wall, and bad input that changes nothing."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import orjson
import pytest

from prachakhom.cli.client import Api, ClientError
from prachakhom.store import embedded, keys
from prachakhom.themes import encoder

from .conftest import ADMIN, SMALL_MEETING, Meeting, make_settings, run_server
from .wire import close_code, raw_socket, recv, send

IDEAS = [
    ("รถพยาบาลมาถึงช้ามาก หมู่บ้านอยู่ไกลจากโรงพยาบาล", 1),
    ("ตำบลเราไม่มีรถกู้ชีพประจำ ต้องรอรถจากอำเภอ", 2),
    ("ฝุ่น PM2.5 เกินมาตรฐานหลายสัปดาห์ ไม่มีหน้ากากแจก", 3),
    ("การเผาในไร่ข้าวโพดทำให้อากาศแย่ทั้งอำเภอ", 4),
    ("รถพยาบาลมาช้า เพราะหมู่บ้านไกลโรงพยาบาล", 3),  # the first idea, at another table
    ("Haze from forest fires makes the elderly cough ควันไฟป่า", 2),
]


async def send_ideas(meeting: Meeting, ideas: list[tuple[str, int]]) -> list[str]:
    ids = []
    for text, table in ideas:
        tablet = await meeting.table(table)
        try:
            ids.append((await tablet.idea(text, round="r1"))["idea"])
        finally:
            await tablet.close()
    return ids


async def team(meeting: Meeting) -> Api:
    joined = await meeting.join(meeting.codes["theme"])
    # the first call loads the sentence encoder in a worker: tens of seconds on a busy host
    return Api(meeting.server.base, joined["token"], timeout=120)


async def test_ideas_get_suggestions_as_they_arrive(meeting: Meeting) -> None:
    m = meeting.id
    screen = await meeting.client(meeting.codes["theme"])
    tablet = await meeting.table(1)
    async with await team(meeting) as api:
        first = (await tablet.idea(IDEAS[0][0]))["idea"]
        event = await screen.wait_for(lambda e: e.get("event") == "suggestions", timeout=60)
        assert first in event["ideas"] and event["ideas"][first]["themes"] == []
        ambulance = await api.call(
            "POST", f"/api/meetings/{m}/themes", {"label": "รถพยาบาลฉุกเฉิน", "ideas": [first]}
        )
        haze = await api.call("POST", f"/api/meetings/{m}/themes", {"label": "หมอกควันและฝุ่น"})
        acked = [(await tablet.idea(text))["idea"] for text, _ in IDEAS[1:4]]
        seen: dict[str, Any] = {}
        while not set(acked) <= set(seen):
            event = await screen.wait_for(lambda e: e.get("event") == "suggestions", timeout=30)
            seen |= event["ideas"]
        best = {i: seen[i]["themes"][0]["theme"] for i in acked}
        assert best == {acked[0]: ambulance["id"], acked[1]: haze["id"], acked[2]: haze["id"]}
        for s in seen.values():
            scores = [t["score"] for t in s["themes"]]
            assert scores == sorted(scores, reverse=True) and all(0 <= x <= 1 for x in scores)
        # the same point from another table: near-duplicate of the first idea
        again = (await tablet.idea(IDEAS[4][0]))["idea"]
        event = await screen.wait_for(
            lambda e: e.get("event") == "suggestions" and again in e["ideas"], timeout=30
        )
        assert [s["idea"] for s in event["ideas"][again]["similar"]] == [first]
        one = await api.call("GET", f"/api/meetings/{m}/ideas/{again}/suggestions")
        assert one["idea"] == again and one["themes"][0]["theme"] == ambulance["id"]
        assert {t["theme"] for t in one["themes"]} == {ambulance["id"], haze["id"]}
        assert one["themes"][0]["label"] == "รถพยาบาลฉุกเฉิน"
        with pytest.raises(ClientError) as caught:
            await api.call("GET", f"/api/meetings/{m}/ideas/9-nope/suggestions")
        assert caught.value.status == 404
    # derived data: in the events (for resume), never in the ledger the audit recounts
    audit = await meeting.organiser.audit(m)
    assert audit["ok"]
    kinds = {fields["type"] for _, fields in await meeting.server.services.store.ledger(m)}
    assert "idea" in kinds and "suggestions" not in kinds
    await tablet.close()
    await screen.close()


async def test_the_board_the_groups_and_the_wall(meeting: Meeting) -> None:
    m = meeting.id
    ids = await send_ideas(meeting, IDEAS)
    async with await team(meeting) as api:
        board = await api.call("GET", f"/api/meetings/{m}/themes/suggestions")
        assert board["encoded"] == board["ideas_total"] == len(IDEAS)
        assert set(board["ideas"]) == set(ids)
        (dup,) = board["duplicates"]
        assert sorted(dup["ideas"]) == sorted([ids[0], ids[4]])
        assert dup["tables"] == 2 and dup["sites"] == ["north", "south"]
        assert board["ideas"][ids[0]]["dup"] == dup["id"]

        groups = (await api.call("POST", f"/api/meetings/{m}/themes/suggest", {}))["groups"]
        assert sorted(i for g in groups for i in g["ideas"]) == sorted(ids)
        assert all(g["label"] and g["keywords"] for g in groups)
        pair = [ids[0], ids[1], ids[2], ids[5]]  # two about ambulances, two about haze
        two = (
            await api.call("POST", f"/api/meetings/{m}/themes/suggest", {"ideas": pair, "count": 2})
        )["groups"]
        assert {frozenset(g["ideas"]) for g in two} == {
            frozenset(pair[:2]),
            frozenset(pair[2:]),
        }

        theme = await api.call(
            "POST",
            f"/api/meetings/{m}/themes",
            {"label": "รถพยาบาล", "ideas": [ids[0], ids[1], ids[4]]},
        )
        for bad, status in (
            ({"count": 0}, 400),
            ({"count": "3"}, 400),
            ({"ideas": ["9-x"]}, 404),
            ({"ideas": "all"}, 400),
        ):
            with pytest.raises(ClientError) as caught:
                await api.call("POST", f"/api/meetings/{m}/themes/suggest", bad)
            assert caught.value.status == status
        default = (await api.call("POST", f"/api/meetings/{m}/themes/suggest", {}))["groups"]
        assert sorted(i for g in default for i in g["ideas"]) == sorted(
            set(ids) - set(theme["ideas"])
        )
    display = (await meeting.join(meeting.codes["display"]))["token"]
    async with Api(meeting.server.base, display) as screen:
        (wall,) = (await screen.call("GET", f"/api/meetings/{m}/themes", params={"quotes": 2}))[
            "themes"
        ]
        assert wall["tables"] == 3 and wall["sites"] == ["north", "south"]
        # two quotes, not two sayings of the same point
        assert len(wall["quotes"]) == 2
        assert {q["idea"] for q in wall["quotes"]} < set(theme["ideas"])
        assert {q["idea"] for q in wall["quotes"]} != {ids[0], ids[4]}
        with pytest.raises(ClientError) as caught:
            await screen.call("GET", f"/api/meetings/{m}/themes", params={"quotes": 9})
        assert caught.value.status == 400


async def test_two_people_filing_at_once_both_land(meeting: Meeting) -> None:
    m = meeting.id
    ids = await send_ideas(meeting, [(f"ความคิดที่ {n} เรื่องรถพยาบาล", 1 + n % 4) for n in range(24)])
    async with await team(meeting) as one, await team(meeting) as two:
        theme = await one.call("POST", f"/api/meetings/{m}/themes", {"label": "รถพยาบาล"})
        path = f"/api/meetings/{m}/themes/{theme['id']}/ideas"
        await asyncio.gather(
            *(one.call("POST", path, {"add": [i]}) for i in ids[0::2]),
            *(two.call("POST", path, {"add": [i]}) for i in ids[1::2]),
        )
        (stored,) = (await one.call("GET", f"/api/meetings/{m}/themes"))["themes"]
        assert sorted(stored["ideas"]) == sorted(ids)  # none lost to the other's write

        # the same idea into two themes at the same moment: one wins, one is told
        other = await two.call("POST", f"/api/meetings/{m}/themes", {"label": "อื่น ๆ"})
        fresh = await send_ideas(meeting, [("ขาดแคลนยาในโรงพยาบาลชุมชน", 2)])
        answers = await asyncio.gather(
            one.call("POST", path, {"add": fresh}),
            two.call("POST", f"/api/meetings/{m}/themes/{other['id']}/ideas", {"add": fresh}),
            return_exceptions=True,
        )
        refused = [a for a in answers if isinstance(a, ClientError)]
        assert len(refused) == 1 and refused[0].status == 409
        winner = next(a for a in answers if isinstance(a, dict))
        assert refused[0].details["filed"] == {fresh[0]: winner["id"]}
        themes = (await one.call("GET", f"/api/meetings/{m}/themes"))["themes"]
        assert sum(t["ideas"].count(fresh[0]) for t in themes) == 1
        # moving it is a choice, said out loud
        loser = other["id"] if winner["id"] == theme["id"] else theme["id"]
        moved = await two.call(
            "POST", f"/api/meetings/{m}/themes/{loser}/ideas", {"add": fresh, "move": True}
        )
        assert fresh[0] in moved["ideas"]
        themes = {
            t["id"]: t for t in (await one.call("GET", f"/api/meetings/{m}/themes"))["themes"]
        }
        assert fresh[0] not in themes[winner["id"]]["ideas"]
        # removing
        taken = await one.call("POST", path, {"remove": ids[:3]})
        assert not set(ids[:3]) & set(taken["ideas"])


async def test_bad_input_gets_a_clear_answer_and_changes_nothing(meeting: Meeting) -> None:
    m = meeting.id
    tablet = await meeting.table(1)
    for text in ("🙏🚑🙏", "!!! ... ???", "x" * 501):
        with pytest.raises(ClientError) as caught:
            await tablet.idea(text)
        assert caught.value.code == "bad_message"
    long = (await tablet.idea("ก" * 500))["idea"]
    mixed = (await tablet.idea("Ambulance มาช้ามาก at night กลางคืน"))["idea"]
    await tablet.close()
    assert [i["id"] for i in (await meeting.organiser.ideas(m))["ideas"]] == [long, mixed]
    async with await team(meeting) as api:
        theme = await api.call(
            "POST", f"/api/meetings/{m}/themes", {"label": "ยา", "ideas": [long]}
        )
        before = await api.call("GET", f"/api/meetings/{m}/themes")
        for path, body in (
            (f"/api/meetings/{m}/themes", {"label": "   "}),
            (f"/api/meetings/{m}/themes", {"label": ""}),
            (f"/api/meetings/{m}/themes", {"id": theme["id"], "label": "\n\t"}),
            (f"/api/meetings/{m}/themes", {"label": "x", "ideas": [mixed, "9-nope"]}),
            (f"/api/meetings/{m}/themes/{theme['id']}/ideas", {"add": "all"}),
            (f"/api/meetings/{m}/themes/{theme['id']}/ideas", {"label": " "}),
            (f"/api/meetings/{m}/themes/tnope/ideas", {"add": [mixed]}),
            (f"/api/meetings/{m}/themes", [1, 2]),
        ):
            with pytest.raises(ClientError) as caught:
                await api.call("POST", path, body)
            assert caught.value.status in (400, 404), (path, body)
        assert await api.call("GET", f"/api/meetings/{m}/themes") == before
        suggested = await api.call("GET", f"/api/meetings/{m}/ideas/{mixed}/suggestions")
        assert suggested["themes"][0]["theme"] == theme["id"]


async def test_vectors_are_kept_and_read_back_not_encoded_again(
    valkey: Any, tmp_path: Any, meeting: Meeting
) -> None:
    """Another server process reads the kept vectors: proven by planting a vector that
    says something else, which its suggestions then follow."""
    m = meeting.id
    ids = await send_ideas(meeting, IDEAS[:4])
    async with await team(meeting) as api:
        await api.call("GET", f"/api/meetings/{m}/themes/suggestions")  # encodes them
        ambulance = await api.call(
            "POST", f"/api/meetings/{m}/themes", {"label": "รถพยาบาลฉุกเฉิน", "ideas": [ids[0]]}
        )
        haze = await api.call(
            "POST", f"/api/meetings/{m}/themes", {"label": "หมอกควันและฝุ่น", "ideas": [ids[2]]}
        )
    r = meeting.server.services.store.of(m)  # the meeting's primary (on a cluster too)
    kept = await r.hgetall(keys.vectors(m))
    assert set(kept) == set(ids)
    record = orjson.loads(kept[ids[3]])  # the field burning: a haze idea
    planted = encoder.encode(["รถพยาบาลมาช้า ไม่มีรถกู้ชีพ"])[0]
    record["v"] = encoder.pack(planted)
    await r.hset(keys.vectors(m), ids[3], orjson.dumps(record))
    async with run_server(make_settings(valkey, tmp_path)) as other:
        joined = await meeting.join(meeting.codes["theme"])
        async with Api(other.base, joined["token"]) as api:
            one = await api.call("GET", f"/api/meetings/{m}/ideas/{ids[3]}/suggestions")
            two = await api.call("GET", f"/api/meetings/{m}/ideas/{ids[1]}/suggestions")
    assert two["themes"][0]["theme"] == ambulance["id"]
    assert one["themes"][0]["theme"] == ambulance["id"] != haze["id"]


async def test_a_vector_once_kept_is_not_overwritten_by_a_later_encoding(
    meeting: Meeting,
) -> None:
    """The suggester and a board request may encode the same new idea at once: the one
    that writes second leaves the first's vector (which others may have read) as it is."""
    m = meeting.id
    store = meeting.server.services.store
    first = orjson.dumps({"v": "first", "w": ["a"]}).decode()
    later = orjson.dumps({"v": "later", "w": ["b"]}).decode()
    await store.keep_vectors(m, {"i-1": first})
    await store.keep_vectors(m, {"i-1": later, "i-2": later})
    assert await store.idea_vectors(m, ["i-1", "i-2", "i-3"]) == [first, later, None]


async def test_a_facilitator_never_gets_suggestions(meeting: Meeting) -> None:
    tablet = await meeting.table(2)
    screen = await meeting.client(meeting.codes["theme"])
    await tablet.idea("ไม่มีล่ามที่โรงพยาบาล")
    await screen.wait_for(lambda e: e.get("event") == "suggestions", timeout=60)
    await tablet.ping()
    while True:
        message = await tablet.next_event(5)
        assert message.get("event") not in ("suggestions", "idea")
        if message.get("type") == "pong":
            break
    await tablet.close()
    await screen.close()


async def test_storage_down_is_unavailable_not_a_crash(tmp_path: Any) -> None:
    """Redis gone: the theme team's calls answer 503 unavailable (retry), not a 500, and
    a socket's welcome closes with 1013 (try again later) after an `unavailable` error."""
    with embedded.running(tmp_path / "valkey") as own:
        async with run_server(make_settings(own, tmp_path)) as server:
            async with Api(server.base, ADMIN) as admin:
                created = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
                m = created["id"]
                joined = await admin.join(created["codes"]["theme"])
                embedded.stop(own)
                with pytest.raises(ClientError) as caught:
                    await admin.call("POST", f"/api/meetings/{m}/themes/tx/ideas", {"add": ["1-a"]})
                assert (caught.value.status, caught.value.code) == (503, "unavailable")
                with pytest.raises(ClientError) as caught:
                    await admin.call("GET", f"/api/meetings/{m}/ideas")
                assert caught.value.status == 503
            async with raw_socket(server.ws) as ws:
                await send(ws, {"type": "hello", "token": joined["token"]})
                answer = await recv(ws)
                assert answer["type"] == "error" and answer["code"] == "unavailable"
                assert await close_code(ws) == 1013
