"""A demo forum in which every question kind has been voted on, ideas sent and themes
filed: the meeting the export tests export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prachakhom.cli.client import Api, Client

from .conftest import Running, demo_body
from .test_results_api import VOTERS, answers_for

IDEAS = {
    1: ["รถพยาบาลมาช้า หมู่บ้านอยู่ไกล", "ขาดยาที่ รพ.สต."],
    31: ["ฝุ่นควันทำให้ผู้สูงอายุป่วย", "รถฉุกเฉินไม่พอ"],
}


@dataclass
class Forum:
    id: str
    organiser: Api
    created: dict[str, Any]
    acks: list[dict[str, Any]]


async def voted_forum(server: Running, admin: Api, organiser: Api | None = None) -> Forum:
    """Open every question, vote through two tablets, change one vote, send ideas, file
    two themes, close every question. `organiser` must be an Api the caller closes."""
    created = await admin.create_meeting(demo_body() | {"date": "2026-11-21"})
    m = created["id"]
    organiser = Api(server.base, created["organiser"])
    for q in created["questions"]:
        await organiser.open(m, q["id"])
    tablets: dict[int, Client] = {}
    acks = []
    async with Api(server.base) as anyone:
        for table in (1, 31):
            joined = await anyone.join(created["codes"]["tables"][str(table)])
            tablets[table] = Client(server.ws, joined["token"])
            await tablets[table].connect()
    for i, (table, seat) in enumerate(VOTERS, start=1):
        for question, answer in answers_for(i, table).items():
            acks.append(await tablets[table].cast(question, answer, seat=seat))
    acks.append(await tablets[1].cast("iap2", "inform", seat=1))  # a changed vote
    idea_ids: dict[str, str] = {}
    for table, texts in IDEAS.items():
        for text in texts:
            ack = await tablets[table].idea(text, round="problems")
            idea_ids[text] = ack["idea"]
    await organiser.call(
        "POST",
        f"/api/meetings/{m}/themes",
        {
            "label": {"th": "การเข้าถึงบริการฉุกเฉิน", "en": "Emergency access"},
            "ideas": [idea_ids[IDEAS[1][0]], idea_ids[IDEAS[31][1]]],
        },
    )
    await organiser.call(
        "POST",
        f"/api/meetings/{m}/themes",
        {
            "label": {"th": "ฝุ่นควันและสุขภาพ", "en": "Haze and health"},
            "ideas": [idea_ids[IDEAS[31][0]]],
        },
    )
    for tablet in tablets.values():
        await tablet.close()
    for q in created["questions"]:
        await organiser.close(m, q["id"])
    return Forum(m, organiser, created, acks)
