"""Real Chromium (Debian's, driven by Playwright) against the real server of tests/conftest.py.

Chromium is not downloaded by Playwright here: it is Debian's package, so
`apt-get install -y --no-install-recommends chromium` must have run. Without it these
tests fail with that instruction; they never skip.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
INSTALL_HINT = (
    "the browser tests need Debian's Chromium and Playwright: "
    "apt-get install -y --no-install-recommends chromium && pip install -e '.[test]' "
    "(never `playwright install`: it downloads a browser)"
)

TABLET_LANDSCAPE = {"width": 1024, "height": 768}
TABLET_PORTRAIT = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}
PLENARY = {"width": 1920, "height": 1080}
DESKTOP = {"width": 1440, "height": 900}


# No screen ever shows what a renderer did not have: "null", "undefined", "NaN". Every page
# of `Pages` reports each such text the moment it reaches the document (a text node, or an
# attribute a person or a screen reader meets), so a state that lasts a frame is caught too.
VOID_WORD = re.compile(r"\b(null|undefined|NaN)\b")
VOID_PREFIX = "void-text: "
WATCHED_ATTRIBUTES = ("aria-label", "aria-description", "title", "alt", "placeholder", "value")
WATCH_VOID_TEXT = """(() => {
  const bad = /\\b(null|undefined|NaN)\\b/;
  const attrs = ATTRIBUTES;
  const skipped = "script, style, template, textarea";
  const report = (where, text) => console.info("PREFIX" + where + ": " + text.slice(0, 300));
  const checkText = (node) => {
    if (!bad.test(node.data) || node.parentElement?.closest(skipped)) return;
    report("<" + (node.parentElement?.tagName || "?").toLowerCase() + ">", node.data);
  };
  const checkElement = (el) => {
    if (el.closest(skipped)) return;
    for (const name of attrs) {
      const value = el.getAttribute(name);
      if (value !== null && bad.test(value)) report("[" + name + "]", value);
    }
  };
  const checkTree = (root) => {
    if (root.nodeType === Node.TEXT_NODE) return checkText(root);
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    checkElement(root);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) checkText(node);
      else checkElement(node);
    }
  };
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "childList") record.addedNodes.forEach(checkTree);
      else if (record.type === "characterData") checkText(record.target);
      else checkElement(record.target);
    }
  }).observe(document, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: attrs,
  });
})();""".replace("ATTRIBUTES", json.dumps(WATCHED_ATTRIBUTES)).replace("PREFIX", VOID_PREFIX)

VISIBLE_TEXT = """(attrs) => {
  const found = [document.body ? document.body.innerText : ""];
  for (const el of document.querySelectorAll("*")) {
    for (const name of attrs) {
      const value = el.getAttribute(name);
      if (value !== null) found.push(value);
    }
  }
  return found;
}"""


async def assert_no_void_text(page: Any) -> None:
    """The page as it is now shows no "null", "undefined" or "NaN" (text and attributes)."""
    texts = await page.evaluate(VISIBLE_TEXT, list(WATCHED_ATTRIBUTES))
    bad = [text[:300] for text in texts if VOID_WORD.search(text)]
    assert not bad, f"{page.url} shows {bad}"


def chromium_path() -> str:
    found = Path(CHROMIUM) if Path(CHROMIUM).exists() else None
    path = str(found) if found else shutil.which("chromium")
    if not path:
        pytest.fail(f"{CHROMIUM} not found: {INSTALL_HINT}", pytrace=False)
    return path


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    try:
        from playwright.async_api import async_playwright
    except ImportError:  # pragma: no cover - a setup problem, said clearly
        pytest.fail(f"playwright is not installed: {INSTALL_HINT}", pytrace=False)
    path = chromium_path()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@dataclass
class Pages:
    """Pages in their own browser contexts (one device each: own localStorage)."""

    browser: Any
    base: str
    contexts: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    void_text: list[str] = field(default_factory=list)  # "null" & co. that any page showed

    async def device(self, viewport: dict[str, int], enforce_csp: bool = False) -> Any:
        """A new device. The server's Content-Security-Policy forbids eval, and Playwright
        evaluates a wait_for_function *expression* string with eval in the page: so a
        context bypasses the policy unless `enforce_csp` (test_security.py enforces it on
        every app, with function-form waits only)."""
        context = await self.browser.new_context(
            viewport=viewport, locale="th-TH", bypass_csp=not enforce_csp
        )
        context.set_default_timeout(10_000)
        await context.add_init_script(WATCH_VOID_TEXT)
        self.contexts.append(context)
        return context

    async def open(self, path: str, viewport: dict[str, int], context: Any = None) -> Any:
        context = context or await self.device(viewport)
        page = await context.new_page()
        self.watch(page)
        await page.goto(self.base + path)
        return page

    def watch(self, page: Any) -> None:
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))
        page.on("console", lambda message: self.heard(page, message.text))

    def heard(self, page: Any, text: str) -> None:
        if text.startswith(VOID_PREFIX):
            self.void_text.append(f"{page.url}: {text.removeprefix(VOID_PREFIX)}")

    async def close(self) -> None:
        for context in self.contexts:
            await context.close()


@pytest.fixture
async def pages(browser: Any, server: Any) -> AsyncIterator[Pages]:
    opened = Pages(browser, server.base)
    yield opened
    await opened.close()
    assert not opened.errors, f"uncaught errors in the pages: {opened.errors}"
    assert not opened.void_text, f"pages showed null/undefined/NaN: {opened.void_text}"
