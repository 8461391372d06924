"""The facilitator's tablet on the day: a whole seat's ballot, of every question kind,
fits the screen with its save button in view at 1024×768, 1280×800 and 768×1024, the
question and mode tabs stay in view after each save, and a seat whose ballot is still
waiting to send is counted as waiting, not as voted."""

from __future__ import annotations

import copy
from typing import Any

from prachakhom.cli.client import Api
from prachakhom.core.methods import KINDS
from tests.conftest import SMALL_MEETING, Running, demo_body
from tests.tcpproxy import FaultProxy

from .conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, Pages

TABLET_WIDE = {"width": 1280, "height": 800}
SIZES = (TABLET_LANDSCAPE, TABLET_WIDE, TABLET_PORTRAIT)
# The demo forum's questions, one or more of every kind (district: nine options; the
# ranked question eight; the budget five projects with their costs).
QUESTIONS = ("priorities", "budget", "dots", "district", "pre", "worth", "iap2")

FIT = """() => {
  const panel = document.querySelector("#ballot");
  const cast = document.querySelector("#cast").getBoundingClientRect();
  const last = [...panel.querySelectorAll(".choice, .stepper-row, .scale-button")].pop()
    .getBoundingClientRect();
  const tabs = document.querySelector("#question-tabs").getBoundingClientRect();
  const modes = document.querySelector(".modes").getBoundingClientRect();
  const bar = document.querySelector(".topbar").getBoundingClientRect();
  const main = document.querySelector("#main");
  return {
    page: document.scrollingElement.scrollHeight - innerHeight,
    main: main.scrollHeight - main.clientHeight,
    panel: panel.scrollHeight - panel.clientHeight,
    castTop: cast.top, castBottom: cast.bottom, lastOption: last.bottom, height: innerHeight,
    tabsTop: tabs.top, modesBottom: modes.bottom, barBottom: bar.bottom,
  };
}"""


async def answer(tablet: Any, question: str) -> None:
    """Tap an answer into the ballot on screen, so that its save button is enabled."""
    form = tablet.locator(f'#ballot-form[data-question="{question}"]')
    kind = await form.get_attribute("data-kind")
    if kind == "points":
        await form.locator('[data-step="plus"]').first.click()
    elif kind == "scale":
        await form.locator(".scale-button").first.click()
    elif kind == "ranked":
        for option in ("haze", "ncd", "cpr"):
            await form.locator(f'.choice[data-option="{option}"]').click()
    else:
        await form.locator(".choice").first.click()
    await tablet.wait_for_selector("#cast:not([disabled])")


async def test_a_whole_ballot_of_every_kind_fits_at_each_tablet_size(
    pages: Pages, server: Running, admin: Api
) -> None:
    created = await admin.create_meeting(demo_body())
    m = created["id"]
    kinds = {q["id"]: q["kind"] for q in created["questions"]}
    assert {kinds[q] for q in QUESTIONS} == set(KINDS), "a question kind is not tried here"
    async with Api(server.base, created["organiser"]) as organiser:
        for q in QUESTIONS:
            await organiser.open(m, q)
    table = created["codes"]["tables"]["1"]
    for viewport in SIZES:
        size = f"{viewport['width']}x{viewport['height']}"
        tablet = await pages.open(f"/app/tablet.html#code={table}", viewport)
        await tablet.wait_for_selector('#conn[data-connection="online"]')
        await tablet.evaluate("document.fonts.ready")
        for q in QUESTIONS:
            await tablet.click(f'.question-tab[data-question="{q}"]')
            await answer(tablet, q)
            fit = await tablet.evaluate(FIT)
            where = f"{size}, {kinds[q]} ({q}): {fit}"
            assert fit["page"] <= 0 and fit["main"] <= 0, f"the page scrolls at {where}"
            assert fit["panel"] <= 1, f"the ballot needs scrolling at {where}"
            assert fit["castBottom"] <= fit["height"], f"the save button is below at {where}"
            assert fit["lastOption"] <= fit["castTop"], f"an option is under the button at {where}"
            # save it: the next seat's ballot, with the tabs still in view under the top bar
            seat = await tablet.get_attribute("#ballot-form", "data-seat")
            await tablet.click("#cast")
            await tablet.wait_for_selector(f'.seat[data-seat="{seat}"][data-status="voted"]')
            after = await tablet.evaluate(FIT)
            assert after["page"] <= 0 and after["tabsTop"] >= after["barBottom"], (
                f"the tabs went under the top bar after a save at {where}: {after}"
            )
            assert after["modesBottom"] < after["castTop"] <= after["castBottom"] <= after["height"]
    async with Api(server.base, created["organiser"]) as organiser:
        for q in QUESTIONS:  # one ballot a question from each of the three tablets
            assert (await organiser.results(m, q))["voters"] == 1, q


async def test_a_seat_waiting_to_send_is_pending_not_voted(
    pages: Pages, server: Running, admin: Api
) -> None:
    created = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
    m = created["id"]
    async with Api(server.base, created["organiser"]) as organiser:
        await organiser.open(m, "q1")
    proxy = FaultProxy("127.0.0.1", server.settings.port)
    async with proxy.running():
        base = f"http://127.0.0.1:{proxy.port}"
        tablet = await (await pages.device(TABLET_LANDSCAPE)).new_page()
        pages.watch(tablet)
        await tablet.goto(f"{base}/app/tablet.html#code={created['codes']['tables']['1']}")
        await tablet.wait_for_selector('#conn[data-connection="online"]')
        summary = tablet.locator("#seat-summary")
        for seat in (1, 2):
            await vote(tablet, seat, "a")
            await tablet.wait_for_selector(f'.seat[data-seat="{seat}"][data-status="voted"]')
        assert await summary.get_attribute("data-voted") == "2"
        assert await summary.get_attribute("data-pending") == "0"
        assert await tablet.inner_text("#seat-voted") == "นับแล้ว 2 จาก 5 ที่นั่ง"

        proxy.stall()  # the hall's Wi-Fi holds every byte: seat 3's ballot cannot arrive
        await vote(tablet, 3, "b")
        await tablet.wait_for_selector('.seat[data-seat="3"][data-status="pending"]')
        assert await summary.get_attribute("data-voted") == "2", "a ballot not acked is not voted"
        assert await summary.get_attribute("data-pending") == "1"
        assert await tablet.inner_text("#seat-voted") == "นับแล้ว 2 จาก 5 ที่นั่ง"
        assert await tablet.inner_text("#seat-pending") == "รอส่ง 1"
        assert await tablet.get_attribute("#pending", "data-pending") == "1"

        proxy.flow()  # the network is back: the ack comes, and only then is seat 3 voted
        await tablet.wait_for_selector('.seat[data-seat="3"][data-status="voted"]')
        assert await summary.get_attribute("data-voted") == "3"
        assert await summary.get_attribute("data-pending") == "0"
        assert await tablet.inner_text("#seat-pending") == ""
    async with Api(server.base, created["organiser"]) as organiser:
        assert (await organiser.results(m, "q1"))["voters"] == 3


async def vote(tablet: Any, seat: int, option: str) -> None:
    await tablet.click(f'.seat[data-seat="{seat}"]')
    await tablet.wait_for_selector(f'#ballot-form[data-seat="{seat}"]')
    await tablet.click(f'#ballot .choice[data-option="{option}"]')
    await tablet.click("#cast")
