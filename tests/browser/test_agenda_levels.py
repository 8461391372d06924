"""The organiser marks each agenda item's IAP2 level in the console, in real Chromium: the
server keeps it, a second console sees it at once, and a new question takes one too."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.conftest import Meeting

from .conftest import DESKTOP, Pages

SHOTS = os.environ.get("PK_SHOTS")  # a folder for screenshots to look at, when set


def token_of(meeting: Meeting) -> str:
    return str(meeting.organiser.http.headers["authorization"]).split()[1]


async def console(pages: Pages, meeting: Meeting) -> Any:
    page = await pages.open(f"/app/organiser.html#token={token_of(meeting)}", DESKTOP)
    await page.wait_for_selector('#conn[data-connection="online"]')
    await page.click('#tabs [data-tab="agenda"]')
    await page.wait_for_selector('tr[data-question="q1"] select[data-action="level"]')
    return page


async def levels(meeting: Meeting) -> dict[str, str | None]:
    found = await meeting.organiser.meeting(meeting.id)
    return {q["id"]: q.get("iap2_level") for q in found["questions"]}


async def test_the_organiser_marks_levels_and_every_console_sees_them(
    pages: Pages, meeting: Meeting
) -> None:
    first, second = await console(pages, meeting), await console(pages, meeting)
    q1 = 'tr[data-question="q1"] select[data-action="level"]'
    assert await first.input_value(q1) == ""
    label = await first.get_attribute(q1, "aria-label")
    assert label == "ระดับการมีส่วนร่วมของคำถาม q1"
    options = await first.eval_on_selector_all(f"{q1} option", "os => os.map(o => o.textContent)")
    assert options == [
        "— ไม่ได้กำหนด —",
        "1. การให้ข้อมูลข่าวสาร",
        "2. การรับฟังความคิดเห็น",
        "3. การเข้ามามีบทบาท",
        "4. การร่วมมือ",
        "5. การเสริมอำนาจแก่ประชาชน",
    ]

    await first.select_option(q1, "collaborate")
    await first.wait_for_selector(".toast-ok")
    assert await levels(meeting) == {"q1": "collaborate", "q2": None}
    await second.wait_for_function(  # told by question_updated, no reload
        "(sel) => document.querySelector(sel)?.value === 'collaborate'", arg=q1
    )
    await meeting.organiser.open(meeting.id, "q1")  # a state change keeps the level shown
    await second.wait_for_selector('tr[data-question="q1"][data-state="open"]')
    assert await second.input_value(q1) == "collaborate"

    # while a level list has the focus the rows are not drawn anew (that would close the
    # list), but the counts keep coming
    await second.focus(q1)
    async with await meeting.table(1) as tablet:
        await tablet.cast("q1", "a", seat=1)
    await second.wait_for_function(
        """() => document.querySelector('tr[data-question="q1"] td.num')
             ?.textContent.startsWith('1 /')"""
    )
    assert await second.evaluate("document.activeElement?.dataset.action") == "level"
    await second.click("h2")  # the list loses the focus: the rows are drawn again
    await second.wait_for_selector('tr[data-question="q1"] td.num')

    await first.select_option(q1, "")  # not set again
    await second.wait_for_function("(sel) => document.querySelector(sel)?.value === ''", arg=q1)
    assert await levels(meeting) == {"q1": None, "q2": None}

    await first.fill("#q-id", "q3")
    await first.fill("#q-prompt-th", "ท่านพอใจบริการสาธารณสุขเพียงใด")
    await first.select_option("#q-kind", "scale")
    await first.select_option("#q-level", "empower")
    await first.click('#add-question button[type="submit"]')
    await first.wait_for_selector('tr[data-question="q3"] select[data-action="level"]')
    assert (await levels(meeting))["q3"] == "empower"
    assert (
        await first.input_value('tr[data-question="q3"] select[data-action="level"]') == "empower"
    )

    await first.select_option('tr[data-question="q2"] select[data-action="level"]', "consult")
    await first.wait_for_function(
        "() => document.querySelector('tr[data-question=\"q2\"] select').value === 'consult'"
    )
    await shot(first, "organiser-agenda-levels")
    await first.click("[data-lang-switch]")
    await first.wait_for_function(
        """() => document.querySelector('tr[data-question="q2"] select option:checked')
             ?.textContent === '2. Consult'"""
    )
    assert await first.get_attribute(q1, "aria-label") == "Participation level of question q1"
    await shot(first, "organiser-agenda-levels-en")


async def shot(page: Any, name: str) -> None:
    if SHOTS:
        await page.screenshot(path=str(Path(SHOTS) / f"{name}-1440x900.png"), full_page=True)


async def test_an_unknown_level_from_a_stale_console_is_refused_and_shown(
    pages: Pages, meeting: Meeting
) -> None:
    page = await console(pages, meeting)
    select = 'tr[data-question="q1"] select[data-action="level"]'
    await page.eval_on_selector(  # a console of another version offers a level we lack
        select,
        "s => s.append(Object.assign(document.createElement('option'), "
        "{value: 'participate', textContent: 'participate'}))",
    )
    await page.select_option(select, "participate")
    await page.wait_for_selector(".toast-error")
    assert await page.input_value(select) == ""  # put back as it was
    assert await levels(meeting) == {"q1": None, "q2": None}
