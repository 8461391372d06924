"""The HTTP API (PROTOCOL.md): thin handlers over the pure core and the store."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from . import auth, openapi, privacy, provisioning
from .auth import Principal, Role
from .errors import Code, PrachakhomError
from .meetings import BANGKOK
from .methods import KINDS
from .presence import PHONE, TABLET, seen_field
from .questions import check_text, parse_question
from .report import formats, jobs
from .results import read_breakdown, read_results, read_site
from .security import metrics_refusal
from .services import UNAUTHORIZED, Services
from .store.store import UNAVAILABLE

log = logging.getLogger("prachakhom.routes")
MAX_BODY = 256 * 1024
CONNECTED_WITHIN_MS = 60_000  # a table not heard from for longer shows as not connected
PLENARY_VIEWS = ("question", "participation", "ideas", "themes", "compare", "breakdown", "text")


class Json(JSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def error_response(exc: PrachakhomError) -> Response:
    return Json({"error": exc.to_dict()}, status_code=exc.code.http_status)


def services_of(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UNAUTHORIZED
    return token.strip()


async def caller(request: Request) -> Principal | None:
    """None for the admin; else the token's principal."""
    token = _bearer(request)
    services = services_of(request)
    if services.is_admin(token):
        return None
    return await services.principal(token)


async def require_admin(request: Request) -> None:
    if await caller(request) is not None:
        raise PrachakhomError(Code.FORBIDDEN, "only the server's admin may do this")


async def require_role(request: Request, meeting_id: str, *roles: Role) -> Principal | None:
    """The admin, or a token of this meeting with one of these roles."""
    who = await caller(request)
    if who is None:
        return None
    if who.meeting != meeting_id:
        raise PrachakhomError(Code.FORBIDDEN, "this token is for another meeting")
    if who.role not in roles:
        raise PrachakhomError(Code.FORBIDDEN, f"a {who.role.value} may not do this")
    return who


async def body_of(request: Request) -> Any:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise PrachakhomError(Code.BAD_MESSAGE, "the request body is too large")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise PrachakhomError(Code.BAD_MESSAGE, "the request body is not valid JSON") from None


Handler = Callable[[Request], Awaitable[Response]]


def api(handler: Handler) -> Handler:
    """Turn PrachakhomError into the protocol's error body."""

    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except PrachakhomError as exc:
            return error_response(exc)
        except (RedisError, OSError):  # a read that waited out the pool, or Redis down
            log.warning("%s: storage did not answer", handler.__name__, exc_info=True)
            return error_response(UNAVAILABLE)

    wrapped.__name__ = handler.__name__
    return wrapped


# --- meetings and join -------------------------------------------------------------------


@api
async def create_meeting(request: Request) -> Response:
    """Body: the meeting, optionally with its `questions` (the scenario file's shape)."""
    await require_admin(request)
    body = await body_of(request)
    if isinstance(body, dict) and isinstance(body.get("meeting"), dict):
        body = body["meeting"] | {"questions": body.get("questions") or []}
    created = await provisioning.create_meeting(services_of(request).store, body)
    return Json(created, status_code=201)


@api
async def list_meetings(request: Request) -> Response:
    await require_admin(request)
    services = services_of(request)
    meetings = [await services.meeting(m) for m in await services.store.meeting_ids()]
    return Json({"meetings": [m.to_dict() for m in meetings]})


@api
async def get_meeting(request: Request) -> Response:
    m = request.path_params["meeting"]
    who = await require_role(request, m, *Role)
    services = services_of(request)
    meeting = await services.meeting(m)
    questions = await services.store.questions(m)
    body: dict[str, Any] = meeting.public() | {
        "questions": [
            q.to_dict() | {"state": state}
            for q, state in questions
            if state != "draft" or who is None or who.role == Role.ORGANISER
        ],
        "plenary": await services.store.plenary(m),
        "kinds": list(KINDS),  # registry order: the organiser console offers them so
    }
    if who is None or who.role == Role.ORGANISER:
        body["codes"] = await services.store.codes(m)
    return Json(body)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@api
async def join(request: Request) -> Response:
    services = services_of(request)
    address = client_address(request)
    limit = services.settings.join_failures_per_minute
    if await services.store.join_failures(address) >= limit:
        raise PrachakhomError(Code.RATE_LIMITED, "too many wrong codes; wait a minute")
    body = await body_of(request)
    code = body.get("code") if isinstance(body, dict) else None
    principal = (
        await services.store.code(auth.normalise_code(code))
        if isinstance(code, str) and len(code) < 40
        else None
    )
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


# --- questions and results ---------------------------------------------------------------


@api
async def add_question(request: Request) -> Response:
    m = request.path_params["meeting"]
    await require_role(request, m, Role.ORGANISER)
    services = services_of(request)
    await services.meeting(m)
    question = parse_question(await body_of(request))
    if question.pair_of is not None:
        pre = await services.store.question(m, question.pair_of)
        provisioning.check_pair(question, pre)
    if not await services.store.add_question(m, question):
        raise PrachakhomError(Code.CONFLICT, f"question {question.id!r} already exists")
    return Json(question.to_dict() | {"state": "draft"}, status_code=201)


def _state_change(state: str) -> Handler:
    async def change(request: Request) -> Response:
        m, q = request.path_params["meeting"], request.path_params["question"]
        await require_role(request, m, Role.ORGANISER)
        services = services_of(request)
        question = await services.fresh_question(m, q)  # its IAP2 level as marked now
        seq, why = await services.store.set_question_state(m, question, state)
        if why == "not_open":
            raise PrachakhomError(Code.CONFLICT, "only an open question can be closed")
        if state == "closed" and seq:
            # PDPA: a rewritten AOF holds each voter's final ballot only, not the ones
            # replaced while the question was open (the ledger keeps the audit trail)
            await services.store.rewrite_aof()
        return Json(question.to_dict() | {"state": state, "seq": seq or None})

    change.__name__ = f"{state}_question"
    return api(change)


@api
async def results(request: Request) -> Response:
    m, q = request.path_params["meeting"], request.path_params["question"]
    who = await require_role(request, m, Role.ORGANISER, Role.DISPLAY)
    services = services_of(request)
    meeting = await services.meeting(m)
    question = await services.question(m, q)
    params = request.query_params
    if who is not None and who.role == Role.DISPLAY:
        await check_display_may_read(services, m, q, params)
    method = params.get("method")
    state = (await services.store.states(m)).get(q, "draft")
    if "by" in params:
        by = await services.question(m, params["by"])
        found = await read_breakdown(
            services.store, meeting, question, state, by, method, services.settings.min_group
        )
    elif "site" in params:
        found = await read_site(services.store, meeting, question, state, params["site"], method)
    else:
        (found,) = await read_results(services.store, meeting, [(question, state)], method)
    return Json(found)


async def check_display_may_read(
    services: Services, meeting_id: str, question_id: str, params: Any
) -> None:
    """A screen may read what its hall is shown anyway, and nothing else: one site's
    results (`site=` alone) of the question on show or of either side of the before/after
    comparison on show, and the groups (`by=` alone) of the breakdown on show; never while
    the view hides its results. Groups below the minimum size stay suppressed as ever."""
    asked = set(params.keys())
    if asked not in ({"site"}, {"by"}) or any(len(params.getlist(k)) != 1 for k in asked):
        raise PrachakhomError(Code.FORBIDDEN, "a display may read only site= or by= results")
    view = await services.store.plenary(meeting_id)
    if not _shows(view, question_id, params.get("by")):
        raise PrachakhomError(Code.FORBIDDEN, "a display may read only what the plenary shows")
    if view.get("reveal", True) is False:
        raise PrachakhomError(Code.FORBIDDEN, "the results of this question are not revealed")


def _shows(view: dict[str, Any], question_id: str, by: str | None) -> bool:
    """Does the plenary view show this question (by=None: per site; else: grouped by `by`)?"""
    name = view.get("view")
    if by is not None:
        return name == "breakdown" and view.get("question") == question_id and view.get("by") == by
    if name == "compare":
        return question_id in (view.get("pre"), view.get("post"))
    return name == "question" and view.get("question") == question_id


@api
async def tables(request: Request) -> Response:
    """Live table status: connected, last seen, and voters counted per open question."""
    m = request.path_params["meeting"]
    await require_role(request, m, Role.ORGANISER)
    services = services_of(request)
    meeting = await services.meeting(m)
    open_questions = [q.id for q, state in await services.store.questions(m) if state == "open"]
    seen = await services.store.seen(m)
    voted = await services.store.tables_voted(m, open_questions)
    now = int(time.time() * 1000)
    rows = []
    for table in range(1, meeting.table_count + 1):
        tablet = seen.get(seen_field(table, TABLET))
        phones = seen.get(seen_field(table, PHONE))
        marks = [mark["at"] for mark in (tablet, phones) if mark]
        rows.append(
            {
                "table": table,
                "site": meeting.site_of(table),
                "connected": _live(tablet, now),
                "phones": _live(phones, now),
                "last_seen": max(marks) if marks else None,
                "voted": {q: voted[q].get(table, 0) for q in open_questions},
            }
        )
    return Json(
        {
            "meeting": m,
            "seats": meeting.seats,
            "questions": open_questions,
            "now": now,
            "tables": rows,
        }
    )


def _live(mark: dict[str, Any] | None, now: int) -> bool:
    """Connected, and heard from within the last minute."""
    return bool(mark and mark["connected"] and now - mark["at"] <= CONNECTED_WITHIN_MS)


@api
async def set_plenary(request: Request) -> Response:
    m = request.path_params["meeting"]
    await require_role(request, m, Role.ORGANISER)
    services = services_of(request)
    view = await check_view(services, m, await body_of(request))
    seq = await services.store.set_plenary(m, view)
    return Json(view | {"seq": seq})


async def check_view(services: Services, meeting_id: str, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or body.get("view") not in PLENARY_VIEWS:
        raise PrachakhomError(Code.BAD_MESSAGE, f"view must be one of {', '.join(PLENARY_VIEWS)}")
    name = body["view"]
    view: dict[str, Any] = {"view": name}
    if name == "question":
        await services.question(meeting_id, str(body.get("question")))
        reveal = await _reveal(services, meeting_id, body, [body["question"]])
        view |= {"question": body["question"], "reveal": reveal}
    elif name == "compare":
        for key in ("pre", "post"):
            await services.question(meeting_id, str(body.get(key)))
            view[key] = body[key]
    elif name == "breakdown":
        question = await services.question(meeting_id, str(body.get("question")))
        by = await services.question(meeting_id, str(body.get("by")))
        if by.kind != "demographic" or by.id == question.id:
            raise PrachakhomError(Code.BAD_MESSAGE, "by must name another, demographic question")
        reveal = await _reveal(services, meeting_id, body, [question.id, by.id])
        view |= {"question": question.id, "by": by.id, "reveal": reveal}
    elif name == "text":
        try:
            view["text"] = check_text(body.get("text"), "the text")
        except PrachakhomError as exc:
            raise PrachakhomError(Code.BAD_MESSAGE, exc.message) from None
    return view


async def _reveal(
    services: Services, meeting_id: str, body: dict[str, Any], shown: list[str]
) -> bool:
    """`reveal` as given; left out, the results show at once only when no question the
    view shows is open: live standings reach the hall only when the organiser says so."""
    given = body.get("reveal")
    if given is not None:
        return given is not False
    states = await services.store.states(meeting_id)
    return not any(states.get(q) == "open" for q in shown)


@api
async def purge_meeting(request: Request) -> Response:
    """Delete a meeting and all its personal data (admin): after its retention date,
    or sooner with ?force=true once the organisers have exported what they keep."""
    await require_admin(request)
    m = request.path_params["meeting"]
    services = services_of(request)
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


@api
async def export(request: Request) -> Response:
    """Any export format, built and rendered in a worker process (report/jobs.py): the
    file it wrote is sent, then deleted."""
    m = request.path_params["meeting"]
    await require_role(request, m, Role.ORGANISER)
    services = services_of(request)
    await services.meeting(m)
    name = request.query_params.get("format", "json")
    formats.format_named(name)
    written = await services.pool.run(
        jobs.export,
        m,
        name,
        request.query_params.get("lang"),
        services.settings.min_group,
        services.settings.thai_digits,
        str(services.pool.scratch),
        request=request,
        abandoned=_delete,
    )
    return SentOnce(
        written.path,
        media_type=formats.FORMATS[name].media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{written.filename}"',
            "Cache-Control": "no-store",
            "Accept-Ranges": "none",
        },
    )


class SentOnce(FileResponse):
    """A file written for this one answer: deleted once sent, or once sending failed (a
    BackgroundTask would not run when the client goes away mid-download)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)


def _delete(written: jobs.Written) -> None:
    """An export whose organiser went away while it ran: nobody will fetch its file."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(written.path)


@api
async def receipt_lookup(request: Request) -> Response:
    """Is the ballot with this receipt in the ledger, and is it the voter's final one?
    Says nothing of what was chosen; anyone holding a token of the meeting may ask."""
    m, code = request.path_params["meeting"], request.path_params["receipt"]
    await require_role(request, m, *Role)
    services = services_of(request)
    await services.meeting(m)
    found = (await services.receipts.index(m)).get(code.strip().upper())
    if found is None:
        raise PrachakhomError(Code.NOT_FOUND, "no ballot with this receipt is in the ledger")
    return Json({"receipt": code.strip().upper(), **found})


@api
async def audit(request: Request) -> Response:
    m = request.path_params["meeting"]
    await require_role(request, m, Role.ORGANISER)
    services = services_of(request)
    await services.meeting(m)
    return Json(await services.pool.run(jobs.audit, m, request=request))


# --- health and metrics ------------------------------------------------------------------


async def healthz(request: Request) -> Response:
    services = services_of(request)
    store = await services.store.health()
    ok = store["state"] != "down"
    return Json(
        {
            "ok": ok,
            "redis": store["state"],
            "store": store,
            "time": time.time(),
            "workers": services.pool.status(),
        },
        status_code=200 if ok else 503,
    )


async def metrics(request: Request) -> Response:
    settings = services_of(request).settings
    refused = metrics_refusal(request, settings.metrics_allow_from, settings.metrics_token)
    if refused is not None:
        status, code, message = refused
        return Json({"error": {"code": code, "message": message}}, status_code=status)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


routes = [
    Route("/api/meetings", create_meeting, methods=["POST"]),
    Route("/api/meetings", list_meetings, methods=["GET"]),
    Route("/api/meetings/{meeting}", get_meeting, methods=["GET"]),
    Route("/api/meetings/{meeting}", purge_meeting, methods=["DELETE"]),
    Route("/api/join", join, methods=["POST"]),
    Route("/api/meetings/{meeting}/questions", add_question, methods=["POST"]),
    Route(
        "/api/meetings/{meeting}/questions/{question}/open", _state_change("open"), methods=["POST"]
    ),
    Route(
        "/api/meetings/{meeting}/questions/{question}/close",
        _state_change("closed"),
        methods=["POST"],
    ),
    Route("/api/meetings/{meeting}/questions/{question}/results", results, methods=["GET"]),
    Route("/api/meetings/{meeting}/plenary", set_plenary, methods=["PUT"]),
    Route("/api/meetings/{meeting}/tables", tables, methods=["GET"]),
    Route("/api/meetings/{meeting}/audit", audit, methods=["GET"]),
    Route("/api/meetings/{meeting}/export", export, methods=["GET"]),
    Route("/api/meetings/{meeting}/receipts/{receipt}", receipt_lookup, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
    Route("/api/openapi.json", openapi.serve, methods=["GET"]),
]
