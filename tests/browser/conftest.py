"""Real Chromium (Debian's, driven by Playwright) against the real server of tests/conftest.py.

Chromium is not downloaded by Playwright here: it is Debian's package, so
`apt-get install -y --no-install-recommends chromium` must have run. Without it these
tests fail with that instruction; they never skip.
"""

from __future__ import annotations

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

    async def device(self, viewport: dict[str, int]) -> Any:
        context = await self.browser.new_context(viewport=viewport, locale="th-TH")
        context.set_default_timeout(10_000)
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

    async def close(self) -> None:
        for context in self.contexts:
            await context.close()


@pytest.fixture
async def pages(browser: Any, server: Any) -> AsyncIterator[Pages]:
    opened = Pages(browser, server.base)
    yield opened
    await opened.close()
    assert not opened.errors, f"uncaught errors in the pages: {opened.errors}"
