"""The tables and the theme team, as the theme benchmark drives them.

    Desk     the theme team's socket (the load generator's lean client, role `theme`):
             every `suggestions` event, with the moment it arrived, waited on by idea id
    send_idea  a facilitator tablet sends an idea; its ack, timed
    Filing   the team's HTTP calls: make a theme under the name the team types, then add
             ideas to it (POST .../themes, POST .../themes/{t}/ideas)
    Room     one meeting with its tablets, the desk and the team's HTTP client

The desk reads every frame the server sends it as it arrives (no task of its own), so an
event's time is when it reached this process, not when a consumer got round to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from prachakhom.cli.client import Api

from . import joins
from .clients import JSON, Agent, Pool
from .target import Target

now = time.perf_counter


@dataclass(slots=True)
class Suggested:
    t: float  # when the event arrived (perf_counter)
    themes: list[str]  # theme ids, best first (the event's top three)


class Desk(Agent):
    """The theme team's screen: keeps each idea's first `suggestions`."""

    def __init__(self, pool: Pool, token: str) -> None:
        super().__init__(pool, "theme", 0, JSON, token)
        self.suggested: dict[str, Suggested] = {}
        self.events = 0
        self._waiting: dict[str, asyncio.Future[None]] = {}

    def _on_frame(self, data: bytes) -> None:
        if b'"suggestions"' not in data:
            super()._on_frame(data)
            return
        t = now()
        message = orjson.loads(data)
        if message.get("type") != "event" or message.get("event") != "suggestions":
            super()._on_frame(data)
            return
        self.events += 1
        self.last_seq = max(self.last_seq or 0, int(message.get("seq", 0)))
        for idea, found in message.get("ideas", {}).items():
            if idea in self.suggested:
                continue
            self.suggested[idea] = Suggested(t, [s["theme"] for s in found.get("themes", [])])
            waiter = self._waiting.pop(idea, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(None)

    async def all_of(self, ideas: list[str], timeout: float) -> int:
        """Wait until every idea has its suggestions (or the timeout); how many have."""
        deadline = now() + timeout
        for idea in ideas:
            await self.suggestion(idea, max(0.0, deadline - now()))
        return sum(idea in self.suggested for idea in ideas)

    async def suggestion(self, idea: str, timeout: float) -> Suggested | None:
        """The idea's suggestions once they arrive; None if none came within `timeout`."""
        if idea not in self.suggested:
            waiter = self._waiting.setdefault(idea, asyncio.get_running_loop().create_future())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(waiter), timeout)
        return self.suggested.get(idea)


@dataclass(slots=True)
class Sent:
    idea: str | None  # the server's idea id; None: refused or unanswered
    t_ack: float
    ack_s: float
    error: str | None = None


async def send_idea(tablet: Agent, key: str, text: str, round: str = "r1") -> Sent:
    """One idea from a table's tablet; `t_ack` is when its ack arrived."""
    t = now()
    try:
        answer, latency = await tablet.request(
            {"type": "idea", "id": key, "text": text, "round": round}
        )
    except TimeoutError:
        return Sent(None, now(), now() - t, "ack_timeout")
    if answer.get("type") != "ack":
        return Sent(None, t + latency, latency, str(answer.get("code")))
    return Sent(str(answer["idea"]), t + latency, latency)


@dataclass
class Filing:
    """The theme team files ideas under their labelled themes, by name."""

    team: Api
    meeting: str
    name_of: Callable[[str], str]
    theme_of: dict[str, str] = field(default_factory=dict)  # tag -> theme id
    seconds: list[float] = field(default_factory=list)  # each filing call
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def tag_of(self) -> dict[str, str]:
        return {theme: tag for tag, theme in self.theme_of.items()}

    async def file(self, idea: str, tag: str) -> None:
        lock = self._locks.setdefault(tag, asyncio.Lock())
        async with lock:  # two filers never make one theme twice
            started = now()
            m = self.meeting
            if tag not in self.theme_of:
                made = await self.team.call(
                    "POST",
                    f"/api/meetings/{m}/themes",
                    {"label": self.name_of(tag), "ideas": [idea]},
                )
                self.theme_of[tag] = made["id"]
            else:
                await self.team.call(
                    "POST", f"/api/meetings/{m}/themes/{self.theme_of[tag]}/ideas", {"add": [idea]}
                )
            self.seconds.append(now() - started)


@dataclass
class Room:
    """One meeting: its tablets (table n is tablets[n - 1]), the desk, the team's API."""

    meeting: str
    organiser: Api
    team: Api
    desk: Desk
    tablets: list[Agent]
    pool: Pool


def meeting_body(tables: int, title: str) -> dict[str, Any]:
    return {
        "title": {"th": f"ทดสอบทีมประเด็น: {title}", "en": f"Theme benchmark: {title}"},
        "language": "th",
        "tables": {"count": tables, "seats": 1},
    }


@contextlib.asynccontextmanager
async def room(target: Target, tables: int, title: str) -> AsyncIterator[Room]:
    """A fresh meeting with `tables` tablets and the theme team connected."""
    async with Api(target.base_url, target.admin_token) as admin:
        created = await admin.create_meeting(meeting_body(tables, title))
    m, codes = created["id"], created["codes"]
    pool = Pool(url=target.ws_url, timeout=15.0, answer_timeout=30.0)
    pool.start()
    organiser = Api(target.base_url, created["organiser"])
    team: Api | None = None
    try:
        codes_of_tables = [codes["tables"][str(t)] for t in range(1, tables + 1)]
        joined = await joins.join_all(target.base_url, [*codes_of_tables, codes["theme"]])
        tablets = [
            Agent(pool, "tablet", t, JSON, j["token"], t)
            for t, j in enumerate(joined[:-1], start=1)
        ]
        desk = Desk(pool, joined[-1]["token"])
        failed = await pool.connect_all([desk, *tablets])
        if failed:
            raise ConnectionError(f"{len(failed)} of {tables + 1} sockets did not connect")
        team = Api(target.base_url, joined[-1]["token"])
        yield Room(m, organiser, team, desk, tablets, pool)
    finally:
        await pool.close()
        await organiser.http.aclose()
        if team is not None:
            await team.http.aclose()
