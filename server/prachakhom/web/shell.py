"""The apps' offline shell: the service worker, with this release's version and files.

    GET /app/sw.js   clients/sw.js with `const SHELL = {version, files}` put in front

The worker (scope /app/) keeps every file of clients/ and the Sarabun fonts in a cache
named after `version`, and serves them from there, so an app opens with no network
(docs/operations.md, "When the network fails"). `version` is a SHA-256 over the names
and bytes of those files, computed once when the app is made: a new release has new
bytes, so the browser finds a new worker on its next visit, which fills a new cache and
deletes the old ones. Every replica of one release computes the same version.

The API, the socket and QR codes are never in the list: the worker leaves them to the
network. The script itself is sent `no-cache` so a browser always asks for the latest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from prachakhom.paths import fonts_dir
from prachakhom.web.assets import FONT_FILES

WORKER = "sw.js"  # in clients/, served at /app/sw.js
SHELL_SUFFIXES = frozenset({".html", ".css", ".js", ".json", ".svg", ".png", ".ico", ".woff2"})


@dataclass(frozen=True)
class Shell:
    version: str
    files: tuple[str, ...]  # URL paths, "/app/" (the landing page) included
    script: bytes  # the worker as served


def shell_files(clients: Path) -> list[tuple[str, Path]]:
    """(URL path, file) for every file the apps load: clients/ and the fonts."""
    found = [
        ("/app/" + path.relative_to(clients).as_posix(), path)
        for path in sorted(clients.rglob("*"))
        if path.is_file() and path.suffix in SHELL_SUFFIXES and path.name != WORKER
    ]
    fonts = fonts_dir()
    found += [(f"/assets/fonts/{name}", fonts / name) for name in sorted(FONT_FILES)]
    return [(url, path) for url, path in found if path.is_file()]


def build_shell(clients: Path) -> Shell:
    digest = hashlib.sha256()
    urls = []
    for url, path in shell_files(clients):
        digest.update(url.encode() + b"\0" + path.read_bytes() + b"\0")
        urls.append(url)
    worker = (clients / WORKER).read_bytes()
    digest.update(worker)
    version = digest.hexdigest()[:16]
    if "/app/index.html" in urls:
        urls.insert(0, "/app/")  # the landing page's own address
    head = b"const SHELL = " + orjson.dumps({"version": version, "files": urls}) + b";\n"
    return Shell(version, tuple(urls), head + worker)


def shell_routes(clients: Path) -> list[Route]:
    shell = build_shell(clients)

    async def service_worker(request: Request) -> Response:
        etag = f'"{shell.version}"'
        headers = {"cache-control": "no-cache", "etag": etag, "x-content-type-options": "nosniff"}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(shell.script, media_type="text/javascript", headers=headers)

    return [Route(f"/app/{WORKER}", service_worker, methods=["GET"])]
