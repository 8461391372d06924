"""The hall: what the plenary screens show, and the live status of the tables."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from prachakhom.core import plenary, tablestatus
from prachakhom.core.auth import Role
from prachakhom.core.plenary import PlenarySet, PlenaryView
from prachakhom.live.presence import PHONE, TABLET
from prachakhom.store.keys import seen_field
from prachakhom.web.base import Call, Json, meeting_call, raw_body


async def set_plenary(request: Request) -> Response:
    call = await meeting_call(request, Role.ORGANISER)
    view = await check_view(call, plenary.decode_view(await raw_body(request)))
    seq = await call.store.set_plenary(call.m, view)
    return Json(PlenarySet(**view.to_dict(), seq=seq))


async def check_view(call: Call, view: PlenaryView) -> PlenaryView:
    """The questions the view names exist (a breakdown's `by` is demographic), and
    `reveal` is set where it may hide results (its default by the questions' states)."""
    for q in (view.question, view.pre, view.post):
        if q is not None:
            await call.services.question(call.m, q)
    if view.by is not None and view.question is not None:
        by = await call.services.question(call.m, view.by)
        plenary.check_breakdown(view.question, by.id, by.kind)
    if view.view in ("question", "breakdown") and view.reveal is None:
        return plenary.with_reveal(view, await call.store.states(call.m))
    return view


async def tables(request: Request) -> Response:
    """Live table status: connected, last seen, and voters counted per open question."""
    call = await meeting_call(request, Role.ORGANISER)
    open_questions = [q.id for q, state in await call.store.questions(call.m) if state == "open"]
    seen = await call.store.seen(call.m)
    voted = await call.store.tables_voted(call.m, open_questions)
    marks = {
        t: (seen.get(seen_field(t, TABLET)), seen.get(seen_field(t, PHONE)))
        for t in call.meeting.table_numbers
    }
    now = int(time.time() * 1000)
    return Json(tablestatus.status(call.meeting, open_questions, marks, voted, now))


M = "/api/meetings/{meeting}"
plenary_routes = [
    Route(f"{M}/plenary", set_plenary, methods=["PUT"]),
    Route(f"{M}/tables", tables, methods=["GET"]),
]
