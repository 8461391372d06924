"""The plenary's results by group (the organiser picks a question and a demographic
question) and the before/after view of one hall beside all halls, in real Chromium."""

from __future__ import annotations

from tests.conftest import Meeting

from .conftest import DESKTOP, PLENARY, Pages
from .test_apps import online, token_of
from .test_breakdowns import seed

SHARE = """([group, option, share]) => document.querySelector(
  `.bd-cell[data-group="${group}"][data-option="${option}"]`)?.dataset.share === String(share)"""


async def test_the_plenary_shows_results_by_group(pages: Pages, meeting: Meeting) -> None:
    tablets = await seed(meeting)  # sector: public 5 (north), civil 3 and business 1 (south)
    m = meeting.id
    plenary = await pages.open(f"/app/plenary.html#code={meeting.codes['display']}", PLENARY)
    await online(plenary)

    console = await pages.open(f"/app/organiser.html#token={token_of(meeting.organiser)}", DESKTOP)
    await online(console)
    await console.click('[data-tab="plenary"]')
    await console.select_option("#breakdown-question", "q1")
    await console.select_option("#breakdown-by", "sector")
    await console.click('[data-view="breakdown"]')
    await console.wait_for_selector('#plenary-now:has-text("แยกผลตามกลุ่ม")')
    # both questions are open: the groups go up only through the reveal and its confirmation
    await plenary.wait_for_selector("#pl-breakdown .results-hidden")
    await console.click("#plenary-reveal")
    await console.click("#reveal-confirm")
    await console.wait_for_selector('#reveal-control[data-reveal="true"]')

    # everyone, then one column per group; the small groups say so and show nothing
    await plenary.wait_for_function(SHARE, arg=["pub", "a", 0.6])
    await plenary.wait_for_function(SHARE, arg=["pub", "b", 0.4])
    await plenary.wait_for_function(SHARE, arg=["*", "b", 0.4])
    heads = await plenary.locator(".bd-head").all_inner_texts()
    assert [head.split("\n")[0] for head in heads] == ["ทุกคน", "ภาครัฐ", "ภาคประชาชน", "ภาคธุรกิจ"]
    for group in ("civ", "biz"):
        small = plenary.locator(f'.bd-suppressed[data-group="{group}"]')
        assert " ".join((await small.inner_text()).split()) == "กลุ่มเล็กเกินไป ไม่แสดงผล"
        assert await plenary.locator(f'.bd-cell[data-group="{group}"]').count() == 0
    assert await plenary.locator('.bd-cell[data-group="pub"].is-top').count() == 1
    assert "ท่านมาจากภาคส่วนใด" in await plenary.inner_text("#pl-by")
    assert "ลงคะแนน 10 จาก 20 คน" in await plenary.inner_text("#pl-by")
    assert "น้อยกว่า 5 คน" in await plenary.inner_text("#pl-breakdown-note")

    # a new ballot shows by itself (the screen reads the groups again while voting is open)
    await tablets[0].cast("q1", "c", seat=1)  # a public-sector voter changes their mind
    await plenary.wait_for_function(SHARE, arg=["pub", "a", 0.4], timeout=6000)
    await plenary.wait_for_function(SHARE, arg=["pub", "c", 0.2])

    # hidden again: nothing but the promise of results
    await meeting.organiser.plenary(
        m, {"view": "breakdown", "question": "q1", "by": "sector", "reveal": False}
    )
    await plenary.wait_for_selector("#pl-breakdown .results-hidden")
    assert await plenary.locator(".bd-cell").count() == 0

    view = {"view": "breakdown", "question": "q1", "by": "sector", "reveal": True}
    await meeting.organiser.plenary(m, view)
    await plenary.wait_for_selector('.bd-suppressed[data-group="civ"]')
    await plenary.click("[data-lang-switch]")
    await plenary.wait_for_selector('.bd-suppressed[data-group="civ"]:has-text("Too few to show")')
    assert (await plenary.locator(".bd-head").first.inner_text()).startswith("Everyone")

    # the results tab puts the breakdown it shows on the plenary in one tap
    await console.click('[data-tab="results"]')
    await console.select_option("#results-question", "q2")
    await console.select_option("#results-breakdown", "by:sector")
    await console.click('[data-action="breakdown-plenary"]')
    await plenary.wait_for_selector('#pl-breakdown[data-question="q2"][data-by="sector"]')
    for client in tablets:
        await client.close()


AFTER = {
    "id": "q1b",
    "kind": "single",
    "prompt": {"th": "เลือกหนึ่ง (หลังพูดคุย)", "en": "Pick one (after)"},
    "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}, {"id": "c", "label": "C"}],
}


async def test_the_before_and_after_of_one_hall_stands_beside_all_halls(
    pages: Pages, meeting: Meeting
) -> None:
    m = meeting.id
    await meeting.organiser.add_question(m, AFTER)
    for q in ("q1", "q1b"):
        await meeting.organiser.open(m, q)
    north, south = await meeting.table(1), await meeting.table(3)
    for seat, before, after in ((1, "a", "a"), (2, "a", "a"), (3, "a", "b"), (4, "b", "b")):
        await north.cast("q1", before, seat=seat)
        await north.cast("q1b", after, seat=seat)
    for seat, before, after in ((1, "b", "c"), (2, "b", "c"), (3, "c", "c"), (4, "c", "c")):
        await south.cast("q1", before, seat=seat)
        await south.cast("q1b", after, seat=seat)
    await meeting.organiser.plenary(m, {"view": "compare", "pre": "q1", "post": "q1b"})

    hall = await pages.open(
        f"/app/plenary.html#code={meeting.codes['display']}&site=south", PLENARY
    )
    await online(hall)
    site_c = '#pl-site-results .pair-row[data-option="c"] .bar-value'
    all_c = '#pl-results .pair-row[data-option="c"] .bar-value'
    await hall.wait_for_selector(site_c)
    assert await hall.inner_text(site_c) == "50% → 100% (+50)"
    assert await hall.inner_text(all_c) == "25% → 50% (+25)"
    assert "South" in await hall.inner_text("#pl-site-name")
    assert await hall.inner_text("#pl-all-name") == "ทุกห้องประชุม"

    # a ballot in this hall moves both sides
    await south.cast("q1b", "a", seat=4)
    await hall.wait_for_function(
        "(sel) => document.querySelector(sel)?.textContent === '50% → 75% (+25)'", arg=site_c
    )
    await hall.wait_for_function(
        "(sel) => document.querySelector(sel)?.textContent === '25% → 38% (+13)'", arg=all_c
    )

    # a screen for all halls shows one comparison only
    screen = await pages.open(f"/app/plenary.html#code={meeting.codes['display']}&site=", PLENARY)
    await online(screen)
    await screen.wait_for_selector(all_c)
    assert await screen.locator("#pl-site-results").count() == 0
    for client in (north, south):
        await client.close()
