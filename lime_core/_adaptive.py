"""Adaptive choices: ``num_samples='auto'`` and ``kernel_width='auto'``.

**Sample size** (in the spirit of S-LIME: Zhou, Hooker, Wang, "S-LIME:
Stabilized-LIME for Model Explanation", KDD 2021). The neighbourhood grows in
rounds: :data:`AUTO_INITIAL_SAMPLES` rows, then doubling, up to ``max_samples``.
After each round a ridge surrogate on *all* features (same kernel and
``alpha``) ranks the features by ``|coef|``, and the top-``K`` set counts as
settled when the ``K``-th feature's ``|coef|`` exceeds the ``(K+1)``-th's:
``(|b_K| - |b_K+1|) / se >= z``, with ``se`` from the sandwich covariance of
the two coefficients (their covariance included). The order of the two is read
from the same data, so the test is two-sided, and it is repeated after every
round, so ``z`` is Bonferroni-corrected over the ``R`` possible rounds:
``z = Phi^-1(1 - (1 - AUTO_CONFIDENCE) / (2 R))`` (2.64 for the default 6
rounds from 1000 to 20000). Two features that truly tie are then declared
settled with probability at most ``1 - AUTO_CONFIDENCE`` = 5% over the whole run.
The set also
counts as settled when both features are negligible: the upper confidence
bounds ``|b| + z se`` of the ``K``-th and ``(K+1)``-th are below
:data:`AUTO_NEGLIGIBLE_SHARE` of the largest ``|b|`` (ordering features that
carry no weight is not worth more black-box calls). Every label explained must
be settled. Rows already scored are kept: each round only
scores the new rows, drawn from an independent sub-stream of the generator,
so the result is deterministic given the seed and no black-box call is wasted.

**Kernel width.** On a geometric grid around the median non-zero distance of
the neighbourhood (``median * 2^(k/2)``, ``k = -8..8``), the smallest width
whose kernel weights keep an effective sample size ``(sum w)^2 / sum w^2`` of at
least :data:`AUTO_WIDTH_ESS_SHARE` of the samples: as local as possible while
at least that share of the samples still effectively carries the fit.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from statistics import NormalDist
from typing import Any

import numpy as np

from ._model_input import joined_model_input
from ._representation import Neighborhood
from ._ridge import solve_ridge, weighted_moments
from ._uncertainty import effective_sample_size, ridge_covariance

__all__ = ["UnsettledWarning", "AUTO_INITIAL_SAMPLES", "AUTO_CONFIDENCE", "AUTO_WIDTH_ESS_SHARE", "DEFAULT_MAX_SAMPLES",
           "auto_kernel_width", "top_k_settled", "concat_neighborhoods"]

class UnsettledWarning(UserWarning):
    """``num_samples='auto'`` reached ``max_samples`` before the top-``K`` set was settled."""


#: First round of ``num_samples='auto'``.
AUTO_INITIAL_SAMPLES = 1000
#: Default cap of ``num_samples='auto'``.
DEFAULT_MAX_SAMPLES = 20000
#: Confidence that the K-th feature beats the (K+1)-th, over all rounds (see above).
AUTO_CONFIDENCE = 0.95
#: Both K-th and (K+1)-th below this share of the largest weight: settled (see above).
AUTO_NEGLIGIBLE_SHARE = 0.01
#: ``kernel_width='auto'`` keeps at least this share of the samples as effective sample size.
AUTO_WIDTH_ESS_SHARE = 0.5
#: Grid of ``kernel_width='auto'``: median non-zero distance times 2^(k/2), k in this range.
AUTO_WIDTH_GRID_EXPONENTS = np.arange(-8, 9) / 2.0


def auto_kernel_width(kernel: Any, neighborhood: Neighborhood) -> tuple[Any, dict[str, Any]]:
    """Pick the kernel width by the effective-sample-size rule (module docstring).

    Parameters
    ----------
    kernel : dataclass kernel with a ``kernel_width`` field
        (:class:`~lime_core.ExponentialKernel`, :class:`~lime_core.DistanceKernel`).
    neighborhood : Neighborhood

    Returns
    -------
    kernel : the kernel with the chosen width
    record : dict
        ``criterion``, ``target_ess_share``, ``kernel_width``, ``ess_share``, ``grid``.

    Examples
    --------
    >>> from lime_core import ExponentialKernel
    >>> d = np.linspace(0, 1, 101)
    >>> hood = Neighborhood(np.zeros((101, 1)), d, lambda a, b: None)
    >>> chosen, record = auto_kernel_width(ExponentialKernel(1.0), hood)
    >>> record["ess_share"] >= 0.5, round(chosen.kernel_width, 4)
    (True, 0.3571)
    """
    distances = np.asarray(neighborhood.distances, dtype=float)
    positive = distances[distances > 0]
    base = float(np.median(positive)) if len(positive) else 1.0
    grid = base * 2.0 ** AUTO_WIDTH_GRID_EXPONENTS
    shares = []
    for width in grid:
        weights = np.asarray(replace(kernel, kernel_width=float(width))(neighborhood), dtype=float)
        shares.append(effective_sample_size(weights) / len(weights) if weights.any() else 0.0)
    shares_arr = np.asarray(shares)
    passing = np.flatnonzero(shares_arr >= AUTO_WIDTH_ESS_SHARE)
    index = int(passing[0]) if len(passing) else int(np.argmax(shares_arr))
    record = {"criterion": "smallest width with effective sample size >= target share",
              "target_ess_share": AUTO_WIDTH_ESS_SHARE, "kernel_width": float(grid[index]),
              "ess_share": float(shares_arr[index]), "grid": [float(w) for w in grid]}
    return replace(kernel, kernel_width=float(grid[index])), record


def settle_threshold(num_rounds: int) -> float:
    """The critical value ``z`` of the settle test over ``num_rounds`` rounds.

    Examples
    --------
    >>> round(settle_threshold(1), 2), round(settle_threshold(6), 2)
    (1.96, 2.64)
    """
    return NormalDist().inv_cdf(1.0 - (1.0 - AUTO_CONFIDENCE) / (2.0 * max(num_rounds, 1)))


def top_k_settled(z: np.ndarray, Y: np.ndarray, weights: np.ndarray, alpha: float,
                  num_features: int, *, threshold: float | None = None) -> tuple[bool, float]:
    """Is the top-``K`` set by ``|coef|`` settled for every column of ``Y``?

    Parameters
    ----------
    z : ndarray of shape (n, d')
    Y : ndarray of shape (n, m)
        One column per label explained.
    weights : ndarray of shape (n,)
    alpha : float
    num_features : int
        ``K``.
    threshold : float, optional
        Critical value; default ``settle_threshold(1)`` (1.96).

    Returns
    -------
    settled : bool
    z_score : float
        The smallest test statistic over the labels (``inf`` when ``K >= d'``).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> z = rng.integers(0, 2, size=(500, 4)).astype(float)
    >>> Y = (3 * z[:, :1] + z[:, 1:2] + rng.normal(scale=0.1, size=(500, 1)))
    >>> settled, stat = top_k_settled(z, Y, np.ones(500), 1.0, 2)
    >>> settled, bool(stat > 10)
    (True, True)
    """
    d = z.shape[1]
    if num_features >= d:
        return True, float("inf")
    threshold = settle_threshold(1) if threshold is None else threshold
    moments = weighted_moments(z, Y, weights)
    coef, intercept = solve_ridge(moments, alpha)
    worst = float("inf")
    for label in range(Y.shape[1]):
        b = coef[:, label]
        pair = np.argsort(-np.abs(b), kind="stable")[num_features - 1:num_features + 1]
        cov = ridge_covariance(z, Y[:, label], weights, b, float(intercept[label]), alpha)[np.ix_(pair, pair)]
        # |b_a| - |b_c| = s_a b_a - s_c b_c: its variance is s' C s with s = (s_a, -s_c)
        contrast = np.array([np.sign(b[pair[0]]), -np.sign(b[pair[1]])])
        variance = float(contrast @ cov @ contrast) if np.all(np.isfinite(cov)) else np.inf
        gap = float(abs(b[pair[0]]) - abs(b[pair[1]]))
        stat = gap / np.sqrt(variance) if variance > 0 else (np.inf if gap > 0 else 0.0)
        upper = np.abs(b[pair]) + threshold * np.sqrt(np.clip(np.diag(cov), 0.0, None))
        if np.all(np.isfinite(upper)) and upper.max() < AUTO_NEGLIGIBLE_SHARE * np.abs(b).max():
            stat = np.inf
        worst = min(worst, stat)
    return bool(worst >= threshold), worst


def concat_neighborhoods(hoods: Sequence[Neighborhood]) -> Neighborhood:
    """One neighbourhood made of several (row 0 of the first stays row 0).

    Examples
    --------
    >>> a = Neighborhood(np.ones((2, 1)), np.zeros(2), lambda s, e: list(range(s, e)))
    >>> b = Neighborhood(np.zeros((1, 1)), np.ones(1), lambda s, e: list(range(10 + s, 10 + e)))
    >>> both = concat_neighborhoods([a, b])
    >>> both.num_samples, both.model_input(1, 3)
    (3, [1, 10])
    """
    if len(hoods) == 1:
        return hoods[0]
    model_input = joined_model_input([(h.model_input, 0, h.num_samples) for h in hoods])
    return Neighborhood(np.concatenate([h.interpretable for h in hoods]),
                        np.concatenate([np.asarray(h.distances) for h in hoods]), model_input)


def grow_rounds(initial: int, maximum: int) -> list[int]:
    """Cumulative sample sizes of the rounds: ``initial``, doubling, capped at ``maximum``.

    Examples
    --------
    >>> grow_rounds(1000, 20000)
    [1000, 2000, 4000, 8000, 16000, 20000]
    """
    sizes = [min(initial, maximum)]
    while sizes[-1] < maximum:
        sizes.append(min(2 * sizes[-1], maximum))
    return sizes

