"""Fan-out within one server process: rooms of sockets, the meetings' control events,
and the results ticker.

    Redis pub/sub (store.channels, one connection per primary) --> Hub.on_message --> Clients
    ticker (ticker.py, tick_hz) --changed versions--> results read once --> Clients (screens)

The parts: fanout.py (a socket's sends and backlog), rooms.py (a meeting's sockets and
this process's mirror of it), ticker.py. Here: the rooms' lifecycle and the events'
catch-up by seq.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from prachakhom.core import events
from prachakhom.core.meetings import Meeting
from prachakhom.live.fanout import Client, Frames
from prachakhom.live.results_reader import ResultsReader
from prachakhom.live.rooms import AUDIENCE, SCREENS, Room, may_see, plenary_questions
from prachakhom.live.ticker import Ticker
from prachakhom.store.store import Store

__all__ = ["AUDIENCE", "SCREENS", "Client", "Frames", "Hub", "Room", "may_see", "plenary_questions"]

log = logging.getLogger(__name__)


class Hub:
    def __init__(self, store: Store, results: ResultsReader, *, tick_hz: float = 10.0) -> None:
        self.store = store
        self.rooms: dict[str, Room] = {}
        self.channels = store.channels(self.on_message, self._resync)
        self.ticker = Ticker(store, results, self.rooms, tick_hz)
        self._catching: set[asyncio.Task[None]] = set()

    # --- rooms -----------------------------------------------------------------------

    async def enter(self, meeting: Meeting, client: Client) -> Room:
        """Add a socket to its meeting's room (made and loaded on first use)."""
        room = self.rooms.get(meeting.id)
        if room is None:
            room = self.rooms[meeting.id] = Room(meeting)
            try:
                await self._load(room)
            except BaseException:  # not half a room for the next socket: it loads again
                self.rooms.pop(meeting.id, None)
                raise
            finally:
                room.ready.set()
            self.channels.listen_to(meeting.id)
        await room.ready.wait()
        if self.rooms.get(meeting.id) is not room:  # its load failed while this one waited
            raise ConnectionError("the meeting could not be loaded from storage")
        room.add(client)
        return room

    def leave(self, client: Client) -> None:
        room = self.rooms.get(client.principal.meeting)
        if room is None:
            return
        room.discard(client)
        if not room.clients:
            del self.rooms[room.meeting.id]
            self.channels.stop_listening(room.meeting.id)

    async def _load(self, room: Room) -> None:
        m = room.meeting.id
        seq = await self.store.current_seq(m)
        room.questions = {q.id: (q, state) for q, state in await self.store.questions(m)}
        room.plenary = await self.store.plenary(m)
        room.last_seq = max(room.last_seq, seq)

    # --- control events from Redis pub/sub ---------------------------------------------

    def on_message(self, meeting: str, data: str) -> None:
        """An event heard on the meeting's channel. Seqs are consecutive per meeting: one
        heard past a gap (missed while subscribing, or while a primary failed over) is
        held until the gap is read from the kept events."""
        room = self.rooms.get(meeting)
        if room is None:
            return
        seq_text, _, body = data.partition(" ")
        seq = int(seq_text)
        if seq <= room.last_seq:
            return
        event = events.read(body)
        if seq > room.last_seq + 1 or room.catching_up:
            room.held[seq] = (event, body)
            self._catch_up_soon(room)
            return
        self._apply(room, seq, event, body)

    def _apply(self, room: Room, seq: int, event: events.ControlEvent | None, body: str) -> None:
        room.apply(seq, event)
        if event is None:
            log.warning(
                "meeting %s: event %d is of a kind this server does not know", room.meeting.id, seq
            )
            return
        room.broadcast(Frames(seq, event, body), events.name(event), control_seq=seq)

    def _catch_up_soon(self, room: Room) -> None:
        if not room.catching_up:
            room.catching_up = True
            task = asyncio.create_task(self._catch_up(room))
            self._catching.add(task)
            task.add_done_callback(self._catching.discard)

    async def _catch_up(self, room: Room) -> None:
        """Replay the kept events after the room's last seq, then what was held."""
        try:
            for attempt in range(50):
                try:
                    events = await self.store.events_after(room.meeting.id, room.last_seq, 10000)
                    if events is None:  # too far behind: load the room anew
                        await self._load(room)
                        events = []
                    break
                except Exception:
                    await asyncio.sleep(min(0.1 * (attempt + 1), 1.0))
            else:
                return
            for event in events:
                if event.seq > room.last_seq:
                    self._apply(room, event.seq, event.body, event.raw)
            for seq in sorted(room.held):
                if seq == room.last_seq + 1:
                    self._apply(room, seq, *room.held[seq])
            room.held = {s: b for s, b in room.held.items() if s > room.last_seq}
        finally:
            room.catching_up = False
        if room.held:  # still a gap: go again
            self._catch_up_soon(room)

    async def _resync(self, meetings: list[str]) -> None:
        """After (re)subscribing, read what these rooms may have missed meanwhile."""
        for meeting in meetings:
            room = self.rooms.get(meeting)
            if room is not None:
                self._catch_up_soon(room)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Hub]:
        tasks = [
            asyncio.create_task(self.channels.run()),
            asyncio.create_task(self.ticker.tick_forever()),
        ]
        try:
            yield self
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
