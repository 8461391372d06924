"""Headers a security review expects, on every HTTP response; and who may read /metrics.

    SecurityHeaders(app)   pure ASGI: adds the headers below to each `http.response.start`
                           that lacks them. A WebSocket passes straight through (one
                           comparison when it connects, nothing per message): the hot path
                           is untouched.

The Content-Security-Policy lets a page load only this server's own scripts, styles,
fonts and images (plus the QR codes the apps make into blob: URLs, and the empty data:
favicon) and talk only to this server (fetch and the /ws socket). No inline script or
style attribute runs; no page may be framed (`frame-ancestors 'none'`), but for the
plenary, which the organiser console previews in an iframe ('self'). People's free text
(ideas, theme names) is only ever put on screens as text; the policy is the second fence.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from prachakhom.core.auth import same_secret


def policy(frame_ancestors: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "font-src 'self'",
            "img-src 'self' data: blob:",
            "connect-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        )
    )


CONTENT_SECURITY_POLICY = policy("'none'")
# The organiser console shows a live preview of the plenary in an iframe (reveal.js): that
# one page may be framed by this server's own pages, and by no other site.
FRAMED_BY_SELF = frozenset({"/app/plenary.html"})
CONTENT_SECURITY_POLICY_FRAMED = policy("'self'")
Headers = tuple[tuple[bytes, bytes], ...]
COMMON: Headers = ((b"referrer-policy", b"no-referrer"), (b"x-content-type-options", b"nosniff"))
HEADERS: Headers = ((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()), *COMMON)
HEADERS_FRAMED: Headers = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY_FRAMED.encode()),
    *COMMON,
)
NAMES = frozenset(name for name, _ in HEADERS)


class SecurityHeaders:
    """Adds HEADERS to every HTTP response (HEADERS_FRAMED to a page of FRAMED_BY_SELF);
    a header the response set itself is kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        ours = HEADERS_FRAMED if scope.get("path") in FRAMED_BY_SELF else HEADERS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", ())
                if any(name.lower() in NAMES for name, _ in headers):  # rare: keep its own
                    present = {name.lower() for name, _ in headers}
                    message["headers"] = [*headers, *(h for h in ours if h[0] not in present)]
                else:
                    message["headers"] = [*headers, *ours]
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --- /metrics --------------------------------------------------------------------------


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(spec: str) -> tuple[Network, ...]:
    """'127.0.0.1, 10.0.0.0/8, ::1' as networks; raises ValueError on a bad entry."""
    parts = (p.strip() for p in spec.split(","))
    return tuple(ipaddress.ip_network(p, strict=False) for p in parts if p)


def address_in(address: str, allowed: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # no address (a test client), or a unix socket's path
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in allowed)


def metrics_refusal(request: Request, allow_from: str, token: str) -> tuple[int, str, str] | None:
    """None when this request may read /metrics; else (status, code, message). With
    `allow_from` set, the client's address must be in it; with `token` set, the request
    must carry it as a bearer token; with both, both."""
    client = request.client.host if request.client else ""
    if allow_from and not address_in(client, networks(allow_from)):
        return 403, "forbidden", "metrics are not served to this address"
    if token:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not same_secret(given.strip(), token):
            return 401, "unauthorized", "metrics need the metrics token"
    return None
