# Size: one function per screen and size; a list of screenshots, read top to bottom.
"""Screenshots of every screen at its sizes, in the Thai UI, into docs/screens/.

    .venv/bin/python -m tests.browser.screens [folder]

Starts an embedded Valkey and a server, loads the demo forum (Phayao), fills it with
ballots and ideas through the Python client, then drives real Chromium through each
screen. Not a test (pytest does not collect it): run it after changing the apps and look
at the pictures. Then screens_offline.py shoots the apps with their server stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

from playwright.async_api import async_playwright

from prachakhom.cli.client import Api, Client
from prachakhom.cli.demo import scenario
from prachakhom.store import embedded
from tests.conftest import ADMIN, demo_body, make_settings, run_server

from .conftest import (
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    PLENARY,
    TABLET_LANDSCAPE,
    TABLET_PORTRAIT,
    chromium_path,
)

OUT = Path(__file__).resolve().parents[2] / "docs" / "screens"
THEMES = {
    "emergency": "ระบบการแพทย์ฉุกเฉินและรถกู้ชีพ",
    "elderly": "การดูแลผู้สูงอายุติดบ้านติดเตียง",
    "chronic": "โรคเบาหวานและความดัน",
    "access": "การเดินทางไปโรงพยาบาล",
    "mental": "สุขภาพจิต",
    "haze": "ฝุ่นควัน PM2.5",
    "drugs": "ยาเสพติดในชุมชน",
}
LAPTOP = {"width": 1366, "height": 768}
ZONE = "Asia/Bangkok"  # the devices of a Thai hall keep the meeting's clock


def size(viewport: dict[str, int]) -> str:
    return f"{viewport['width']}x{viewport['height']}"


class Shooter:
    def __init__(self, browser: Any, base: str, out: Path) -> None:
        self.browser = browser
        self.base = base
        self.out = out
        self.contexts: list[Any] = []

    async def page(self, path: str, viewport: dict[str, int], context: Any = None) -> Any:
        if context is None:
            context = await self.browser.new_context(
                viewport=viewport, locale="th-TH", timezone_id=ZONE
            )
            self.contexts.append(context)
        page = await context.new_page()
        page.on("pageerror", lambda exc: print("page error:", exc, file=sys.stderr))
        await page.set_viewport_size(viewport)
        await page.goto(self.base + path)
        return page

    async def shot(self, page: Any, name: str) -> None:
        await page.evaluate("document.fonts.ready")
        await page.evaluate("document.getElementById('toasts')?.remove()")  # transient
        await page.evaluate("document.body.classList.remove('pl-controls')")  # the hall picker
        await page.wait_for_timeout(700)  # bars and toasts settle
        viewport = page.viewport_size
        path = self.out / f"{name}-{size(viewport)}.png"
        await page.screenshot(path=str(path))
        print("saved", path.relative_to(self.out.parents[1]))


def demo_ideas() -> list[dict[str, str]]:
    data = resources.files("prachakhom").joinpath("data", "phayao-ideas.json")
    return json.loads(data.read_text(encoding="utf-8"))["ideas"]  # type: ignore[no-any-return]


async def seed(base: str, created: dict[str, Any]) -> None:
    """Ballots from 40 tables (every seat), ideas from 19 tables, the themes."""
    codes = created["codes"]
    rng = random.Random(7)
    questions = {q["id"]: q for q in scenario()["questions"]}
    priorities = [o["id"] for o in questions["priorities"]["options"]]
    weights = [9, 6, 8, 7, 5, 6, 3, 4]
    costs = questions["budget"]["costs"]

    def ranked() -> list[str]:
        pool, chosen = list(priorities), []
        for _ in range(3):
            pick = rng.choices(pool, [weights[priorities.index(p)] for p in pool])[0]
            pool.remove(pick)
            chosen.append(pick)
        return chosen

    def budget() -> list[str]:
        order = sorted(costs, key=lambda _: rng.random())
        chosen, spent = [], 0
        for project in order:
            if spent + costs[project] <= 10_000_000 and rng.random() < 0.7:
                chosen.append(project)
                spent += costs[project]
        return chosen or ["vhv"]

    people = random.Random(8)  # its own stream: the ballots below stay as they were
    north = ["mueang", "mueang", "mueang", "chun", "dokkhamtai", "maechai"]
    east = ["chiangkham", "chiangkham", "chiangmuan", "pong"]

    async def about(client: Client, n: int, seat: int) -> None:
        """Sector, age and district: skewed away from the sector targets; Phu Sang small."""
        sector = people.choices(["public", "business", "civil", "affected"], [5, 1, 4, 1])[0]
        await client.cast("sector", sector, seat=seat)
        await client.cast(
            "age", people.choices(["u25", "25-39", "40-59", "60+"], [1, 3, 5, 3])[0], seat=seat
        )
        district = (
            "phusang" if n in (2, 3) and seat == 1 else people.choice(north if n <= 30 else east)
        )
        await client.cast("district", district, seat=seat)

    async def table(n: int) -> None:
        joined = await Api(base).join(codes["tables"][str(n)])
        async with Client(base.replace("http", "ws") + "/ws", joined["token"]) as client:
            for seat in range(1, 11):
                if n == 1:
                    continue  # table 1 votes on the tablet, in the screenshots
                if (n, seat) != (5, 3):  # seat 5:3 answers on the phone, in the screenshots
                    await about(client, n, seat)
                pre = rng.choices([1, 2, 3, 4, 5], [2, 4, 5, 3, 2])[0]
                await client.cast("pre", pre, seat=seat)
                await client.cast("post", min(5, pre + rng.choice([0, 1, 1, 2])), seat=seat)
                priorities_ranked = ranked()
                if (n, seat) != (5, 3):  # the phone of seat 5:3 ranks them, in the screenshots
                    await client.cast("priorities", priorities_ranked, seat=seat)
                await client.cast("budget", budget(), seat=seat)
                dots = rng.sample(list(costs), 2)
                await client.cast("dots", {dots[0]: 3, dots[1]: 2}, seat=seat)
                await client.cast(
                    "iap2", rng.choice(["consult", "involve", "collaborate"]), seat=seat
                )

    async with Api(base, created["organiser"]) as organiser:
        m = created["id"]
        about_you = ("sector", "age", "district")
        for q in ("pre", "post", "priorities", "budget", "dots", "iap2", *about_you):
            await organiser.open(m, q)
        await asyncio.gather(*(table(n) for n in range(1, 41)))
        for q in ("pre", "post", "budget", "dots", "iap2", *about_you):
            await organiser.close(m, q)
        ideas = demo_ideas()
        by_table: dict[int, list[dict[str, str]]] = {}
        for i, idea in enumerate(ideas):
            by_table.setdefault(2 + i % 19, []).append(idea)
        sent: dict[str, list[str]] = {}
        for n, items in by_table.items():
            joined = await Api(base).join(codes["tables"][str(n)])
            async with Client(base.replace("http", "ws") + "/ws", joined["token"]) as client:
                for idea in items:
                    ack = await client.idea(idea["text"], round="r1")
                    sent.setdefault(idea["theme"], []).append(ack["idea"])
        for tag, label in list(THEMES.items())[:6]:
            await organiser.call(
                "POST", f"/api/meetings/{m}/themes", {"label": label, "ideas": sent[tag][:-1]}
            )


async def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp, embedded.running(Path(tmp) / "vk") as valkey:
        settings = make_settings(valkey, Path(tmp))
        async with run_server(settings) as server, Api(server.base, ADMIN) as admin:
            created = await admin.create_meeting(demo_body())
            m, codes = created["id"], created["codes"]
            await seed(server.base, created)
            organiser = Api(server.base, created["organiser"])
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=chromium_path(), args=CHROMIUM_ARGS
                )
                s = Shooter(browser, server.base, out)
                await shoot_all(s, organiser, m, codes, created["organiser"])
                await browser.close()
            await organiser.http.aclose()


async def online(page: Any) -> None:
    await page.wait_for_selector('#conn[data-connection="online"]')


async def shoot_all(s: Shooter, org: Api, m: str, codes: dict[str, Any], token: str) -> None:
    # --- joining --------------------------------------------------------------------------
    page = await s.page("/app/tablet.html", TABLET_LANDSCAPE)
    await page.wait_for_selector("#join-form")
    await s.shot(page, "tablet-join")
    page = await s.page("/app/keypad.html", PHONE)
    await page.wait_for_selector("#join-form")
    await s.shot(page, "keypad-join")

    # --- the plenary ------------------------------------------------------------------------
    await org.plenary(m, {"view": "participation"})
    plenary = await s.page(f"/app/plenary.html#code={codes['display']}", PLENARY)
    await online(plenary)
    await plenary.wait_for_selector(".join-panel img.qr[src]")
    await s.shot(plenary, "plenary-participation")
    await org.plenary(m, {"view": "question", "question": "priorities", "reveal": True})
    await plenary.wait_for_selector('.bar-row[data-rank="1"]')
    await s.shot(plenary, "plenary-ranked-live")
    await org.plenary(m, {"view": "question", "question": "priorities", "reveal": False})
    await plenary.wait_for_selector(".results-hidden")
    await s.shot(plenary, "plenary-hidden")
    for q, name in (
        ("pre", "plenary-scale"),
        ("budget", "plenary-budget"),
        ("dots", "plenary-points"),
    ):
        await org.plenary(m, {"view": "question", "question": q})
        await plenary.wait_for_selector("#pl-status.pl-status-closed")
        await plenary.wait_for_selector(".col, .bar-row")
        await s.shot(plenary, name)
    await org.plenary(m, {"view": "compare", "pre": "pre", "post": "post"})
    await plenary.wait_for_selector(".compare-cols")
    await s.shot(plenary, "plenary-compare")
    await org.plenary(m, {"view": "ideas"})
    await plenary.wait_for_selector(".wall-card")
    await s.shot(plenary, "plenary-ideas")
    await org.plenary(m, {"view": "themes"})
    await plenary.wait_for_selector(".theme-card")
    await s.shot(plenary, "plenary-themes")
    await org.plenary(m, {"view": "text", "text": "พักรับประทานอาหารกลางวัน กลับมาพร้อมกันเวลา 13.00 น."})
    await plenary.wait_for_selector("#pl-text")
    await s.shot(plenary, "plenary-text")
    await org.plenary(m, {"view": "question", "question": "priorities", "reveal": True})
    hall = await s.page(f"/app/plenary.html#code={codes['display']}&site=chiangkham", PLENARY)
    await online(hall)
    await hall.wait_for_selector('#pl-site-results .bar-row[data-rank="1"]')
    await hall.wait_for_selector('#pl-results .bar-row[data-rank="1"]')
    await s.shot(hall, "plenary-site")
    await org.plenary(m, {"view": "compare", "pre": "pre", "post": "post"})
    await hall.wait_for_selector("#pl-site-results .compare-cols")
    await hall.wait_for_selector("#pl-results .compare-cols")
    await s.shot(hall, "plenary-compare-site")
    for q, by, name in (
        ("iap2", "sector", "plenary-breakdown"),
        ("priorities", "district", "plenary-breakdown-district"),
    ):
        await org.plenary(m, {"view": "breakdown", "question": q, "by": by, "reveal": True})
        await plenary.wait_for_selector(f'#pl-breakdown[data-by="{by}"] .bd-cell[data-share]')
        if by == "district":  # Phu Sang has two people: too few to show
            await plenary.wait_for_selector('.bd-suppressed[data-group="phusang"]')
        await s.shot(plenary, name)

    # --- the tablet ---------------------------------------------------------------------------
    await org.open(m, "iap2")
    for viewport in (TABLET_LANDSCAPE, TABLET_PORTRAIT):
        context = await s.browser.new_context(viewport=viewport, locale="th-TH", timezone_id=ZONE)
        s.contexts.append(context)
        tablet = await s.page(f"/app/tablet.html#code={codes['tables']['1']}", viewport, context)
        await online(tablet)
        await tablet.click('[data-mode="vote"]')
        await tablet.click('.question-tab[data-question="priorities"]')
        if viewport is TABLET_LANDSCAPE:
            for seat, answer in ((1, ["ncd", "cpr"]), (2, ["bedridden"]), (3, ["haze", "ncd"])):
                await tablet.click(f'.seat[data-seat="{seat}"]')
                for option in answer:
                    await tablet.click(f'#ballot .choice[data-option="{option}"]')
                await tablet.click("#cast")
                await tablet.wait_for_selector(f'.seat[data-seat="{seat}"][data-status="voted"]')
        await tablet.click('.seat[data-seat="4"]')
        await tablet.click('#ballot .choice[data-option="access"]')
        await tablet.click('#ballot .choice[data-option="ems1669"]')
        await s.shot(tablet, "tablet-vote")
        if viewport is TABLET_LANDSCAPE:  # a budget ballot fits too; and the large-text mode
            await org.open(m, "budget")
            await tablet.click('.question-tab[data-question="budget"]')
            for option in ("ambulance", "vhv"):
                await tablet.click(f'#ballot .choice[data-option="{option}"]')
            await s.shot(tablet, "tablet-budget")
            await tablet.click('.question-tab[data-question="priorities"]')
            await tablet.click('.seat[data-seat="4"]')
            await tablet.click("[data-text-size]")
            for option in ("access", "ems1669"):
                await tablet.click(f'#ballot .choice[data-option="{option}"]')
            await s.shot(tablet, "tablet-large")
            await tablet.click("[data-text-size]")
            await org.close(m, "budget")
        if viewport is TABLET_PORTRAIT:  # this tablet's own ballots, for its receipts
            for seat, answer in ((4, ["access", "ems1669"]), (5, ["cpr"])):
                await tablet.click(f'.seat[data-seat="{seat}"]')
                for option in answer:
                    await tablet.click(f'#ballot .choice[data-option="{option}"]')
                await tablet.click("#cast")
                await tablet.wait_for_selector(f'.seat[data-seat="{seat}"][data-status="voted"]')
        await tablet.click(".seat-receipts summary")
        shown = 2 if viewport is TABLET_LANDSCAPE else 4
        await tablet.click(f'.seat[data-seat="{shown}"]')
        await tablet.wait_for_selector("#ballot-receipt:not(.hidden)")
        if viewport is TABLET_LANDSCAPE:  # the page stays; the seats panel scrolls inside
            await tablet.evaluate("document.querySelector('.seats-panel').scrollTop = 1e4")
        await s.shot(tablet, "tablet-receipts")
        await tablet.click('[data-mode="hands"]')
        await tablet.click('.question-tab[data-question="iap2"]')
        for option, n in (("consult", 2), ("involve", 5), ("collaborate", 3)):
            for _ in range(n):
                await tablet.click(f'.stepper-row[data-option="{option}"] [data-step="plus"]')
        await s.shot(tablet, "tablet-hands")
        await tablet.click('[data-mode="ideas"]')
        if viewport is TABLET_LANDSCAPE:
            for text in (
                "ผู้สูงอายุในหมู่บ้านไปหาหมอไม่ได้ เพราะไม่มีคนพาไป",
                "อยากให้ รพ.สต. เปิดคลินิกเบาหวานตอนเย็น",
            ):
                await tablet.fill("#idea-text", text)
                await tablet.click("#send-idea")
            await tablet.wait_for_function(  # a function: the policy forbids eval of a string
                "() => document.querySelectorAll('.idea-sent').length === 2"
            )
        await tablet.fill("#idea-text", "ควรมีรถรับส่งผู้ป่วยฟอกไตจากอำเภอปงไปโรงพยาบาลพะเยา")
        await s.shot(tablet, "tablet-ideas")
        await tablet.click('[data-mode="vote"]')
    await org.close(m, "iap2")

    # --- the keypad ---------------------------------------------------------------------------
    for q in ("sector", "age"):
        await org.open(m, q)
    keypad = await s.page(f"/app/keypad.html#code={codes['seats']['5']['3']}", PHONE)
    await online(keypad)
    await keypad.wait_for_selector('.consent-card[data-consent="ask"]')
    await s.shot(keypad, "keypad-consent")
    await keypad.click('[data-action="consent-yes"]')
    await keypad.wait_for_selector('.question-card[data-question="sector"]')
    await s.shot(keypad, "keypad-about-you")
    card = keypad.locator('.question-card[data-question="sector"]')
    await card.locator('.choice[data-option="civil"]').click()
    await card.locator(".submit").click()
    await keypad.wait_for_selector('.question-card[data-question="sector"][data-status="counted"]')
    await card.scroll_into_view_if_needed()
    await s.shot(keypad, "keypad-counted")
    await card.locator(".receipt-check").click()
    await card.locator('.receipt-verdict[data-verdict="final"]').wait_for()
    await keypad.evaluate(
        "document.querySelector('.question-card[data-question=\"sector\"] .vote-status')"
        ".scrollIntoView({block: 'center'})"
    )
    await s.shot(keypad, "keypad-receipt")
    await card.locator('.choice[data-option="public"]').click()  # a change of mind
    await card.locator(".submit").click()
    await keypad.wait_for_selector('.question-card[data-question="sector"][data-status="replaced"]')
    card = keypad.locator('.question-card[data-question="priorities"]')
    await card.scroll_into_view_if_needed()
    for option in ("haze", "ems1669"):
        await card.locator(f'.choice[data-option="{option}"]').click()
    await keypad.evaluate(
        "document.querySelector('.question-card[data-question=\"priorities\"]').scrollIntoView()"
    )
    await s.shot(keypad, "keypad-ranked")
    for q in ("sector", "age", "priorities"):
        await org.close(m, q)
    await keypad.wait_for_selector(".wait-card")
    await s.shot(keypad, "keypad-wait")
    first = keypad.locator("#receipt-list .receipt").last
    await first.locator(".receipt-check").click()
    await first.locator('.receipt-verdict[data-verdict="replaced"]').wait_for()
    await keypad.evaluate(
        "window.scrollTo(0, document.querySelector('#my-receipts').offsetTop - 96)"
    )
    await s.shot(keypad, "keypad-receipts")
    for q, name in (
        ("dots", "keypad-points"),
        ("pre", "keypad-scale"),
        ("budget", "keypad-budget"),
    ):
        await org.open(m, q)
        await keypad.wait_for_selector(f'.question-card[data-question="{q}"]')
        card = keypad.locator(f'.question-card[data-question="{q}"]')
        if q == "dots":
            for option, n in (("clinic", 3), ("hotline", 1)):
                for _ in range(n):
                    await card.locator(
                        f'.stepper-row[data-option="{option}"] [data-step="plus"]'
                    ).click()
        elif q == "pre":
            await card.locator('.scale-button[data-value="4"]').click()
        else:
            for option in ("ambulance", "vhv"):
                await card.locator(f'.choice[data-option="{option}"]').click()
        await keypad.evaluate("window.scrollTo(0, 0)")
        await s.shot(keypad, name)
        if q == "budget":  # the large-text mode, as someone with low vision sets it
            await keypad.click("[data-text-size]")
            await card.evaluate("(el) => el.scrollIntoView()")  # its head under the top bar
            await s.shot(keypad, "keypad-large")
            await keypad.click("[data-text-size]")
        await org.close(m, q)

    # --- the organiser ------------------------------------------------------------------------
    page = await s.page("/app/organiser.html", DESKTOP)
    await page.wait_for_selector("#create-form")
    await s.shot(page, "organiser-setup")
    await org.open(m, "priorities")
    context = await s.browser.new_context(viewport=DESKTOP, locale="th-TH", timezone_id=ZONE)
    s.contexts.append(context)
    console = await s.page(f"/app/organiser.html#token={token}", DESKTOP, context)
    await online(console)
    await console.wait_for_selector('tr[data-question="priorities"][data-state="open"]')
    await s.shot(console, "organiser-agenda")
    await console.set_viewport_size(TABLET_LANDSCAPE)
    await s.shot(console, "organiser-agenda")
    await console.set_viewport_size(DESKTOP)
    await org.plenary(m, {"view": "question", "question": "priorities"})  # open: hidden
    await console.click('[data-tab="plenary"]')
    preview = console.frame_locator("#plenary-preview")
    await preview.locator("#pl-results .results-hidden").wait_for()
    await s.shot(console, "organiser-plenary")
    await console.click("#plenary-reveal")
    await console.wait_for_selector("#reveal-dialog[open]")
    await s.shot(console, "organiser-reveal")
    await console.keyboard.press("Escape")
    await console.click('[data-tab="results"]')
    await console.select_option("#results-question", "priorities")
    await console.select_option("#results-method", "irv")
    await console.wait_for_selector('#org-results .bar-row[data-rank="1"]')
    await s.shot(console, "organiser-results")
    await console.select_option("#results-question", "iap2")
    await console.select_option("#results-breakdown", "by:district")
    await console.wait_for_selector('.group-card[data-suppressed="true"]')
    await console.wait_for_selector('.group-card .bar-row[data-rank="1"]')
    await s.shot(console, "organiser-breakdown")
    await console.select_option("#results-breakdown", "sites")
    await console.wait_for_selector('.group-card[data-group="chiangkham"] .bar-row[data-rank="1"]')
    await s.shot(console, "organiser-breakdown-sites")
    await console.select_option("#results-breakdown", "")
    await console.select_option("#results-question", "sector")
    await console.wait_for_selector("#org-representativeness .rep-row")
    await s.shot(console, "organiser-representativeness")
    await shoot_tables(s, org, m, codes, console)
    await console.click('[data-tab="codes"]')
    await console.wait_for_function(
        "() => [...document.querySelectorAll('img.qr')]"
        ".every((i) => i.complete && i.naturalWidth > 0)"
    )
    await s.shot(console, "organiser-codes")
    sheets = await s.page("/app/print.html", DESKTOP, context)
    await sheets.wait_for_selector('.sheet[data-table="2"] img.qr[src]')
    await sheets.evaluate("document.querySelector('.sheet[data-table=\"1\"]').scrollIntoView()")
    await s.shot(sheets, "organiser-print")
    pdf = Path(tempfile.gettempdir()) / "prachakhom-sheets.pdf"
    await sheets.pdf(path=str(pdf), format="A4", print_background=True, page_ranges="1-3")
    print("print preview (A4, pages 1-3):", pdf)
    await shoot_exports(s, console)
    await console.click('[data-tab="agenda"]')

    # --- the theme team -------------------------------------------------------------------------
    for viewport in (LAPTOP, TABLET_LANDSCAPE):
        theme = await s.page(f"/app/theme.html#code={codes['theme']}", viewport)
        await online(theme)
        await theme.wait_for_selector(".idea-row .sugg", timeout=60_000)  # the engine's suggestions
        rows = theme.locator(".idea-row:not([hidden])")
        await rows.nth(0).locator(".row-text").click()  # the keyboard's cursor
        for i in (1, 3):
            await rows.nth(i).locator('[data-act="pick"]').click()
        await theme.fill("#new-theme", "การเข้าถึงบริการของผู้พิการ")
        await theme.mouse.move(0, 0)
        await s.shot(theme, "theme")
        if viewport is LAPTOP:
            await theme.click("#tab-groupings")
            await theme.click("#suggest-groups")
            await theme.wait_for_selector(".proposal", timeout=60_000)
            await s.shot(theme, "theme-groups")


async def shoot_exports(s: Shooter, console: Any) -> None:
    """The exports tab: a JSON export downloaded, a PDF still being made; then the audit."""
    await console.click('[data-tab="exports"]')
    async with console.expect_download():
        await console.click('.export-button[data-format="json"]')
    await console.wait_for_selector('.export-row[data-format="json"][data-state="ok"]')

    async def never(route: Any) -> None:  # a PDF that takes its time, for the picture
        await asyncio.sleep(30)
        with contextlib.suppress(Exception):
            await route.abort()

    await console.route("**/export?format=pdf*", never)
    await console.click('.export-button[data-format="pdf"]')
    await console.wait_for_timeout(3200)
    await console.click("#run-audit")
    await console.wait_for_selector('.audit-verdict[data-ok="true"]')
    await console.evaluate("window.scrollTo(0, 0)")
    for viewport in (DESKTOP, TABLET_LANDSCAPE, TABLET_PORTRAIT):
        await console.set_viewport_size(viewport)
        await console.evaluate("window.scrollTo(0, 0)")
        await s.shot(console, "organiser-exports")
        await console.evaluate("document.querySelector('#audit-card').scrollIntoView()")
        await s.shot(console, "organiser-audit")
    await console.set_viewport_size(DESKTOP)


async def shoot_tables(s: Shooter, org: Api, m: str, codes: dict[str, Any], console: Any) -> None:
    """Tablets of most tables connected, voting on a new question, seen from the console."""
    await org.open(m, "worth")
    rng = random.Random(11)
    options = ["heard", "learned", "met", "trust"]
    clients = []
    for n in [*range(2, 27), *range(31, 46)]:
        joined = await Api(s.base).join(codes["tables"][str(n)])
        client = Client(s.base.replace("http", "ws") + "/ws", joined["token"])
        await client.connect()
        clients.append(client)
        for seat in range(1, rng.choice([0, 3, 6, 8, 10, 10]) + 1):
            await client.cast("worth", rng.sample(options, 2), seat=seat)
    try:
        await console.click('[data-tab="tables"]')
        await console.wait_for_selector('.table-tile[data-table="45"][data-connected="true"]')
        await console.wait_for_timeout(3500)  # one more poll: every tablet is in
        await s.shot(console, "organiser-tables")
        await console.click('#tables-filter input[value="help"]')
        await console.wait_for_selector('#table-grid[data-filter="help"]')
        await s.shot(console, "organiser-tables-help")
        await console.click('#tables-filter input[value="all"]')
    finally:
        for client in clients:
            await client.close()
        await org.close(m, "worth")
        await console.click('[data-tab="results"]')


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    folder.mkdir(parents=True, exist_ok=True)
    asyncio.run(main(folder))
    from .screens_offline import main as offline

    asyncio.run(offline(folder))  # the server stopped: its own server, stopped midway
