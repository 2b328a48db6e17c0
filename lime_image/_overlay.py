"""Pictures of an image explanation with pillow: a weight heat map and superpixel boundaries."""
from __future__ import annotations

import os
from typing import Any

import numpy as np

from ._image import display_rgb

__all__ = ["heatmap_overlay", "boundary_overlay", "save_png", "POSITIVE_COLOR", "NEGATIVE_COLOR"]

#: Tint of superpixels that raise the label's score (green) and of those that lower it (red).
POSITIVE_COLOR = (44, 160, 44)
NEGATIVE_COLOR = (214, 39, 40)


def _weights_per_segment(explanation: Any, label: int) -> np.ndarray:
    if label not in explanation.local_exp:
        raise KeyError(f"Label not in explanation: label {label} was not explained "
                       f"(explained: {list(explanation.local_exp)}).")
    weights = np.zeros(int(explanation.segments.max()) + 1)
    for feature, weight in explanation.local_exp[label]:
        weights[feature] = weight
    return weights


def heatmap_overlay(explanation: Any, label: int, *, alpha: float = 0.6,
                    positive_color: tuple[int, int, int] = POSITIVE_COLOR,
                    negative_color: tuple[int, int, int] = NEGATIVE_COLOR) -> Any:
    """The image with each superpixel tinted by its weight for ``label``.

    A superpixel with weight ``w`` is blended with ``positive_color`` (``w > 0``)
    or ``negative_color`` (``w < 0``) with opacity ``alpha * |w| / max|w|``.

    Parameters
    ----------
    explanation : ImageExplanation
    label : int
    alpha : float, default=0.6
        Opacity of the strongest superpixel, in [0, 1].
    positive_color, negative_color : (int, int, int)

    Returns
    -------
    PIL.Image.Image
        RGB, the image's size.

    Examples
    --------
    >>> from lime_image import ImageExplanation
    >>> exp = ImageExplanation(np.zeros((2, 2), np.uint8), np.array([[0, 0], [1, 1]]),
    ...                        local_exp={1: [(0, 1.0), (1, -0.5)]})
    >>> np.asarray(heatmap_overlay(exp, 1))[:, 0].tolist()
    [[26, 96, 26], [64, 12, 12]]
    """
    from PIL import Image
    if not 0.0 <= float(alpha) <= 1.0:
        raise ValueError(f"The 'alpha' parameter of heatmap_overlay must be in [0, 1]; got {alpha}.")
    weights = _weights_per_segment(explanation, label)
    scale = np.abs(weights).max()
    strength = alpha * np.abs(weights) / scale if scale > 0 else np.zeros_like(weights)
    colors = np.where((weights >= 0)[:, None], np.asarray(positive_color, float),
                      np.asarray(negative_color, float))
    segments = explanation.segments
    opacity = strength[segments][:, :, None]
    base = display_rgb(explanation.image).astype(float)
    blended = (1.0 - opacity) * base + opacity * colors[segments]
    return Image.fromarray(np.rint(blended).astype(np.uint8))


def boundary_overlay(explanation: Any, label: int | None = None, *, num_features: int = 5,
                     positive_only: bool = True, color: tuple[int, int, int] = (255, 255, 0)) -> Any:
    """The image with superpixel boundaries drawn in ``color``.

    Parameters
    ----------
    explanation : ImageExplanation
    label : int, optional
        ``None``: the boundaries of every superpixel. Otherwise only those of
        the superpixels :meth:`ImageExplanation.get_image_and_mask` picks for
        ``label`` (with ``num_features`` and ``positive_only``).
    num_features : int, default=5
    positive_only : bool, default=True
    color : (int, int, int), default=(255, 255, 0)

    Returns
    -------
    PIL.Image.Image

    Examples
    --------
    >>> from lime_image import ImageExplanation
    >>> exp = ImageExplanation(np.zeros((4, 4), np.uint8), np.repeat([[0, 0, 1, 1]], 4, axis=0))
    >>> boundary_overlay(exp).size
    (4, 4)
    """
    from PIL import Image
    from skimage.segmentation import find_boundaries
    if label is None:
        regions = explanation.segments
    else:
        _, regions = explanation.get_image_and_mask(label, positive_only=positive_only,
                                                    num_features=num_features)
    edges = find_boundaries(regions, mode="inner" if label is None else "outer")
    picture = display_rgb(explanation.image).copy()
    picture[edges] = np.asarray(color, dtype=np.uint8)
    return Image.fromarray(picture)


def save_png(picture: Any, path: str | os.PathLike) -> None:
    """Save a PIL image as PNG (whatever the file's extension)."""
    picture.save(os.fspath(path), format="PNG")
