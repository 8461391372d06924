"""Issue #18 in real Chromium: results reach the plenary only through a confirmed reveal,
the big-screen tab previews the hall live, notices on the theme screen never cover a
button, table status tells a tablet from phones and filters the tables that need help,
and every screen keeps the meeting's clock whatever the device's own zone."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from tests.conftest import Meeting

from .conftest import DESKTOP, PLENARY, Pages
from .test_apps import online, token_of
from .test_theme_team import LAPTOP, send_ideas, theme_page

NOTICES = [
    "ความคิดเห็นนี้มีคนในทีมจัดไว้ก่อนแล้วในประเด็น “การดูแลผู้สูงอายุติดบ้านติดเตียงและผู้ป่วยเรื้อรังในชุมชน”",
    "บันทึกไม่สำเร็จ: เซิร์ฟเวอร์ไม่ตอบ ลองอีกครั้งในอีกสักครู่ ความคิดเห็นที่เลือกไว้ยังอยู่ครบ",
    "จัดความคิดเห็น 12 ข้อไว้ในประเด็น “ระบบการแพทย์ฉุกเฉินและรถกู้ชีพในพื้นที่ห่างไกล” แล้ว",
    "ระบบจัดกลุ่มยังไม่พร้อม ลองใหม่อีกครั้ง",
]

# What of each control a person can see (its box, cut by every scrolling ancestor and by
# the window), and whether a notice lies over any of it.
OVERLAPS = """(needed) => {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    let box = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    const cut = (c) => {
      box = { left: Math.max(box.left, c.left), top: Math.max(box.top, c.top),
              right: Math.min(box.right, c.right), bottom: Math.min(box.bottom, c.bottom) };
    };
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (getComputedStyle(p).overflow !== "visible") cut(p.getBoundingClientRect());
    }
    cut({ left: 0, top: 0, right: innerWidth, bottom: innerHeight });
    return box.right - box.left > 0.5 && box.bottom - box.top > 0.5 ? box : null;
  };
  const whole = (el) => {
    const b = visible(el);
    const r = el.getBoundingClientRect();
    return Boolean(b) && Math.abs(b.top - r.top) < 1 && Math.abs(b.bottom - r.bottom) < 1;
  };
  const label = (el) => el.id || el.dataset.action || el.textContent.trim().slice(0, 24);
  const notices = [...document.querySelectorAll(".notice")]
    .map((n) => [n, visible(n)]).filter(([, b]) => b);
  const controls = [...document.querySelectorAll("button, select, input, a.btn")]
    .filter((el) => !el.closest(".notice")).map((c) => [c, visible(c)]).filter(([, b]) => b);
  const hits = [];
  for (const [n, a] of notices) {
    for (const [c, b] of controls) {
      const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (x > 0.5 && y > 0.5) hits.push([label(n), label(c)]);
    }
  }
  const cut = needed.filter((sel) => !whole(document.querySelector(sel)));
  return { notices: document.querySelectorAll(".notice").length, hits, cut };
}"""


async def show_notices(page: Any) -> None:
    """Four notices at once (errors stay 8 s, conflicts until acted on), through the app's
    own Notices class on its own box."""
    await page.evaluate(
        """async (texts) => {
          const { Notices } = await import('/app/js/notices.js');
          const box = new Notices(document.querySelector('#notices'));
          texts.forEach((text, i) => box.show(text, { kind: i % 2 ? 'error' : 'conflict',
            actions: i % 2 ? [] : [{ label: 'ย้ายไปประเด็นนี้', run: () => {} }] }));
        }""",
        NOTICES,
    )


async def test_theme_notices_never_cover_a_button(pages: Pages, meeting: Meeting) -> None:
    texts = [f"ความคิดเห็นที่ {i}: ถนนเข้าหมู่บ้านเป็นหลุมเป็นบ่อ" for i in range(12)]
    await send_ideas(meeting, 1, texts)
    sizes = [LAPTOP, {"width": 1366, "height": 657}, {"width": 1280, "height": 560}]
    for viewport in [*sizes, {"width": 1024, "height": 768}, {"width": 768, "height": 1024}]:
        page = await pages.open(theme_page(meeting), viewport)
        await online(page)
        await page.wait_for_selector(".idea-row[data-idea]")
        await show_notices(page)
        await page.wait_for_selector(".notice >> nth=2")
        # side by side (the page does not scroll): the file bar and the side panel's button
        # stay whole on the screen; in one column the page scrolls to them
        side_by_side = viewport["width"] > 900
        needed = ["#make-theme", "#file-into", "#make-question"] if side_by_side else []
        found = await page.evaluate(OVERLAPS, needed)
        assert found["notices"] == 3, found
        assert not found["hits"], (viewport, found)
        assert not found["cut"], (viewport, found)  # nor pushed off the screen


# --- the reveal ------------------------------------------------------------------------------


async def still_hidden(meeting: Meeting, plenary: Any) -> None:
    """The hall sees participation only, and the server keeps the view hidden."""
    await plenary.wait_for_timeout(1200)  # time enough for a tick to bring results, if any
    assert await plenary.locator("#pl-results .results-hidden").count() == 1
    assert await plenary.locator(".bar-row").count() == 0
    assert (await meeting.organiser.meeting(meeting.id))["plenary"]["reveal"] is False


async def test_live_results_go_up_only_through_a_confirmed_reveal(
    pages: Pages, meeting: Meeting
) -> None:
    m = meeting.id
    await meeting.organiser.open(m, "q1")
    tablet = await meeting.table(1)
    for seat, option in ((1, "a"), (2, "a"), (3, "b")):
        await tablet.cast("q1", option, seat=seat)
    plenary = await pages.open(f"/app/plenary.html#code={meeting.codes['display']}", PLENARY)
    await online(plenary)
    console = await pages.open(f"/app/organiser.html#token={token_of(meeting.organiser)}", DESKTOP)
    await online(console)

    # the obvious button puts the open question up with its results hidden
    await console.click('tr[data-question="q1"] [data-action="show"]')
    await plenary.wait_for_selector("#pl-results .results-hidden")
    await still_hidden(meeting, plenary)

    # reveal asks first, in a dialog that has the focus on "cancel"; Esc keeps them hidden
    await console.click('tr[data-question="q1"] [data-action="reveal"]')
    dialog = console.locator("#reveal-dialog[open]")
    await dialog.wait_for()
    words = " ".join((await dialog.inner_text()).split())
    assert "เลือกหนึ่ง" in words and "ยังเปิดรับคะแนนอยู่" in words, words
    assert "อันดับ คะแนน และร้อยละ" in words and "3 จาก 20" in words, words
    assert await console.evaluate("document.activeElement.id") == "reveal-cancel"
    await console.keyboard.press("Escape")
    await dialog.wait_for(state="detached")
    await still_hidden(meeting, plenary)

    # "cancel" changes nothing either
    await console.click('tr[data-question="q1"] [data-action="reveal"]')
    await console.click("#reveal-cancel")
    await dialog.wait_for(state="detached")
    await still_hidden(meeting, plenary)

    # confirmed with the keyboard alone: Tab to "show live results", Enter
    await console.click('tr[data-question="q1"] [data-action="reveal"]')
    await dialog.wait_for()
    await console.keyboard.press("Tab")
    assert await console.evaluate("document.activeElement.id") == "reveal-confirm"
    await console.keyboard.press("Enter")
    await plenary.wait_for_selector('.bar-row[data-option="a"][data-score="2"]')
    assert (await meeting.organiser.meeting(m))["plenary"]["reveal"] is True

    # the big-screen tab: a live preview of exactly what the hall sees, and the control
    await console.click('[data-tab="plenary"]')
    preview = console.frame_locator("#plenary-preview")
    await preview.locator('.bar-row[data-option="a"][data-score="2"]').wait_for()
    await tablet.cast("q1", "b", seat=4)  # live: the preview follows the votes
    await preview.locator('.bar-row[data-option="b"][data-score="2"]').wait_for()
    await console.click("#plenary-hide")
    await preview.locator("#pl-results .results-hidden").wait_for()
    await plenary.wait_for_selector("#pl-results .results-hidden")
    await console.click("#plenary-reveal")
    await dialog.wait_for()
    await console.click("#reveal-cancel")
    await still_hidden(meeting, plenary)
    assert await preview.locator(".bar-row").count() == 0
    box = await console.locator(".preview-box").bounding_box()
    assert box and box["width"] > 400 and abs(box["width"] / box["height"] - 16 / 9) < 0.02, box

    # a closed question's final results need no confirmation
    await meeting.organiser.close(m, "q1")
    await console.wait_for_selector("#plenary-reveal")
    await console.click("#plenary-reveal")
    await plenary.wait_for_selector('.bar-row[data-option="a"]')
    assert await console.locator("#reveal-dialog").count() == 0
    await tablet.close()


# --- table status ------------------------------------------------------------------------------


async def test_table_status_tells_a_tablet_from_phones_and_shows_who_needs_help(
    pages: Pages, meeting: Meeting
) -> None:
    m = meeting.id
    await meeting.organiser.open(m, "q1")
    full, partial = await meeting.table(1), await meeting.table(2)
    for seat in range(1, 6):
        await full.cast("q1", "a", seat=seat)
    for seat in (1, 2):
        await partial.cast("q1", "b", seat=seat)
    phone = await meeting.seat(3, 1)  # table 3: a phone, no tablet
    await phone.cast("q1", "c")
    console = await pages.open(f"/app/organiser.html#token={token_of(meeting.organiser)}", DESKTOP)
    await online(console)
    await console.click('[data-tab="tables"]')
    tile = console.locator(".table-tile")
    await console.wait_for_selector('.table-tile[data-table="3"][data-phones="true"]')
    await console.wait_for_selector('.table-tile[data-table="2"][data-connected="true"]')

    phones_only = console.locator('.table-tile[data-table="3"]')
    assert await phones_only.get_attribute("data-connected") == "false"
    assert "is-phones" in (await phones_only.get_attribute("class") or "")
    assert "มีแต่โทรศัพท์" in await phones_only.inner_text()
    assert "เชื่อมต่ออยู่" not in await phones_only.inner_text()
    assert await console.inner_text("#tables-summary") == "เชื่อมต่อ 2 จาก 4 โต๊ะ"
    helped = {
        n: await console.get_attribute(f'.table-tile[data-table="{n}"]', "data-help")
        for n in range(1, 5)
    }
    assert helped == {1: "false", 2: "true", 3: "true", 4: "true"}  # full / partly / phones / none

    # nothing clipped: "last seen" wraps rather than being cut
    clipped = await console.evaluate(
        """[...document.querySelectorAll('.tile-seen')]
             .filter((el) => el.scrollWidth > el.clientWidth + 1).length"""
    )
    assert clipped == 0

    # the tiles are updated in place: the same elements after the next reads
    await console.evaluate(
        "document.querySelector('.table-tile[data-table=\"2\"]').dataset.mark = 'kept'"
    )
    await partial.cast("q1", "b", seat=3)
    await console.wait_for_selector(
        '.table-tile[data-table="2"] .tile-q[data-voted="3"]', timeout=8000
    )
    assert await console.get_attribute('.table-tile[data-table="2"]', "data-mark") == "kept"

    # "needs help" shows only the tables that do
    assert "ต้องช่วย (3)" in await console.inner_text("#tables-filter")
    await console.click('#tables-filter input[value="help"]')
    shown = await console.evaluate(
        """[...document.querySelectorAll('.table-tile')]
             .filter((el) => !el.hidden && el.offsetParent).map((el) => el.dataset.table)"""
    )
    assert shown == ["2", "3", "4"]
    await console.click('[data-tab="agenda"]')  # remembered across tabs
    await console.click('[data-tab="tables"]')
    await console.wait_for_selector('.table-tile[data-table="1"][hidden]', state="attached")
    for seat in (4, 5):  # table 2 finishes: it needs no help any more
        await partial.cast("q1", "b", seat=seat)
    await console.wait_for_selector(
        '.table-tile[data-table="2"][data-help="false"][hidden]', state="attached", timeout=8000
    )
    await console.click('#tables-filter input[value="all"]')
    assert await tile.evaluate_all("(els) => els.filter((el) => !el.hidden).length") == 4
    for client in (full, partial, phone):
        await client.close()


# --- the meeting's clock ------------------------------------------------------------------------


async def test_times_are_the_meetings_whatever_the_device_zone(
    pages: Pages, meeting: Meeting
) -> None:
    context = await pages.browser.new_context(
        viewport=DESKTOP, locale="th-TH", timezone_id="America/New_York"
    )
    context.set_default_timeout(10_000)
    pages.contexts.append(context)
    [idea] = await send_ideas(meeting, 1, ["ไฟส่องสว่างในซอยดับหลายจุด"])
    theme = await pages.open(theme_page(meeting), LAPTOP, context)
    await online(theme)
    assert (
        await theme.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
        == "America/New_York"
    )
    ideas = (await meeting.organiser.call("GET", f"/api/meetings/{meeting.id}/ideas"))["ideas"]
    at = next(i["at"] for i in ideas if i["id"] == idea) / 1000
    bangkok = dt.datetime.fromtimestamp(at, dt.timezone(dt.timedelta(hours=7)))
    new_york = dt.datetime.fromtimestamp(at, ZoneInfo("America/New_York"))
    meta = await theme.locator(f'.idea-row[data-idea="{idea}"]').inner_text()
    assert f"{bangkok:%H:%M} GMT+7" in meta, meta
    assert f"{new_york:%H:%M}" not in meta, meta

    console = await pages.open(
        f"/app/organiser.html#token={token_of(meeting.organiser)}", DESKTOP, context
    )
    await online(console)
    await console.click('[data-tab="exports"]')
    await console.click("#run-audit")
    await console.wait_for_selector("#audit-result .hint", timeout=90_000)  # a worker recounts
    checked = await console.locator("#audit-result .hint").first.inner_text()
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=7)))
    shown = {f"{t:%H:%M}" for t in (now - dt.timedelta(minutes=1), now)}
    assert any(f"ตรวจเมื่อ {s} GMT+7" in checked for s in shown), checked

    # a device in the meeting's zone shows plain times
    home = await pages.browser.new_context(
        viewport=LAPTOP, locale="th-TH", timezone_id="Asia/Bangkok"
    )
    pages.contexts.append(home)
    local = await pages.open(theme_page(meeting), LAPTOP, home)
    await online(local)
    meta = await local.locator(f'.idea-row[data-idea="{idea}"]').inner_text()
    assert f"{bangkok:%H:%M}" in meta and "GMT" not in meta, meta
