# Size: issue #16 splits this (send buffers, the room mirror, the ticker); pub/sub has
# moved to store/channels.py (#17), which left the catch-up by seq here with the rooms.
"""Fan-out within one server process: rooms of sockets, the pub/sub listener, the ticker.

    Redis pub/sub (one connection per process) --listen--> Hub.on_message --> Clients
    ticker (tick_hz) --changed versions--> read results once --> Clients (screens)

A Client sends at once; only while its socket makes a send wait do later messages wait
in its bounded backlog. A client that stops reading is dropped once that backlog is full
(close 4408), never waited for: one slow screen cannot slow the hall. A message is
encoded once per codec, however many sockets it goes to.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine, Generator, Iterable
from typing import Any

import orjson
from redis.exceptions import RedisError

from . import protocol
from .auth import Principal, Role
from .errors import PrachakhomError
from .meetings import Meeting
from .metrics import RESULTS_PUSHED, SLOW_CONSUMERS
from .questions import Question, parse_question
from .results import hidden, read_results
from .store.channels import Channels
from .store.store import Store, impatient

log = logging.getLogger(__name__)

ALL = frozenset(Role)
# Who receives which event. Participants and facilitators never receive results or
# ideas of others; results reach screens and the organiser only.
AUDIENCE: dict[str, frozenset[Role]] = {
    "question_added": frozenset({Role.ORGANISER}),  # drafts stay with the organisers
    "question_updated": frozenset({Role.ORGANISER}),  # its IAP2 level marked (agenda.py)
    "question_opened": ALL,
    "question_closed": ALL,
    "plenary": ALL,
    "idea": frozenset({Role.ORGANISER, Role.THEME, Role.DISPLAY}),  # the plenary idea wall
    "themes": frozenset({Role.ORGANISER, Role.THEME, Role.DISPLAY}),  # no longer sent
    "themes_changed": frozenset({Role.ORGANISER, Role.THEME, Role.DISPLAY}),
    "suggestions": frozenset({Role.ORGANISER, Role.THEME}),  # the engine's, for the team
    "results": frozenset({Role.ORGANISER, Role.DISPLAY}),
}


SCREENS = frozenset({Role.ORGANISER, Role.DISPLAY})  # the roles that receive results


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


Sender = Callable[[str | bytes], Coroutine[Any, Any, None]]


class Client:
    """A socket as the hub sees it: who, which codec, and its outgoing messages.

    A message is sent at once, from whoever pushes it, when nothing is waiting before it:
    no queue and no task in the common case (a wake-up per message cost more than the
    send). Only when the socket stops taking data (its transport's buffer is full) does
    one task finish that send; the messages after it wait in a bounded backlog, in order,
    and go out once it is done. A client whose backlog overflows is dropped. Until
    `start` (its welcome sent), every message waits in the backlog.
    """

    __slots__ = (
        "_send",
        "backlog",
        "capacity",
        "codec",
        "dropped",
        "on_overflow",
        "principal",
        "started",
        "waiting",
        "welcome_seq",
    )

    def __init__(
        self,
        principal: Principal,
        codec: protocol.Codec,
        capacity: int,
        on_overflow: Callable[[Client], None],
        send: Sender | None = None,
    ) -> None:
        self.principal = principal
        self.codec = codec
        self.capacity = capacity
        self.on_overflow = on_overflow
        self._send = send
        self.backlog: deque[tuple[int, Frames | str | bytes]] = deque()
        self.waiting: asyncio.Task[None] | None = None  # a send the socket made wait
        self.started = False
        self.welcome_seq = 0
        self.dropped = False  # overflowed, or the socket is gone: nothing more is sent

    def push(self, frames: Frames, control_seq: int = 0) -> None:
        """Send a message; control_seq > 0 marks a replayable event (skipped if in state)."""
        self._put(control_seq, frames)

    def push_message(self, message: dict[str, Any]) -> None:
        """Send a message for this socket alone (a reply): encoded here, once."""
        if not self.dropped:
            self._put(0, protocol.encode(message, self.codec))

    def start(self, welcome_seq: int) -> None:
        """The welcome is sent: send what waited for it, less what its state holds."""
        self.welcome_seq = welcome_seq
        self.started = True
        self._flush()

    def _put(self, control_seq: int, item: Frames | str | bytes) -> None:
        if self.dropped:
            return
        if self.started and self.waiting is None and not self.backlog:
            self._send_now(item)
        elif len(self.backlog) < self.capacity:
            self.backlog.append((control_seq, item))
        else:
            self.dropped = True
            self.backlog.clear()
            SLOW_CONSUMERS.inc()
            self.on_overflow(self)

    def _send_now(self, item: Frames | str | bytes) -> None:
        assert self._send is not None
        frame = item.encoded(self.codec) if isinstance(item, Frames) else item
        try:
            self.waiting = run_now(self._send(frame))
        except Exception as exc:  # the socket is gone (or closed by us): stop sending
            self._gone(exc)
            return
        if self.waiting is not None:
            self.waiting.add_done_callback(self._sent)

    def _sent(self, task: asyncio.Task[None]) -> None:
        self.waiting = None
        if task.cancelled():
            self.dropped = True
        elif (exc := task.exception()) is not None:
            self._gone(exc)
        else:
            self._flush()

    def _flush(self) -> None:
        while self.backlog and self.waiting is None and not self.dropped:
            control_seq, item = self.backlog.popleft()
            if not control_seq or control_seq > self.welcome_seq:
                self._send_now(item)

    def _gone(self, exc: BaseException) -> None:
        """A send failed: the socket is gone (its receive side ends the session)."""
        self.dropped = True
        self.backlog.clear()
        log.debug("a send failed; nothing more goes to this socket", exc_info=exc)


def run_now(coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None] | None:
    """Run a coroutine here and now, up to its first wait. None if it finished without one;
    else a task that finishes it. (What Python 3.12's eager tasks do; this is 3.11.)"""
    try:
        waited_on = coroutine.send(None)
    except StopIteration:
        return None
    return asyncio.ensure_future(_finish(coroutine, waited_on))


async def _finish(coroutine: Coroutine[Any, Any, None], waited_on: Any) -> None:
    await _Resumed(coroutine, waited_on)


class _Resumed:
    """Awaiting this waits on what `coroutine` was waiting on, then runs it on."""

    def __init__(self, coroutine: Coroutine[Any, Any, None], waited_on: Any) -> None:
        self.coroutine = coroutine
        self.waited_on = waited_on

    def __await__(self) -> Generator[Any, Any, None]:
        waited_on = self.waited_on
        while True:
            try:
                sent = yield waited_on
            except BaseException as exc:  # cancelled while waiting: the coroutine hears it
                try:
                    waited_on = self.coroutine.throw(exc)
                except StopIteration:
                    return
                continue
            try:
                waited_on = self.coroutine.send(sent)
            except StopIteration:
                return


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
        self.screens: set[Client] = set()  # the organisers and displays among them
        self.last_seq = 0
        self.questions: dict[str, tuple[Question, str]] = {}
        self.plenary: dict[str, Any] = {"view": "participation"}
        self.sent_versions: dict[str, int] = {}
        self.ready = asyncio.Event()
        self.held: dict[int, dict[str, Any]] = {}  # events heard past a gap, by seq
        self.catching_up = False

    @property
    def open_questions(self) -> list[str]:
        return [q for q, (_, state) in self.questions.items() if state == "open"]

    def watched(self) -> list[str]:
        """Questions whose results someone here may see: open ones and those on show."""
        ids = dict.fromkeys(self.open_questions)
        ids.update(dict.fromkeys(q for q in plenary_questions(self.plenary) if q in self.questions))
        return list(ids)

    def has_screens(self) -> bool:
        return bool(self.screens)

    def add(self, client: Client) -> None:
        self.clients.add(client)
        if client.principal.role in SCREENS:
            self.screens.add(client)

    def discard(self, client: Client) -> None:
        self.clients.discard(client)
        self.screens.discard(client)

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
        elif event == "question_updated":  # the same question, newly marked: state kept
            question = parse_question(body["question"])
            _, state = self.questions.get(question.id, (question, "draft"))
            self.questions[question.id] = (question, state)
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
        self.channels = Channels(store.shards, self.on_message, self._resync)
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
        seq_text, _, payload = data.partition(" ")
        seq = int(seq_text)
        if seq <= room.last_seq:
            return
        body = orjson.loads(payload)
        if seq > room.last_seq + 1 or room.catching_up:
            room.held[seq] = body
            self._catch_up_soon(room)
            return
        self._apply(room, seq, body)

    def _apply(self, room: Room, seq: int, body: dict[str, Any]) -> None:
        room.apply(seq, body)
        frames = Frames({"type": "event", "seq": seq, **body})
        room.broadcast(frames, body["event"], control_seq=seq)

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
                    self._apply(room, event.seq, event.body)
            for seq in sorted(room.held):
                if seq == room.last_seq + 1:
                    self._apply(room, seq, room.held[seq])
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
            for client in list(room.screens):  # results go to these only
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
        tasks = [asyncio.create_task(self.channels.run()), asyncio.create_task(self.tick_forever())]
        try:
            yield self
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
