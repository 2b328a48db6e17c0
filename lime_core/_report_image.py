"""Pictures of image explanations, made with pillow and embedded as base64 PNG.

Three views of one explanation: the image as given, a heat map of the
surrogate's weight of every superpixel, and an overlay that tints the
superpixels speaking for the label green and those against it red.
"""
from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np

__all__ = ["as_rgb_uint8", "weight_map", "heatmap_rgb", "overlay_rgb", "png_data_uri"]

#: Green and red of the report (the same as the bar chart's).
POSITIVE_RGB = np.array([45, 164, 78], dtype=float)
NEGATIVE_RGB = np.array([229, 83, 75], dtype=float)
#: Opacity of the tint at the largest |weight|.
MAX_TINT = 0.75


def as_rgb_uint8(image: np.ndarray) -> np.ndarray:
    """Any image array (grey, RGB, RGBA; uint8, int or float) as RGB ``uint8``.

    Floats with values in [0, 1] are read as fractions, other numbers as 0..255.

    Examples
    --------
    >>> as_rgb_uint8(np.ones((2, 2))).shape, as_rgb_uint8(np.ones((2, 2)))[0, 0, 0]
    ((2, 2, 3), np.uint8(255))
    """
    array = np.asarray(image)
    if array.ndim == 2:
        array = np.stack([array] * 3, axis=-1)
    if array.ndim != 3 or array.shape[-1] not in (1, 3, 4):
        raise ValueError(f"extras['image'] must be an image of shape (H, W), (H, W, 3) or (H, W, 4); "
                         f"got shape {array.shape}.")
    if array.shape[-1] == 1:
        array = np.repeat(array, 3, axis=-1)
    array = array[..., :3]
    if array.dtype == np.uint8:
        return array
    array = array.astype(float)
    if array.size and np.nanmax(array) <= 1.0 and np.nanmin(array) >= 0.0 and array.dtype.kind == "f":
        array = array * 255.0
    return np.clip(np.nan_to_num(array), 0, 255).astype(np.uint8)


def weight_map(segments: np.ndarray, local_exp: Sequence[tuple[int, float]]) -> np.ndarray:
    """The weight of each pixel's superpixel (0 where a superpixel has no weight).

    Examples
    --------
    >>> weight_map(np.array([[0, 1], [1, 2]]), [(1, 0.5), (2, -1.0)]).tolist()
    [[0.0, 0.5], [0.5, -1.0]]
    """
    segments = np.asarray(segments)
    lookup = np.zeros(int(segments.max()) + 1 if segments.size else 1)
    for feature, weight in local_exp:
        if 0 <= int(feature) < lookup.size:
            lookup[int(feature)] = float(weight)
    return lookup[segments]


def _tint(base: np.ndarray, weights: np.ndarray) -> np.ndarray:
    scale = float(np.abs(weights).max()) or 1.0
    alpha = (np.abs(weights) / scale * MAX_TINT)[..., None]
    colour = np.where((weights > 0)[..., None], POSITIVE_RGB, NEGATIVE_RGB)
    return (base * (1 - alpha) + colour * alpha).astype(np.uint8)


def heatmap_rgb(image: np.ndarray, segments: np.ndarray, local_exp: Sequence[tuple[int, float]]) -> np.ndarray:
    """Superpixel weights as a green (for) / red (against) heat map over a faded grey image."""
    rgb = as_rgb_uint8(image).astype(float)
    grey = rgb.mean(axis=-1, keepdims=True) * 0.35 + 165
    return _tint(np.repeat(grey, 3, axis=-1), weight_map(segments, local_exp))


def overlay_rgb(image: np.ndarray, segments: np.ndarray, local_exp: Sequence[tuple[int, float]],
                num_features: int = 5) -> np.ndarray:
    """The image with its ``num_features`` strongest superpixels outlined and tinted by sign.

    Other superpixels are dimmed, as in lime's ``get_image_and_mask(hide_rest=False)``.
    """
    from skimage.segmentation import find_boundaries

    rgb = as_rgb_uint8(image).astype(float)
    chosen = sorted(local_exp, key=lambda pair: -abs(pair[1]))[:num_features]
    weights = weight_map(segments, chosen)
    shown = np.isin(np.asarray(segments), [int(f) for f, _ in chosen if f is not None])
    base = np.where(shown[..., None], rgb, rgb * 0.45)
    out = _tint(base, weights * 0.6)
    edges = find_boundaries(np.where(shown, segments, -1), mode="inner") & shown
    signs = weights > 0
    out[edges & signs] = POSITIVE_RGB.astype(np.uint8)
    out[edges & ~signs] = NEGATIVE_RGB.astype(np.uint8)
    return out


#: Longest side of an image embedded in a report; larger pictures are scaled down (the page stays small).
MAX_EMBEDDED_SIDE = 512


def png_data_uri(rgb: np.ndarray, max_side: int = MAX_EMBEDDED_SIDE) -> str:
    """An RGB ``uint8`` array as a ``data:image/png;base64,...`` URI (no file, no network).

    Pictures longer than ``max_side`` pixels are scaled down first.

    Examples
    --------
    >>> png_data_uri(np.zeros((2, 2, 3), dtype=np.uint8)).startswith("data:image/png;base64,")
    True
    """
    from PIL import Image

    buffer = io.BytesIO()
    picture = Image.fromarray(np.ascontiguousarray(rgb, dtype=np.uint8))
    if max(picture.size) > max_side:
        picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    picture.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
