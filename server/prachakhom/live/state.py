"""What each role is sent in `welcome.state`: what it needs to draw its screen now."""

from __future__ import annotations

from typing import Any

import msgspec

from prachakhom.core import plenary
from prachakhom.core.auth import Principal, Role
from prachakhom.core.results import hidden
from prachakhom.live.hub import Room, plenary_questions
from prachakhom.live.results_reader import read_results
from prachakhom.store import keys
from prachakhom.store.store import Store

IDEAS_IN_STATE = 2000


async def welcome_state(store: Store, room: Room, principal: Principal) -> dict[str, Any]:
    meeting = room.meeting
    questions = [
        q.to_dict() | {"state": state}
        for q, state in room.questions.values()
        if state == "open" or principal.role == Role.ORGANISER
    ]
    state: dict[str, Any] = {
        "meeting": meeting.public(),
        "questions": questions,
        "plenary": room.plenary,
    }
    role = principal.role
    if role == Role.FACILITATOR:
        state["voted"] = await _seats_voted(store, room, principal)
    elif role == Role.PARTICIPANT:
        state["my_ballots"] = await _my_ballots(store, room, principal)
    elif role in (Role.DISPLAY, Role.ORGANISER):
        state["results"] = await _results_for(store, room, role)
    if role in (Role.THEME, Role.ORGANISER, Role.DISPLAY):
        ideas = await store.ideas(meeting.id)
        state["ideas"] = ideas[-IDEAS_IN_STATE:]
        state["themes"] = await store.themes(meeting.id)
    return state


async def _seats_voted(store: Store, room: Room, who: Principal) -> dict[str, list[int]]:
    """For each open question, which seats of this table have a ballot in."""
    assert who.table is not None
    seats = range(1, room.meeting.seats + 1)
    voted = {}
    for q in room.open_questions:
        records = await store.ballots_of(
            room.meeting.id, q, [keys.seat_voter(who.table, s) for s in seats]
        )
        voted[q] = [s for s, r in zip(seats, records, strict=True) if r is not None]
    return voted


async def _my_ballots(store: Store, room: Room, who: Principal) -> dict[str, Any]:
    """A participant's own current answers to open questions (to show and to change)."""
    assert who.table is not None and who.seat is not None
    voter = keys.seat_voter(who.table, who.seat)
    mine = {}
    for q in room.open_questions:
        (record,) = await store.ballots_of(room.meeting.id, q, [voter])
        if record is not None:
            mine[q] = record["a"]
    return mine


async def _results_for(store: Store, room: Room, role: Role) -> list[dict[str, Any]]:
    """As plain maps, like the rest of the state: a Results Struct in MessagePack would
    have a three-byte map header where the map had one (see events.frame)."""
    shown = plenary_questions(room.plenary)
    wanted = room.watched() if role == Role.ORGANISER else [q for q in shown if q in room.questions]
    results = await read_results(store, room.meeting, [room.questions[q] for q in wanted])
    if role == Role.DISPLAY and not plenary.reveals(room.plenary):
        results = [hidden(r) for r in results]
    return [msgspec.to_builtins(r) for r in results]
