"""The counting methods in the organiser console come from the server (GET
/api/meetings/{m} `methods`), in real Chromium: the new-question form offers a ranked
question's, the results tab the methods of the chosen question's kind, and a console
that is sent another list offers that one."""

from __future__ import annotations

from typing import Any

import orjson

from prachakhom.core.methods import METHODS
from tests.conftest import Meeting

from .conftest import DESKTOP, Pages

RANKED = {
    "id": "r1",
    "kind": "ranked",
    "prompt": "Rank",
    "options": [{"id": c, "label": c.upper()} for c in "abc"],
}


async def console(pages: Pages, meeting: Meeting, methods: dict[str, Any] | None = None) -> Any:
    context = await pages.device(DESKTOP)
    if methods is not None:  # the meeting as a server with other methods would send it

        async def other(route: Any) -> None:
            answer = await route.fetch()
            body = await answer.json() | {"methods": methods}
            await route.fulfill(response=answer, body=orjson.dumps(body))

        await context.route(f"**/api/meetings/{meeting.id}", other)
    token = str(meeting.organiser.http.headers["authorization"]).split()[1]
    page = await pages.open(f"/app/organiser.html#token={token}", DESKTOP, context)
    await page.wait_for_selector('#conn[data-connection="online"]')
    await page.click('#tabs [data-tab="agenda"]')
    await page.wait_for_selector("#add-question #q-method", state="attached")
    return page


async def options(page: Any, select: str) -> list[str]:
    return await page.eval_on_selector_all(f"{select} option", "os => os.map(o => o.value)")  # type: ignore[no-any-return]


async def results_of(page: Any, question: str) -> None:
    await page.click('#tabs [data-tab="results"]')
    await page.select_option("#results-question", question)
    await page.wait_for_selector("#results-method")


async def test_the_console_offers_the_methods_the_server_lists(
    pages: Pages, meeting: Meeting
) -> None:
    page = await console(pages, meeting)
    assert await options(page, "#q-method") == METHODS["ranked"] == ["borda", "irv", "schulze"]
    await page.select_option("#q-kind", "ranked")
    await page.fill("#q-id", "r2")
    await page.fill("#q-prompt-th", "เรียงลำดับความสำคัญ")
    await page.fill("#q-options", "ถนน\nน้ำประปา\nโรงเรียน")
    await page.select_option("#q-method", "irv")
    await page.click('#add-question button[type="submit"]')
    await page.wait_for_selector('tr[data-question="r2"]')
    stored = {q["id"]: q for q in (await meeting.organiser.meeting(meeting.id))["questions"]}
    assert stored["r2"]["method"] == "irv"

    await results_of(page, "r2")
    assert await options(page, "#results-method") == ["", *METHODS["ranked"]]
    assert await page.is_enabled("#results-method")
    async with page.expect_request(lambda r: "/questions/r2/results?method=schulze" in r.url):
        await page.select_option("#results-method", "schulze")
    await page.select_option("#results-question", "q1")  # a single question: no choice
    await page.wait_for_function(
        "() => document.querySelector('#results-method').options.length === 1"
    )
    assert await page.is_disabled("#results-method")


async def test_a_console_offers_what_it_is_sent(pages: Pages, meeting: Meeting) -> None:
    await meeting.organiser.add_question(meeting.id, RANKED)
    page = await console(pages, meeting, METHODS | {"ranked": ["schulze", "borda"]})
    assert await options(page, "#q-method") == ["schulze", "borda"]
    await results_of(page, "r1")
    assert await options(page, "#results-method") == ["", "schulze", "borda"]
