"""Ideas from the tables, the theme team's themes, and the ideas' kept vectors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import msgspec
import orjson
from redis.exceptions import RedisError, WatchError

from prachakhom.core import events
from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.ideas import Idea, Theme
from prachakhom.core.records import ThemeChange
from prachakhom.store import keys
from prachakhom.store.connection import UNAVAILABLE, rerouted
from prachakhom.store.events import EventStore
from prachakhom.store.meetings import loads


class IdeaStore(EventStore):
    @rerouted
    async def add_idea(self, meeting_id: str, idea: Idea) -> int:
        """Seq of the idea's event, or 0 if this idea id was already stored."""
        seq, _ = await self.emit(
            meeting_id,
            events.IdeaAdded(idea=idea),
            guard="hsetnx",
            key=keys.ideas(meeting_id),
            field=idea.id,
            value=orjson.dumps(msgspec.to_builtins(idea)),
        )
        return seq

    @rerouted
    async def ideas(self, meeting_id: str) -> list[dict[str, Any]]:
        raw = await self.of(meeting_id).hvals(keys.ideas(meeting_id))
        return sorted((orjson.loads(r) for r in raw), key=lambda i: (i["at"], i["id"]))

    @rerouted
    async def themes(self, meeting_id: str) -> list[dict[str, Any]]:
        raw = await self.of(meeting_id).hvals(keys.themes(meeting_id))
        return sorted((orjson.loads(r) for r in raw), key=lambda t: (t["at"], t["id"]))

    async def update_themes(
        self, meeting_id: str, change: Callable[[dict[str, dict[str, Any]]], ThemeChange]
    ) -> Any:
        """Apply `change` (pure: the themes by id -> what to write and delete) in one
        optimistic transaction on the themes hash, retried if someone else wrote it
        meanwhile, so two people filing at the same moment both land. Pushes one
        `themes_changed` event with the themes written and the ids deleted (not the whole
        list: at hall scale that is 100 KiB, and every change is kept in the ledger)."""
        key = keys.themes(meeting_id)
        for _ in range(50):
            try:
                async with self.of(meeting_id).pipeline(transaction=True) as pipe:
                    await pipe.watch(key)
                    current = {t["id"]: t for t in (orjson.loads(r) for r in await pipe.hvals(key))}
                    done = change(current)  # may raise: nothing written
                    pipe.multi()
                    for theme in done.write:
                        pipe.hset(key, theme["id"], orjson.dumps(theme))
                    if done.delete:
                        pipe.hdel(key, *done.delete)
                    await pipe.execute()
                break
            except WatchError:
                continue
            except (RedisError, OSError):
                raise UNAVAILABLE from None
        else:
            raise PrachakhomError(Code.UNAVAILABLE, "the themes are changing too fast; retry")
        # the event's own WAITAOF covers the write above: the AOF is one log, fsynced in order
        await self.emit(
            meeting_id,
            events.ThemesChanged(
                themes=msgspec.convert(done.write, list[Theme]), deleted=list(done.delete)
            ),
        )
        return done.answer

    @rerouted
    async def idea_vectors(self, meeting_id: str, ids: Sequence[str]) -> list[str | None]:
        """Kept vectors of these ideas (themes/encoder.py), None where not encoded yet."""
        if not ids:
            return []
        return list(await self.of(meeting_id).hmget(keys.vectors(meeting_id), list(ids)))

    @rerouted
    async def keep_vectors(self, meeting_id: str, packed: dict[str, str]) -> None:
        """Keep vectors, the first written for an idea staying: the suggester and a board
        request may encode the same new idea at once, and the later must not overwrite what
        others may already have read."""
        if not packed:
            return
        key = keys.vectors(meeting_id)
        pipe = self.of(meeting_id).pipeline(transaction=False)
        for idea_id, record in packed.items():
            pipe.hsetnx(key, idea_id, record)
        await pipe.execute()

    @rerouted
    async def ideas_named(self, meeting_id: str, ids: Sequence[str]) -> list[dict[str, Any] | None]:
        if not ids:
            return []
        return [
            loads(r) for r in await self.of(meeting_id).hmget(keys.ideas(meeting_id), list(ids))
        ]
