"""Images as users have them: validation, channel views and fill images.

An image is kept in the dtype and channel layout it came in (uint8, uint16,
float in [0, 1], grayscale ``(H, W)``, ``(H, W, 1)``, RGB, RGBA, a PIL image),
so that the black box receives perturbed images exactly like the one it was
given.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = ["as_image_array", "segmentation_view", "display_rgb", "fill_image", "FILL_MODES"]

#: Named fill modes for hidden superpixels (a constant colour comes through ``hide_color``,
#: a user image as an array).
FILL_MODES = ("mean", "blur")
#: Default Gaussian blur of ``fill='blur'``, as a share of the image's longer side.
BLUR_SIGMA_SHARE = 0.05


def _from_pil(image: Any) -> np.ndarray:
    mode = image.mode
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif mode == "1":
        image = image.convert("L")
    return np.array(image)


def as_image_array(image: Any, caller: str, name: str = "image") -> np.ndarray:
    """Check an image and return it as a C-contiguous array of its own dtype.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C), or PIL.Image.Image
        Numeric pixels (unsigned or signed integers, or finite floats). A PIL
        image becomes ``numpy.array(image)`` (palette images become RGB or RGBA).
    caller, name : str
        For messages.

    Returns
    -------
    ndarray of shape (H, W) or (H, W, C)
        A copy: changing the caller's image later does not change the explanation.

    Examples
    --------
    >>> as_image_array(np.zeros((2, 3), np.uint8), "f").shape
    (2, 3)
    >>> as_image_array(np.zeros(5), "f")
    Traceback (most recent call last):
    ...
    ValueError: The 'image' parameter of f must be a 2-D (H, W) grayscale or 3-D (H, W, C) image; got a 1-D array of shape (5,).
    """
    if hasattr(image, "mode") and hasattr(image, "getbands"):
        image = _from_pil(image)
    try:
        array = np.array(image)
    except Exception as exc:  # ragged nested lists and the like
        raise TypeError(f"The '{name}' parameter of {caller} must be an array or a PIL image; "
                        f"got {type(image).__name__} ({exc}).") from exc
    if array.dtype.kind not in "uif":
        raise TypeError(f"The '{name}' parameter of {caller} must hold numbers (uint8, uint16, "
                        f"float...); got dtype {array.dtype}.")
    if array.ndim not in (2, 3):
        raise ValueError(f"The '{name}' parameter of {caller} must be a 2-D (H, W) grayscale or 3-D "
                         f"(H, W, C) image; got a {array.ndim}-D array of shape {array.shape}."
                         + (" Pass one image at a time, not a batch." if array.ndim == 4 else ""))
    if array.size == 0:
        raise ValueError(f"The '{name}' parameter of {caller} is empty (shape {array.shape}); "
                         f"an image needs at least one pixel and one channel.")
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        bad = np.argwhere(~np.isfinite(array))[0].tolist()
        raise ValueError(f"The '{name}' parameter of {caller} has NaN or infinite pixels "
                         f"(first at index {bad}); replace them before explaining.")
    return np.ascontiguousarray(array)


def segmentation_view(image: np.ndarray) -> np.ndarray:
    """The image a segmentation function sees: RGB when the image has one or four channels.

    Grayscale images are stacked to three channels (as lime's ``gray2rgb`` did),
    RGBA images lose their alpha channel; other layouts pass unchanged.

    Examples
    --------
    >>> segmentation_view(np.zeros((4, 5))).shape, segmentation_view(np.zeros((4, 5, 4))).shape
    ((4, 5, 3), (4, 5, 3))
    """
    if image.ndim == 2:
        return np.repeat(image[:, :, None], 3, axis=2)
    if image.shape[2] == 1:
        return np.repeat(image, 3, axis=2)
    if image.shape[2] == 4:
        return np.ascontiguousarray(image[:, :, :3])
    return image


def display_rgb(image: np.ndarray) -> np.ndarray:
    """An ``(H, W, 3)`` uint8 picture of any supported image, for overlays and reports.

    uint8 is kept, other integer types are scaled by their maximum, floats are
    read as [0, 1] (or [0, 255] when their maximum exceeds 1) and clipped.

    Examples
    --------
    >>> display_rgb(np.full((1, 1), 0.5)).tolist()
    [[[128, 128, 128]]]
    """
    rgb = segmentation_view(image)[:, :, :3] if image.ndim == 3 and image.shape[2] >= 3 \
        else segmentation_view(image)
    if rgb.shape[2] != 3:  # two channels, or more than four: show the first as gray
        rgb = np.repeat(rgb[:, :, :1], 3, axis=2)
    if rgb.dtype == np.uint8:
        return np.ascontiguousarray(rgb)
    values = rgb.astype(float)
    if rgb.dtype.kind in "ui":
        values = values / max(float(np.iinfo(rgb.dtype).max), 1.0)
    elif values.max(initial=0.0) > 1.0:
        values = values / 255.0
    return np.rint(np.clip(values, 0.0, 1.0) * 255.0).astype(np.uint8)


def _cast(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Float values to ``dtype``: rounded and clipped for integers."""
    if dtype.kind in "ui":
        info = np.iinfo(dtype)
        return np.clip(np.rint(values), info.min, info.max).astype(dtype)
    return values.astype(dtype)


def _constant(image: np.ndarray, hide_color: Any, caller: str) -> np.ndarray:
    channels = image.shape[2] if image.ndim == 3 else 1
    try:
        colour = np.asarray(hide_color, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"The 'hide_color' parameter of {caller} must be None, a number or a "
                        f"sequence of {channels} numbers; got {hide_color!r}.") from exc
    if colour.ndim > 1 or (colour.ndim == 1 and colour.shape[0] not in (1, channels)):
        raise ValueError(f"The 'hide_color' parameter of {caller} must be one number or one per "
                         f"channel ({channels} for an image of shape {image.shape}); got "
                         f"{colour.shape[0] if colour.ndim == 1 else colour.shape} values: {hide_color!r}.")
    if not np.all(np.isfinite(colour)):
        raise ValueError(f"The 'hide_color' parameter of {caller} must be finite; got {hide_color!r}.")
    if image.dtype.kind in "ui":
        info = np.iinfo(image.dtype)
        if colour.min() < info.min or colour.max() > info.max:
            raise ValueError(f"The 'hide_color' parameter of {caller} must fit the image's dtype "
                             f"{image.dtype} ([{info.min}, {info.max}]); got {hide_color!r}.")
    colour = colour.reshape(-1) if image.ndim == 3 else colour.reshape(-1)[:1].reshape(())
    return np.broadcast_to(_cast(colour, image.dtype), image.shape).copy()


def _segment_means(image: np.ndarray, segments: np.ndarray, num_segments: int) -> np.ndarray:
    """Each superpixel filled with its own mean colour (lime's ``hide_color=None``).

    Integer images keep lime's rounding: the mean is truncated to the dtype.
    """
    pixels = image.reshape(segments.size, -1).astype(float)
    labels = segments.reshape(-1)
    counts = np.bincount(labels, minlength=num_segments).astype(float)
    sums = np.stack([np.bincount(labels, weights=pixels[:, c], minlength=num_segments)
                     for c in range(pixels.shape[1])], axis=1)
    means = sums / np.maximum(counts, 1.0)[:, None]
    # lime assigned float means into the image's array: a C cast, truncating integers.
    return means.astype(image.dtype)[labels].reshape(image.shape)


def _blur(image: np.ndarray, sigma: float | None, caller: str) -> np.ndarray:
    from scipy.ndimage import gaussian_filter
    if sigma is None:
        sigma = max(1.0, BLUR_SIGMA_SHARE * max(image.shape[:2]))
    if isinstance(sigma, bool) or not isinstance(sigma, numbers.Real) or not sigma > 0:
        raise ValueError(f"The 'blur_sigma' parameter of {caller} must be a float > 0; got {sigma!r}.")
    sigmas = (sigma, sigma) + ((0.0,) if image.ndim == 3 else ())
    return _cast(gaussian_filter(image.astype(float), sigmas, mode="nearest"), image.dtype)


def fill_image(image: np.ndarray, segments: np.ndarray, num_segments: int, *, hide_color: Any = None,
               fill: Any = None, blur_sigma: float | None = None, caller: str = "fill_image") -> np.ndarray:
    """The image a hidden superpixel is taken from, same shape and dtype as ``image``.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C)
    segments : ndarray of shape (H, W)
        Labels ``0 .. num_segments - 1``.
    num_segments : int
    hide_color : number or sequence of C numbers, optional
        lime's parameter: a constant colour. ``None`` with ``fill=None`` means
        each superpixel's own mean colour (lime's default).
    fill : {'mean', 'blur'} or ndarray, optional
        ``'mean'``: each superpixel's mean colour; ``'blur'``: the image blurred
        by a Gaussian of ``blur_sigma`` pixels; an array of the image's shape:
        a user image (a baseline). Cannot be combined with ``hide_color``.
    blur_sigma : float, optional
        Default 5% of the longer side (at least 1 pixel).
    caller : str
        For messages.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> image = np.array([[0, 10], [20, 30]], dtype=np.uint8)
    >>> segments = np.array([[0, 0], [1, 1]])
    >>> fill_image(image, segments, 2).tolist()
    [[5, 5], [25, 25]]
    >>> fill_image(image, segments, 2, hide_color=7).tolist()
    [[7, 7], [7, 7]]
    """
    if fill is not None and hide_color is not None:
        raise ValueError(f"{caller}: pass either 'hide_color' (lime's constant colour) or 'fill', "
                         f"not both; got hide_color={hide_color!r} and fill={fill!r}.")
    if fill is None:
        fill = "mean" if hide_color is None else "constant"
    if isinstance(fill, str):
        if fill == "mean":
            return _segment_means(image, segments, num_segments)
        if fill == "blur":
            return _blur(image, blur_sigma, caller)
        if fill == "constant":
            return _constant(image, hide_color, caller)
        raise ValueError(f"The 'fill' parameter of {caller} must be one of {', '.join(map(repr, FILL_MODES))} "
                         f"or an image of shape {image.shape}; got {fill!r}.")
    user = as_image_array(fill, caller, name="fill")
    if user.shape != image.shape:
        raise ValueError(f"The 'fill' parameter of {caller} must be an image of the same shape as "
                         f"the image, {image.shape}; got shape {user.shape}.")
    return user if user.dtype == image.dtype else _cast(user.astype(float), image.dtype)
