"""The headers a security review expects, on every HTTP answer of a real server (pages,
API, assets, errors), the socket untouched; and /metrics limited by address or token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from prachakhom.settings import Settings
from prachakhom.store.embedded import Embedded
from prachakhom.web.app import App
from prachakhom.web.security import (
    CONTENT_SECURITY_POLICY,
    CONTENT_SECURITY_POLICY_FRAMED,
    FRAMED_BY_SELF,
    SecurityHeaders,
    address_in,
    networks,
)

from .conftest import ADMIN, Meeting, Running, make_settings, run_server

EXPECTED = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
}


def assert_secured(response: httpx.Response) -> None:
    expected = EXPECTED
    if response.url.path == "/app/plenary.html":  # the console's preview frames it
        expected = EXPECTED | {"content-security-policy": CONTENT_SECURITY_POLICY_FRAMED}
    for name, value in expected.items():
        assert response.headers.get_list(name) == [value], (str(response.url), name)


def test_the_policy_allows_only_this_server_and_no_framing() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    for kind in ("default-src", "script-src", "style-src", "font-src", "connect-src"):
        assert directives[kind] == "'self'", kind
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == directives["base-uri"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY  # no inline script, no eval, no inline style
    assert directives["img-src"] == "'self' data: blob:"  # the data: favicon, blob: QR codes
    # the one page the console frames (its live preview), by this server's pages alone
    assert {"/app/plenary.html"} == FRAMED_BY_SELF
    assert (
        CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
        == CONTENT_SECURITY_POLICY_FRAMED
    )


async def test_pages_api_assets_and_errors_carry_the_headers(meeting: Meeting) -> None:
    paths = [
        "/app/",
        "/app/plenary.html",
        "/app/organiser.html",
        "/app/js/plenary.js",
        "/app/css/base.css",
        "/app/i18n/th.json",
        "/app/no-such-page.html",  # 404 from the static files
        "/assets/fonts/Sarabun-Regular.ttf",
        "/api/qr.svg?data=ABC234",
        f"/api/meetings/{meeting.id}",  # 401: no token
        "/api/meetings/nope/questions/q1/results",
        "/api/openapi.json",
        "/healthz",
        "/metrics",
    ]
    async with httpx.AsyncClient(base_url=meeting.server.base) as http:
        for path in paths:
            assert_secured(await http.get(path))
        assert_secured(await http.get("/", follow_redirects=False))  # the redirect to /app/
        assert_secured(await http.post("/api/join", json={"code": "NOPE23"}))
        assert_secured(
            await http.get(
                f"/api/meetings/{meeting.id}", headers={"authorization": f"Bearer {ADMIN}"}
            )
        )


async def test_the_socket_still_works_behind_the_middleware(meeting: Meeting) -> None:
    await meeting.organiser.open(meeting.id, "q1")
    async with await meeting.table(1) as tablet:
        ack = await tablet.cast("q1", "a", seat=1)
    assert ack["status"] == "counted"


async def test_a_websocket_passes_straight_through() -> None:
    """No wrapper around a socket's send or receive: nothing is added per message."""
    seen: list[tuple[Receive, Send]] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append((receive, send))

    async def receive() -> Message:
        return {"type": "websocket.connect"}

    async def send(message: Message) -> None:
        pass

    await SecurityHeaders(inner)({"type": "websocket"}, receive, send)
    assert seen == [(receive, send)]


async def test_a_crash_answered_500_carries_the_headers_too() -> None:
    async def boom(request: Request) -> Response:
        raise RuntimeError("a bug")

    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    app = App(routes=[Route("/boom", boom)])
    scope: dict[str, Any] = {
        "type": "http", "method": "GET", "path": "/boom", "raw_path": b"/boom",
        "query_string": b"", "headers": [], "scheme": "http", "server": ("t", 80),
        "client": ("127.0.0.1", 1), "root_path": "", "http_version": "1.1",
    }  # fmt: skip
    with pytest.raises(RuntimeError):
        await app(scope, receive, send)
    start = sent[0]
    assert start["status"] == 500
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    assert {k: headers.get(k) for k in EXPECTED} == EXPECTED


async def test_a_header_a_response_sets_itself_is_kept_once() -> None:
    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"Referrer-Policy", b"same-origin")]})  # fmt: skip
        await send({"type": "http.response.body", "body": b""})

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await SecurityHeaders(inner)({"type": "http"}, None, send)  # type: ignore[arg-type]
    names = [k.lower() for k, _ in sent[0]["headers"]]
    assert names.count(b"referrer-policy") == 1
    assert (b"Referrer-Policy", b"same-origin") in sent[0]["headers"]
    assert b"content-security-policy" in names


# --- /metrics ---------------------------------------------------------------------------


def test_addresses_and_networks() -> None:
    allowed = networks(" 127.0.0.1, 10.0.0.0/8 ,::1")
    assert address_in("127.0.0.1", allowed) and address_in("10.2.3.4", allowed)
    assert address_in("::1", allowed) and address_in("::ffff:10.9.9.9", allowed)
    assert not address_in("192.168.1.20", allowed)
    assert not address_in("", allowed) and not address_in("unix:/x", allowed)
    with pytest.raises(ValueError, match="metrics_allow_from"):
        Settings.from_env({"PRACHAKHOM_METRICS_ALLOW_FROM": "10.0.0.0/8, the hall"})


async def test_metrics_are_open_by_default(server: Running) -> None:
    async with httpx.AsyncClient(base_url=server.base) as http:
        response = await http.get("/metrics")
    assert response.status_code == 200 and "prachakhom_connections" in response.text


@pytest.mark.parametrize(
    ("allow_from", "token", "headers", "status"),
    [
        ("10.0.0.0/8", "", {}, 403),  # the test client is 127.0.0.1
        ("127.0.0.1, ::1", "", {}, 200),
        ("", "s3cret-metrics", {}, 401),
        ("", "s3cret-metrics", {"authorization": "Bearer wrong"}, 401),
        ("", "s3cret-metrics", {"authorization": "Bearer s3cret-metrics"}, 200),
        ("", "s3cret-metrics", {"authorization": f"Bearer {ADMIN}"}, 401),  # not the admin's
        ("10.0.0.0/8", "s3cret-metrics", {"authorization": "Bearer s3cret-metrics"}, 403),
        ("127.0.0.0/8", "s3cret-metrics", {"authorization": "Bearer s3cret-metrics"}, 200),
    ],
)
async def test_metrics_limited_by_address_and_token(
    valkey: Embedded,
    tmp_path: Path,
    allow_from: str,
    token: str,
    headers: dict[str, str],
    status: int,
) -> None:
    settings = make_settings(valkey, tmp_path, metrics_allow_from=allow_from, metrics_token=token)
    async with run_server(settings) as running, httpx.AsyncClient(base_url=running.base) as http:
        response = await http.get("/metrics", headers=headers)
        assert response.status_code == status, response.text[:200]
        assert_secured(response)
        if status == 200:
            assert "prachakhom_connections" in response.text
        else:
            code = {401: "unauthorized", 403: "forbidden"}[status]
            assert response.json()["error"]["code"] == code
            assert "prachakhom_" not in response.text  # nothing of the metrics
        # the rest of the server is not limited
        assert (await http.get("/healthz")).status_code == 200
