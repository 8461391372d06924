"""The agenda and the meetings' control events: questions and their states, the
plenary view, and the kept events a screen resumes from (by seq)."""

from __future__ import annotations

import msgspec
import orjson

from prachakhom.core import events, plenary
from prachakhom.core.plenary import PlenaryView
from prachakhom.core.questions import Question, definition_of, parse_question
from prachakhom.core.records import Event
from prachakhom.store import keys, scripts
from prachakhom.store.connection import Connection, rerouted


class EventStore(Connection):
    @rerouted
    async def add_question(self, meeting_id: str, question: Question) -> bool:
        """False if the id is taken. Questions are fixed once created. The organisers'
        screens hear of it (question_added)."""
        seq, _ = await self.emit(
            meeting_id,
            events.QuestionAdded(question=definition_of(question, "draft")),
            guard="new_question",
            key=keys.questions(meeting_id),
            field=question.id,
            value=orjson.dumps(question.to_dict()),
        )
        return seq > 0

    @rerouted
    async def question(self, meeting_id: str, question_id: str) -> Question | None:
        raw = await self.of(meeting_id).hget(keys.questions(meeting_id), question_id)
        return parse_question(orjson.loads(raw)) if raw else None

    @rerouted
    async def questions(self, meeting_id: str) -> list[tuple[Question, str]]:
        """The agenda in order, each with its state."""
        pipe = self.of(meeting_id).pipeline(transaction=True)
        pipe.lrange(keys.question_order(meeting_id), 0, -1)
        pipe.hgetall(keys.questions(meeting_id))
        pipe.hgetall(keys.question_state(meeting_id))
        order, defs, states = await pipe.execute()
        return [(parse_question(orjson.loads(defs[q])), states.get(q, "draft")) for q in order]

    @rerouted
    async def states(self, meeting_id: str) -> dict[str, str]:
        return await self.of(meeting_id).hgetall(keys.question_state(meeting_id))

    @rerouted
    async def emit(
        self,
        meeting_id: str,
        body: events.ControlEvent,
        *,
        guard: str = "",
        key: str = "",
        field: str = "",
        value: str | bytes = "",
        derived: bool = False,
    ) -> tuple[int, str]:
        """Write (guarded) and publish a control event atomically. (seq, '') or (0, why).
        A `derived` event (suggestions: recomputable, no decision) stays out of the
        ledger."""
        declared = keys.emit_keys(meeting_id, key)
        call = [
            "EVALSHA", self._emit_sha, len(declared), *declared,
            keys.prefix(meeting_id), keys.channel(meeting_id), events.encode(body),
            self.events_kept, events.name(body), guard, key, field, value,
            "derived" if derived else "",
        ]  # fmt: skip
        (reply,) = await self._run_scripts(keys.ledger(meeting_id), [call], [scripts.EMIT])
        seq, reason = reply
        return int(seq), reason if isinstance(reason, str) else reason.decode()

    @rerouted
    async def set_question_state(
        self, meeting_id: str, question: Question, state: str
    ) -> tuple[int, str]:
        event = events.QuestionOpened if state == "open" else events.QuestionClosed
        return await self.emit(
            meeting_id,
            event(question=definition_of(question, state)),
            guard="state",
            key=keys.question_state(meeting_id),
            field=question.id,
            value=state,
        )

    @rerouted
    async def set_plenary(self, meeting_id: str, view: PlenaryView) -> int:
        seq, _ = await self.emit(
            meeting_id,
            events.PlenaryChanged(view=view),
            guard="hset",
            key=keys.meta(meeting_id),
            field="plenary",
            value=orjson.dumps(msgspec.to_builtins(view)),
        )
        return seq

    @rerouted
    async def plenary(self, meeting_id: str) -> PlenaryView:
        """The view as stored; the default when none is, or one this server cannot read
        (a newer server's view: as with its events, this one shows what it knows)."""
        raw = await self.of(meeting_id).hget(keys.meta(meeting_id), "plenary")
        try:
            return msgspec.json.decode(raw, type=PlenaryView) if raw else plenary.DEFAULT
        except msgspec.ValidationError:
            return plenary.DEFAULT

    @rerouted
    async def current_seq(self, meeting_id: str) -> int:
        return int(await self.of(meeting_id).get(keys.seq(meeting_id)) or 0)

    @rerouted
    async def events_after(self, meeting_id: str, after: int, most: int) -> list[Event] | None:
        """The kept control events with seq > after, or None if some were trimmed."""
        if after >= await self.current_seq(meeting_id):
            return []
        first = await self.of(meeting_id).xrange(keys.events(meeting_id), count=1)
        if not first or int(first[0][1]["seq"]) > after + 1:
            return None
        found: list[Event] = []
        cursor = "-"
        while len(found) <= most:
            batch = await self.of(meeting_id).xrange(keys.events(meeting_id), min=cursor, count=500)
            if not batch:
                break
            for _entry_id, entry in batch:
                if int(entry["seq"]) > after:
                    found.append(Event(int(entry["seq"]), events.read(entry["e"]), entry["e"]))
            cursor = "(" + batch[-1][0]
        return found if len(found) <= most else None
