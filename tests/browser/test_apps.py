"""The browser apps in real Chromium against a real server and a real Valkey.

Each test drives the pages as people would (tap, type) and checks what they show, and
what the server counted, through the public API.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import httpx

from prachakhom.cli.client import Api
from tests.conftest import ADMIN, SMALL_MEETING, Meeting, make_settings, run_server

from .conftest import DESKTOP, PHONE, PLENARY, TABLET_LANDSCAPE, TABLET_PORTRAIT, Pages

SCORES_ARE = """(expected) => Object.entries(expected).every(([option, score]) =>
  document.querySelector(`.bar-row[data-option="${option}"]`)?.dataset.score === String(score))"""

ROWS_TOP_DOWN = """(order) => {
  const tops = order.map((o) => document.querySelector(`.bar-row[data-option="${o}"]`)
    ?.getBoundingClientRect().top);
  return tops.every((t, i) => t !== undefined && (i === 0 || tops[i - 1] < t));
}"""


def token_of(api: Api) -> str:
    return str(api.http.headers["authorization"]).split()[1]


async def online(page: Any) -> None:
    await page.wait_for_selector('#conn[data-connection="online"]')


async def vote(tablet: Any, seat: int, option: str) -> None:
    await tablet.click(f'.seat[data-seat="{seat}"]')
    await tablet.wait_for_selector(f'.seat[data-seat="{seat}"][aria-pressed="true"]')
    await tablet.click(f'#ballot .choice[data-option="{option}"]')
    await tablet.click("#cast")


async def scores(api: Api, meeting_id: str, question: str) -> tuple[int, dict[str, int]]:
    found = await api.results(meeting_id, question)
    return found["voters"], {row["option"]: row["score"] for row in found["ranking"]}


async def test_facilitator_ballots_reach_the_plenary_and_the_final_ranking(
    pages: Pages, meeting: Meeting
) -> None:
    m = meeting.id
    await meeting.organiser.open(m, "q1")
    await meeting.organiser.plenary(m, {"view": "question", "question": "q1", "reveal": True})
    plenary = await pages.open(f"/app/plenary.html#code={meeting.codes['display']}", PLENARY)
    await online(plenary)
    await plenary.wait_for_selector('.bar-row[data-option="a"]')

    tablet = await pages.open(
        f"/app/tablet.html#code={meeting.codes['tables']['1']}", TABLET_LANDSCAPE
    )
    await online(tablet)
    assert "code=" not in tablet.url, "the join code must leave the address bar"
    for seat, option, expected in (
        (1, "a", {"a": 1, "b": 0}),
        (2, "b", {"a": 1, "b": 1}),
        (3, "a", {"a": 2, "b": 1}),
    ):
        await vote(tablet, seat, option)
        started = time.monotonic()
        await plenary.wait_for_function(SCORES_ARE, arg=expected, timeout=5000)
        took = time.monotonic() - started
        assert took < 1.0, f"the plenary took {took:.2f}s to show seat {seat}'s ballot"
    for seat in (1, 2, 3):
        await tablet.wait_for_selector(f'.seat[data-seat="{seat}"][data-status="voted"]')
    assert await tablet.get_attribute("#pending", "data-pending") == "0"
    voters_shown = await plenary.inner_text("#n-voters")
    assert voters_shown == "3"

    organiser = await pages.open(
        f"/app/organiser.html#token={token_of(meeting.organiser)}", DESKTOP
    )
    await online(organiser)
    await organiser.click('tr[data-question="q1"] [data-action="close"]')
    await organiser.wait_for_selector('tr[data-question="q1"][data-state="closed"]')

    await plenary.wait_for_selector("#pl-status.pl-status-closed")
    assert await plenary.inner_text("#pl-status") == "ผลสุดท้าย"
    await plenary.wait_for_function(ROWS_TOP_DOWN, arg=["a", "b", "c"])
    ranks = {
        o: await plenary.get_attribute(f'.bar-row[data-option="{o}"]', "data-rank") for o in "abc"
    }
    assert ranks == {"a": "1", "b": "2", "c": "3"}
    assert await scores(meeting.organiser, m, "q1") == (3, {"a": 2, "b": 1, "c": 0})


async def test_offline_ballots_wait_in_the_outbox_and_count_exactly_once(
    browser: Any, valkey: Any, tmp_path: Path
) -> None:
    settings = make_settings(valkey, tmp_path)  # one port for every restart below
    async with run_server(settings) as running, Api(running.base, ADMIN) as admin:
        created = await admin.create_meeting(copy.deepcopy(SMALL_MEETING))
        m, organiser_token = created["id"], created["organiser"]
        async with Api(running.base, organiser_token) as organiser:
            await organiser.open(m, "q1")
        pages = Pages(browser, running.base)
        context = await pages.device(TABLET_LANDSCAPE)
        tablet = await pages.open(
            f"/app/tablet.html#code={created['codes']['tables']['1']}", TABLET_LANDSCAPE, context
        )
        await online(tablet)
        await vote(tablet, 1, "a")
        await tablet.wait_for_selector('.seat[data-seat="1"][data-status="voted"]')
    try:
        # The server is gone: the tablet says so, and keeps what it cannot send.
        await tablet.wait_for_selector('#conn[data-connection="offline"]')
        await vote(tablet, 2, "b")
        await vote(tablet, 3, "b")
        await tablet.wait_for_selector('#pending[data-pending="2"]')
        assert "2" in await tablet.inner_text("#pending")
        for seat in (2, 3):
            assert await tablet.get_attribute(f'.seat[data-seat="{seat}"]', "data-status") == (
                "pending"
            )
        kept = await tablet.evaluate(
            """Object.keys(localStorage).filter((k) => k.startsWith("pk.outbox."))
               .map((k) => JSON.parse(localStorage.getItem(k)))"""
        )
        assert len(kept) == 1 and len(kept[0]) == 2, kept
        seat_two = next(item["msg"] for item in kept[0] if item["msg"]["seat"] == 2)

        # It comes back on the same port and the same Valkey: both are sent and counted.
        async with run_server(settings), Api(running.base, organiser_token) as organiser:
            await tablet.wait_for_selector('#pending[data-pending="0"]', timeout=20_000)
            await online(tablet)
            for seat in (1, 2, 3):
                await tablet.wait_for_selector(f'.seat[data-seat="{seat}"][data-status="voted"]')
            assert await scores(organiser, m, "q1") == (3, {"b": 2, "a": 1, "c": 0})

        # Down again: one more ballot, then the tablet is shut (its page closed). A copy of
        # seat 2's ballot is put back in the outbox, as if its ack had been lost.
        await tablet.wait_for_selector('#conn[data-connection="offline"]')
        await vote(tablet, 4, "c")
        await tablet.wait_for_selector('#pending[data-pending="1"]')
        await tablet.evaluate(
            """(msg) => {
                 const key = Object.keys(localStorage).find((k) => k.startsWith("pk.outbox."));
                 const items = JSON.parse(localStorage.getItem(key));
                 items.push({msg, added: Date.now(), sent: 0});
                 localStorage.setItem(key, JSON.stringify(items));
               }""",
            seat_two,
        )
        await tablet.close()

        async with run_server(settings), Api(running.base, organiser_token) as organiser:
            restarted = await pages.open("/app/tablet.html", TABLET_LANDSCAPE, context)
            await online(restarted)
            await restarted.wait_for_selector('#pending[data-pending="0"]', timeout=20_000)
            await restarted.wait_for_selector('.seat[data-seat="4"][data-status="voted"]')
            assert await scores(organiser, m, "q1") == (4, {"b": 2, "a": 1, "c": 1})
            audit = await organiser.audit(m)
            assert audit["ok"], audit  # the ledger's recount equals the live tallies
            assert audit["ballots_in_ledger"] == 4, audit
    finally:
        await pages.close()
    assert not pages.errors, pages.errors


async def test_participant_changes_their_vote(pages: Pages, meeting: Meeting) -> None:
    m = meeting.id
    await meeting.organiser.open(m, "q1")
    keypad = await pages.open(f"/app/keypad.html#code={meeting.codes['seats']['2']['3']}", PHONE)
    await online(keypad)
    assert await keypad.inner_text("#where") == "โต๊ะ 2 · ที่นั่ง 3"
    card = keypad.locator('.question-card[data-question="q1"]')
    await card.locator('.choice[data-option="a"]').click()
    await card.locator(".submit").click()
    await keypad.wait_for_selector('.question-card[data-question="q1"][data-status="counted"]')
    assert "นับคะแนนของท่านแล้ว" in await card.inner_text()
    assert await scores(meeting.organiser, m, "q1") == (1, {"a": 1, "b": 0, "c": 0})

    await card.locator('.choice[data-option="b"]').click()
    await keypad.wait_for_selector('.question-card[data-question="q1"][data-status="changed"]')
    assert await card.locator(".submit").inner_text() == "เปลี่ยนคำตอบ"
    await card.locator(".submit").click()
    await keypad.wait_for_selector('.question-card[data-question="q1"][data-status="replaced"]')
    assert await scores(meeting.organiser, m, "q1") == (1, {"b": 1, "a": 0, "c": 0})

    await keypad.reload()
    await online(keypad)
    await keypad.wait_for_selector(
        '.question-card[data-question="q1"][data-status="counted"] '
        '.choice[data-option="b"][aria-checked="true"]'
    )


IDEAS = (
    "ทางเท้าหน้าตลาดชำรุด ผู้สูงอายุเดินลำบาก",
    "ถนนเข้าหมู่บ้านเป็นหลุมเป็นบ่อ",
    "ไฟส่องสว่างในซอยดับหลายจุด",
)


async def test_theme_team_turns_ideas_into_a_question_the_tablets_see(
    pages: Pages, meeting: Meeting
) -> None:
    tablet = await pages.open(
        f"/app/tablet.html#code={meeting.codes['tables']['2']}", TABLET_PORTRAIT
    )
    await online(tablet)
    await tablet.click('[data-mode="ideas"]')
    for text in IDEAS:
        await tablet.fill("#idea-text", text)
        await tablet.click("#send-idea")
    await tablet.wait_for_function("document.querySelectorAll('.idea-sent').length === 3")

    theme = await pages.open(f"/app/theme.html#code={meeting.codes['theme']}", DESKTOP)
    await online(theme)
    await theme.wait_for_function(
        "document.querySelectorAll('.idea-row[data-idea]:not([hidden])').length === 3"
    )

    async def pick(*texts: str) -> None:
        for text in texts:
            row = theme.locator(".idea-row:not([hidden])", has_text=text)
            await row.locator('[data-act="pick"]').click()

    async def themes_shown(n: int) -> None:
        await theme.wait_for_function(f"document.querySelectorAll('.theme-item').length === {n}")

    await pick(IDEAS[0], IDEAS[1])
    await theme.fill("#new-theme", "ถนน")
    await theme.click("#make-theme")
    await themes_shown(1)
    assert await theme.input_value("#new-theme") == ""
    await pick(IDEAS[2])
    await theme.fill("#new-theme", "ไฟฟ้า")
    await theme.click("#make-theme")
    await themes_shown(2)
    # a third theme, taken out of the first (a notice asks first), then merged back into it
    await theme.click('[data-filter="all"]')
    await pick(IDEAS[0])
    await theme.fill("#new-theme", "ทางเท้า")
    await theme.click("#make-theme")
    await themes_shown(3)
    notice = theme.locator('.notice[data-kind="conflict"]')
    assert "ถนน" in await notice.inner_text()
    await notice.locator('[data-action="move"]').click()
    await theme.wait_for_selector(f'.idea-row:not([data-filed=""]):has-text("{IDEAS[0]}")')
    for label in ("ถนน", "ทางเท้า"):
        item = theme.locator(
            ".theme-item", has=theme.get_by_role("heading", name=label, exact=True)
        )
        await item.locator('[data-action="merge-pick"]').click()
    await theme.fill("#merge-label", "ถนนและทางเท้า")
    await theme.click("#merge")
    await themes_shown(2)
    lit = theme.locator(".theme-item", has_text="ไฟฟ้า")
    await lit.locator('[data-action="rename"]').click()
    await theme.fill("#rename-input", "ไฟส่องสว่าง")
    await theme.click("#rename-save")
    await theme.wait_for_selector('.theme-label:text-is("ไฟส่องสว่าง")')
    saved = (await meeting.organiser.call("GET", f"/api/meetings/{meeting.id}/themes"))["themes"]
    assert sorted((t["label"], len(t["ideas"])) for t in saved) == [
        ("ถนนและทางเท้า", 2),
        ("ไฟส่องสว่าง", 1),
    ]

    await theme.click("#make-question")
    made = await theme.wait_for_selector("#made-question")
    question = await made.get_attribute("data-question")
    assert question

    organiser = await pages.open(
        f"/app/organiser.html#token={token_of(meeting.organiser)}", DESKTOP
    )
    await online(organiser)
    await organiser.click(f'tr[data-question="{question}"] [data-action="open"]')
    await tablet.click(f'.question-tab[data-question="{question}"]')
    await tablet.click('[data-mode="vote"]')
    labels = await tablet.locator("#ballot .choice-label").all_inner_texts()
    assert sorted(labels) == ["ถนนและทางเท้า", "ไฟส่องสว่าง"]
    await tablet.click('#ballot .choice:has-text("ไฟส่องสว่าง")')
    await tablet.click("#cast")
    await tablet.wait_for_selector('.seat[data-seat="1"][data-status="voted"]')


async def test_every_screen_switches_language(pages: Pages, meeting: Meeting) -> None:
    codes = meeting.codes
    organiser_token = token_of(meeting.organiser)
    tablet = f"/app/tablet.html#code={codes['tables']['1']}"
    keypad = f"/app/keypad.html#code={codes['seats']['1']['1']}"
    screens = [
        (tablet, TABLET_LANDSCAPE, "ลงคะแนนรายที่นั่ง", "Seat by seat"),
        (keypad, PHONE, "ยังไม่มีคำถามที่เปิดลงคะแนน", "No question is open yet"),
        (f"/app/plenary.html#code={codes['display']}", PLENARY, "สแกนเพื่อลงคะแนน", "Scan to vote"),
        (f"/app/theme.html#code={codes['theme']}", DESKTOP, "ความคิดเห็นจากโต๊ะ", "Ideas from"),
        (f"/app/organiser.html#token={organiser_token}", DESKTOP, "วาระและคำถาม", "Agenda and"),
        ("/app/print.html", DESKTOP, "แผ่น QR สำหรับพิมพ์", "QR sheets to print"),
        ("/app/", PHONE, "รหัสเข้าร่วม", "Join code"),
    ]
    organiser_context = None
    for path, viewport, thai, english in screens:
        context = None
        if path.startswith("/app/print") and organiser_context is not None:
            context = organiser_context  # the sheets use the organiser's session
        page = await pages.open(path, viewport, context)
        if path.startswith("/app/organiser"):
            organiser_context = page.context
        await page.wait_for_selector(f"text={thai}")
        assert await page.evaluate("document.documentElement.lang") == "th"
        await page.click("[data-lang-switch]")
        await page.wait_for_selector(f"text={english}")
        assert await page.evaluate("document.documentElement.lang") == "en"
        if await page.locator("#conn").count():
            await page.wait_for_selector('#conn:text-is("Connected")')
        await page.reload()  # the choice is remembered on the device
        await page.wait_for_selector(f"text={english}")
        await page.click("[data-lang-switch]")
        await page.wait_for_selector(f"text={thai}")
        await page.close()


async def test_fonts_and_qr_codes_come_from_the_server(pages: Pages, meeting: Meeting) -> None:
    base = meeting.server.base
    async with httpx.AsyncClient(base_url=base) as http:
        font = await http.get("/assets/fonts/Sarabun-Regular.ttf")
        assert font.status_code == 200, font.text
        assert font.headers["content-type"] == "font/ttf"
        assert font.content[:4] == b"\x00\x01\x00\x00"
        assert (await http.get("/assets/fonts/..%2Fsecret.ttf")).status_code == 404
        own = await http.post("/api/qr.svg", json={"data": f"{base}/app/keypad.html#code=ABC234"})
        assert own.status_code == 200 and own.text.startswith("<svg")
        assert (await http.get("/api/qr.svg", params={"data": "ABC234"})).status_code == 200
        foreign = await http.post("/api/qr.svg", json={"data": "https://example.org/phish"})
        assert foreign.status_code == 400
        assert (await http.post("/api/qr.svg", json={"data": "x" * 2000})).status_code == 400

    tablet = await pages.open(
        f"/app/tablet.html#code={meeting.codes['tables']['1']}", TABLET_LANDSCAPE
    )
    await online(tablet)
    loaded = await tablet.evaluate(
        """document.fonts.ready.then(() =>
             [...document.fonts].filter((f) => f.status === "loaded").map((f) => f.family))"""
    )
    assert any("Sarabun" in family for family in loaded), loaded
    assert await tablet.evaluate("document.fonts.check('20px Sarabun', 'ประชาคม')")

    organiser = await pages.open(
        f"/app/organiser.html#token={token_of(meeting.organiser)}", DESKTOP
    )
    await online(organiser)
    await organiser.click('[data-tab="codes"]')
    await organiser.wait_for_function(
        "[...document.querySelectorAll('img.qr')].length >= 2 && "
        "[...document.querySelectorAll('img.qr')].every((i) => i.complete && i.naturalWidth > 0)"
    )
