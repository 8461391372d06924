"""Everyone can use the apps: axe-core finds no serious or critical violation in any app's
main states (WCAG 2.2 A/AA rules and axe's best practices: contrast, names, roles); every
control is reached by the keyboard and shows the focus ring; screen readers get Thai
(lang="th", labels from the catalogue); the keypad and the tablet have a large-text mode,
kept on the device, that keeps their layout. How to run: `make axe` once (npm ci), then
`.venv/bin/pytest -q tests/browser/test_accessibility.py`; docs/accessibility.md."""

from __future__ import annotations

from typing import Any

from prachakhom.cli.client import Api
from tests.conftest import Running, demo_body

from .a11y import assert_accessible, focused, open_app, overflow, ring_shows, tab_through, tab_to
from .conftest import DESKTOP, PHONE, PLENARY, TABLET_LANDSCAPE, TABLET_PORTRAIT, Pages

LAPTOP = {"width": 1366, "height": 768}
TABLET_WIDE = {"width": 1280, "height": 800}
OPEN = ("sector", "priorities", "budget", "dots", "pre", "worth")


async def demo(server: Running, admin: Api, open_: tuple[str, ...] = OPEN) -> dict[str, Any]:
    """The demo forum with some questions open, for the tablet and the keypad."""
    created = await admin.create_meeting(demo_body())
    async with Api(server.base, created["organiser"]) as organiser:
        for q in open_:
            await organiser.open(created["id"], q)
    return created  # type: ignore[no-any-return]


async def online(page: Any) -> None:
    await page.wait_for_selector('#conn[data-connection="online"]')


async def test_the_tablet_passes_axe_in_its_main_states(
    pages: Pages, server: Running, admin: Api
) -> None:
    created = await demo(server, admin)
    join = await open_app(pages, "/app/tablet.html", TABLET_LANDSCAPE)
    await join.wait_for_selector("#join-form")
    await assert_accessible(join, "tablet: join")
    for viewport in (TABLET_LANDSCAPE, TABLET_PORTRAIT):
        tablet = await open_app(
            pages, f"/app/tablet.html#code={created['codes']['tables']['1']}", viewport
        )
        await online(tablet)
        for q, taps in (
            ("priorities", ["haze", "ncd"]),
            ("budget", ["vhv", "clinic"]),
            ("sector", ["civil"]),
            ("worth", ["heard"]),
        ):
            await tablet.click(f'.question-tab[data-question="{q}"]')
            for option in taps:
                await tablet.click(f'#ballot .choice[data-option="{option}"]')
            await assert_accessible(tablet, f"tablet {viewport}: {q} chosen")
        for q in ("dots", "pre"):
            await tablet.click(f'.question-tab[data-question="{q}"]')
            await tablet.locator("#ballot .step, #ballot .scale-button").last.click()
            await assert_accessible(tablet, f"tablet {viewport}: {q}")
        await tablet.click("#cast")  # a seat voted: its receipt, the next seat's ballot
        await tablet.wait_for_selector("#last-receipt:not(.hidden)")
        await tablet.click(".seat-receipts summary")
        await assert_accessible(tablet, f"tablet {viewport}: receipts")
        await tablet.click('[data-mode="hands"]')
        await tablet.click('.question-tab[data-question="worth"]')
        await tablet.click('.stepper-row [data-step="plus"]')
        await assert_accessible(tablet, f"tablet {viewport}: show of hands")
        await tablet.click('[data-mode="ideas"]')
        await tablet.fill("#idea-text", "รถพยาบาลมาช้า หมู่บ้านอยู่ไกล")
        await tablet.click("#send-idea")
        await tablet.wait_for_selector(".idea-sent")
        await assert_accessible(tablet, f"tablet {viewport}: ideas")
        await tablet.click('[data-mode="vote"]')
        await tablet.click("[data-text-size]")
        await assert_accessible(tablet, f"tablet {viewport}: large text")
        await tablet.click("[data-lang-switch]")
        await tablet.wait_for_function("document.documentElement.lang === 'en'")
        await assert_accessible(tablet, f"tablet {viewport}: English")


async def test_the_keypad_passes_axe_in_its_main_states(
    pages: Pages, server: Running, admin: Api
) -> None:
    created = await demo(server, admin)
    join = await open_app(pages, "/app/keypad.html", PHONE)
    await join.wait_for_selector("#join-form")
    await assert_accessible(join, "keypad: join")
    keypad = await open_app(
        pages, f"/app/keypad.html#code={created['codes']['seats']['5']['3']}", PHONE
    )
    await online(keypad)
    await keypad.wait_for_selector('.consent-card[data-consent="ask"]')
    await assert_accessible(keypad, "keypad: consent")
    await keypad.click('[data-action="consent-yes"]')
    card = keypad.locator('.question-card[data-question="sector"]')
    await card.locator('.choice[data-option="civil"]').click()
    for q, option in (("priorities", "haze"), ("budget", "vhv"), ("worth", "heard")):
        await keypad.locator(
            f'.question-card[data-question="{q}"] .choice[data-option="{option}"]'
        ).click()
    await keypad.locator(
        '.question-card[data-question="pre"] .scale-button[data-value="4"]'
    ).click()
    await keypad.locator('.question-card[data-question="dots"] [data-step="plus"]').first.click()
    await assert_accessible(keypad, "keypad: every kind answered")
    await card.locator(".submit").click()
    await keypad.wait_for_selector('.question-card[data-question="sector"][data-status="counted"]')
    await card.locator(".receipt-check").click()
    await card.locator('.receipt-verdict[data-verdict="final"]').wait_for()
    await assert_accessible(keypad, "keypad: counted, receipt checked")
    await keypad.click("#my-receipts summary")
    await assert_accessible(keypad, "keypad: my receipts")
    await keypad.click("[data-text-size]")
    await assert_accessible(keypad, "keypad: large text")
    async with Api(server.base, created["organiser"]) as organiser:
        for q in OPEN:
            await organiser.close(created["id"], q)
    await keypad.wait_for_selector(".wait-card")
    await assert_accessible(keypad, "keypad: waiting")
    await keypad.click("[data-lang-switch]")
    await keypad.wait_for_function("document.documentElement.lang === 'en'")
    await assert_accessible(keypad, "keypad: English")


async def test_the_plenary_passes_axe_in_every_view(pages: Pages, forum: Any) -> None:
    m, organiser = forum.id, forum.organiser
    await organiser.plenary(m, {"view": "participation"})
    plenary = await open_app(
        pages, f"/app/plenary.html#code={forum.created['codes']['display']}", PLENARY
    )
    await online(plenary)
    await plenary.wait_for_selector(".join-panel img.qr[src]")
    await assert_accessible(plenary, "plenary: participation")
    for view, ready in (
        ({"view": "question", "question": "priorities"}, '.bar-row[data-rank="1"]'),
        ({"view": "question", "question": "pre"}, ".col"),
        ({"view": "question", "question": "budget"}, '.bar-row[data-rank="1"]'),
        ({"view": "question", "question": "dots"}, '.bar-row[data-rank="1"]'),
        ({"view": "question", "question": "priorities", "reveal": False}, ".results-hidden"),
        ({"view": "compare", "pre": "pre", "post": "post"}, ".compare-cols"),
        ({"view": "breakdown", "question": "iap2", "by": "sector"}, "#pl-breakdown"),
        ({"view": "ideas"}, ".wall-card"),
        ({"view": "themes"}, ".theme-card"),
        ({"view": "text", "text": "พักรับประทานอาหารกลางวัน"}, "#pl-text"),
    ):
        await organiser.plenary(m, view)
        await plenary.wait_for_selector(ready)
        await plenary.wait_for_timeout(300)  # bars settle
        await assert_accessible(plenary, f"plenary: {view}")


async def test_the_organiser_theme_team_index_and_print_pass_axe(pages: Pages, forum: Any) -> None:
    setup = await open_app(pages, "/app/organiser.html", DESKTOP)
    await setup.wait_for_selector("#create-form")
    await assert_accessible(setup, "organiser: setup")
    console = await open_app(
        pages, f"/app/organiser.html#token={forum.created['organiser']}", DESKTOP
    )
    await online(console)
    for tab in ("agenda", "plenary", "results", "tables", "codes", "exports"):
        await console.click(f'[data-tab="{tab}"]')
        await console.wait_for_selector(f'[data-tab="{tab}"][aria-selected="true"]')
        await console.wait_for_timeout(400)
        await assert_accessible(console, f"organiser: {tab}")
    await console.click('[data-tab="results"]')
    await console.select_option("#results-question", "priorities")
    await console.wait_for_selector('#org-results .bar-row[data-rank="1"]')
    await assert_accessible(console, "organiser: a ranking")
    sheets = await console.context.new_page()
    await sheets.goto(pages.base + "/app/print.html")
    await sheets.wait_for_selector('.sheet[data-table="2"] img.qr[src]')
    await assert_accessible(sheets, "print: QR sheets")
    theme = await open_app(pages, f"/app/theme.html#code={forum.created['codes']['theme']}", LAPTOP)
    await online(theme)
    await theme.wait_for_selector(".idea-row")
    await assert_accessible(theme, "theme: ideas")
    await theme.locator(".idea-row:not([hidden]) [data-act='pick']").first.click()
    await assert_accessible(theme, "theme: an idea picked")
    await theme.click("#tab-groupings")
    await assert_accessible(theme, "theme: groupings")
    index = await open_app(pages, "/app/", PHONE)
    await index.wait_for_selector("#main *")
    await assert_accessible(index, "index")


async def test_the_tablet_and_the_keypad_work_by_keyboard_alone(
    pages: Pages, server: Running, admin: Api
) -> None:
    created = await demo(server, admin, ("priorities", "sector"))
    tablet = await open_app(
        pages, f"/app/tablet.html#code={created['codes']['tables']['1']}", TABLET_LANDSCAPE
    )
    await online(tablet)
    walked = await tab_through(tablet, 30)
    kinds = {
        "language": any(s["langSwitch"] for s in walked),
        "large text": any(s["textSize"] for s in walked),
        "question tab": any(s["question"] for s in walked),
        "mode": any(s["mode"] for s in walked),
        "seat": any(s["seat"] for s in walked),
        "option": any(s["option"] for s in walked),
    }
    assert all(kinds.values()), f"Tab never reached: {kinds}; went {walked}"
    bare = [s for s in walked if not ring_shows(s) or not s["inView"]]
    assert not bare, f"focused without a visible ring, or out of view: {bare}"

    # a whole ballot by keyboard: the ranked question, seat 2, two options, then save
    await tablet.click("body", position={"x": 5, "y": 740})  # start the walk again
    await tab_to(tablet, "(el) => el.dataset.question === 'priorities'")
    await tablet.keyboard.press("Enter")
    await tab_to(tablet, "(el) => el.dataset.seat === '2'")
    await tablet.keyboard.press("Enter")
    await tablet.wait_for_selector('#ballot-form[data-seat="2"]')
    for option in ("haze", "ems1669"):
        await tab_to(tablet, f"(el) => el.dataset.option === '{option}'")
        await tablet.keyboard.press("Space")
    state = await tab_to(tablet, "(el) => el.id === 'cast'")
    assert ring_shows(state) and state["inView"], state
    await tablet.keyboard.press("Enter")
    await tablet.wait_for_selector('.seat[data-seat="2"][data-status="voted"]')
    after = await focused(tablet)  # the next seat's ballot, ready for the keyboard
    assert after is not None and after["option"], after

    keypad = await open_app(
        pages, f"/app/keypad.html#code={created['codes']['seats']['2']['4']}", PHONE
    )
    await online(keypad)
    await tab_to(keypad, "(el) => el.dataset.action === 'consent-yes'")
    await keypad.keyboard.press("Enter")
    await keypad.wait_for_selector('.question-card[data-question="sector"]')
    state = await tab_to(keypad, "(el) => el.dataset.option === 'public'")
    assert ring_shows(state) and state["inView"], state
    await keypad.keyboard.press("Space")
    state = await tab_to(
        keypad, "(el) => el.matches('.question-card[data-question=sector] .submit')"
    )
    assert ring_shows(state) and state["inView"], state
    await keypad.keyboard.press("Enter")
    await keypad.wait_for_selector('.question-card[data-question="sector"][data-status="counted"]')
    async with Api(server.base, created["organiser"]) as organiser:
        assert (await organiser.results(created["id"], "priorities"))["voters"] == 1
        assert (await organiser.results(created["id"], "sector"))["voters"] == 1


async def test_every_app_shows_where_the_keyboard_is(pages: Pages, forum: Any) -> None:
    codes = forum.created["codes"]
    for path, viewport, presses in (
        (f"/app/organiser.html#token={forum.created['organiser']}", DESKTOP, 25),
        (f"/app/theme.html#code={codes['theme']}", LAPTOP, 20),
        (f"/app/plenary.html#code={codes['display']}", PLENARY, 3),
        ("/app/", PHONE, 4),
        ("/app/print.html", DESKTOP, 3),
    ):
        page = await open_app(pages, path, viewport)
        await page.wait_for_selector("#main *")
        await page.wait_for_timeout(300)
        walked = await tab_through(page, presses)
        assert walked, f"{path}: Tab reaches nothing"
        bare = [s for s in walked if not ring_shows(s)]
        assert not bare, f"{path}: focused without a visible ring: {bare}"


async def test_large_text_keeps_the_layout_and_the_save_button(
    pages: Pages, server: Running, admin: Api
) -> None:
    created = await demo(server, admin)
    keypad = await open_app(
        pages, f"/app/keypad.html#code={created['codes']['seats']['3']['1']}", PHONE
    )
    await online(keypad)
    normal = await keypad.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    await keypad.click("[data-text-size]")
    assert await keypad.get_attribute("[data-text-size]", "aria-pressed") == "true"
    await keypad.reload()  # kept on the device
    await online(keypad)
    large = await keypad.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert large >= normal * 1.2, (normal, large)
    assert await keypad.get_attribute("[data-text-size]", "aria-pressed") == "true"
    await keypad.click('[data-action="consent-no"]')
    await keypad.wait_for_selector('.consent-card[data-consent="no"]')
    for q in ("priorities", "budget", "dots", "pre"):
        await keypad.locator(f'.question-card[data-question="{q}"]').scroll_into_view_if_needed()
        spilt = await overflow(keypad)
        assert spilt["scrollWidth"] <= spilt["width"] and not spilt["out"], f"keypad {q}: {spilt}"
    card = keypad.locator('.question-card[data-question="budget"]')
    await card.locator('.choice[data-option="ambulance"]').click()
    submit = card.locator(".submit")
    await submit.scroll_into_view_if_needed()
    assert await submit.is_visible() and await submit.is_enabled()
    await submit.click()
    await keypad.wait_for_selector('.question-card[data-question="budget"][data-status="counted"]')

    for viewport in (TABLET_LANDSCAPE, TABLET_WIDE, TABLET_PORTRAIT):
        tablet = await open_app(
            pages, f"/app/tablet.html#code={created['codes']['tables']['2']}", viewport
        )
        await online(tablet)
        await tablet.click("[data-text-size]")
        await tablet.wait_for_selector("html.large-text")
        for q in OPEN:
            await tablet.click(f'.question-tab[data-question="{q}"]')
            await tablet.wait_for_selector(f'#ballot-form[data-question="{q}"]')
            spilt = await overflow(tablet)
            where = f"tablet {viewport} {q}"
            assert spilt["scrollWidth"] <= spilt["width"] and not spilt["out"], f"{where}: {spilt}"
            box = await tablet.locator("#cast").bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], where
        seat = await tablet.get_attribute("#ballot-form", "data-seat")
        await tablet.locator("#ballot .choice").first.click()
        await tablet.click("#cast")  # reached where it is, without scrolling
        await tablet.wait_for_selector(f'.seat[data-seat="{seat}"][data-status="voted"]')


async def test_screen_readers_get_thai_labels(pages: Pages, server: Running, admin: Api) -> None:
    created = await demo(server, admin, ("priorities",))
    tablet = await open_app(
        pages, f"/app/tablet.html#code={created['codes']['tables']['1']}", TABLET_LANDSCAPE
    )
    await online(tablet)
    assert await tablet.evaluate("document.documentElement.lang") == "th"
    assert await tablet.get_attribute('.seat[data-seat="3"]', "aria-label") == "ที่นั่ง 3: ยังไม่ลงคะแนน"
    assert await tablet.get_attribute(".modes", "aria-label") == "โหมดการทำงาน"
    assert (await tablet.inner_text("[data-text-size]")).strip() == "อักษรใหญ่"
    await tablet.click('#ballot .choice[data-option="haze"]')
    name = await tablet.evaluate(
        "document.querySelector('#ballot .choice[data-option=haze]')"
        ".innerText.replace(/\\s+/g, ' ')"
    )
    assert "ฝุ่นควัน" in name
    label = await tablet.locator('#ballot .choice[data-option="haze"] .sr-only').inner_text()
    assert label.strip() == "อันดับ 1", "the rank is read out in Thai with the option"
    await tablet.click("[data-lang-switch]")
    await tablet.wait_for_function("document.documentElement.lang === 'en'")
    assert (
        await tablet.get_attribute('.seat[data-seat="3"]', "aria-label") == "Seat 3: not voted yet"
    )
    for path in ("/app/", "/app/keypad.html", "/app/organiser.html", "/app/print.html"):
        page = await open_app(pages, path, PHONE)
        await page.wait_for_selector("#main *")
        assert await page.evaluate("document.documentElement.lang") == "th", path
    plenary = await open_app(
        pages, f"/app/plenary.html#code={created['codes']['display']}", PLENARY
    )
    await online(plenary)
    assert await plenary.evaluate("document.documentElement.lang") == "th"
