"""What the accessibility and layout tests look at in a page: axe-core's verdict, where the
keyboard's focus goes and whether it shows, and what overflows.

axe-core is the npm package pinned in tests/browser/package-lock.json; `make test` (or
`make axe`) installs it with `npm ci`. Each check injects node_modules/axe-core/axe.min.js
into the page with Playwright's add_script_tag, in a context made with bypass_csp (the
apps' Content-Security-Policy allows no inline script, and the injected tag is one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import Pages

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = ("serious", "critical")

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
  }));
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
    text: (el.getAttribute("aria-label") || el.textContent || "").trim().slice(0, 60),
    outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor, shadow: style.boxShadow,
    focusVisible: el.matches(":focus-visible"),
    inView: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
    seat: el.dataset.seat || null, option: el.dataset.option || null,
    mode: el.dataset.mode || null, question: el.dataset.question || null,
    textSize: el.hasAttribute("data-text-size"), langSwitch: el.hasAttribute("data-lang-switch"),
  };
}"""

# Elements whose right edge passes the viewport's, outside a strip meant to scroll sideways.
OVERFLOWING = """() => {
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest(".question-tabs, .sr-only")) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if (box.right > innerWidth + 1 || box.left < -1) {
      const where = `${Math.round(box.left)}..${Math.round(box.right)}`;
      out.push(`${el.tagName.toLowerCase()}.${el.className}: ${where}`);
    }
  }
  const width = document.scrollingElement.scrollWidth;
  return {scrollWidth: width, width: innerWidth, out: out.slice(0, 10)};
}"""

# aria-label values that are catalogue keys ("tablet.seat_n"), not words
RAW_KEYS = """() => [...document.querySelectorAll("[aria-label]")]
  .map((el) => el.getAttribute("aria-label"))
  .filter((label) => !label.trim() || /^[a-z0-9_]+(\\.[a-z0-9_]+)+$/.test(label))"""


async def device(pages: Pages, viewport: dict[str, int]) -> Any:
    """A browser context (one device) in which axe can be injected."""
    context = await pages.browser.new_context(viewport=viewport, locale="th-TH", bypass_csp=True)
    context.set_default_timeout(10_000)
    pages.contexts.append(context)
    return context


async def open_app(pages: Pages, path: str, viewport: dict[str, int]) -> Any:
    page = await (await device(pages, viewport)).new_page()
    pages.watch(page)
    await page.goto(pages.base + path)
    return page


async def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations in the page as it is now."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make axe` (npm ci in tests/browser)", pytrace=False)
    await page.evaluate("document.fonts.ready")
    if not await page.evaluate("typeof window.axe === 'object'"):
        await page.add_script_tag(path=str(AXE))
    found = await page.evaluate(RUN_AXE, AXE_TAGS)
    return [v for v in found if v["impact"] in BLOCKING]


async def assert_accessible(page: Any, state: str, seen: dict[str, int] | None = None) -> None:
    """No serious or critical axe violation, no aria-label that is a bare catalogue key."""
    violations = await axe_violations(page)
    assert not violations, f"{state}: " + "\n".join(
        f"[{v['impact']}] {v['id']} ({v['help']}): {v['nodes']}" for v in violations
    )
    raw = await page.evaluate(RAW_KEYS)
    assert not raw, f"{state}: aria-labels that are not words: {raw}"
    if seen is not None:
        seen[state] = seen.get(state, 0) + 1


async def focused(page: Any) -> dict[str, Any] | None:
    return await page.evaluate(FOCUSED)  # type: ignore[no-any-return]


def ring_shows(state: dict[str, Any]) -> bool:
    """The focused element draws the focus ring (an outline of 2px or more)."""
    return (
        state["focusVisible"]
        and state["outline"] not in ("none", "hidden")
        and state["outlineWidth"] >= 2
        and state["outlineColor"] not in ("transparent", "rgba(0, 0, 0, 0)")
    )


async def tab_through(page: Any, presses: int) -> list[dict[str, Any]]:
    """Press Tab `presses` times; what had the focus after each press."""
    seen = []
    for _ in range(presses):
        await page.keyboard.press("Tab")
        state = await focused(page)
        if state is not None:
            seen.append(state)
    return seen


async def tab_to(page: Any, test: str, presses: int = 60) -> dict[str, Any]:
    """Tab until the focused element matches the JS predicate `test` (given the element)."""
    for _ in range(presses):
        await page.keyboard.press("Tab")
        if await page.evaluate(f"(({test}))(document.activeElement)"):
            state = await focused(page)
            assert state is not None
            return state
    raise AssertionError(f"{presses} presses of Tab never reached {test}")


async def overflow(page: Any) -> dict[str, Any]:
    return await page.evaluate(OVERFLOWING)  # type: ignore[no-any-return]
