"""Reports in a real browser: Debian chromium, headless, through playwright, offline.

Skipped only when chromium (or playwright) is missing outside CI; with CI=true a missing
browser fails the test. Screenshots go to a temporary directory (or $LIMELIGHT_SCREENSHOTS).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from lime_core.report import explanation_html, report_html
from tests.report import fixtures
from tests.report.browser import CHROMIUM, chromium, chromium_available, visit

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

MISSING = None if chromium_available() else (
    f"chromium ({CHROMIUM}) or the playwright package is not installed "
    "(apt-get install chromium; pip install playwright)")
if MISSING and not IN_CI:
    pytest.skip(f"{MISSING}; set CI=true to make this a failure", allow_module_level=True)

COMMON = ("h2", "svg.ll-chart", "dl.ll-stats", "svg.ll-scores")
CASES = {
    "tabular": (fixtures.tabular_explanation, COMMON + ("details.ll-instance table",),
                (fixtures.HOSTILE_FEATURE, fixtures.HOSTILE_CLASS, fixtures.HOSTILE_VALUE, "intercept",
                 "fidelity", "= 12.40")),
    "text": (fixtures.text_explanation, COMMON + ("p.ll-text", "mark.ll-pos", "mark.ll-neg"),
             ("<b>with</b>", "wonderful", "intercept", "fidelity")),
    "image": (fixtures.image_explanation, COMMON + (".ll-images figure img",),
              ("red corner", "intercept", "fidelity")),
}


@pytest.fixture(scope="module")
def browser():
    if MISSING:
        pytest.fail(f"CI=true but {MISSING}; .ci/run installs them.", pytrace=False)
    with chromium() as instance:
        yield instance


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    target = os.environ.get("LIMELIGHT_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        return Path(target)
    return tmp_path_factory.mktemp("screenshots")


def _check(result, selectors, texts) -> None:
    assert result.blocked == [], f"the page tried the network: {result.blocked}"
    assert all(url.startswith(("file:", "data:")) for url in result.requests), result.requests
    assert result.dialogs == [], f"a hostile string opened a dialog: {result.dialogs}"
    assert result.pwned is None, f"a hostile string ran script (window.__pwned = {result.pwned})"
    assert result.scripts == 0
    assert result.console_errors == []
    for selector in selectors:
        check = result.checks[selector]
        assert check["count"] > 0 and check["visible"], f"{selector} not visible: {check}"
        assert not check["clipped"], f"{selector} is clipped: {check}"
    for text in texts:
        check = result.checks[f"text {text!r}"]
        assert check["visible"], f"text {text!r} is not shown: {check}"
    assert result.checks["svg text outside its chart"] == []
    assert result.checks["broken images"] == 0
    assert result.checks["page overflows sideways"] is False


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("modality", sorted(CASES))
def test_report_renders_offline_and_runs_nothing(modality, dark, tmp_path, shots, browser):
    make, selectors, texts = CASES[modality]
    page = tmp_path / f"{modality}.html"
    page.write_text(explanation_html(make()), encoding="utf-8")
    shot = shots / f"{modality}-{'dark' if dark else 'light'}.png"
    result = visit(page, shot, dark=dark, selectors=selectors, texts=texts, browser=browser)
    _check(result, selectors, texts)
    assert shot.stat().st_size > 10_000


def test_report_of_every_modality_in_a_narrow_window(tmp_path, shots, browser):
    """Three explanations and a regression in one page, 700 px wide: nothing clipped."""
    exps = [fixtures.tabular_explanation(), fixtures.text_explanation(), fixtures.image_explanation(),
            fixtures.regression_explanation()]
    page = tmp_path / "all.html"
    page.write_text(report_html(exps, title="Every <modality>", captions=["table", "text", "image", "house"]),
                    encoding="utf-8")
    selectors = ("h1", "section.ll-exp", "svg.ll-chart", "mark.ll-pos", ".ll-images figure img")
    texts = ("Every <modality>", "predicted value", fixtures.HOSTILE_FEATURE)
    result = visit(page, shots / "all-narrow.png", width=700, selectors=selectors, texts=texts,
                   browser=browser)
    _check(result, selectors, texts)
    assert result.checks["section.ll-exp"]["count"] == 4


JUPYTERLAB_DARK = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
body{{background:#111;color:rgb(224, 224, 224);font-family:sans-serif}}
.jp-OutputArea-output{{padding:4px}}</style></head>
<body><div class="jp-OutputArea-output">{fragment}</div></body></html>"""


def test_notebook_fragment_takes_the_dark_theme_colours(tmp_path, shots, browser):
    """_repr_html_ inside a dark JupyterLab-like page: text and chart labels use the theme's colour."""
    exp = fixtures.tabular_explanation()
    page = tmp_path / "notebook.html"
    page.write_text(JUPYTERLAB_DARK.format(fragment=exp._repr_html_()), encoding="utf-8")
    result = visit(page, shots / "notebook-dark.png", selectors=("h2", "svg.ll-chart"),
                   texts=(fixtures.HOSTILE_FEATURE,), browser=browser)
    _check(result, ("h2", "svg.ll-chart"), (fixtures.HOSTILE_FEATURE,))
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.goto(page.resolve().as_uri())
        colours = tab.evaluate("""() => [getComputedStyle(document.querySelector('.limelight h2')).color,
            getComputedStyle(document.querySelector('.limelight svg text.ll-name')).fill,
            getComputedStyle(document.body).backgroundColor]""")
    finally:
        context.close()
    assert colours == ["rgb(224, 224, 224)", "rgb(224, 224, 224)", "rgb(17, 17, 17)"]


def test_demo_report_shows_the_three_views(tmp_path, shots, browser):
    """What `make demo` writes, made by the real plugins, in the browser."""
    import io

    from lime_core.cli import main

    report = tmp_path / "demo.html"
    assert main(["demo", "--out", str(report)], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    selectors = ("section.ll-modality-tabular svg.ll-chart", "section.ll-modality-text mark",
                 "section.ll-modality-image figure img", "dl.ll-stats")
    texts = ("Breast cancer", "Movie review", "Chelsea the cat", "intercept", "held-out")
    result = visit(report, shots / "demo.png", selectors=selectors, texts=texts, browser=browser)
    _check(result, selectors, texts)
    assert result.checks["section.ll-modality-image figure img"]["count"] == 3
