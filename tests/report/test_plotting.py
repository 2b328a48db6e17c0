"""matplotlib views: the weight bar chart and the image overlay figure."""
from __future__ import annotations

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from lime_core.plotting import image_figure  # noqa: E402
from tests.report import fixtures  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_bar_chart_has_one_bar_per_weight_largest_on_top():
    exp = fixtures.tabular_explanation(hostile=False)
    figure = exp.as_pyplot_figure(label=1, figsize=(6, 3))
    axes = figure.axes[0]
    assert tuple(figure.get_size_inches()) == (6, 3)
    bars = sorted(axes.patches, key=lambda p: -p.get_y())
    weights = [w for _, w in exp.as_list(label=1)]
    assert [round(b.get_width(), 9) for b in bars] == [round(w, 9) for w in weights]
    labels = {float(t.get_position()[1]): t.get_text() for t in axes.get_yticklabels()}
    assert labels[float(len(weights) - 1)].startswith(exp.as_list(label=1)[0][0])
    assert "= 12.40" in " ".join(labels.values())
    assert "malignant" in figure._suptitle.get_text()


def test_regression_chart_and_unknown_label():
    exp = fixtures.regression_explanation()
    figure = exp.as_pyplot_figure()
    assert "predicted value" in figure._suptitle.get_text()
    with pytest.raises(KeyError, match="label 0 was not explained"):
        fixtures.tabular_explanation(hostile=False).as_pyplot_figure(label=0)


def test_image_figure_has_three_panels():
    figure = image_figure(fixtures.image_explanation(), num_features=3)
    assert len(figure.axes) == 3
    assert [len(ax.images) for ax in figure.axes] == [1, 1, 1]
    assert "3 strongest superpixels" in figure.axes[2].get_title()


def test_image_figure_needs_an_image_explanation():
    with pytest.raises(ValueError, match="image_figure needs an image explanation"):
        image_figure(fixtures.tabular_explanation(hostile=False))
