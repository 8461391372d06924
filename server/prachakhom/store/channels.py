"""The meetings' control events, heard by the processes that serve them.

Each meeting's events are published with SPUBLISH on its own channel (`pk:ev:{m}`, in
the meeting's slot: keys.channel). A process subscribes (SSUBSCRIBE) to the meetings
it has sockets for, on the primary that holds each, and to nothing else: on a cluster
a node hears only the meetings it serves. On a single server the same commands work,
with one connection.

When a subscription breaks (the primary died, or the server said the slot moved by
sending `sunsubscribe`), the slot map is read again, the meeting is subscribed where
it lives now, and `on_resubscribed` is told, so the hub replays what it missed from
the kept events (resume by seq; nothing is lost in the gap).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio.client import PubSub

from prachakhom.store import keys
from prachakhom.store.shards import Shards

log = logging.getLogger("prachakhom.channels")
SETTLE = 0.25  # seconds between placements while something is wrong


@dataclass
class _Line:
    """One subscriber connection to one primary, with the meetings heard on it."""

    pubsub: PubSub
    meetings: set[str] = field(default_factory=set)
    reader: asyncio.Task[None] | None = None
    broken: bool = False


class Channels:
    def __init__(
        self,
        shards: Shards,
        on_event: Callable[[str, str], None],
        on_resubscribed: Callable[[list[str]], Coroutine[Any, Any, None]],
    ) -> None:
        self.shards = shards
        self.on_event = on_event  # (meeting, "<seq> <json>")
        self.on_resubscribed = on_resubscribed
        self.wanted: set[str] = set()
        self._lines: dict[int, _Line] = {}  # id(client) -> its line
        self._wake = asyncio.Event()
        self.resubscriptions = 0

    def listen_to(self, meeting: str) -> None:
        if meeting not in self.wanted:
            self.wanted.add(meeting)
            self._wake.set()

    def stop_listening(self, meeting: str) -> None:
        if meeting in self.wanted:
            self.wanted.discard(meeting)
            self._wake.set()

    def heard(self, meeting: str) -> bool:
        """Is the meeting subscribed on a live line now?"""
        return any(meeting in line.meetings and not line.broken for line in self._lines.values())

    async def run(self) -> None:
        """Forever: keep every wanted meeting subscribed where it lives."""
        try:
            while True:
                try:
                    await self._place()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning("subscribing to the meetings' events failed: %r", exc)
                    self.shards.suspect()
                self._wake.clear()
                settled = not any(line.broken for line in self._lines.values())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), 1.0 if settled else SETTLE)
        finally:
            for line in list(self._lines.values()):
                await self._close(line)

    async def _place(self) -> None:
        for key, line in list(self._lines.items()):
            if line.broken:
                del self._lines[key]
                await self._close(line)
                self.shards.suspect()
        if any(not self._is_placed(m) for m in self.wanted):
            await self.shards.refresh()
        moved: list[str] = []
        where: dict[int, tuple[Any, list[str]]] = {}
        for meeting in self.wanted:
            client = self.shards.for_key(keys.prefix(meeting))
            where.setdefault(id(client), (client, []))[1].append(meeting)
        for key, line in list(self._lines.items()):  # gone or moved elsewhere
            keep = set(where.get(key, (None, []))[1])
            leaving = line.meetings - keep
            if leaving:
                line.meetings -= leaving
                with contextlib.suppress(Exception):
                    await line.pubsub.sunsubscribe(*(keys.channel(m) for m in leaving))
            if not line.meetings and key not in where:
                del self._lines[key]
                await self._close(line)
        for key, (client, meetings) in where.items():
            line = self._lines.get(key)  # type: ignore[assignment]
            if line is None:
                line = self._lines[key] = _Line(client.pubsub())
            new = [m for m in meetings if m not in line.meetings]
            if not new:
                continue
            await line.pubsub.ssubscribe(*(keys.channel(m) for m in new))
            line.meetings.update(new)
            if line.reader is None:
                line.reader = asyncio.create_task(self._read(line))
            moved += new
        if moved:
            self.resubscriptions += 1
            await self.on_resubscribed(moved)

    def _is_placed(self, meeting: str) -> bool:
        return any(meeting in line.meetings and not line.broken for line in self._lines.values())

    async def _read(self, line: _Line) -> None:
        try:
            while True:
                message = await line.pubsub.get_message(timeout=None)
                if message is None:
                    continue
                kind = message["type"]
                if kind == "smessage":
                    meeting = keys.meeting_of_channel(message["channel"])
                    self.on_event(meeting, message["data"])
                elif kind == "sunsubscribe":
                    meeting = keys.meeting_of_channel(message["channel"])
                    if meeting in line.meetings:  # not asked for: the slot moved away
                        line.meetings.discard(meeting)
                        self.shards.suspect()
                        self._wake.set()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("an event subscription broke (%r); subscribing again", exc)
            line.broken = True
            self._wake.set()

    async def _close(self, line: _Line) -> None:
        if line.reader is not None and line.reader is not asyncio.current_task():
            line.reader.cancel()
            with contextlib.suppress(BaseException):
                await line.reader
        with contextlib.suppress(Exception):
            await line.pubsub.aclose()
