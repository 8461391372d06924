"""Creating a meeting: its codes, its organiser token and its agenda, in one place.

Used by POST /api/meetings and by the demo loader.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prachakhom.core import auth
from prachakhom.core.auth import Principal, Role
from prachakhom.core.errors import Code, PrachakhomError, invalid_question
from prachakhom.core.meetings import BANGKOK, Meeting, NewMeeting, meeting_of
from prachakhom.core.methods import compare
from prachakhom.core.questions import Question, question_of
from prachakhom.store.store import Store


def make_codes(meeting: Meeting) -> tuple[dict[str, Any], dict[str, Principal]]:
    """Join codes: one per table, per seat when enabled, one for displays, one for theme."""
    principals: dict[str, Principal] = {}

    def code_for(principal: Principal) -> str:
        while (code := auth.new_code()) in principals:
            pass
        principals[code] = principal
        return code

    m = meeting.id
    codes: dict[str, Any] = {
        "tables": {
            str(t): code_for(Principal(Role.FACILITATOR, m, t, site=meeting.site_of(t)))
            for t in meeting.table_numbers
        },
        "display": code_for(Principal(Role.DISPLAY, m)),
        "theme": code_for(Principal(Role.THEME, m)),
    }
    if meeting.seat_codes:
        codes["seats"] = {
            str(t): {
                str(s): code_for(Principal(Role.PARTICIPANT, m, t, s, site=meeting.site_of(t)))
                for s in range(1, meeting.seats + 1)
            }
            for t in meeting.table_numbers
        }
    return codes, principals


async def create_meeting(store: Store, new: NewMeeting) -> dict[str, Any]:
    """Check everything first (every question, then the meeting), then store it all."""
    parsed = [question_of(d) for d in new.agenda()]
    ids = [q.id for q in parsed]
    if len(set(ids)) != len(ids):
        raise PrachakhomError(Code.INVALID_QUESTION, "two questions have the same id")
    earlier: dict[str, Question] = {}
    for question in parsed:
        check_pair(question, earlier.get(question.pair_of or ""))
        earlier[question.id] = question
    # the report's date and the retention clock start today when no day is given
    given = new.meeting_def(dt.datetime.now(BANGKOK).date().isoformat())
    for _ in range(5):  # a fresh set of codes if one collides with another meeting's
        meeting = meeting_of(given, auth.new_meeting_id())
        codes, principals = make_codes(meeting)
        if await store.create_meeting(meeting, codes, principals):
            break
    else:
        raise PrachakhomError(Code.UNAVAILABLE, "could not make unique join codes; try again")
    for question in parsed:
        await store.add_question(meeting.id, question)
    token = auth.new_token(meeting.id)
    await store.add_token(auth.token_digest(token), Principal(Role.ORGANISER, meeting.id))
    return {
        "meeting": meeting.to_dict(),
        "id": meeting.id,
        "codes": codes,
        "organiser": token,
        "questions": [q.to_dict() | {"state": "draft"} for q in parsed],
    }


def check_pair(post: Question, pre: Question | None) -> None:
    """A post-poll names an existing, earlier pre-poll that can be compared with it."""
    if post.pair_of is None:
        return
    if pre is None:
        raise invalid_question(
            f"pair_of {post.pair_of!r}: the pre-poll must be an earlier question of the meeting"
        )
    compare.comparable(pre, post)
