"""Routes that serve what the browser apps need besides the API (fonts, QR codes).

    GET  /assets/fonts/{file}   a Sarabun TTF from the fontpkg-sarabun package (OFL),
                                 for the apps' @font-face: the hall may have no internet
    GET  /api/qr.svg?data=...   a QR code as SVG, for text that is no secret
    POST /api/qr.svg {data}     the same for a join URL: a code in the body never
                                 reaches an access log (a query string would)

A QR code is made only for a URL of this server (its own origin, or the configured
public URL) or for a short text (a join code), so the server is no open QR service.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import orjson
import segno
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from prachakhom.paths import fonts_dir

MAX_QR_DATA = 400  # a join URL with its fragment fits comfortably
MAX_QR_TEXT = 40  # text that is not a URL: a join code and the like
FONT_WEIGHTS = ("Regular", "Medium", "SemiBold", "Bold")
FONT_FILES = frozenset(f"Sarabun-{w}.ttf" for w in FONT_WEIGHTS)
FONT_CACHE = "public, max-age=31536000, immutable"


def _error(status: int, code: str, message: str) -> Response:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


async def font(request: Request) -> Response:
    name = request.path_params["file"]
    if name not in FONT_FILES:
        return _error(404, "not_found", "no such font file")
    path = fonts_dir() / name
    if not path.is_file():
        return _error(404, "not_found", "the font package is not installed")
    return FileResponse(path, media_type="font/ttf", headers={"cache-control": FONT_CACHE})


def own_origins(request: Request) -> set[str]:
    """scheme://host[:port] of this server as the browser reached it, and the public URL."""
    origins = {f"{request.url.scheme}://{request.headers.get('host', '')}".lower()}
    public = request.app.state.services.settings.public_url if _has_services(request) else ""
    if public:
        parts = urlsplit(public)
        origins.add(f"{parts.scheme}://{parts.netloc}".lower())
    return origins


def _has_services(request: Request) -> bool:
    return hasattr(request.app.state, "services")


def qr_allowed(data: str, origins: set[str]) -> str | None:
    """None when a QR code may be made of `data`; else why not."""
    if not data or len(data) > MAX_QR_DATA:
        return f"the text must be 1 to {MAX_QR_DATA} characters"
    if "://" not in data:
        if len(data) > MAX_QR_TEXT or any(ch.isspace() for ch in data):
            return f"text that is not a URL must be one word of at most {MAX_QR_TEXT} characters"
        return None
    parts = urlsplit(data)
    if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" not in {
        o.lower() for o in origins
    }:
        return "only URLs of this server are made into QR codes"
    return None


def qr_svg(data: str) -> bytes:
    code = segno.make(data, error="m", micro=False)
    out = io.BytesIO()
    code.save(
        out, kind="svg", xmldecl=False, svgns=True, border=2, omitsize=True,
        dark="#000", light="#fff", title=None,
    )  # fmt: skip
    return out.getvalue()


async def qr(request: Request) -> Response:
    if request.method == "POST":
        raw = await request.body()
        if len(raw) > 4 * MAX_QR_DATA:
            return _error(400, "bad_message", "the request body is too large")
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return _error(400, "bad_message", "the request body is not valid JSON")
        data = body.get("data") if isinstance(body, dict) else None
    else:
        data = request.query_params.get("data")
    if not isinstance(data, str):
        return _error(400, "bad_message", "say what the QR code holds: data")
    why = qr_allowed(data, own_origins(request))
    if why is not None:
        return _error(400, "bad_message", why)
    return Response(
        qr_svg(data),
        media_type="image/svg+xml",
        headers={"cache-control": "private, max-age=3600", "x-content-type-options": "nosniff"},
    )


asset_routes: list[BaseRoute] = [
    Route("/assets/fonts/{file}", font, methods=["GET"]),
    Route("/api/qr.svg", qr, methods=["GET", "POST"]),
]
