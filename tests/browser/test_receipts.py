"""Ballot receipts in real Chromium: the keypad shows each ballot's receipt code, keeps it
on the phone, and checks it against the ledger; the tablet shows each seat's code."""

from __future__ import annotations

import re

from tests.conftest import Meeting

from .conftest import PHONE, TABLET_LANDSCAPE, Pages
from .test_apps import online, vote

CODE = re.compile(r"^[A-Z2-7]{5}-[A-Z2-7]{5}$")
CARD = '.question-card[data-question="q1"]'


async def test_a_participant_sees_checks_and_keeps_their_receipts(
    pages: Pages, meeting: Meeting
) -> None:
    m = meeting.id
    await meeting.organiser.open(m, "q1")
    keypad = await pages.open(f"/app/keypad.html#code={meeting.codes['seats']['2']['3']}", PHONE)
    await online(keypad)
    card = keypad.locator(CARD)
    await card.locator('.choice[data-option="a"]').click()
    await card.locator(".submit").click()
    await keypad.wait_for_selector(f'{CARD}[data-status="counted"] .receipt-code')
    first = await card.locator(".receipt-code").inner_text()
    assert CODE.match(first), first
    assert "รหัสยืนยันการลงคะแนน" in await card.locator(".receipt").inner_text()

    # checked against the ledger: found, and the ballot that counts
    await card.locator(".receipt-check").click()
    verdict = card.locator('.receipt-verdict[data-verdict="final"]')
    await verdict.wait_for()
    found = await meeting.organiser.receipt(m, first)
    assert found == {
        "receipt": first,
        "question": "q1",
        "status": "counted",
        "n": found["n"],
        "final": True,
    }
    said = await verdict.inner_text()
    assert f"ลำดับที่ {found['n']}" in said and "คะแนนล่าสุดของท่าน" in said, said

    # a change of mind: a new receipt; the first one is now replaced
    await card.locator('.choice[data-option="b"]').click()
    await card.locator(".submit").click()
    await keypad.wait_for_selector(f'{CARD}[data-status="replaced"]')
    await keypad.wait_for_function(
        "(first) => { const c = document.querySelector('.question-card .receipt-code');"
        " return c && c.textContent !== first; }",
        arg=first,
    )
    second = await card.locator(".receipt-code").inner_text()
    assert CODE.match(second) and second != first
    assert await card.locator(".receipt-verdict").count() == 0  # the old check is gone

    # "my receipts" keeps both, newest first, and checks the old one
    await keypad.click("#my-receipts summary")
    items = keypad.locator("#receipt-list .receipt")
    assert await items.count() == 2
    assert [await items.nth(i).get_attribute("data-receipt") for i in (0, 1)] == [second, first]
    assert "เลือกหนึ่ง" in await items.nth(1).inner_text()  # the question's prompt
    await items.nth(1).locator(".receipt-check").click()
    replaced = items.nth(1).locator('.receipt-verdict[data-verdict="replaced"]')
    await replaced.wait_for()
    assert "ท่านส่งคำตอบใหม่ภายหลัง" in await replaced.inner_text()

    # kept on the phone: after a reload the card and the list still show them
    await keypad.reload()
    await online(keypad)
    await keypad.wait_for_selector(f'{CARD}[data-status="counted"] .receipt-code')
    assert await card.locator(".receipt-code").inner_text() == second
    assert await keypad.locator("#receipt-list .receipt").count() == 2

    # a code typed by hand (lower case, no dash) is checked too; a wrong one is not found
    await keypad.click("#my-receipts summary")
    await keypad.fill("#receipt-input", first.replace("-", "").lower())
    await keypad.click("#receipt-form .receipt-check")
    await keypad.wait_for_selector('#typed-verdict .receipt-verdict[data-verdict="replaced"]')
    assert await keypad.input_value("#receipt-input") == first
    assert "เลือกหนึ่ง" in await keypad.inner_text("#typed-verdict")
    await keypad.fill("#receipt-input", "AAAAA-AAAAA")
    await keypad.click("#receipt-form .receipt-check")
    await keypad.wait_for_selector('#typed-verdict .receipt-verdict[data-verdict="not_found"]')
    assert "ไม่พบรหัสนี้" in await keypad.inner_text("#typed-verdict")
    await keypad.fill("#receipt-input", "abc")
    await keypad.click("#receipt-form .receipt-check")
    await keypad.wait_for_selector('#typed-verdict .receipt-verdict[data-verdict="error"]')

    # once the question is closed the receipts are still there to see
    await meeting.organiser.close(m, "q1")
    await keypad.wait_for_selector(".wait-card")
    assert await keypad.locator("#receipt-list .receipt").count() == 2
    await keypad.click("[data-lang-switch]")
    await keypad.wait_for_selector("#my-receipts summary:has-text('My receipts (2)')")


async def test_the_tablet_shows_each_seats_receipt(pages: Pages, meeting: Meeting) -> None:
    m = meeting.id
    await meeting.organiser.open(m, "q1")
    tablet = await pages.open(
        f"/app/tablet.html#code={meeting.codes['tables']['1']}", TABLET_LANDSCAPE
    )
    await online(tablet)
    for seat, option in ((1, "a"), (2, "b")):
        await vote(tablet, seat, option)
        await tablet.wait_for_selector(f'.seat[data-seat="{seat}"][data-status="voted"]')
        await tablet.wait_for_selector(f'#last-receipt[data-seat="{seat}"]')
    last = await tablet.inner_text("#last-receipt")
    code = last.rsplit(" ", 1)[-1]
    assert CODE.match(code) and "ที่นั่ง 2" in last, last
    assert (await meeting.organiser.receipt(m, code))["final"] is True

    await tablet.click(".seat-receipts summary")
    listed = tablet.locator('.seat-receipt-list li[data-seat="1"] .receipt-code')
    seat_one = await listed.inner_text()
    assert CODE.match(seat_one) and seat_one != code

    await tablet.click('.seat[data-seat="1"]')
    await tablet.wait_for_selector(f'#ballot-receipt[data-receipt="{seat_one}"]:visible')
    assert "รหัสยืนยันการลงคะแนน" in await tablet.inner_text("#ballot-receipt")
    await tablet.click('.seat[data-seat="3"]')
    await tablet.wait_for_selector("#ballot-receipt.hidden", state="attached")
