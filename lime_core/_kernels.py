"""Locality kernels ``pi_x``: from a neighbourhood to one weight per sample.

A kernel is any callable ``kernel(neighborhood) -> ndarray of shape (num_samples,)``
of non-negative finite weights. :class:`ExponentialKernel` is LIME's;
:class:`DistanceKernel` adapts a lime-style ``kernel_fn(d, kernel_width)``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._representation import Neighborhood
from .validation import check_positive_float

__all__ = ["ExponentialKernel", "DistanceKernel", "exponential_kernel", "check_kernel_weights"]


def exponential_kernel(distances: np.ndarray, kernel_width: float) -> np.ndarray:
    """LIME's exponential kernel as the original lime computes it.

    The paper writes ``pi_x(z) = exp(-D(x, z)^2 / sigma^2)``. The original code
    computes ``sqrt(exp(-d^2 / w^2))``, which is ``exp(-d^2 / (2 w^2))``; the
    default kernel widths of every lime explainer (0.75*sqrt(d), 25, 0.25) were
    tuned for that form, so Limelight keeps it numerically.

    Parameters
    ----------
    distances : ndarray of shape (num_samples,)
    kernel_width : float
        ``w`` above, > 0.

    Returns
    -------
    ndarray of shape (num_samples,)

    Examples
    --------
    >>> exponential_kernel(np.array([0.0, 1.0]), 1.0).round(4).tolist()
    [1.0, 0.6065]
    """
    distances = np.asarray(distances, dtype=float)
    return np.exp(-(distances ** 2) / (2.0 * kernel_width ** 2))


@dataclass(frozen=True)
class ExponentialKernel:
    """LIME's locality kernel ``exp(-d^2 / (2 w^2))`` on a neighbourhood's distances.

    Parameters
    ----------
    kernel_width : float
        ``w``, > 0 (see :func:`exponential_kernel` for the factor 2).

    Examples
    --------
    >>> from lime_core import Neighborhood
    >>> hood = Neighborhood(np.ones((2, 1)), np.array([0.0, 2.0]), lambda a, b: None)
    >>> ExponentialKernel(2.0)(hood).round(4).tolist()
    [1.0, 0.6065]
    """

    kernel_width: float

    def __post_init__(self) -> None:
        check_positive_float(self.kernel_width, "kernel_width", "ExponentialKernel")

    def __call__(self, neighborhood: Neighborhood) -> np.ndarray:
        return exponential_kernel(neighborhood.distances, self.kernel_width)


@dataclass(frozen=True)
class DistanceKernel:
    """Adapt a lime-style ``kernel_fn(distances, kernel_width) -> weights``.

    Parameters
    ----------
    kernel_fn : callable ``(ndarray of shape (n,), float) -> ndarray of shape (n,)``
    kernel_width : float

    Examples
    --------
    >>> from lime_core import Neighborhood
    >>> hood = Neighborhood(np.ones((2, 1)), np.array([0.0, 2.0]), lambda a, b: None)
    >>> DistanceKernel(lambda d, w: 1 / (1 + d / w), 2.0)(hood).tolist()
    [1.0, 0.5]
    """

    kernel_fn: Callable[[np.ndarray, float], np.ndarray]
    kernel_width: float

    def __call__(self, neighborhood: Neighborhood) -> np.ndarray:
        return np.asarray(self.kernel_fn(neighborhood.distances, self.kernel_width), dtype=float)


def check_kernel_weights(weights: object, num_samples: int) -> np.ndarray:
    """Validate what a kernel returned: ``num_samples`` finite, non-negative, not all zero.

    Examples
    --------
    >>> check_kernel_weights([1.0, -1.0], 2)
    Traceback (most recent call last):
    ...
    ValueError: kernel returned negative weights (min -1.0); weights must be >= 0.
    """
    try:
        weights = np.asarray(weights, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"kernel must return an array of {num_samples} floats; "
                        f"got {type(weights).__name__}.") from exc
    if weights.shape != (num_samples,):
        raise ValueError(f"kernel must return an array of shape ({num_samples},), one weight per "
                         f"sample; got shape {weights.shape}.")
    if not np.isfinite(weights).all():
        raise ValueError("kernel returned NaN or infinite weights.")
    if weights.min() < 0:
        raise ValueError(f"kernel returned negative weights (min {weights.min()}); weights must be >= 0.")
    if not weights.any():
        raise ValueError("kernel returned all-zero weights: every sample is outside the locality; "
                         "increase kernel_width.")
    return weights
