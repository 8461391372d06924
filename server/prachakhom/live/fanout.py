"""Fan-out to one socket: a message encoded once per codec, sent at once, and only
while the socket makes a send wait kept in a bounded backlog.

A client that stops reading is dropped once that backlog is full (close 4408), never
waited for: one slow screen cannot slow the hall (see websockets' docs/topics/broadcast).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Coroutine, Generator
from typing import Any

from prachakhom.core import events, protocol
from prachakhom.core.auth import Principal
from prachakhom.live.metrics import SLOW_CONSUMERS

log = logging.getLogger("prachakhom.live.hub")


class Frames:
    """One event in its envelope, encoded lazily once per codec (from the body's JSON as
    kept or heard, when there is one: see events.frame)."""

    __slots__ = ("_encoded", "body", "event", "seq")

    def __init__(self, seq: int, event: events.Event, body: str | None = None) -> None:
        self.seq = seq
        self.event = event
        self.body = body
        self._encoded: dict[str, str | bytes] = {}

    def encoded(self, codec: protocol.Codec) -> str | bytes:
        frame = self._encoded.get(codec)
        if frame is None:
            frame = self._encoded[codec] = events.frame(self.seq, self.event, codec, self.body)
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
