"""Screenshots of the apps with the server stopped, into docs/screens/ (run by screens.py).

    .venv/bin/python -m tests.browser.screens_offline [folder]

The demo forum as in screens.py; a tablet, a phone and the plenary open while the server
runs (their offline shell fills), then the server stops and each is reloaded: the tablet
with a ballot waiting in its outbox, the phone with an answer waiting, the plenary under
its reconnecting mark. Before that, the phone of a seat whose answers were sent from
another device, saying where their receipts are.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.async_api import async_playwright

from prachakhom.cli.client import Api, Client
from prachakhom.store import embedded
from tests.conftest import ADMIN, demo_body, make_settings, run_server

from .conftest import CHROMIUM_ARGS, PHONE, PLENARY, TABLET_LANDSCAPE, chromium_path
from .screens import OUT, Shooter, online, seed

SHELL_READY = "navigator.serviceWorker.ready.then(() => true)"


async def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp, embedded.running(Path(tmp) / "vk") as valkey:
        settings = make_settings(valkey, Path(tmp))
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS
            )
            async with run_server(settings) as server, Api(server.base, ADMIN) as admin:
                created = await admin.create_meeting(demo_body())
                await seed(server.base, created)
                s = Shooter(browser, server.base, out)
                pages = await while_up(s, created)
            await while_down(s, *pages)
            await browser.close()


async def while_up(s: Shooter, created: dict[str, Any]) -> tuple[Any, Any, Any]:
    m, codes = created["id"], created["codes"]
    async with Api(s.base, created["organiser"]) as organiser:
        await organiser.plenary(m, {"view": "question", "question": "priorities", "reveal": True})
    # seat 6:4 answered from another phone: this one has the answers, not their receipts
    async with Api(s.base) as anyone:
        joined = await anyone.join(codes["seats"]["6"]["4"])
    async with Client(s.base.replace("http", "ws") + "/ws", joined["token"]) as other:
        await other.cast("priorities", ["ems1669", "bedridden", "cpr"])
    keypad = await s.page(f"/app/keypad.html#code={codes['seats']['6']['4']}", PHONE)
    await online(keypad)
    await keypad.wait_for_selector('.question-card[data-status="counted"] .receipt-missing')
    await keypad.click("#my-receipts summary")
    await keypad.locator("#my-receipts").scroll_into_view_if_needed()
    await s.shot(keypad, "keypad-receipts-elsewhere")

    tablet = await s.page(f"/app/tablet.html#code={codes['tables']['1']}", TABLET_LANDSCAPE)
    phone = await s.page(f"/app/keypad.html#code={codes['seats']['5']['3']}", PHONE)
    plenary = await s.page(f"/app/plenary.html#code={codes['display']}", PLENARY)
    for page in (tablet, phone, plenary):
        await online(page)
        await page.evaluate(SHELL_READY)
    await plenary.wait_for_selector('.bar-row[data-rank="1"]')
    await plenary.wait_for_timeout(2500)  # the plenary writes its last state every 2 s
    return tablet, phone, plenary


async def while_down(s: Shooter, tablet: Any, phone: Any, plenary: Any) -> None:
    await tablet.reload()
    await tablet.wait_for_selector('#conn[data-connection="offline"]')
    await tablet.click('.seat[data-seat="1"]')
    for option in ("ems1669", "bedridden", "cpr"):
        await tablet.click(f'#ballot .choice[data-option="{option}"]')
    await tablet.click("#cast")
    await tablet.wait_for_selector('#pending[data-pending="1"]')
    await s.shot(tablet, "tablet-offline")

    await phone.reload()
    card = phone.locator('.question-card[data-question="priorities"]')
    await card.wait_for()
    for option in ("haze", "ems1669", "mental"):
        await card.locator(f'.choice[data-option="{option}"]').click()
    await card.locator(".submit").click()
    await phone.wait_for_selector('.question-card[data-status="pending"]')
    await s.shot(phone, "keypad-offline")

    await plenary.reload()
    await plenary.wait_for_selector("#pl-reconnecting")
    await plenary.wait_for_selector('.bar-row[data-rank="1"]')
    await s.shot(plenary, "plenary-reconnecting")


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    folder.mkdir(parents=True, exist_ok=True)
    asyncio.run(main(folder))
