"""The events' bytes, against a fixture recorded from the code before the events were
Structs (tests/fixtures/event_bytes.json): every kind of event as the store keeps it
(the kept events and the ledger, whose digest hangs on them) and as the hub and the
ticker send it, in JSON and MessagePack. Same keys, same order, same values, same bytes.

Re-record only on purpose: PRACHAKHOM_RECORD_EVENTS=1 pytest tests/test_event_bytes.py
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import msgspec
import orjson
import pytest

from prachakhom.core import events, protocol
from prachakhom.core.auth import Principal, Role
from prachakhom.core.ideas import Idea
from prachakhom.core.meetings import parse_meeting
from prachakhom.core.plenary import PlenaryView
from prachakhom.core.questions import parse_question
from prachakhom.core.records import ThemeChange
from prachakhom.core.resulttypes import Results
from prachakhom.live.fanout import Client
from prachakhom.live.hub import Hub, Room
from prachakhom.live.results_reader import ResultsReader
from prachakhom.store import embedded, keys
from prachakhom.store.store import Store
from prachakhom.web import agenda
from prachakhom.web.app import connect_redis

FIXTURE = Path(__file__).parent / "fixtures" / "event_bytes.json"
M = "evbytes"
ODD = 'ข้อความ "quoted" \\ \u0001\u001f \u2028 😀 </script>'

QUESTIONS = [
    {
        "id": "q1",
        "kind": "single",
        "prompt": {"th": "เลือกหนึ่ง", "en": "Pick one"},
        "options": [{"id": "a", "label": "A"}, {"id": "b", "label": {"th": "บี", "en": "B"}}],
    },
    {
        "id": "q2",
        "kind": "ranked",
        "prompt": ODD,
        "max_rank": 2,
        "method": "schulze",
        "options": [{"id": c, "label": c.upper()} for c in "xyz"],
        "pair_of": "q1",
    },
]
IDEAS = [
    {"id": "3-x1", "text": ODD, "round": None, "table": 3, "site": None, "at": 1795265464416},
    {"id": "1-y2", "text": "รถพยาบาล", "round": "r1", "table": 1, "site": "north", "at": 17},
]
THEMES = [
    {"id": "ta", "label": {"th": "ฝุ่น", "en": "Haze"}, "ideas": ["3-x1", "1-y2"], "at": 5},
    {"id": "tb", "label": ODD, "ideas": [], "at": 1795265656440},
]
SUGGESTED = {
    "3-x1": {
        "themes": [{"theme": "ta", "score": 0.81}, {"theme": "tb", "score": 0.0}],
        "similar": [{"idea": "1-y2", "score": 0.9300000071525574}],
    }
}
VIEWS = [
    {"view": "question", "question": "q1", "reveal": False},
    {"view": "compare", "pre": "q1", "post": "q2"},
    {"view": "text", "text": {"th": ODD, "en": "Break"}},
]
# Results as the assembly makes them (recorded as maps in resulttypes.Results' key order,
# pushed as the Structs), one of them hidden on show
RESULTS = [
    {
        "question": "q1",
        "kind": "single",
        "method": "count",
        "status": "open",
        "voters": 3,
        "eligible": 20,
        "tables_reporting": 2,
        "tables_total": 4,
        "seq": 9,
        "ranking": [
            {"option": "a", "label": "A", "score": 2, "share": 0.6666666666666666, "rank": 1},
            {"option": "b", "label": {"th": "บี", "en": "B"}, "score": 1, "share": 1e-7, "rank": 2},
        ],
    },
    {
        "question": "q3",
        "kind": "scale",
        "method": "count",
        "status": "closed",
        "voters": 70000,
        "eligible": 20,
        "tables_reporting": 4,
        "tables_total": 4,
        "seq": 2**40,
        "histogram": {"-5": 3, "1": 2},
        "mean": -1.25,
        "median": 2.5,
        "ranking": [],
        "site": "north",
        "site_name": {"th": ODD, "en": "North"},
    },
    {
        "question": "q2",
        "kind": "ranked",
        "method": "irv",
        "status": "open",
        "voters": 2,
        "eligible": 20,
        "tables_reporting": 1,
        "tables_total": 4,
        "seq": 2,
        "ranking": [
            {"option": "x", "label": "X", "score": 1, "share": 0.5, "rank": 1},
            {"option": "y", "label": ODD, "score": 1, "share": 0.5, "rank": 2},
        ],
        "max_rank": 2,
        "rounds": [{"counts": {"x": 1, "y": 1}, "eliminated": None, "exhausted": 0}],
    },
]


async def record_all(url: str) -> dict[str, Any]:
    redis = connect_redis(url)
    store = Store(redis, durability="os")
    meeting = parse_meeting({"title": "T", "language": "th", "tables": {"count": 4, "seats": 5}}, M)
    await emit_every_kind(store)
    out: dict[str, Any] = {"kept": [], "ledger": [], "frames": {}, "results": {}}
    for _id, entry in await store.of(M).xrange(keys.events(M)):
        out["kept"].append([entry["seq"], entry["e"]])
    for _id, entry in await store.of(M).xrange(keys.ledger(M)):
        out["ledger"].append([entry["type"], entry["seq"], entry["e"]])
    hub = Hub(store, ResultsReader(store))
    sent: dict[str, list[str | bytes]] = {}
    room = hub.rooms[M] = Room(meeting)
    for role in (Role.ORGANISER, Role.DISPLAY, Role.THEME, Role.FACILITATOR):
        for codec in protocol.SUBPROTOCOLS:
            room.add(listener(role, codec, sent.setdefault(f"{role.value} {codec}", [])))
    for seq, body in out["kept"]:
        hub.on_message(M, f"{seq} {body}")
    room.plenary = PlenaryView(**VIEWS[0])
    hub.ticker.push_results(room, [msgspec.convert(r, Results, strict=True) for r in RESULTS])
    await asyncio.sleep(0)
    out["frames"] = {who: [shown(f) for f in frames] for who, frames in sent.items()}
    await redis.aclose()
    return out


async def emit_every_kind(store: Any) -> None:
    questions = [parse_question(q) for q in QUESTIONS]
    for q in questions:
        assert await store.add_question(M, q)
    await store.set_question_state(M, questions[0], "open")
    await store.set_question_state(M, questions[0], "closed")
    await agenda.mark(SimpleNamespace(store=store), M, questions[1], "consult")  # type: ignore[arg-type]
    for view in VIEWS:
        await store.set_plenary(M, view)
    for idea in IDEAS:
        assert await store.add_idea(M, msgspec.convert(idea, Idea))
    await store.update_themes(M, lambda _: ThemeChange(write=THEMES, answer=None, delete=("tz",)))
    await store.update_themes(M, lambda _: ThemeChange(write=[], answer=None))
    await store.emit(M, events.Suggestions(ideas=SUGGESTED), derived=True)
    await store.emit(M, events.ThemesListed(themes=THEMES))  # older servers' kept events


def listener(role: Role, codec: protocol.Codec, sent: list[str | bytes]) -> Client:
    async def send(frame: str | bytes) -> None:
        sent.append(frame)

    client = Client(Principal(role, M, table=1), codec, 100, lambda _: None, send)
    client.start(0)
    return client


def shown(frame: str | bytes) -> str:
    return frame if isinstance(frame, str) else "msgpack:" + frame.hex()


def test_events_keep_their_bytes(valkey: embedded.Embedded) -> None:
    got = asyncio.run(record_all(valkey.url))
    if os.environ.get("PRACHAKHOM_RECORD_EVENTS"):
        FIXTURE.parent.mkdir(exist_ok=True)
        FIXTURE.write_bytes(orjson.dumps(got, option=orjson.OPT_INDENT_2) + b"\n")
        pytest.skip("recorded")
    want = orjson.loads(FIXTURE.read_bytes())
    assert got["kept"] == want["kept"]
    assert got["ledger"] == want["ledger"]
    assert got["frames"].keys() == want["frames"].keys()
    for who in want["frames"]:
        assert got["frames"][who] == want["frames"][who], who
    assert len(want["kept"]) == 14 and len(want["ledger"]) == 13  # suggestions: kept only
