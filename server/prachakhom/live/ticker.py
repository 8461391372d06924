"""The results ticker: for each room with a screen, `tick_hz` times a second, the
watched questions' tally versions; for those that changed, one read of their results
(the services' ResultsReader) pushed to the organisers and the displays.

    ticker (tick_hz) --changed versions--> ResultsReader.read --> Clients (screens)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from redis.exceptions import RedisError

from prachakhom.core import plenary
from prachakhom.core.auth import Role
from prachakhom.core.errors import PrachakhomError
from prachakhom.core.events import ResultsPushed
from prachakhom.core.results import hidden
from prachakhom.core.resulttypes import Results
from prachakhom.live.fanout import Frames
from prachakhom.live.metrics import RESULTS_PUSHED
from prachakhom.live.results_reader import ResultsReader
from prachakhom.live.rooms import Room, plenary_questions
from prachakhom.store.store import Store, impatient

log = logging.getLogger("prachakhom.live.hub")


class Ticker:
    def __init__(
        self, store: Store, results: ResultsReader, rooms: dict[str, Room], tick_hz: float
    ) -> None:
        self.store = store
        self.results = results
        self.rooms = rooms  # the hub's, by meeting id
        self.tick_hz = tick_hz

    async def tick_forever(self) -> None:
        period = 1.0 / self.tick_hz
        while True:
            started = asyncio.get_running_loop().time()
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("results tick failed", exc_info=True)
            elapsed = asyncio.get_running_loop().time() - started
            await asyncio.sleep(max(0.0, period - elapsed))

    async def tick(self) -> None:
        """One round over the rooms. A meeting whose shard is failing over or lost is
        skipped this round (at once, not waited for): the others carry on."""
        with impatient():
            for room in list(self.rooms.values()):
                if room.has_screens():
                    try:
                        await self._tick_room(room)
                    except asyncio.CancelledError:
                        raise
                    except (RedisError, OSError, PrachakhomError):
                        self.store.shards.suspect()
                    except Exception:  # one meeting's bad data must not stall the others
                        log.exception("results tick failed for meeting %s", room.meeting.id)

    async def _tick_room(self, room: Room) -> None:
        watched = room.watched()
        if not watched:
            return
        versions = await self.store.versions(room.meeting.id, watched)
        changed = [
            q for q, v in zip(watched, versions, strict=True) if room.sent_versions.get(q) != v
        ]
        if not changed:
            return
        results = await self.results.read(room.meeting, [room.questions[q] for q in changed])
        for q, version in zip(watched, versions, strict=True):
            if q in changed:
                room.sent_versions[q] = version
        self.push_results(room, results)

    def push_results(self, room: Room, results: Iterable[Results]) -> None:
        shown = set(plenary_questions(room.plenary))
        reveal = plenary.reveals(room.plenary)
        for result in results:
            full = Frames(room.last_seq, ResultsPushed(results=result))
            screen = full
            if not reveal and result.question in shown:
                screen = Frames(room.last_seq, ResultsPushed(results=hidden(result)))
            for client in list(room.screens):  # results go to these only
                role = client.principal.role
                if role == Role.ORGANISER:
                    client.push(full)
                elif role == Role.DISPLAY and result.question in shown:
                    client.push(screen)
                else:
                    continue
                RESULTS_PUSHED.inc()
