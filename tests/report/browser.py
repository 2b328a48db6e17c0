"""Open a report in headless Debian chromium through playwright, with no network.

Used by the browser test; runnable by hand to look at a page:
``python -m tests.report.browser report.html shot.png [--dark]``.
"""
from __future__ import annotations

import os
import shutil
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

#: Debian's chromium; playwright's own browser download is never used.
CHROMIUM = os.environ.get("LIMELIGHT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
#: Set by the hostile strings' handlers if one ever runs.
PWNED_FLAG = "__pwned"


def chromium_available() -> bool:
    """True when the chromium binary exists and the playwright package imports."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


#: True when an element matching the selector is empty, off the page, or cut by an ancestor
#: that hides or scrolls its overflow.
CLIPPED_JS = """(sel) => [...document.querySelectorAll(sel)].some(el => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.left < -1
        || r.right > document.documentElement.scrollWidth + 1) return true;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const s = getComputedStyle(a);
        if ([s.overflowX, s.overflowY].some(o => o !== 'visible')) {
            const b = a.getBoundingClientRect();
            if (r.left < b.left - 1 || r.right > b.right + 1 || r.top < b.top - 1
                || r.bottom > b.bottom + 1) return true;
        }
    }
    return false; })"""
#: Labels and numbers of the SVG charts that stick out of their chart.
SVG_TEXT_OUTSIDE_JS = """[...document.querySelectorAll('svg text')].filter(t => {
    const r = t.getBoundingClientRect(), b = t.ownerSVGElement.getBoundingClientRect();
    return r.left < b.left - 1 || r.right > b.right + 1 || r.top < b.top - 1 || r.bottom > b.bottom + 1;
    }).map(t => t.textContent)"""


@dataclass
class PageVisit:
    """What happened while a page was open."""

    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    pwned: object = None
    scripts: int = 0
    checks: dict = field(default_factory=dict)


@contextmanager
def chromium():
    """A headless Debian chromium for several :func:`visit` calls."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def visit(path: Path, screenshot: Path, *, dark: bool = False, width: int = 1100,
          selectors: tuple[str, ...] = (), texts: tuple[str, ...] = (), browser=None) -> PageVisit:
    """Open ``path`` as a file:// page, record every request, dialog and console error,
    check that ``selectors`` are visible and not clipped, and save a full-page screenshot."""
    if browser is None:
        with chromium() as own:
            return visit(path, screenshot, dark=dark, width=width, selectors=selectors, texts=texts,
                         browser=own)
    result = PageVisit()
    context = browser.new_context(viewport={"width": width, "height": 800},
                                  color_scheme="dark" if dark else "light",
                                  java_script_enabled=True)

    def route(route):
        url = route.request.url
        result.requests.append(url)
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            result.blocked.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("dialog", lambda dialog: (result.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda msg: result.console_errors.append(msg.text)
            if msg.type == "error" else None)
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_timeout(200)
    result.pwned = page.evaluate(f"window.{PWNED_FLAG} === undefined ? null : window.{PWNED_FLAG}")
    result.scripts = page.evaluate("document.scripts.length")
    for selector in selectors:
        locator = page.locator(selector)
        count = locator.count()
        visible = count > 0 and all(locator.nth(i).is_visible() for i in range(count))
        clipped = page.evaluate(CLIPPED_JS, selector)
        result.checks[selector] = {"count": count, "visible": visible, "clipped": clipped}
    for text in texts:
        locator = page.get_by_text(text, exact=False)
        count = locator.count()
        result.checks[f"text {text!r}"] = {
            "count": count, "visible": any(locator.nth(i).is_visible() for i in range(count))}
    result.checks["svg text outside its chart"] = page.evaluate(SVG_TEXT_OUTSIDE_JS)
    result.checks["broken images"] = page.evaluate(
        "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length")
    result.checks["page overflows sideways"] = page.evaluate(
        "document.documentElement.scrollWidth > window.innerWidth + 1")
    page.screenshot(path=str(screenshot), full_page=True)
    context.close()
    return result


if __name__ == "__main__":  # pragma: no cover - a tool for people
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    visit_result = visit(Path(args[0]), Path(args[1]), dark="--dark" in sys.argv)
    print(visit_result)
