# Size: the theme team's scenarios, each a whole workflow in one browser session.
"""The theme team's workbench and the plenary's themes wall, in real Chromium against the
real server (its engine included) and a real Valkey: two people filing at once, a hall's
worth of ideas, suggestions as they come, and theme cards read from the back of a hall."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from typing import Any

import pytest

from prachakhom.cli.client import Api, Client
from tests.conftest import SMALL_MEETING, Meeting, Running

from .conftest import PLENARY, Pages
from .test_apps import online

LAPTOP = {"width": 1366, "height": 768}
ROWS = "document.querySelectorAll('.idea-row[data-idea]:not([hidden])').length"


def theme_page(meeting: Meeting) -> str:
    return f"/app/theme.html#code={meeting.codes['theme']}"


async def make_theme(meeting: Meeting, label: str, ideas: list[str] | None = None) -> str:
    body: dict[str, Any] = {"label": label, "ideas": ideas or []}
    theme = await meeting.organiser.call("POST", f"/api/meetings/{meeting.id}/themes", body)
    return str(theme["id"])


async def send_ideas(meeting: Meeting, table: int, texts: list[str]) -> list[str]:
    tablet = await meeting.table(table)
    try:
        return [(await tablet.idea(text, round="r1"))["idea"] for text in texts]
    finally:
        await tablet.close()


async def row(page: Any, idea: str) -> Any:
    return page.locator(f'.idea-row[data-idea="{idea}"]:not([hidden])')


async def file_into(page: Any, idea: str, theme: str) -> None:
    """Select one idea, pick the theme in the file bar, and file (not yet clicked)."""
    await (await row(page, idea)).locator('[data-act="pick"]').click()
    await page.select_option("#into-theme", theme)


async def test_two_people_file_at_once_and_the_second_is_told(
    pages: Pages, meeting: Meeting
) -> None:
    ideas = await send_ideas(
        meeting,
        1,
        [
            "ถนนเข้าหมู่บ้านเป็นหลุมเป็นบ่อ",
            "ไฟส่องสว่างในซอยดับหลายจุด",
            "ทางเท้าหน้าตลาดชำรุด ผู้สูงอายุเดินลำบาก",
        ],
    )
    roads = await make_theme(meeting, "ถนน")
    lights = await make_theme(meeting, "ไฟฟ้า")
    a = await pages.open(theme_page(meeting), LAPTOP)
    b = await pages.open(theme_page(meeting), LAPTOP)
    for page in (a, b):
        await online(page)
        await page.wait_for_function(f"{ROWS} === 3")

    # each sees the other's filing, live
    await file_into(a, ideas[0], roads)
    await a.click("#file-into")
    await b.wait_for_selector(f'.theme-item[data-theme="{roads}"][data-ideas="1"]')
    await file_into(b, ideas[1], lights)
    await b.click("#file-into")
    await a.wait_for_selector(f'.theme-item[data-theme="{lights}"][data-ideas="1"]')
    for page in (a, b):
        await page.wait_for_function(f"{ROWS} === 1")  # the unfiled ones: the third idea
        await page.click('[data-filter="all"]')
        await page.wait_for_selector(f'.idea-row[data-idea="{ideas[0]}"][data-filed="{roads}"]')
        await page.wait_for_selector(f'.idea-row[data-idea="{ideas[1]}"][data-filed="{lights}"]')

    # the same idea, two themes, at the same moment: one lands, the other is told
    await file_into(a, ideas[2], roads)
    await file_into(b, ideas[2], lights)
    await asyncio.gather(a.click("#file-into"), b.click("#file-into"))
    conflict = '.notice[data-kind="conflict"]'
    await a.wait_for_function(
        f"""() => {{
          const row = document.querySelector('.idea-row[data-idea="{ideas[2]}"]');
          return row && row.dataset.filed !== "";
        }}"""
    )
    saved = await meeting.organiser.call("GET", f"/api/meetings/{meeting.id}/themes")
    winner = next(t["id"] for t in saved["themes"] if ideas[2] in t["ideas"])
    loser, other = (b, "ไฟฟ้า") if winner == roads else (a, "ถนน")
    won_label = "ถนน" if winner == roads else "ไฟฟ้า"
    notice = loser.locator(conflict)
    await notice.wait_for()
    text = await notice.inner_text()
    assert won_label in text and "มีคนในทีมจัดไว้ก่อน" in text, text
    assert await (b if loser is a else a).locator(conflict).count() == 0
    # the notice sits in the layout: it covers no button of the file bar
    boxes = await loser.evaluate(
        """() => ['.notice[data-kind="conflict"]', '#make-theme', '#file-into'].map((sel) => {
             const r = document.querySelector(sel).getBoundingClientRect();
             return [r.top, r.bottom];
           })"""
    )
    assert all(boxes[0][1] <= top or bottom <= boxes[0][0] for top, bottom in boxes[1:]), boxes

    # moving it is one tap, and both see where it went
    await notice.locator('[data-action="move"]').click()
    target = lights if winner == roads else roads
    for page in (a, b):
        await page.wait_for_selector(f'.idea-row[data-idea="{ideas[2]}"][data-filed="{target}"]')
    saved = await meeting.organiser.call("GET", f"/api/meetings/{meeting.id}/themes")
    where = {t["label"]: sorted(t["ideas"]) for t in saved["themes"]}
    assert ideas[2] in where[other]
    assert ideas[2] not in where[won_label]


BIG_MEETING: dict[str, Any] = {
    **copy.deepcopy(SMALL_MEETING),
    "tables": {"count": 60, "seats": 5},
    "sites": [
        {"id": "north", "name": "ห้องเหนือ", "tables": 30},
        {"id": "south", "name": "ห้องใต้", "tables": 30},
    ],
    "seat_codes": False,
}
PER_TABLE = 50
WORDS = ["ถนน", "ไฟฟ้า", "น้ำประปา", "รถพยาบาล", "โรงเรียน", "ตลาด", "ขยะ", "ฝุ่นควัน"]


@pytest.fixture
async def big(server: Running, admin: Api) -> AsyncIterator[Meeting]:
    created = await admin.create_meeting(copy.deepcopy(BIG_MEETING))
    async with Api(server.base, created["organiser"]) as organiser:
        yield Meeting(created["id"], created["codes"], organiser, server)


async def hall(meeting: Meeting, tables: range) -> list[str]:
    """Fifty ideas from each table, all tables at once (each within its burst)."""

    async def one(n: int) -> list[str]:
        tablet: Client = await meeting.table(n)
        try:
            texts = [
                f"โต๊ะ {n} ข้อ {i}: อยากให้แก้ปัญหา{WORDS[(n + i) % len(WORDS)]}ในชุมชน"
                for i in range(PER_TABLE)
            ]
            acks = await asyncio.gather(
                *(
                    tablet.request({"type": "idea", "id": f"h{n}-{i}", "text": text})
                    for i, text in enumerate(texts)
                )
            )
            return [ack["idea"] for ack in acks]
        finally:
            await tablet.close()

    found = await asyncio.gather(*(one(n) for n in tables))
    return [idea for ideas in found for idea in ideas]


async def test_a_hall_of_ideas_keeps_the_list_small_and_what_is_typed(
    pages: Pages, big: Meeting
) -> None:
    await hall(big, range(1, 43))  # 2,100: more than a welcome holds
    page = await pages.open(theme_page(big), LAPTOP)
    await online(page)
    await page.wait_for_function(
        "document.querySelector('#progress')?.textContent.includes('จาก 2,100')"
    )

    # typing a theme name while 900 ideas arrive: the text and the focus stay
    name = "การจัดการขยะและฝุ่นควันในชุมชน"
    await page.click("#new-theme")
    typing = page.keyboard.type(name, delay=60)
    await asyncio.gather(typing, hall(big, range(43, 61)))
    assert await page.input_value("#new-theme") == name
    assert await page.evaluate("document.activeElement.id") == "new-theme"
    await page.wait_for_function(
        "document.querySelector('#progress')?.textContent.includes('จาก 3,000')", timeout=30_000
    )
    assert await page.input_value("#new-theme") == name
    assert await page.evaluate("document.activeElement.id") == "new-theme"

    # only the rows on screen are drawn
    drawn = await page.evaluate(
        """() => ({rows: document.querySelectorAll('.idea-row').length,
                   shown: document.querySelectorAll('.idea-row:not([hidden])').length,
                   nodes: document.querySelector('#ideas').getElementsByTagName('*').length,
                   page: document.getElementsByTagName('*').length})"""
    )
    assert 3 <= drawn["shown"] <= 30, drawn
    assert drawn["rows"] <= 40, drawn
    assert drawn["nodes"] < 1200, drawn
    assert drawn["page"] < 2500, drawn

    # the row under the pointer stays put while ideas arrive and others file the rows above it
    # (one idea a row: a row of near-duplicates would stay while any of its ideas is
    # unfiled, and the engine's groups arrive when the encoder gets to them)
    await page.uncheck("#group-dups")
    await page.evaluate("document.querySelector('#ideas').scrollTop = 40 * 76")
    await page.wait_for_timeout(200)
    # the third row wholly on screen, found by where it is: the list reuses its row
    # elements, so their order in the DOM says nothing about their order on screen
    key = await page.evaluate(
        """() => {
          const box = document.querySelector('#ideas').getBoundingClientRect();
          return [...document.querySelectorAll('.idea-row:not([hidden])')]
            .map((el) => [el.getBoundingClientRect(), el.dataset.key])
            .filter(([r]) => r.top >= box.top && r.bottom <= box.bottom)
            .sort(([a], [b]) => a.top - b.top)[2][1];
        }"""
    )
    target = page.locator(f'.idea-row[data-key="{key}"]')
    await target.locator(".row-body").hover()
    before = await target.evaluate("(el) => el.getBoundingClientRect().top")
    above = await page.evaluate(
        """(key) => {
          const top = (el) => el.getBoundingClientRect().top;
          const mine = top(document.querySelector(`.idea-row[data-key="${key}"]`));
          return [...document.querySelectorAll('.idea-row:not([hidden])')]
            .filter((el) => top(el) < mine).map((el) => el.dataset.idea);
        }""",
        key,
    )
    assert len(above) >= 2, "rows above the pointer, on screen"
    await make_theme(big, "ขยะ", above)  # someone else files them
    await hall_more(big)
    await page.wait_for_selector(".idea-row.is-ghost")
    same = page.locator(f'.idea-row[data-key="{key}"]')
    assert await same.evaluate("(el) => el.getBoundingClientRect().top") == before
    hovered = await page.evaluate(
        "(y) => document.elementFromPoint(300, y)?.closest('.idea-row')?.dataset.key", before + 20
    )
    assert hovered == key

    # a reload shows every idea, not the last 2,000
    await page.reload()
    await page.wait_for_function(
        "document.querySelector('#progress')?.textContent.includes('จาก 3,010')", timeout=20_000
    )


async def hall_more(meeting: Meeting) -> None:
    tablet = await meeting.table(60)
    try:
        for i in range(10):
            await tablet.idea(f"ความคิดเห็นเพิ่ม {i}: ทางเท้าชำรุด", round="r2")
    finally:
        await tablet.close()


async def test_a_suggestion_shows_on_an_idea_once_the_server_sends_it(
    pages: Pages, meeting: Meeting
) -> None:
    first = await send_ideas(meeting, 1, ["รถพยาบาลฉุกเฉินมาช้ามาก หมู่บ้านอยู่ไกล"])
    ambulance = await make_theme(meeting, "รถพยาบาลฉุกเฉิน", first)
    await make_theme(meeting, "ไฟส่องสว่างบนถนน")
    page = await pages.open(theme_page(meeting), LAPTOP)
    await online(page)
    await page.wait_for_selector('#engine[data-engine="ready"]', timeout=60_000)

    [idea] = await send_ideas(meeting, 2, ["อยากให้มีรถพยาบาลฉุกเฉินประจำตำบล"])
    best = f'.idea-row[data-idea="{idea}"] .sugg[data-rank="1"]'
    await page.wait_for_selector(best, timeout=60_000)
    assert await page.get_attribute(best, "data-theme") == ambulance
    await page.click(best)  # one tap files it
    await page.wait_for_selector(f'.theme-item[data-theme="{ambulance}"][data-ideas="2"]')

    # and by key: the cursor on the row, then 1
    [again] = await send_ideas(meeting, 3, ["รถฉุกเฉิน 1669 ในตำบลมีไม่พอ"])
    best = f'.idea-row[data-idea="{again}"] .sugg[data-rank="1"]'
    await page.wait_for_selector(best, timeout=60_000)
    theme = await page.get_attribute(best, "data-theme")
    await page.click(f'.idea-row[data-idea="{again}"] .row-text')
    await page.keyboard.press("1")
    for _ in range(50):
        saved = await meeting.organiser.call("GET", f"/api/meetings/{meeting.id}/themes")
        if any(again in t["ideas"] for t in saved["themes"]):
            break
        await asyncio.sleep(0.1)
    assert [t["id"] for t in saved["themes"] if again in t["ideas"]] == [theme]


MEASURE_CARDS = """() => {
  const seg = new Intl.Segmenter('th', {granularity: 'word'});
  const ends = (text) => new Set([...seg.segment(text)].map((s) => s.index + s.segment.length));
  const inside = (el, box) => {
    const r = el.getBoundingClientRect();
    return r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5
      && r.left >= box.left - 0.5 && r.right <= box.right + 0.5;
  };
  return [...document.querySelectorAll('.theme-card')].map((card) => {
    const box = card.getBoundingClientRect();
    const label = card.querySelector('.theme-label');
    const count = card.querySelector('.theme-count');
    const line = parseFloat(getComputedStyle(label).lineHeight);
    const quotes = [...card.querySelectorAll('.theme-quote')].map((q) => {
      const shown = q.textContent;
      const cut = shown.endsWith('…');
      const kept = cut ? shown.slice(0, -1) : shown;
      return {
        inside: inside(q, box), cut, prefix: q.dataset.text.startsWith(kept),
        atWord: !cut || ends(q.dataset.text).has(kept.length),
      };
    });
    return {
      tables: card.dataset.tables, count: count.textContent, quotes,
      countInside: inside(count, box), countWhole: count.scrollWidth <= count.clientWidth + 1,
      labelInside: inside(label, box),
      labelLines: Math.round(label.getBoundingClientRect().height / line),
    };
  });
}"""

LONG_IDEAS = [
    "ผู้สูงอายุในหมู่บ้านไปหาหมอไม่ได้ เพราะไม่มีคนพาไป และรถโดยสารประจำทางผ่านวันละครั้ง",
    "อยากให้โรงพยาบาลส่งเสริมสุขภาพตำบลเปิดคลินิกเบาหวานตอนเย็นหลังเลิกงาน คนทำงานจะได้มาตรวจ",
    "ควรมีรถรับส่งผู้ป่วยฟอกไตจากอำเภอปงไปโรงพยาบาลพะเยาสัปดาห์ละสามครั้งโดยไม่เสียค่าใช้จ่าย",
    "ฝุ่นควันช่วงเดือนมีนาคมทำให้เด็กเล็กและผู้สูงอายุป่วยเป็นโรคทางเดินหายใจกันมากทุกปี",
]


async def test_the_themes_wall_shows_tables_and_quotes_uncut(
    pages: Pages, meeting: Meeting
) -> None:
    by_table = {
        table: await send_ideas(
            meeting, table, [f"{LONG_IDEAS[i % 4]} (โต๊ะ {table} ข้อ {i})" for i in range(10)]
        )
        for table in range(1, 5)
    }
    for n in range(10):  # ten themes, names long enough to take two lines, each from 4 tables
        label = f"ประเด็นที่ {n + 1}: การเข้าถึงบริการสุขภาพของผู้สูงอายุและผู้ป่วยติดบ้านติดเตียง"
        await make_theme(meeting, label, [ideas[n] for ideas in by_table.values()])
    await meeting.organiser.plenary(meeting.id, {"view": "themes"})
    wall = await pages.open(f"/app/plenary.html#code={meeting.codes['display']}", PLENARY)
    await online(wall)
    await wall.wait_for_function(  # the tables and quotes as the server reads them, fitted
        """document.querySelectorAll('.theme-card').length === 10 &&
           document.querySelector('#theme-wall[data-source="server"][data-fitted="true"]')""",
        timeout=60_000,  # the engine reads every idea first
    )
    found = await wall.evaluate(MEASURE_CARDS)
    assert len(found) == 10
    for card in found:
        assert card["countInside"] and card["countWhole"], card
        assert f"{card['tables']} โต๊ะ" in card["count"], card
        assert card["labelInside"] and 1 <= card["labelLines"] <= 2, card
        assert card["quotes"], card
        for quote in card["quotes"]:
            assert quote["inside"] and quote["prefix"] and quote["atWord"], (card, quote)
    assert any(card["labelLines"] == 2 for card in found)
    assert any(quote["cut"] for card in found for quote in card["quotes"])
    # the server's count of tables: each theme's ideas come from four tables
    assert {card["tables"] for card in found} == {"4"}


async def test_the_same_point_from_many_tables_and_suggested_groups_become_themes(
    pages: Pages, meeting: Meeting
) -> None:
    same = "น้ำประปาไม่ไหลหลายวันแล้ว ชาวบ้านต้องซื้อน้ำใช้"
    said = [(await send_ideas(meeting, table, [same]))[0] for table in (1, 2, 3)]
    water = await make_theme(meeting, "น้ำประปา")
    others = await send_ideas(
        meeting,
        4,
        [
            "ถนนเข้าหมู่บ้านเป็นหลุมเป็นบ่อ รถเสียบ่อย",
            "ถนนลูกรังช่วงหน้าฝนเป็นโคลน เด็กไปโรงเรียนลำบาก",
            "ไฟส่องสว่างในซอยดับ กลางคืนมืดมาก",
            "ไฟถนนเสียหลายต้น ขอให้มาซ่อม",
        ],
    )
    page = await pages.open(theme_page(meeting), LAPTOP)
    await online(page)

    # three tables said it: one row, and one tap files all three
    group = page.locator('.idea-row.is-group[data-ideas="3"]')
    await group.wait_for(timeout=60_000)
    assert "3 โต๊ะพูดเรื่องนี้" in await group.locator(".dup-badge").inner_text()
    assert await page.locator(".idea-row:not([hidden])", has_text=same).count() == 1
    await group.locator(f'.sugg[data-theme="{water}"]').click()
    await page.wait_for_selector(f'.theme-item[data-theme="{water}"][data-ideas="3"]')
    saved = await meeting.organiser.call("GET", f"/api/meetings/{meeting.id}/themes")
    assert sorted(saved["themes"][0]["ideas"]) == sorted(said)

    # the engine proposes groups of the rest; one is renamed and accepted
    await page.click("#tab-groupings")
    await page.click("#suggest-groups")
    card = page.locator(".proposal").first
    await card.wait_for(timeout=60_000)
    assert await card.locator(".proposal-name").input_value()  # a proposed name
    await card.locator(".proposal-name").fill("โครงสร้างพื้นฐานในหมู่บ้าน")
    listed = await card.locator(".proposal-ideas li").evaluate_all(
        "(items) => items.map((li) => li.dataset.idea)"
    )
    await card.locator('[data-action="accept"]').click()
    await page.wait_for_selector(
        '#pane-themes .theme-label:text-is("โครงสร้างพื้นฐานในหมู่บ้าน")', state="attached"
    )
    assert await card.count() == 0 or await card.get_attribute("data-proposal") != "1"
    saved = await meeting.organiser.call("GET", f"/api/meetings/{meeting.id}/themes")
    made = next(t for t in saved["themes"] if t["label"] == "โครงสร้างพื้นฐานในหมู่บ้าน")
    assert sorted(made["ideas"]) == sorted(listed) and set(listed) <= set(others)
