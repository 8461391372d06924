"""No screen shows "null", "undefined" or "NaN".

Every page opened through `Pages` is watched for them as it changes (tests/browser/conftest.py),
so every browser test checks this in every state it reaches. These tests reach the states
where it went wrong before: a phone that has answers but not their receipts, and the
apps' first screens (join forms, a wrong code, the QR sheets with no organiser)."""

from __future__ import annotations

from typing import Any

from tests.conftest import Meeting

from .conftest import DESKTOP, PHONE, PLENARY, TABLET_LANDSCAPE, Pages, assert_no_void_text
from .test_apps import online

CARD = '.question-card[data-question="{q}"]'


async def answer(keypad: Any, q: str, option: str) -> None:
    card = keypad.locator(CARD.format(q=q))
    await card.locator(f'.choice[data-option="{option}"]').click()
    await card.locator(".submit").click()
    await keypad.wait_for_selector(f'{CARD.format(q=q)}[data-status="counted"]')


async def test_a_phone_without_the_receipts_says_where_they_are(
    pages: Pages, meeting: Meeting
) -> None:
    m = meeting.id
    await meeting.organiser.open(m, "q1")
    await meeting.organiser.open(m, "q2")
    seat = f"/app/keypad.html#code={meeting.codes['seats']['2']['3']}"
    first = await pages.open(seat, PHONE)
    await online(first)
    await answer(first, "q1", "a")
    await answer(first, "q2", "x")
    assert await first.locator(".question-card .receipt-code").count() == 2

    # The same seat in another browser: its answers come back, their receipts cannot.
    other = await pages.open(seat, PHONE)
    await online(other)
    for q in ("q1", "q2"):
        card = other.locator(f'{CARD.format(q=q)}[data-status="counted"]')
        await card.wait_for()
        missing = card.locator(".receipt-missing")
        assert "ไม่ได้อยู่ในเครื่องนี้" in await missing.inner_text()
        assert await card.locator(".receipt-code").count() == 0
    await other.click("#my-receipts summary")
    elsewhere = other.locator("#receipt-list .receipt-missing")
    assert "คำตอบ 2 ข้อ" in await elsewhere.inner_text()
    await assert_no_void_text(other)
    await other.click("[data-lang-switch]")
    await other.wait_for_selector("#receipt-list .receipt-missing:has-text('2 of your answers')")
    assert "not on this device" in await other.locator(CARD.format(q="q1")).inner_text()
    await assert_no_void_text(other)

    # A new answer from this browser gets its receipt here; the other one still says so.
    await other.click("[data-lang-switch]")
    card = other.locator(CARD.format(q="q1"))
    await card.locator('.choice[data-option="b"]').click()
    await card.locator(".submit").click()
    await other.wait_for_selector(f'{CARD.format(q="q1")}[data-status="replaced"] .receipt-code')
    assert "คำตอบ 1 ข้อ" in await other.locator("#receipt-list .receipt-missing").inner_text()
    await assert_no_void_text(other)


async def test_the_first_screens_of_every_app(pages: Pages, meeting: Meeting) -> None:
    for path, size in (
        ("/app/", PHONE),
        ("/app/tablet.html", TABLET_LANDSCAPE),
        ("/app/keypad.html", PHONE),
        ("/app/plenary.html", PLENARY),
        ("/app/theme.html", DESKTOP),
    ):
        page = await pages.open(path, size)
        await page.wait_for_selector("#join-form")
        await page.fill("#join-code", "ZZZZZZ")
        await page.click("#join-form [type=submit]")
        await page.wait_for_function("() => document.querySelector('#join-error').textContent")
        await assert_no_void_text(page)
    sheets = await pages.open("/app/print.html", DESKTOP)
    await sheets.wait_for_selector("#main .empty")
    await assert_no_void_text(sheets)
    console = await pages.open("/app/organiser.html", DESKTOP)
    await console.wait_for_selector("#main")
    await assert_no_void_text(console)
