"""What every HTTP handler shares: who calls, which meeting, the body, the answer, and
how a refusal becomes the protocol's error body.

    request --meeting_call(request, *roles)--> Call(services, meeting, who)
    PrachakhomError / storage down --exception_handlers--> {"error": {code, message}}

A handler resolves its caller in one line and raises; Starlette's exception handlers
(`exception_handlers`, installed on the app) answer for it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import msgspec
import orjson
from redis.exceptions import RedisError
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ExceptionHandler

from prachakhom.core.auth import Principal, Role
from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.core.meetings import Meeting
from prachakhom.live.services import UNAUTHORIZED, Services
from prachakhom.store.store import UNAVAILABLE, Store

log = logging.getLogger("prachakhom.routes")
MAX_BODY = 256 * 1024


class Json(JSONResponse):
    """orjson, and msgspec Structs as their JSON objects."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=msgspec.to_builtins)


def error_response(exc: PrachakhomError) -> Response:
    return Json({"error": exc.to_dict()}, status_code=exc.code.http_status)


async def refused(conn: HTTPConnection, exc: Exception) -> Response:
    """A refusal: its code's status and the error body."""
    if not isinstance(conn, Request) or not isinstance(exc, PrachakhomError):
        raise exc  # the socket endpoint answers for itself
    return error_response(exc)


async def storage_down(conn: HTTPConnection, exc: Exception) -> Response:
    """A read that waited out the pool, or Redis down: 503 unavailable."""
    if not isinstance(conn, Request):
        raise exc
    log.warning("%s %s: storage did not answer", conn.method, conn.url.path, exc_info=exc)
    return error_response(UNAVAILABLE)


exception_handlers: dict[Any, ExceptionHandler] = {
    PrachakhomError: refused,
    RedisError: storage_down,
    OSError: storage_down,
}


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


async def require_admin(request: Request) -> Services:
    if await caller(request) is not None:
        raise PrachakhomError(Code.FORBIDDEN, "only the server's admin may do this")
    return services_of(request)


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


@dataclass(frozen=True, slots=True)
class Call:
    """A call about one meeting: by whom (None: the admin), and what serves it."""

    request: Request
    services: Services
    meeting: Meeting
    who: Principal | None

    @property
    def store(self) -> Store:
        return self.services.store

    @property
    def m(self) -> str:
        return self.meeting.id

    @property
    def organises(self) -> bool:
        """The admin or an organiser: who sees drafts and codes."""
        return self.who is None or self.who.role == Role.ORGANISER

    def path(self, name: str) -> str:
        return self.request.path_params[name]  # type: ignore[no-any-return]


async def meeting_call(request: Request, *roles: Role) -> Call:
    """The one opening of a handler under /api/meetings/{meeting}: the caller has one of
    these roles in the meeting (or is the admin), and the meeting exists."""
    m = request.path_params["meeting"]
    who = await require_role(request, m, *roles)
    services = services_of(request)
    return Call(request, services, await services.meeting(m), who)


async def raw_body(request: Request) -> bytes:
    """The body's bytes, for a core decoder that reads them in one pass into its Struct."""
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise PrachakhomError(Code.BAD_MESSAGE, "the request body is too large")
    return raw


async def body_of(request: Request) -> Any:
    raw = await raw_body(request)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise PrachakhomError(Code.BAD_MESSAGE, "the request body is not valid JSON") from None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
