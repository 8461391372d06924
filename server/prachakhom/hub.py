"""Fan-out within one server process: rooms of sockets, the pub/sub listener, the ticker.

    Redis pub/sub (one connection per process) --listen--> Room.on_event --> Client queues
    ticker (tick_hz) --changed versions--> read results once --> Client queues (screens)

Every socket has a bounded send queue. A client that stops reading is dropped once its
queue is full (close 4408), never waited for: one slow screen cannot slow the hall.
A message is encoded once per codec, however many sockets it goes to.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
from redis.exceptions import RedisError

from . import protocol
from .auth import Principal, Role
from .meetings import Meeting
from .metrics import RESULTS_PUSHED, SLOW_CONSUMERS
from .questions import Question, parse_question
from .results import hidden, read_results
from .store import keys
from .store.store import Store

log = logging.getLogger(__name__)

ALL = frozenset(Role)
# Who receives which event. Participants and facilitators never receive results or
# ideas of others; results reach screens and the organiser only.
AUDIENCE: dict[str, frozenset[Role]] = {
    "question_added": frozenset({Role.ORGANISER}),  # drafts stay with the organisers
    "question_opened": ALL,
    "question_closed": ALL,
    "plenary": ALL,
    "idea": frozenset({Role.ORGANISER, Role.THEME, Role.DISPLAY}),  # the plenary idea wall
    "themes": frozenset({Role.ORGANISER, Role.THEME, Role.DISPLAY}),
    "results": frozenset({Role.ORGANISER, Role.DISPLAY}),
}


def may_see(role: Role, event: str) -> bool:
    return role in AUDIENCE.get(event, frozenset({Role.ORGANISER}))


class Frames:
    """One message, encoded lazily once per codec."""

    __slots__ = ("_encoded", "message")

    def __init__(self, message: dict[str, Any]) -> None:
        self.message = message
        self._encoded: dict[str, str | bytes] = {}

    def encoded(self, codec: protocol.Codec) -> str | bytes:
        frame = self._encoded.get(codec)
        if frame is None:
            frame = self._encoded[codec] = protocol.encode(self.message, codec)
        return frame


@dataclass(eq=False)
class Client:
    """A socket as the hub sees it: who, which codec, and its bounded outgoing queue."""

    principal: Principal
    codec: protocol.Codec
    capacity: int
    on_overflow: Callable[[Client], None]
    queue: asyncio.Queue[tuple[int, Frames]] = field(init=False)
    dropped: bool = False

    def __post_init__(self) -> None:
        self.queue = asyncio.Queue(self.capacity)

    def push(self, frames: Frames, control_seq: int = 0) -> None:
        """Queue a message; control_seq > 0 marks a replayable event (skipped if in state)."""
        if self.dropped:
            return
        try:
            self.queue.put_nowait((control_seq, frames))
        except asyncio.QueueFull:
            self.dropped = True
            SLOW_CONSUMERS.inc()
            self.on_overflow(self)


def plenary_questions(view: dict[str, Any]) -> list[str]:
    if view.get("view") == "question" and isinstance(view.get("question"), str):
        return [view["question"]]
    if view.get("view") == "compare":
        return [q for q in (view.get("pre"), view.get("post")) if isinstance(q, str)]
    return []


class Room:
    """One meeting's sockets in this process and what the ticker needs to know."""

    def __init__(self, meeting: Meeting) -> None:
        self.meeting = meeting
        self.clients: set[Client] = set()
        self.last_seq = 0
        self.questions: dict[str, tuple[Question, str]] = {}
        self.plenary: dict[str, Any] = {"view": "participation"}
        self.sent_versions: dict[str, int] = {}
        self.ready = asyncio.Event()

    @property
    def open_questions(self) -> list[str]:
        return [q for q, (_, state) in self.questions.items() if state == "open"]

    def watched(self) -> list[str]:
        """Questions whose results someone here may see: open ones and those on show."""
        ids = dict.fromkeys(self.open_questions)
        ids.update(dict.fromkeys(q for q in plenary_questions(self.plenary) if q in self.questions))
        return list(ids)

    def has_screens(self) -> bool:
        return any(c.principal.role in (Role.DISPLAY, Role.ORGANISER) for c in self.clients)

    def apply(self, seq: int, body: dict[str, Any]) -> None:
        """Keep this process's view of the meeting current with a control event."""
        if seq <= self.last_seq:
            return
        self.last_seq = seq
        event = body.get("event")
        if event in ("question_added", "question_opened", "question_closed"):
            data = dict(body["question"])
            state = data.pop("state")
            question = parse_question(data)
            self.questions[question.id] = (question, state)
            self.sent_versions.pop(question.id, None)
        elif event == "plenary":
            self.plenary = body["view"]
            for q in plenary_questions(self.plenary):
                self.sent_versions.pop(q, None)

    def broadcast(self, frames: Frames, event: str, control_seq: int = 0) -> None:
        for client in list(self.clients):
            if may_see(client.principal.role, event):
                client.push(frames, control_seq)


class Hub:
    def __init__(self, store: Store, *, tick_hz: float = 10.0) -> None:
        self.store = store
        self.tick_hz = tick_hz
        self.rooms: dict[str, Room] = {}

    # --- rooms -----------------------------------------------------------------------

    async def enter(self, meeting: Meeting, client: Client) -> Room:
        """Add a socket to its meeting's room (made and loaded on first use)."""
        room = self.rooms.get(meeting.id)
        if room is None:
            room = self.rooms[meeting.id] = Room(meeting)
            try:
                await self._load(room)
            finally:
                room.ready.set()
        await room.ready.wait()
        room.clients.add(client)
        return room

    def leave(self, client: Client) -> None:
        room = self.rooms.get(client.principal.meeting)
        if room is None:
            return
        room.clients.discard(client)
        if not room.clients:
            del self.rooms[room.meeting.id]

    async def _load(self, room: Room) -> None:
        m = room.meeting.id
        seq = await self.store.current_seq(m)
        room.questions = {q.id: (q, state) for q, state in await self.store.questions(m)}
        room.plenary = await self.store.plenary(m)
        room.last_seq = max(room.last_seq, seq)

    # --- control events from Redis pub/sub ---------------------------------------------

    def on_message(self, channel: str, data: str) -> None:
        meeting = channel.removeprefix("pk:ev:")
        room = self.rooms.get(meeting)
        if room is None:
            return
        seq_text, _, payload = data.partition(" ")
        seq, body = int(seq_text), orjson.loads(payload)
        if seq <= room.last_seq:
            return
        room.apply(seq, body)
        frames = Frames({"type": "event", "seq": seq, **body})
        room.broadcast(frames, body["event"], control_seq=seq)

    async def listen(self) -> None:
        """The process's one pub/sub connection; reconnects by itself if Redis drops."""
        while True:
            pubsub = self.store.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.psubscribe(keys.CHANNEL_PATTERN)
                await self._resync()
                async for message in pubsub.listen():
                    if message["type"] == "pmessage":
                        self.on_message(message["channel"], message["data"])
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("pub/sub connection lost; reconnecting", exc_info=True)
                await asyncio.sleep(0.5)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    async def _resync(self) -> None:
        """After (re)subscribing, replay what the rooms may have missed meanwhile."""
        for room in list(self.rooms.values()):
            events = await self.store.events_after(room.meeting.id, room.last_seq, 10000)
            if events is None:
                await self._load(room)
                continue
            for event in events:
                self.on_message(
                    keys.channel(room.meeting.id),
                    f"{event.seq} {orjson.dumps(event.body).decode()}",
                )

    # --- the ticker ----------------------------------------------------------------------

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
        for room in list(self.rooms.values()):
            if room.has_screens():
                try:
                    await self._tick_room(room)
                except (asyncio.CancelledError, RedisError):
                    raise
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
        results = await read_results(self.store, room.meeting, [room.questions[q] for q in changed])
        for q, version in zip(watched, versions, strict=True):
            if q in changed:
                room.sent_versions[q] = version
        self.push_results(room, results)

    def push_results(self, room: Room, results: Iterable[dict[str, Any]]) -> None:
        shown = set(plenary_questions(room.plenary))
        reveal = room.plenary.get("reveal", True) is not False
        for result in results:
            full = Frames(
                {"type": "event", "seq": room.last_seq, "event": "results", "results": result}
            )
            screen = full
            if not reveal and result["question"] in shown:
                screen = Frames(
                    {
                        "type": "event",
                        "seq": room.last_seq,
                        "event": "results",
                        "results": hidden(result),
                    }
                )
            for client in list(room.clients):
                role = client.principal.role
                if role == Role.ORGANISER:
                    client.push(full)
                elif role == Role.DISPLAY and result["question"] in shown:
                    client.push(screen)
                else:
                    continue
                RESULTS_PUSHED.inc()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Hub]:
        tasks = [asyncio.create_task(self.listen()), asyncio.create_task(self.tick_forever())]
        try:
            yield self
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
