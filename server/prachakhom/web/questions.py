"""Questions: add one to the agenda, open and close it, and read its results."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from prachakhom.core import plenary
from prachakhom.core.auth import Role
from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.questions import decode_question
from prachakhom.core.resulttypes import Breakdown, Results
from prachakhom.live import provisioning
from prachakhom.web.base import Call, Json, meeting_call, raw_body


async def add_question(request: Request) -> Response:
    call = await meeting_call(request, Role.ORGANISER)
    question = decode_question(await raw_body(request))
    if question.pair_of is not None:
        pre = await call.store.question(call.m, question.pair_of)
        provisioning.check_pair(question, pre)
    if not await call.store.add_question(call.m, question):
        raise PrachakhomError(Code.CONFLICT, f"question {question.id!r} already exists")
    return Json(question.to_dict() | {"state": "draft"}, status_code=201)


async def change_state(call: Call, state: str) -> Response:
    question = await call.services.fresh_question(call.m, call.path("question"))  # its IAP2 mark
    seq, why = await call.store.set_question_state(call.m, question, state)
    if why == "not_open":
        raise PrachakhomError(Code.CONFLICT, "only an open question can be closed")
    if state == "closed" and seq:
        # PDPA: a rewritten AOF holds each voter's final ballot only, not the ones
        # replaced while the question was open (the ledger keeps the audit trail)
        await call.store.rewrite_aof()
    return Json(question.to_dict() | {"state": state, "seq": seq or None})


async def open_question(request: Request) -> Response:
    return await change_state(await meeting_call(request, Role.ORGANISER), "open")


async def close_question(request: Request) -> Response:
    return await change_state(await meeting_call(request, Role.ORGANISER), "closed")


async def results(request: Request) -> Response:
    call = await meeting_call(request, Role.ORGANISER, Role.DISPLAY)
    question = await call.services.question(call.m, call.path("question"))
    params = request.query_params
    if call.who is not None and call.who.role == Role.DISPLAY:
        await check_display_may_read(call, question.id)
    method = params.get("method")
    state = (await call.store.states(call.m)).get(question.id, "draft")
    found: Results | Breakdown
    if "by" in params:
        by = await call.services.question(call.m, params["by"])
        found = await call.services.results.breakdown(
            call.meeting, question, state, by, method, call.services.settings.min_group
        )
    elif "site" in params:
        found = await call.services.results.site(
            call.meeting, question, state, params["site"], method
        )
    else:
        (found,) = await call.services.results.read(call.meeting, [(question, state)], method)
    return Json(found)


async def check_display_may_read(call: Call, question_id: str) -> None:
    """A screen may read what its hall is shown anyway, and nothing else: one site's
    results (`site=` alone) of the question on show or of either side of the before/after
    comparison on show, and the groups (`by=` alone) of the breakdown on show; never while
    the view hides its results. Groups below the minimum size stay suppressed as ever."""
    params = call.request.query_params
    asked = set(params.keys())
    if asked not in ({"site"}, {"by"}) or any(len(params.getlist(k)) != 1 for k in asked):
        raise PrachakhomError(Code.FORBIDDEN, "a display may read only site= or by= results")
    view = await call.store.plenary(call.m)
    plenary.check_display_read(view, question_id, params.get("by"))


Q = "/api/meetings/{meeting}/questions"
question_routes = [
    Route(Q, add_question, methods=["POST"]),
    Route(f"{Q}/{{question}}/open", open_question, methods=["POST"]),
    Route(f"{Q}/{{question}}/close", close_question, methods=["POST"]),
    Route(f"{Q}/{{question}}/results", results, methods=["GET"]),
]
