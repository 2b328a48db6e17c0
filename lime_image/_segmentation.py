"""Superpixels: the default segmentation, checks on what a segmentation returns, a cache.

The default is lime's: quickshift with ``kernel_size=4, max_dist=200,
ratio=0.2`` (Vedaldi and Soatto, "Quick Shift and Kernel Methods for Mode
Seeking", ECCV 2008), seeded from the explanation's ``random_state``.

Segmenting is the slowest step outside the black box (0.6 s for a 300 x 451
picture), so the segment maps of the last :data:`CACHE_SIZE` (image, algorithm)
pairs are kept: explaining one image for several labels or with a fixed
segmentation seed segments it once. Only segmentations whose parameters are
known are cached (the default, a :class:`~lime_image.wrappers.scikit_image.SegmentationAlgorithm`
with scalar parameters); an arbitrary callable is called every time.
"""
from __future__ import annotations

import hashlib
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

from .wrappers.scikit_image import SegmentationAlgorithm

__all__ = ["SegmentationWarning", "default_segmentation", "segment", "check_segments",
           "clear_segmentation_cache", "CACHE_SIZE"]

#: How many segment maps the cache keeps (least recently used out first).
CACHE_SIZE = 16
#: lime's default quickshift parameters.
QUICKSHIFT_PARAMS = {"kernel_size": 4, "max_dist": 200, "ratio": 0.2}

_cache: OrderedDict[Hashable, np.ndarray] = OrderedDict()
_lock = threading.Lock()


class SegmentationWarning(UserWarning):
    """The segmentation gives a degenerate explanation (a single superpixel)."""


def clear_segmentation_cache() -> None:
    """Forget every cached segment map.

    Examples
    --------
    >>> clear_segmentation_cache()
    """
    with _lock:
        _cache.clear()


def _cache_info() -> int:
    with _lock:
        return len(_cache)


def default_segmentation(seed: int, channels: int = 3) -> SegmentationAlgorithm:
    """lime's default segmentation: quickshift(kernel_size=4, max_dist=200, ratio=0.2).

    Parameters
    ----------
    seed : int
        quickshift's ``rng`` (it only breaks ties between equal densities).
    channels : int, default=3
        Channels of the image to segment; Lab conversion needs exactly 3.

    Examples
    --------
    >>> default_segmentation(0).target_params["kernel_size"]
    4
    """
    return SegmentationAlgorithm("quickshift", **QUICKSHIFT_PARAMS, rng=int(seed),
                                 convert2lab=channels == 3)


def check_segments(segments: Any, shape: tuple[int, int], caller: str) -> tuple[np.ndarray, int]:
    """Validate a segment map and label its superpixels ``0 .. d' - 1`` in order.

    Parameters
    ----------
    segments : array-like of shape (H, W) of int
    shape : (H, W)
        The image's height and width.
    caller : str

    Returns
    -------
    segments : ndarray of shape (H, W) of int64
        Relabelled so that label ``i`` is interpretable feature ``i``. lime
        assumed labels ``0 .. d'-1`` and silently never hid a superpixel when
        they were not (``slic`` labels from 1).
    num_segments : int

    Warns
    -----
    SegmentationWarning
        When there is one superpixel only: the explanation then says only how
        the whole image compares with its fill.

    Examples
    --------
    >>> check_segments(np.array([[1, 1], [3, 5]]), (2, 2), "f")[0].tolist()
    [[0, 0], [1, 2]]
    """
    array = np.asarray(segments)
    if array.shape != tuple(shape):
        raise ValueError(f"{caller}: the segmentation must return one label per pixel, an array of "
                         f"shape {tuple(shape)}; got shape {array.shape}.")
    if array.dtype.kind not in "biu":
        if array.dtype.kind == "f" and np.all(np.isfinite(array)) and np.all(array == np.round(array)):
            array = array.astype(np.int64)
        else:
            raise TypeError(f"{caller}: the segmentation must return integer labels; got dtype "
                            f"{array.dtype}.")
    flat = array.reshape(-1).astype(np.int64, copy=False)
    low, high = int(flat.min()), int(flat.max())
    if low >= 0 and high < 4 * flat.size + 16:
        present = np.bincount(flat, minlength=high + 1) > 0
        if low == 0 and present.all():
            relabelled, num = flat, high + 1
        else:
            relabelled, num = (np.cumsum(present) - 1)[flat], int(present.sum())
    else:
        _, relabelled = np.unique(flat, return_inverse=True)
        num = int(relabelled.max()) + 1
    if num == 1:
        warnings.warn(f"{caller}: the segmentation returned a single segment for the whole image, "
                      f"so the explanation can only compare the whole image with its fill. Pass a "
                      f"finer segmentation_fn (e.g. SegmentationAlgorithm('slic', n_segments=50)) "
                      f"or segments.", SegmentationWarning, stacklevel=3)
    return np.ascontiguousarray(relabelled.reshape(array.shape), dtype=np.int64), num


def _image_key(image: np.ndarray) -> tuple:
    digest = hashlib.blake2b(np.ascontiguousarray(image).data, digest_size=20).hexdigest()
    return (digest, image.shape, str(image.dtype))


def segment(view: np.ndarray, segmentation_fn: Callable[[np.ndarray], Any], caller: str,
            *, cache: bool = True) -> tuple[np.ndarray, int]:
    """Segment ``view`` (the image as a segmentation sees it), through the cache when possible.

    Parameters
    ----------
    view : ndarray of shape (H, W, C)
    segmentation_fn : callable ``image -> ndarray of shape (H, W)``
    caller : str
    cache : bool, default=True
        Look up and store known segmentations.

    Returns
    -------
    segments : ndarray of shape (H, W) of int64, labels ``0 .. num_segments - 1``
    num_segments : int

    Examples
    --------
    >>> view = np.zeros((20, 20, 3)); view[:, 10:] = 1.0
    >>> fn = SegmentationAlgorithm("slic", n_segments=4, compactness=1, start_label=0)
    >>> segment(view, fn, "f")[1]
    4
    """
    key = None
    if cache and isinstance(segmentation_fn, SegmentationAlgorithm):
        algo = segmentation_fn.cache_key()
        if algo is not None:
            key = (_image_key(view), algo)
            with _lock:
                hit = _cache.get(key)
                if hit is not None:
                    _cache.move_to_end(key)
                    return hit.copy(), int(hit.max()) + 1
    try:
        raw = segmentation_fn(view)
    except (ValueError, TypeError) as exc:
        raise type(exc)(f"{caller}: segmentation_fn raised {type(exc).__name__} on an image of "
                        f"shape {view.shape} and dtype {view.dtype}: {exc}") from exc
    segments, num = check_segments(raw, view.shape[:2], caller)
    if key is not None:
        stored = segments.copy()
        stored.flags.writeable = False
        with _lock:
            _cache[key] = stored
            _cache.move_to_end(key)
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return segments, num
