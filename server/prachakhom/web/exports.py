"""What the organisers take away: the report in any format, the audit, and receipts."""

from __future__ import annotations

import contextlib
import os

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from prachakhom.core.auth import Role
from prachakhom.core.errors import Code, PrachakhomError
from prachakhom.report import formats, jobs
from prachakhom.web.base import Json, meeting_call


async def export(request: Request) -> Response:
    """Any export format, built and rendered in a worker process (report/jobs.py): the
    file it wrote is sent, then deleted."""
    call = await meeting_call(request, Role.ORGANISER)
    name = request.query_params.get("format", "json")
    formats.format_named(name)
    settings, pool = call.services.settings, call.services.pool
    written = await pool.run(
        jobs.export,
        call.m,
        name,
        request.query_params.get("lang"),
        settings.min_group,
        settings.thai_digits,
        str(pool.scratch),
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


async def receipt_lookup(request: Request) -> Response:
    """Is the ballot with this receipt in the ledger, and is it the voter's final one?
    Says nothing of what was chosen; anyone holding a token of the meeting may ask."""
    call = await meeting_call(request, *Role)
    code = call.path("receipt").strip().upper()
    found = (await call.services.receipts.index(call.m)).get(code)
    if found is None:
        raise PrachakhomError(Code.NOT_FOUND, "no ballot with this receipt is in the ledger")
    return Json({"receipt": code, **found})


async def audit(request: Request) -> Response:
    call = await meeting_call(request, Role.ORGANISER)
    return Json(await call.services.pool.run(jobs.audit, call.m, request=request))


M = "/api/meetings/{meeting}"
export_routes = [
    Route(f"{M}/audit", audit, methods=["GET"]),
    Route(f"{M}/export", export, methods=["GET"]),
    Route(f"{M}/receipts/{{receipt}}", receipt_lookup, methods=["GET"]),
]
