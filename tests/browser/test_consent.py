"""Demographic questions are opt-in (PDPA): a notice first, nothing asked until the
participant agrees; skipping still lets them vote; the choice survives a reload."""

from __future__ import annotations

from tests.conftest import Meeting

from .conftest import PHONE, Pages
from .test_apps import online
from .test_breakdowns import SECTOR


async def test_about_you_is_asked_only_after_consent(pages: Pages, meeting: Meeting) -> None:
    m = meeting.id
    await meeting.organiser.add_question(m, SECTOR)
    for q in ("sector", "q1"):
        await meeting.organiser.open(m, q)
    keypad = await pages.open(f"/app/keypad.html#code={meeting.codes['seats']['1']['2']}", PHONE)
    await online(keypad)
    notice = keypad.locator('.consent-card[data-consent="ask"]')
    await notice.wait_for()
    text = await notice.inner_text()
    assert "ไม่บังคับ" in text and "น้อยกว่า 5 คน" in text
    assert await keypad.locator('.question-card[data-question="sector"]').count() == 0
    assert await keypad.locator('.question-card[data-question="q1"]').count() == 1

    await keypad.click('[data-action="consent-no"]')
    await keypad.wait_for_selector('.consent-card[data-consent="no"]')
    assert await keypad.locator('.question-card[data-question="sector"]').count() == 0
    card = keypad.locator('.question-card[data-question="q1"]')
    await card.locator('.choice[data-option="a"]').click()
    await card.locator(".submit").click()
    await keypad.wait_for_selector('.question-card[data-question="q1"][data-status="counted"]')

    await keypad.reload()  # the choice is kept for this seat
    await online(keypad)
    await keypad.wait_for_selector('.consent-card[data-consent="no"]')
    await keypad.click('[data-action="consent-yes"]')
    sector = keypad.locator('.question-card[data-question="sector"]')
    await sector.locator('.choice[data-option="civ"]').click()
    await sector.locator(".submit").click()
    await keypad.wait_for_selector('.question-card[data-question="sector"][data-status="counted"]')
    results = await meeting.organiser.results(m, "sector")
    assert {r["option"]: r["score"] for r in results["ranking"]}["civ"] == 1
