"""The Content-Security-Policy in real Chromium: every app, in its main states, runs under
it without one violation; and people's free text (ideas, theme names) with markup in it
shows as text on the theme team's screen, the tablet and the plenary, never as markup."""

from __future__ import annotations

from typing import Any

from prachakhom.web.security import CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_FRAMED
from tests.conftest import Meeting

from .conftest import DESKTOP, PHONE, PLENARY, TABLET_LANDSCAPE, Pages

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""
HOSTILE_IDEA = '<img src=x onerror="window.__pwned=1">ถนนพัง<script>window.__pwned=2</script>'
HOSTILE_FILED = '<iframe src="/app/"></iframe><a href="javascript:window.__pwned=5">ฝุ่น</a>'
HOSTILE_THEME = '<b onmouseover="window.__pwned=3">ไฟฟ้า</b><svg onload="window.__pwned=4">'
NO_MARKUP_RAN = """() => window.__pwned === undefined && !document.querySelector(
  'img[src="x"], [onerror], [onload], [onmouseover], iframe[src="/app/"], a[href^="javascript"]')"""


class Watched:
    """Pages whose CSP violations (the DOM event and the console's report) are kept."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.console: list[str] = []
        self.opened: list[Any] = []

    async def open(self, path: str, viewport: dict[str, int], context: Any = None) -> Any:
        context = context or await self.pages.device(viewport, enforce_csp=True)
        await context.add_init_script(WATCH)
        page = await context.new_page()
        self.pages.watch(page)
        page.on("console", self._console)
        response = await page.goto(self.pages.base + path)
        framed = path.startswith("/app/plenary.html")  # the console's preview frames it
        expected = CONTENT_SECURITY_POLICY_FRAMED if framed else CONTENT_SECURITY_POLICY
        assert response.headers.get("content-security-policy") == expected
        self.opened.append(page)
        return page

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.console.append(message.text)

    async def violations(self) -> list[str]:
        found = list(self.console)
        for page in self.opened:
            if not page.is_closed():
                found += [f"{page.url}: {v}" for v in await page.evaluate("window.__csp")]
        return found


def organiser_token(meeting: Meeting) -> str:
    return str(meeting.organiser.http.headers["authorization"]).split()[1]


async def online(page: Any) -> None:
    await page.wait_for_selector('#conn[data-connection="online"]')


async def test_no_app_breaks_the_policy_in_its_main_states(pages: Pages, meeting: Meeting) -> None:
    m, org = meeting.id, meeting.organiser
    watched = Watched(pages)
    await org.open(m, "q1")
    await org.plenary(m, {"view": "question", "question": "q1", "reveal": True})

    await watched.open("/app/", PHONE)
    plenary = await watched.open(f"/app/plenary.html#code={meeting.codes['display']}", PLENARY)
    await online(plenary)
    await plenary.wait_for_selector('.bar-row[data-option="a"]')

    tablet = await watched.open(
        f"/app/tablet.html#code={meeting.codes['tables']['1']}", TABLET_LANDSCAPE
    )
    await online(tablet)
    await tablet.click('.seat[data-seat="1"]')
    await tablet.click('#ballot .choice[data-option="a"]')
    await tablet.click("#cast")
    await tablet.wait_for_selector('.seat[data-seat="1"][data-status="voted"]')
    await tablet.click('[data-mode="ideas"]')
    await tablet.fill("#idea-text", "ไฟถนนดับหลายจุด")
    await tablet.click("#send-idea")

    keypad = await watched.open(f"/app/keypad.html#code={meeting.codes['seats']['2']['1']}", PHONE)
    await online(keypad)

    theme = await watched.open(f"/app/theme.html#code={meeting.codes['theme']}", DESKTOP)
    await online(theme)
    await theme.wait_for_selector(".idea-row")

    context = await pages.device(DESKTOP, enforce_csp=True)
    console = await watched.open(
        f"/app/organiser.html#token={organiser_token(meeting)}", DESKTOP, context
    )
    await online(console)
    for tab in ("agenda", "plenary", "results", "tables", "exports", "codes"):
        await console.click(f'#tabs [data-tab="{tab}"]')
        await console.wait_for_selector(f'#tabs [data-tab="{tab}"][aria-selected="true"]')
        await console.wait_for_timeout(300)
    await console.wait_for_selector("#print-sheets")
    sheets = await watched.open("/app/print.html", DESKTOP, context)  # the QR sheets
    await sheets.wait_for_selector("img.qr[src^='blob:']")

    for view in ({"view": "ideas"}, {"view": "themes"}, {"view": "participation"},
                 {"view": "text", "text": "พักเที่ยง"}):  # fmt: skip
        await org.plenary(m, view)
        await plenary.wait_for_timeout(400)
    assert await watched.violations() == []


async def test_markup_in_ideas_and_theme_names_shows_as_text(
    pages: Pages, meeting: Meeting
) -> None:
    m, org = meeting.id, meeting.organiser
    watched = Watched(pages)
    tablet = await watched.open(
        f"/app/tablet.html#code={meeting.codes['tables']['2']}", TABLET_LANDSCAPE
    )
    await online(tablet)
    await tablet.click('[data-mode="ideas"]')
    for text in (HOSTILE_IDEA, HOSTILE_FILED):
        await tablet.fill("#idea-text", text)
        await tablet.click("#send-idea")
        await tablet.wait_for_function(
            "(text) => [...document.querySelectorAll('#idea-list li')]"
            ".some((li) => li.textContent.includes(text))",
            arg=text,
        )
    ideas = (await org.ideas(m))["ideas"]
    while len(ideas) < 2:
        await tablet.wait_for_timeout(100)
        ideas = (await org.ideas(m))["ideas"]
    assert [i["text"] for i in ideas] == [HOSTILE_IDEA, HOSTILE_FILED]  # stored as typed
    await org.call("POST", f"/api/meetings/{m}/themes",
                   {"label": HOSTILE_THEME, "ideas": [ideas[1]["id"]]})  # fmt: skip

    theme = await watched.open(f"/app/theme.html#code={meeting.codes['theme']}", DESKTOP)
    await online(theme)
    await theme.wait_for_function(
        "(t) => document.body.innerText.includes(t[0]) && document.body.innerText.includes(t[1])",
        arg=[HOSTILE_IDEA, HOSTILE_THEME],
    )

    plenary = await watched.open(f"/app/plenary.html#code={meeting.codes['display']}", PLENARY)
    await online(plenary)
    await org.plenary(m, {"view": "ideas"})
    await plenary.wait_for_function(
        "(texts) => texts.every((text) => [...document.querySelectorAll('#idea-wall .wall-text')]"
        ".some((p) => p.dataset.text === text"  # the whole idea; shown cut between words
        " && text.startsWith(p.textContent.replace(/…$/, ''))))",
        arg=[HOSTILE_IDEA, HOSTILE_FILED],
    )
    await org.plenary(m, {"view": "themes"})
    await plenary.wait_for_function(
        "(texts) => [...document.querySelectorAll('.theme-card')]"
        ".some((card) => texts.every((text) => card.textContent.includes(text)))",
        arg=[HOSTILE_THEME, HOSTILE_FILED],  # its name and its quote
    )
    await plenary.wait_for_timeout(500)  # an onerror or onload would have run by now
    for page in (tablet, theme, plenary):
        assert await page.evaluate(NO_MARKUP_RAN), page.url
    assert await watched.violations() == []
