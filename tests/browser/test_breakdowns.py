"""The organiser's results breakdowns (demographic groups, sites, representativeness),
the live table status, and the plenary of one site, in real Chromium."""

from __future__ import annotations

from typing import Any

from prachakhom.cli.client import Client
from tests.conftest import Meeting

from .conftest import DESKTOP, PLENARY, Pages
from .test_apps import online, token_of

SECTOR = {
    "id": "sector",
    "kind": "demographic",
    "attribute": "sector",
    "prompt": {"th": "ท่านมาจากภาคส่วนใด", "en": "Which sector?"},
    "options": [
        {"id": "pub", "label": {"th": "ภาครัฐ", "en": "Public"}},
        {"id": "civ", "label": {"th": "ภาคประชาชน", "en": "Civil"}},
        {"id": "biz", "label": {"th": "ภาคธุรกิจ", "en": "Business"}},
    ],
    "targets": {"pub": 0.5, "civ": 0.3, "biz": 0.2},
}

# (table, seat, sector, q1): table 1 (site north) has five of the public sector, table 3
# (site south) three of civil society, one of business and one who did not say: groups
# of 5, 3 and 1. Everyone minus the public sector is five people, so the public sector
# may be shown (with fewer, it would be hidden too: subtraction would reveal the rest).
VOTERS: list[tuple[int, int, str | None, str]] = [
    (1, s, "pub", "a" if s <= 3 else "b") for s in range(1, 6)
] + [
    (3, 1, "civ", "b"),
    (3, 2, "civ", "b"),
    (3, 3, "civ", "c"),
    (3, 4, "biz", "c"),
    (3, 5, None, "a"),
]

GROUP_SCORES = """([group, expected]) => Object.entries(expected).every(([option, score]) =>
  document.querySelector(`.group-card[data-group="${group}"] .bar-row[data-option="${option}"]`)
    ?.dataset.score === String(score))"""


async def seed(meeting: Meeting) -> list[Client]:
    m = meeting.id
    await meeting.organiser.add_question(m, SECTOR)
    for q in ("q1", "sector"):
        await meeting.organiser.open(m, q)
    tablets = {1: await meeting.table(1), 3: await meeting.table(3)}
    for table, seat, sector, choice in VOTERS:
        if sector is not None:
            await tablets[table].cast("sector", sector, seat=seat)
        await tablets[table].cast("q1", choice, seat=seat)
    return list(tablets.values())


async def test_results_break_down_by_group_and_by_site(pages: Pages, meeting: Meeting) -> None:
    tablets = await seed(meeting)
    console = await pages.open(f"/app/organiser.html#token={token_of(meeting.organiser)}", DESKTOP)
    await online(console)
    await console.click('[data-tab="results"]')
    await console.select_option("#results-question", "q1")
    await console.select_option("#results-breakdown", "by:sector")

    # the public sector (5 people) is drawn; civil society (3) and business (1) are not
    await console.wait_for_function(GROUP_SCORES, arg=["pub", {"a": 3, "b": 2, "c": 0}])
    for group in ("civ", "biz"):
        card = console.locator(f'.group-card[data-group="{group}"]')
        assert await card.get_attribute("data-suppressed") == "true"
        assert "น้อยกว่า 5 คน — ซ่อนไว้เพื่อความเป็นส่วนตัว" in await card.inner_text()
        assert await card.locator(".bar-row").count() == 0
    assert "5 คน" in await console.inner_text('.group-card[data-group="pub"] .group-n')
    # beside it, the whole meeting
    await console.wait_for_selector('#org-results .bar-row[data-option="b"][data-score="4"]')
    assert "10" in await console.inner_text("#org-participation")
    # the breakdown's own question has targets: the room against them, above the groups
    await console.wait_for_selector('#org-by-representativeness .rep-row[data-option="pub"]')

    await console.select_option("#results-breakdown", "sites")
    await console.wait_for_function(GROUP_SCORES, arg=["north", {"a": 3, "b": 2, "c": 0}])
    await console.wait_for_function(GROUP_SCORES, arg=["south", {"a": 1, "b": 2, "c": 2}])
    assert "North" in await console.inner_text('.group-card[data-group="north"] .group-label')

    # a new ballot shows up in its site's chart by itself (the console polls)
    await tablets[0].cast("q1", "c", seat=1)  # table 1, in the north
    await console.wait_for_function(GROUP_SCORES, arg=["north", {"a": 2, "b": 2, "c": 1}])

    await console.select_option("#results-breakdown", "by:sector")
    await console.click("[data-lang-switch]")
    await console.wait_for_selector(
        '.group-card[data-group="civ"] >> text=Fewer than 5 people — hidden for privacy'
    )
    for client in tablets:
        await client.close()


async def test_representativeness_shows_the_room_against_the_targets(
    pages: Pages, meeting: Meeting
) -> None:
    tablets = await seed(meeting)
    console = await pages.open(f"/app/organiser.html#token={token_of(meeting.organiser)}", DESKTOP)
    await online(console)
    await console.click('[data-tab="results"]')
    await console.select_option("#results-question", "sector")
    await console.select_option("#results-breakdown", "")
    rows = console.locator("#org-representativeness .rep-row")
    await console.wait_for_selector('#org-representativeness .rep-row[data-option="pub"]')
    assert await rows.count() == 3
    gaps: dict[str, Any] = {}
    for option in ("pub", "civ", "biz"):
        row = console.locator(f'#org-representativeness .rep-row[data-option="{option}"]')
        gaps[option] = float(await row.get_attribute("data-gap") or "nan")
    # 5, 3 and 1 of 9 against 50%, 30% and 20%
    assert gaps == {
        "pub": round(5 / 9 - 0.5, 4),
        "civ": round(3 / 9 - 0.3, 4),
        "biz": round(1 / 9 - 0.2, 4),
    }
    pub = await console.inner_text('#org-representativeness .rep-row[data-option="pub"]')
    assert "ในที่ประชุม 56%" in pub and "เป้าหมาย 50%" in pub and "(+6)" in pub
    biz = console.locator('#org-representativeness .rep-row[data-option="biz"]')
    assert "rep-under" in (await biz.get_attribute("class") or "")
    for client in tablets:
        await client.close()


async def test_plenary_of_a_site_shows_this_hall_beside_all_halls(
    pages: Pages, meeting: Meeting
) -> None:
    tablets = await seed(meeting)
    m = meeting.id
    await meeting.organiser.plenary(m, {"view": "question", "question": "q1", "reveal": False})
    plenary = await pages.open(
        f"/app/plenary.html#code={meeting.codes['display']}&site=south", PLENARY
    )
    await online(plenary)
    await plenary.wait_for_selector(".results-hidden")
    assert await plenary.locator("#pl-site-results .bar-row").count() == 0

    await meeting.organiser.plenary(m, {"view": "question", "question": "q1", "reveal": True})
    await plenary.wait_for_selector('#pl-site-results .bar-row[data-option="c"][data-score="2"]')
    await plenary.wait_for_selector('#pl-results .bar-row[data-option="b"][data-score="4"]')
    assert "South" in await plenary.inner_text("#pl-site-name")
    assert "ทุกห้องประชุม" in await plenary.inner_text("#pl-all-name")

    # a ballot at a table of this hall moves both charts; one elsewhere only all halls
    await tablets[1].cast("q1", "c", seat=5)  # table 3, in the south
    await plenary.wait_for_selector('#pl-results .bar-row[data-option="c"][data-score="3"]')
    await plenary.wait_for_selector('#pl-site-results .bar-row[data-option="c"][data-score="3"]')
    await tablets[0].cast("q1", "a", seat=5)  # table 1, in the north
    await plenary.wait_for_selector('#pl-results .bar-row[data-option="a"][data-score="4"]')
    await plenary.wait_for_timeout(1500)  # the site's figures are fetched at most once a second
    assert (
        await plenary.get_attribute('#pl-site-results .bar-row[data-option="a"]', "data-score")
        == "0"
    )

    # the site is remembered on the screen after a reload (the fragment is cleared)
    await plenary.reload()
    await online(plenary)
    await plenary.wait_for_selector('#pl-site-results .bar-row[data-option="c"]')
    for client in tablets:
        await client.close()


async def test_the_tables_tab_shows_who_is_connected_and_seats_voted(
    pages: Pages, meeting: Meeting
) -> None:
    m = meeting.id
    await meeting.organiser.open(m, "q1")
    tablet = await meeting.table(3)
    for seat in (1, 2):
        await tablet.cast("q1", "a", seat=seat)
    console = await pages.open(f"/app/organiser.html#token={token_of(meeting.organiser)}", DESKTOP)
    await online(console)
    await console.click('[data-tab="tables"]')
    tile = '.table-tile[data-table="{}"][data-connected="{}"]'
    await console.wait_for_selector(tile.format(3, "true"))
    await console.wait_for_selector(
        '.table-tile[data-table="3"] .tile-q[data-question="q1"][data-voted="2"]'
    )
    assert "2/5" in await console.inner_text('.table-tile[data-table="3"]')
    await console.wait_for_selector(tile.format(1, "false"))
    assert "ยังไม่เคยเชื่อมต่อ" in await console.inner_text('.table-tile[data-table="1"]')
    assert await console.inner_text("#tables-summary") == "เชื่อมต่อ 1 จาก 4 โต๊ะ"
    assert await console.locator('.tables-site[data-site="south"] .table-tile').count() == 2

    # a tablet opens in a browser: green within a few seconds, its ballots counted
    browser_tablet = await pages.open(
        f"/app/tablet.html#code={meeting.codes['tables']['1']}", DESKTOP
    )
    await online(browser_tablet)
    await console.wait_for_selector(tile.format(1, "true"), timeout=8000)
    await tablet.cast("q1", "b", seat=3)
    await console.wait_for_selector(
        '.table-tile[data-table="3"] .tile-q[data-question="q1"][data-voted="3"]', timeout=8000
    )
    assert "3 จาก 20 ที่นั่ง" in await console.inner_text('#tables-questions [data-question="q1"]')
    # and one that leaves turns grey
    await tablet.close()
    await console.wait_for_selector(tile.format(3, "false"), timeout=8000)
    assert "ล่าสุด" in await console.inner_text('.table-tile[data-table="3"]')
