"""Marking the agenda: a question's level on the IAP2 spectrum (iap2.py), set or cleared
after the question was made.

    PUT /api/meetings/{m}/questions/{q}/iap2  {"level": "consult"}  (or null: not set)

The rest of a question stays fixed once made. The new definition is written and the
organisers' screens are told (`question_updated`) in one step, through the store's
control events, so the ledger keeps who-was-told-what in order.
"""

from __future__ import annotations

import dataclasses

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from prachakhom.core import events, iap2
from prachakhom.core.auth import Role
from prachakhom.core.questions import Question, definition_of
from prachakhom.live.services import Services
from prachakhom.store import keys
from prachakhom.web.base import Json, raw_body, require_role, services_of


async def set_iap2_level(request: Request) -> Response:
    m, q = request.path_params["meeting"], request.path_params["question"]
    await require_role(request, m, Role.ORGANISER)
    services = services_of(request)
    level = iap2.decode_level(await raw_body(request))
    question = await services.fresh_question(m, q)
    seq = await mark(services, m, question, level)
    state = (await services.store.states(m)).get(q, "draft")
    marked = await services.fresh_question(m, q)
    return Json(marked.to_dict() | {"state": state, "seq": seq})


async def mark(
    services: Services, meeting_id: str, question: Question, level: str | None
) -> int | None:
    """Write the question with its new level and tell the organisers; None when the
    level was already that (nothing written, no event)."""
    if question.iap2_level == level:
        return None
    marked = dataclasses.replace(question, iap2_level=level)
    seq, _ = await services.store.emit(
        meeting_id,
        events.QuestionUpdated(question=definition_of(marked)),
        guard="hset",
        key=keys.questions(meeting_id),
        field=question.id,
        value=orjson.dumps(marked.to_dict()),
    )
    return seq


agenda_routes: list[BaseRoute] = [
    Route("/api/meetings/{meeting}/questions/{question}/iap2", set_iap2_level, methods=["PUT"]),
]
