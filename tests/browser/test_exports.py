"""The organiser console's exports and audit, in real Chromium against the real server:
a JSON export downloaded through the page (the token in the header, never the URL), a
busy button while a slow file is made, plain words when one fails, and the audit."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import anyio

from tests.conftest import Meeting

from .conftest import DESKTOP, Pages
from .test_apps import online, token_of


async def console_with_ballots(pages: Pages, meeting: Meeting) -> Any:
    m = meeting.id
    await meeting.organiser.open(m, "q1")
    tablet = await meeting.table(1)
    for seat, option in ((1, "a"), (2, "b"), (3, "a")):
        await tablet.cast("q1", option, seat=seat)
    await tablet.cast("q1", "c", seat=2)  # a change of mind: replaced in the ledger
    await tablet.close()
    await meeting.organiser.close(m, "q1")
    console = await pages.open(f"/app/organiser.html#token={token_of(meeting.organiser)}", DESKTOP)
    await online(console)
    await console.click('[data-tab="exports"]')
    await console.wait_for_selector('.export-button[data-format="json"]')
    return console


async def test_the_organiser_downloads_the_json_export(pages: Pages, meeting: Meeting) -> None:
    m, token = meeting.id, token_of(meeting.organiser)
    console = await console_with_ballots(pages, meeting)
    assert await console.locator(".export-row").count() == 6
    assert "PDF รายงานสรุป" in await console.inner_text('.export-row[data-format="pdf"]')

    await console.check('input[name="export-lang"][value="en"]')
    async with (
        console.expect_request(lambda r: "/export" in r.url) as asked,
        console.expect_download() as downloading,
    ):
        await console.click('.export-button[data-format="json"]')
    request = await asked.value
    assert request.headers["authorization"] == f"Bearer {token}"
    assert token not in request.url and "format=json" in request.url and "lang=en" in request.url

    download = await downloading.value
    name = download.suggested_filename
    assert name.startswith(f"prachakhom-{m}-") and name.endswith(".json"), name
    saved = await download.path()
    doc = json.loads(await anyio.Path(saved).read_text(encoding="utf-8"))
    assert doc["meeting"]["id"] == m
    assert [q["id"] for q in doc["questions"]] == ["q1", "q2"]
    q1 = next(q for q in doc["questions"] if q["id"] == "q1")
    assert q1["results"]["voters"] == 3
    row = '.export-row[data-format="json"]'
    await console.wait_for_selector(f'{row}[data-state="ok"]')
    assert f"ดาวน์โหลดแล้ว: {name}" in await console.inner_text(f"{row} .export-status")
    assert await console.get_attribute(f"{row} .export-button", "aria-busy") == "false"
    # the choice of language is kept for the next visit
    await console.reload()
    await online(console)
    assert await console.is_checked('input[name="export-lang"][value="en"]')


async def test_a_slow_file_shows_progress_and_a_failure_is_said_plainly(
    pages: Pages, meeting: Meeting
) -> None:
    console = await console_with_ballots(pages, meeting)

    async def slow_then_broken(route: Any) -> None:
        await asyncio.sleep(2.5)
        await route.fulfill(status=500, body="Internal Server Error", content_type="text/plain")

    async def not_made_here(route: Any) -> None:
        await route.fulfill(status=404, body="Not Found", content_type="text/plain")

    await console.route("**/export?format=pdf*", slow_then_broken)
    await console.route("**/export?format=xlsx*", not_made_here)
    await console.route("**/export?format=csv*", lambda route: route.abort())

    pdf = '.export-row[data-format="pdf"]'
    await console.click(f"{pdf} .export-button")
    await console.wait_for_selector(f'{pdf}[data-state="busy"] .export-button[aria-busy="true"]')
    assert await console.is_disabled(f"{pdf} .export-button")
    busy = await console.inner_text(f"{pdf} .export-button")
    assert "กำลังสร้างไฟล์" in busy, busy
    await console.wait_for_function(
        "document.querySelector('.export-row[data-format=pdf] .export-button')"
        ".textContent.includes('1 วินาที')"
    )
    # another format can be fetched meanwhile
    await console.click('.export-row[data-format="xlsx"] .export-button')
    xlsx = console.locator('.export-row[data-format="xlsx"] .export-status')
    await console.wait_for_selector('.export-row[data-format="xlsx"][data-state="error"]')
    assert "ยังสร้างไฟล์แบบนี้ไม่ได้" in await xlsx.inner_text()

    await console.wait_for_selector(f'{pdf}[data-state="error"]', timeout=8000)
    said = await console.inner_text(f"{pdf} .export-status")
    assert "สร้างไฟล์ไม่สำเร็จ" in said and "ไม่เสียหาย" in said, said
    assert await console.inner_text(f"{pdf} .export-button") == "ดาวน์โหลด PDF"
    assert not await console.is_disabled(f"{pdf} .export-button")

    await console.click('.export-row[data-format="csv"] .export-button')
    await console.wait_for_selector('.export-row[data-format="csv"][data-state="error"]')
    assert "ติดต่อเซิร์ฟเวอร์ไม่ได้" in await console.inner_text(
        '.export-row[data-format="csv"] .export-status'
    )

    await console.click("[data-lang-switch]")
    await console.wait_for_selector(f'{pdf} .export-status:has-text("could not be made")')


async def test_the_audit_shows_every_question_matches(pages: Pages, meeting: Meeting) -> None:
    console = await console_with_ballots(pages, meeting)
    await console.click("#run-audit")
    await console.wait_for_selector('.audit-verdict[data-ok="true"]')
    assert "ผลตรงกันทุกคำถาม (2 คำถาม)" in await console.inner_text(".audit-verdict")
    assert await console.locator('.audit-row[data-match="true"]').count() == 2
    assert await console.locator('.audit-row[data-match="false"]').count() == 0
    audit = await meeting.organiser.audit(meeting.id)
    assert await console.inner_text("#audit-digest") == audit["digest"]
    assert len(audit["digest"]) == 64
    summary = await console.inner_text("#audit-result")
    assert f"รายการในบัญชีคะแนน {audit['ledger_entries']} รายการ" in summary
    assert "บัตรลงคะแนน 4 ใบ" in summary  # four ballots, one of them replaced
