"""Meetings: create, list, read and purge them (the admin), and join one by its code."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from prachakhom.core import auth, meetings, privacy
from prachakhom.core.auth import Role
from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.meetings import BANGKOK
from prachakhom.core.methods import KINDS, METHODS
from prachakhom.live import provisioning
from prachakhom.web.base import (
    Json,
    client_address,
    meeting_call,
    raw_body,
    require_admin,
    services_of,
)


async def create_meeting(request: Request) -> Response:
    """Body: the meeting with its `questions`, or the scenario file's `{meeting, questions}`."""
    services = await require_admin(request)
    new = meetings.decode_new(await raw_body(request))
    created = await provisioning.create_meeting(services.store, new)
    return Json(created, status_code=201)


async def list_meetings(request: Request) -> Response:
    services = await require_admin(request)
    meetings = [await services.meeting(m) for m in await services.store.meeting_ids()]
    return Json({"meetings": [m.to_dict() for m in meetings]})


async def get_meeting(request: Request) -> Response:
    call = await meeting_call(request, *Role)
    questions = await call.store.questions(call.m)
    body: dict[str, Any] = call.meeting.public() | {
        "questions": [
            q.to_dict() | {"state": state}
            for q, state in questions
            if state != "draft" or call.organises
        ],
        "plenary": await call.store.plenary(call.m),
        "kinds": list(KINDS),  # registry order: the organiser console offers them so
        "methods": METHODS,  # the console offers a ranked question's methods from these
    }
    if call.organises:
        body["codes"] = await call.store.codes(call.m)
    return Json(body)


async def purge_meeting(request: Request) -> Response:
    """Delete a meeting and all its personal data (admin): after its retention date,
    or sooner with ?force=true once the organisers have exported what they keep."""
    services = await require_admin(request)
    m = request.path_params["meeting"]
    meeting = await services.meeting(m)
    privacy.check_may_purge(
        meeting,
        services.settings.retention_days,
        dt.datetime.now(BANGKOK).date(),
        await services.store.states(m),
        request.query_params.get("force") == "true",
    )
    deleted = await services.store.purge(m)
    services.forget(m)
    return Json({"purged": m, "keys": deleted})


async def join(request: Request) -> Response:
    services = services_of(request)
    address = client_address(request)
    limit = services.settings.join_failures_per_minute
    if await services.store.join_failures(address) >= limit:
        raise PrachakhomError(Code.RATE_LIMITED, "too many wrong codes; wait a minute")
    code = auth.decode_join(await raw_body(request))
    principal = None if code is None else await services.store.code(auth.normalise_code(code))
    if principal is None:
        await services.store.count_join_failure(address)
        raise PrachakhomError(Code.NOT_FOUND, "this join code is not known; check it and retry")
    token = auth.new_token(principal.meeting)
    await services.store.add_token(auth.token_digest(token), principal)
    meeting = await services.meeting(principal.meeting)
    return Json(
        {
            "token": token,
            **principal.to_dict(),
            "title": meeting.title,
            "language": meeting.language,
        }
    )


M = "/api/meetings/{meeting}"
meeting_routes = [
    Route("/api/meetings", create_meeting, methods=["POST"]),
    Route("/api/meetings", list_meetings, methods=["GET"]),
    Route(M, get_meeting, methods=["GET"]),
    Route(M, purge_meeting, methods=["DELETE"]),
    Route("/api/join", join, methods=["POST"]),
]
