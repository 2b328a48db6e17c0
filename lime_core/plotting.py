"""matplotlib figures of explanations (needs the ``plot`` extra: ``pip install 'limelight[plot]'``).

:meth:`Explanation.as_pyplot_figure` calls :func:`explanation_figure`;
:func:`image_figure` shows an image explanation as the report does: the image,
the weight of every superpixel, and the strongest superpixels for and against.
"""
from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

__all__ = ["explanation_figure", "image_figure"]

#: Bar colours (the report's green and red).
POSITIVE = "#2da44e"
NEGATIVE = "#e5534b"


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("plotting needs matplotlib: pip install 'limelight[plot]'.") from exc
    return plt


def _label_title(explanation: Any, label: int) -> str:
    names = explanation.class_names
    if explanation.mode != "classification":
        return "the predicted value"
    return str(names[label]) if names is not None and 0 <= label < len(names) else f"label {label}"


def explanation_figure(explanation: Any, label: int = 1, figsize: tuple[float, float] | None = None,
                       **kwargs: Any) -> Any:
    """A horizontal bar chart of ``explanation.as_list(label)``, largest weight on top.

    Feature values (``extras["feature_values"]``) follow the names; 95% confidence
    whiskers are drawn when the explanation carries standard errors.

    Parameters
    ----------
    explanation : Explanation
    label : int, default=1
        Ignored for regression, as in lime.
    figsize : (float, float), optional
        Default: wide enough for the names, 0.4 inch per feature.
    **kwargs
        Passed to :meth:`Explanation.as_list`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from lime_core import Explanation, FeatureNamesMapper
    >>> exp = Explanation(FeatureNamesMapper(["a", "b"]), local_exp={1: [(1, 0.5), (0, -0.2)]},
    ...                   intercept={1: 0.1}, score={1: 0.9}, local_pred={1: 0.4})
    >>> fig = explanation_figure(exp)
    >>> sorted((float(t.get_position()[1]), t.get_text()) for t in fig.axes[0].get_yticklabels())
    [(0.0, 'a'), (1.0, 'b')]
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    plt = _pyplot()
    key = label if explanation.mode == "classification" else 1
    pairs = explanation.as_list(label=label, **kwargs)
    ids = [f for f, _ in explanation.local_exp[explanation._label_key(label)]]
    values = explanation.extras.get("feature_values") if isinstance(explanation.extras, dict) else None
    names = []
    for (name, _), feature in zip(pairs, ids):
        value = None if values is None or not 0 <= int(feature) < len(values) else values[int(feature)]
        names.append(f"{name} = {value}" if value is not None and explanation.extras.get("modality") == "tabular"
                     else str(name))
    weights = np.array([w for _, w in pairs], dtype=float)
    std_err = getattr(explanation, "std_err", None) or {}
    errors = np.asarray(std_err[key], dtype=float) * 1.959964 if key in std_err \
        and len(std_err[key]) == len(weights) else None
    longest = max((len(n) for n in names), default=10)
    figure, axes = plt.subplots(figsize=figsize or (min(4.5 + 0.075 * longest, 14), 0.4 * len(pairs) + 1.4))
    order = np.arange(len(pairs))[::-1]
    axes.barh(order, weights, color=[POSITIVE if w > 0 else NEGATIVE for w in weights],
              xerr=errors, error_kw={"elinewidth": 1, "capsize": 3, "alpha": 0.6})
    axes.set_yticks(order, names)
    axes.axvline(0, color="0.4", linewidth=0.8)
    for y, w in zip(order, weights):
        axes.annotate(f"{w:+.3f}", (w, y), xytext=(4 if w >= 0 else -4, 0), textcoords="offset points",
                      ha="left" if w >= 0 else "right", va="center", fontsize=8)
    reach = float(np.max(np.abs(weights) + (0 if errors is None else errors))) if len(weights) else 1.0
    low = -1.6 * reach if (weights < 0).any() else -0.05 * reach
    high = 1.6 * reach if (weights > 0).any() else 0.05 * reach
    axes.set_xlim(low or -1.0, high or 1.0)
    title = textwrap.shorten(f"Local explanation for {_label_title(explanation, label)}", 70)
    if key in explanation.score:
        title += f"\nfidelity R\u00b2 {explanation.score[key]:.2f}, intercept {explanation.intercept[key]:.3f}"
    figure.suptitle(title, fontsize=10)
    axes.set_xlabel("weight of the local linear surrogate")
    figure.tight_layout()
    return figure


def image_figure(explanation: Any, label: int | None = None, num_features: int = 5,
                 figsize: tuple[float, float] | None = None) -> Any:
    """The image, the weight of each superpixel, and the strongest superpixels tinted by sign.

    Parameters
    ----------
    explanation : Explanation
        An image explanation (``extras["image"]`` and ``extras["segments"]``).
    label : int, optional
        Default: the first explained label (the top one with ``top_labels``).
    num_features : int, default=5
        Superpixels outlined in the overlay.
    figsize : (float, float), optional

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        When the explanation has no image or segments.
    """
    from ._report_image import as_rgb_uint8, heatmap_rgb, overlay_rgb

    image, segments = explanation.extras.get("image"), explanation.extras.get("segments")
    if image is None or segments is None:
        raise ValueError("image_figure needs an image explanation with extras['image'] and "
                         f"extras['segments']; this one has extras {sorted(explanation.extras)}.")
    if label is None:
        label = explanation.available_labels()[0] if explanation.mode == "classification" else 1
    pairs = explanation.local_exp[explanation._label_key(label)]
    plt = _pyplot()
    figure, axes = plt.subplots(1, 3, figsize=figsize or (12, 4.2))
    name = _label_title(explanation, label)
    panels = [(as_rgb_uint8(image), "the image"),
              (heatmap_rgb(image, segments, pairs), "superpixel weights (green for, red against)"),
              (overlay_rgb(image, segments, pairs, num_features=num_features),
               f"{num_features} strongest superpixels for {name}")]
    for ax, (picture, caption) in zip(axes, panels):
        ax.imshow(picture)
        ax.set_title(caption, fontsize=9)
        ax.axis("off")
    figure.tight_layout()
    return figure
