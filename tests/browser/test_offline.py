"""The apps with no network, in real Chromium: the offline shell (the service worker at
/app/sw.js) opens the tablet, the phone and the plenary after a reload while the server is
stopped; they show the last known state, ballots cast meanwhile wait in the outbox and are
counted once when the server is back; a new release replaces the cached shell."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from prachakhom.cli.client import Api
from prachakhom.store.embedded import free_port
from prachakhom.web.app import clients_dir
from prachakhom.web.assets import asset_routes
from prachakhom.web.shell import build_shell, shell_routes
from tests.conftest import ADMIN, SMALL_MEETING, make_settings, run_server

from .conftest import DESKTOP, PHONE, PLENARY, TABLET_LANDSCAPE, Pages, assert_no_void_text
from .test_apps import SCORES_ARE, online, scores, vote

SHELL_READY = """async () => {
  const registration = await navigator.serviceWorker.ready;
  return (await caches.keys()).filter((name) => name.startsWith("pk-shell-"));
}"""
API_FROM_PAGE = """(m) => fetch(`/api/meetings/${m}`, {cache: "no-store"})
  .then((r) => String(r.status), () => "no network")"""


async def shell_ready(page: Any) -> list[str]:
    """Wait until the page's service worker is active (its cache is full by then)."""
    return list(await page.evaluate(SHELL_READY))


@pytest.fixture
async def hall(browser: Any) -> AsyncIterator[Pages]:
    """Pages for a test that starts and stops its own server (base set once it runs)."""
    opened = Pages(browser, "")
    yield opened
    await opened.close()
    assert not opened.errors, f"uncaught errors in the pages: {opened.errors}"
    assert not opened.void_text, f"pages showed null/undefined/NaN: {opened.void_text}"


async def test_tablet_and_phone_reload_with_the_server_down_and_count_once(
    hall: Pages, valkey: Any, tmp_path: Path
) -> None:
    settings = make_settings(valkey, tmp_path)  # one port for the restart below
    async with run_server(settings) as running, Api(running.base, ADMIN) as admin:
        hall.base = running.base
        created = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
        m, organiser_token = created["id"], created["organiser"]
        async with Api(running.base, organiser_token) as organiser:
            await organiser.open(m, "q1")
        tablet = await hall.open(
            f"/app/tablet.html#code={created['codes']['tables']['1']}", TABLET_LANDSCAPE
        )
        phone = await hall.open(
            f"/app/keypad.html#code={created['codes']['seats']['2']['3']}", PHONE
        )
        await online(tablet)
        await online(phone)
        await vote(tablet, 1, "a")
        await tablet.wait_for_selector('.seat[data-seat="1"][data-status="voted"]')
        for page in (tablet, phone):
            caches = await shell_ready(page)
            assert len(caches) == 1, caches

    # The server is stopped. A reload still opens both apps, from the shell.
    await tablet.reload()
    await tablet.wait_for_selector('#conn[data-connection="offline"]')
    await tablet.wait_for_selector('.question-tab[data-question="q1"][aria-selected="true"]')
    assert "เลือกหนึ่ง" in await tablet.inner_text("#question-tabs")
    await tablet.wait_for_selector('.seat[data-seat="1"][data-status="voted"]')
    assert await tablet.locator(".seat").count() == 5
    assert await tablet.get_attribute("#pending", "data-pending") == "0"
    # what the API would answer is never made up from a cache
    assert await tablet.evaluate(API_FROM_PAGE, m) == "no network"

    await vote(tablet, 2, "b")
    await tablet.wait_for_selector('#pending[data-pending="1"]')
    await tablet.reload()  # the outbox is on the tablet: it survives a second reload
    await tablet.wait_for_selector('.seat[data-seat="2"][data-status="pending"]')
    assert await tablet.get_attribute("#pending", "data-pending") == "1"
    assert "1" in await tablet.inner_text("#pending")

    await phone.reload()
    card = phone.locator('.question-card[data-question="q1"]')
    await card.wait_for()
    assert await phone.get_attribute("#conn", "data-connection") in ("offline", "connecting")
    assert "เลือกหนึ่ง" in await card.inner_text()
    await card.locator('.choice[data-option="c"]').click()
    await card.locator(".submit").click()
    await phone.wait_for_selector('.question-card[data-question="q1"][data-status="pending"]')
    await phone.reload()
    await phone.wait_for_selector('.question-card[data-question="q1"][data-status="pending"]')
    await phone.wait_for_selector(
        '.question-card[data-question="q1"] .choice[data-option="c"][aria-checked="true"]'
    )
    for page in (tablet, phone):
        await assert_no_void_text(page)

    # The server is back on the same port: both outboxes are sent, each ballot counted once.
    async with run_server(settings), Api(running.base, organiser_token) as organiser:
        await tablet.wait_for_selector('#pending[data-pending="0"]', timeout=20_000)
        await tablet.wait_for_selector('.seat[data-seat="2"][data-status="voted"]')
        await phone.wait_for_selector(
            '.question-card[data-question="q1"][data-status="counted"]', timeout=20_000
        )
        assert await scores(organiser, m, "q1") == (3, {"a": 1, "b": 1, "c": 1})
        await tablet.reload()  # a reload online sends nothing twice
        await online(tablet)
        await phone.reload()
        await online(phone)
        assert await scores(organiser, m, "q1") == (3, {"a": 1, "b": 1, "c": 1})
        audit = await organiser.audit(m)
        assert audit["ok"] and audit["ballots_in_ledger"] == 3, audit
        for page in (tablet, phone):
            await assert_no_void_text(page)


async def test_the_plenary_keeps_the_last_results_and_says_it_is_reconnecting_the_console_waits(
    hall: Pages, valkey: Any, tmp_path: Path
) -> None:
    settings = make_settings(valkey, tmp_path)
    async with run_server(settings) as running, Api(running.base, ADMIN) as admin:
        hall.base = running.base
        created = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
        m, organiser_token = created["id"], created["organiser"]
        async with Api(running.base, organiser_token) as organiser:
            await organiser.open(m, "q1")
            await organiser.plenary(m, {"view": "question", "question": "q1", "reveal": True})
        plenary = await hall.open(f"/app/plenary.html#code={created['codes']['display']}", PLENARY)
        await online(plenary)
        tablet = await hall.open(
            f"/app/tablet.html#code={created['codes']['tables']['1']}", TABLET_LANDSCAPE
        )
        await online(tablet)
        await vote(tablet, 1, "b")
        await plenary.wait_for_function(SCORES_ARE, arg={"a": 0, "b": 1})
        assert await plenary.locator("#pl-reconnecting").count() == 0
        console = await hall.open(f"/app/organiser.html#token={organiser_token}", DESKTOP)
        await console.wait_for_selector('tr[data-question="q1"]')
        for page in (plenary, console):
            await shell_ready(page)
        await plenary.wait_for_timeout(2500)  # the last known state is written every 2 s

    # Stopped: the results stay, under a mark the whole hall can see.
    mark = plenary.locator("#pl-reconnecting")
    await mark.wait_for()
    assert "กำลังเชื่อมต่อใหม่" in await mark.inner_text()
    assert await plenary.evaluate(SCORES_ARE, {"a": 0, "b": 1})
    box = await mark.bounding_box()
    first = await plenary.locator(".bar-row").first.bounding_box()
    assert box and first and box["height"] >= 30, box
    assert box["y"] + box["height"] <= first["y"], "the mark hides a result"

    await plenary.reload()  # and after a reload, from the shell and the screen's own memory
    await mark.wait_for()
    await plenary.wait_for_function(SCORES_ARE, arg={"a": 0, "b": 1})
    assert "เลือกหนึ่ง" in await plenary.inner_text("#pl-prompt")
    await plenary.click("[data-lang-switch]")
    await plenary.wait_for_function(
        "() => document.querySelector('#pl-reconnecting')?.textContent.startsWith('Reconnecting')"
    )
    await assert_no_void_text(plenary)
    await console.reload()  # the console opens too; its data is the server's: it waits
    await console.wait_for_selector('#conn[data-connection="offline"]')

    async with run_server(settings):
        await online(plenary)
        await mark.wait_for(state="detached")
        await plenary.wait_for_function(SCORES_ARE, arg={"a": 0, "b": 1})
        await online(console)
        await console.wait_for_selector('tr[data-question="q1"]')
        for page in (plenary, console):
            await assert_no_void_text(page)


async def shells_become(page: Any, names: list[str], timeout: float = 15) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if await page.evaluate("caches.keys()") == names:
            return True
        await asyncio.sleep(0.1)
    return False


@contextlib.asynccontextmanager
async def release_served(clients: Path, port: int) -> AsyncIterator[str]:
    """The apps of `clients` (their shell and files, the fonts) on `port`: its version."""
    routes = [*shell_routes(clients), *asset_routes]
    app = Starlette(routes=[*routes, Mount("/app", StaticFiles(directory=clients, html=True))])
    config = uvicorn.Config(app, port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # it could not start: say why
        await asyncio.sleep(0.01)
    try:
        yield build_shell(clients).version
    finally:
        server.should_exit = True
        await task


async def test_a_new_release_replaces_the_cached_shell(hall: Pages, tmp_path: Path) -> None:
    """Two releases of the apps, one after the other at one address: the second worker
    fills its own cache, serves the new files, and deletes the old cache."""
    shipped = clients_dir()
    assert shipped is not None
    release = tmp_path / "clients"
    shutil.copytree(shipped, release)
    port = free_port()
    hall.base = f"http://127.0.0.1:{port}"
    async with release_served(release, port) as first:
        page = await hall.open("/app/index.html", PHONE)
        assert await shell_ready(page) == [f"pk-shell-{first}"]

    base_css = release / "css" / "base.css"
    base_css.write_text(base_css.read_text() + "\n/* release two */\n")
    async with release_served(release, port) as second:
        assert second != first
        await page.reload()
        assert await shells_become(page, [f"pk-shell-{second}"]), "the old cache stayed"
    await page.reload()  # no server at all: the new release's files, from the shell
    await page.wait_for_selector("#join-form")
    css = await page.evaluate("fetch('/app/css/base.css').then((r) => r.text())")
    assert css.endswith("/* release two */\n")
