"""The offline shell's service worker: its version follows the apps' bytes, its file list
holds the apps and the fonts and nothing of the API, and the real server sends it fresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import orjson

from prachakhom.web.app import clients_dir
from prachakhom.web.shell import WORKER, build_shell

from .conftest import Running


def a_release(tmp_path: Path) -> Path:
    shipped = clients_dir()
    assert shipped is not None
    return Path(shutil.copytree(shipped, tmp_path / "clients"))


def shell_of(script: bytes) -> dict[str, object]:
    head, _, _ = script.partition(b";\n")
    assert head.startswith(b"const SHELL = ")
    found: dict[str, object] = orjson.loads(head.removeprefix(b"const SHELL = "))
    return found


def test_the_version_changes_with_any_file_and_only_then(tmp_path: Path) -> None:
    release = a_release(tmp_path)
    first = build_shell(release)
    assert build_shell(release).version == first.version  # same bytes, same version
    for changed in ("i18n/th.json", "js/tablet.js", WORKER):
        path = release / changed
        path.write_bytes(path.read_bytes() + b"\n")
        again = build_shell(release)
        assert again.version != first.version, changed
        first = again


def test_it_keeps_every_app_file_and_the_fonts_and_nothing_of_the_api(tmp_path: Path) -> None:
    shell = build_shell(a_release(tmp_path))
    files = set(shell.files)
    for page in ("index", "tablet", "keypad", "plenary", "theme", "organiser", "print"):
        assert f"/app/{page}.html" in files
    assert {"/app/", "/app/i18n/th.json", "/app/i18n/en.json", "/app/js/offline.js"} <= files
    assert {f"/assets/fonts/Sarabun-{w}.ttf" for w in ("Regular", "Bold")} <= files
    assert f"/app/{WORKER}" not in files
    assert not [f for f in files if f.startswith(("/api/", "/ws")) or not f.startswith("/")]
    assert shell_of(shell.script) == {"version": shell.version, "files": list(shell.files)}


async def test_the_server_sends_the_worker_fresh(server: Running) -> None:
    async with httpx.AsyncClient(base_url=server.base) as http:
        got = await http.get(f"/app/{WORKER}")
        assert got.status_code == 200
        assert got.headers["content-type"].startswith("text/javascript")
        assert got.headers["cache-control"] == "no-cache"
        shell = shell_of(got.content)
        assert got.headers["etag"] == f'"{shell["version"]}"'
        assert b'self.addEventListener("fetch"' in got.content
        again = await http.get(f"/app/{WORKER}", headers={"if-none-match": got.headers["etag"]})
        assert again.status_code == 304
        files = shell["files"]
        assert isinstance(files, list) and files
        for path in files:
            kept = await http.get(path)
            assert kept.status_code == 200 and not kept.history, path  # no redirects
