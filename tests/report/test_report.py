"""The HTML report: structure, escaping, options, errors, and the Explanation methods that use it."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pytest

from lime_core import Explanation, FeatureNamesMapper
from lime_core.report import explanation_html, report_html, save_report
from tests.report import fixtures


@pytest.fixture(scope="module")
def tabular():
    return fixtures.tabular_explanation()


@pytest.fixture(scope="module")
def text():
    return fixtures.text_explanation()


@pytest.fixture(scope="module")
def image():
    return fixtures.image_explanation()


class _Tags(HTMLParser):
    """Every start tag and its attributes, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _no_active_content(page: str) -> None:
    parser = _Tags()
    parser.feed(page)
    names = {tag for tag, _ in parser.tags}
    assert not names & {"script", "iframe", "object", "embed", "link", "base", "img src=x"}, names
    for tag, attrs in parser.tags:
        for name, value in attrs:
            assert not name.startswith("on"), f"<{tag}> carries the event handler {name}"
            if name in ("src", "href", "xlink:href", "action"):
                assert (value or "").startswith(("data:image/png;base64,", "#")), f"<{tag} {name}={value!r}>"
    lowered = page.lower()
    assert "@import" not in lowered and "url(" not in lowered


@pytest.mark.parametrize("make", [fixtures.tabular_explanation, fixtures.text_explanation,
                                  fixtures.image_explanation, fixtures.regression_explanation])
def test_every_modality_renders_a_self_contained_page(make):
    page = explanation_html(make())
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    _no_active_content(page)
    assert page.count('<section class="ll-exp') == 1
    assert "intercept" in page and "fidelity" in page


def test_hostile_strings_are_escaped_everywhere(tabular):
    page = explanation_html(tabular)
    _no_active_content(page)
    for hostile in (fixtures.HOSTILE_FEATURE, fixtures.HOSTILE_CLASS, fixtures.HOSTILE_VALUE):
        assert hostile not in page
    assert "&lt;script&gt;window.__pwned = 1; alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;window.__pwned = 2&quot;&gt;" in page


def test_title_shows_the_prediction_and_the_chart_the_feature_values(tabular):
    page = explanation_html(tabular, title="Patient 17")
    predicted = int(np.argmax(tabular.predict_proba))
    heading = re.search(r"<h2>(.*?)</h2>", page).group(1)
    assert heading.startswith("Patient 17: predicted")
    assert f"{tabular.predict_proba[predicted]:.3f}" in heading
    assert "= 12.40" in page and "mean radius &lt;= 13.10" in page
    assert f"{tabular.intercept[1]:.3f}" in page
    assert f"{tabular.score[1]:.3f}" in page and "held-out" in page


def test_text_is_highlighted_on_its_exact_spans(text):
    page = explanation_html(text)
    body = re.search(r'<p class="ll-text">(.*?)</p>', page, re.S).group(1)
    marked = re.findall(r'<mark class="ll-(pos|neg)"[^>]*>(.*?)</mark>', body)
    assert ("pos", "wonderful") in marked and ("neg", "terrible") in marked
    plain = re.sub(r"<[^>]+>", "", body).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert plain == text.extras["text"]
    assert "<b>" not in body and "&lt;" in body and "&amp;" in body


def test_overlapping_and_out_of_range_spans_are_skipped():
    exp = Explanation(FeatureNamesMapper(["ab", "bc", "zz"]), local_exp={1: [(0, 0.5), (1, -0.4), (2, 0.3)]},
                      intercept={1: 0.0}, score={1: 1.0}, local_pred={1: 0.5},
                      extras={"modality": "text", "text": "abc", "spans": {0: [[0, 2]], 1: [[1, 3]], 2: [[5, 9]]}})
    body = re.search(r'<p class="ll-text">(.*?)</p>', explanation_html(exp), re.S).group(1)
    assert re.sub(r"<[^>]+>", "", body) == "abc"
    assert body.count("<mark") == 1


def test_image_views_are_embedded_pngs(image):
    page = explanation_html(image)
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert len(sources) == 3 and all(s.startswith("data:image/png;base64,") for s in sources)


def test_report_holds_several_explanations_with_captions(tabular, text, image):
    page = report_html([tabular, text, image], title="Three <views>", captions=["a", "b", "c"])
    _no_active_content(page)
    assert page.count('<section class="ll-exp') == 3
    assert "<title>Three &lt;views&gt;</title>" in page and "<h1>Three &lt;views&gt;</h1>" in page
    for modality in ("tabular", "text", "image"):
        assert f"ll-modality-{modality}" in page
    links = re.findall(r'<a href="#([^"]+)">([^<]*)</a>', page)
    assert [text for _, text in links] == ["a", "b", "c"]
    assert all(f'id="{anchor}"' in page for anchor, _ in links)


def test_save_report_writes_utf8(tmp_path, text):
    path = save_report([text], tmp_path / "r.html", title="caf\u00e9")
    assert path.endswith("r.html") and "caf\u00e9" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_labels_predict_proba_and_fragment_options():
    exp = fixtures.tabular_explanation(hostile=False)
    multi = exp.replace(local_exp={0: exp.local_exp[1], 1: exp.local_exp[1]},
                        intercept={0: 0.1, 1: 0.2}, score={0: 0.9, 1: 0.9}, local_pred={0: 0.3, 1: 0.7},
                        fidelity={}, std_err={})
    assert explanation_html(multi).count('class="ll-card ll-label"') == 2
    assert explanation_html(multi, labels=[0]).count('class="ll-card ll-label"') == 1
    assert "Model output" not in explanation_html(multi, predict_proba=False)
    fragment = explanation_html(multi, fragment=True)
    assert fragment.startswith('<div class="limelight">') and "<html" not in fragment
    assert explanation_html(multi, show_table=True, show_all=False)  # lime's options are accepted


def test_regression_shows_the_value_unless_asked_not_to():
    exp = fixtures.regression_explanation()
    assert "predicted value" in explanation_html(exp)
    assert "range over the samples" not in explanation_html(exp, show_predicted_value=False)


def test_low_fidelity_is_flagged():
    exp = Explanation(FeatureNamesMapper(["a"]), local_exp={1: [(0, 0.5)]}, intercept={1: 0.0},
                      score={1: 0.05}, local_pred={1: 0.5})
    assert "fits the model poorly" in explanation_html(exp)


def test_bad_arguments_are_named():
    exp = fixtures.regression_explanation()
    with pytest.raises(TypeError, match="unexpected keyword argument.*colour"):
        explanation_html(exp, colour="red")
    with pytest.raises(ValueError, match="'explanations' parameter of report_html must hold at least one"):
        report_html([])
    with pytest.raises(ValueError, match="'captions' parameter of report_html must have one entry per"):
        report_html([exp], captions=["a", "b"])
    classification = fixtures.tabular_explanation(hostile=False)
    with pytest.raises(KeyError, match="label 0 was not explained"):
        explanation_html(classification, labels=[0])


def test_explanation_methods_delegate_to_the_report(tmp_path, text):
    assert text.as_html() == explanation_html(text)
    assert text._repr_html_() == explanation_html(text, fragment=True)
    text.save_to_file(str(tmp_path / "t.html"))
    assert (tmp_path / "t.html").read_text(encoding="utf-8") == text.as_html()


def test_a_json_round_trip_renders_the_same(text, image):
    for exp in (text, image):
        again = Explanation.from_json(exp.to_json())
        assert explanation_html(again) == explanation_html(exp)


def test_dark_theme_rules_and_no_fixed_white_background(tabular):
    page = explanation_html(tabular)
    assert '<meta name="color-scheme" content="light dark">' in page and "currentColor" in page
    page_style = re.search(r"<head>.*<style>(.*?)</style></head>", page, re.S).group(1)
    assert not re.search(r"(^|[\s,}])(html|body|:root)\b", page_style), "the page styles outside the report"
    style = re.search(r'<div class="limelight"><style>(.*?)</style>', page, re.S).group(1)
    assert not re.search(r"background(-color)?:\s*(#fff\b|#ffffff|white)", style, re.I)


def test_large_pictures_are_scaled_down_in_the_page():
    import base64
    import io

    from PIL import Image

    segments = (np.arange(900)[:, None] // 300) * 4 + np.arange(1400)[None, :] // 350
    exp = Explanation(FeatureNamesMapper([str(i) for i in range(12)]), local_exp={1: [(0, 0.5), (5, -0.2)]},
                      intercept={1: 0.0}, score={1: 0.9}, local_pred={1: 0.5},
                      extras={"modality": "image", "image": np.zeros((900, 1400, 3), dtype=np.uint8),
                              "segments": segments})
    sources = re.findall(r'<img src="data:image/png;base64,([^"]+)"', explanation_html(exp))
    sizes = [Image.open(io.BytesIO(base64.b64decode(s))).size for s in sources]
    assert sizes == [(512, 329)] * 3
