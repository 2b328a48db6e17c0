"""Feature selection: the ``K`` of ``G`` (at most K non-zero weights in the surrogate).

Each method takes the weighted moments of ``(z', f(z))`` once and picks columns
without refitting a model per candidate. The semantics are the original lime's:

- ``'none'``: every feature.
- ``'forward_selection'``: greedily add the feature that most raises the weighted
  R^2 of an unpenalised least-squares fit (lime refits ``Ridge(alpha=0)`` per
  candidate; here one Schur-complement step scores all candidates at once).
- ``'highest_weights'``: the ``K`` largest ``|coef_j * x'_j|`` of a ridge fit with
  ``alpha=0.01`` on all features.
- ``'lasso_path'``: the last point of the weighted LARS-lasso path with at most
  ``K`` non-zero coefficients.
- ``'auto'``: ``'forward_selection'`` when ``K <= 6``, else ``'highest_weights'``.
"""
from __future__ import annotations

import numpy as np
from sklearn.linear_model import lars_path_gram

from ._ridge import WeightedMoments, solve_ridge

__all__ = ["FEATURE_SELECTION_METHODS", "select_features"]

FEATURE_SELECTION_METHODS = ("auto", "none", "forward_selection", "highest_weights", "lasso_path")

#: ``'auto'`` uses forward selection up to this many features (lime's threshold).
AUTO_FORWARD_SELECTION_MAX = 6
#: Ridge penalty of the ``'highest_weights'`` screening fit (lime's value).
HIGHEST_WEIGHTS_ALPHA = 0.01
#: A candidate whose residual variance is below this share of its own variance adds nothing.
_COLLINEAR_TOLERANCE = 1e-10


def forward_selection(moments: WeightedMoments, num_features: int) -> np.ndarray:
    """Greedy forward selection on the weighted R^2 of a least-squares fit.

    Examples
    --------
    >>> from lime_core._ridge import weighted_moments
    >>> rng = np.random.default_rng(0)
    >>> X = rng.integers(0, 2, size=(200, 5)).astype(float)
    >>> y = 3 * X[:, 3] - 2 * X[:, 1]
    >>> forward_selection(weighted_moments(X, y, np.ones(200)), 2).tolist()
    [3, 1]
    """
    gram, cross = moments.gram, moments.cross[:, 0]
    d = gram.shape[0]
    chosen: list[int] = []
    available = np.ones(d, dtype=bool)
    for _ in range(min(num_features, d)):
        if chosen:
            inverse = np.linalg.pinv(gram[np.ix_(chosen, chosen)])
            projection = gram[:, chosen] @ inverse           # (d, s)
            residual_var = np.diag(gram) - np.einsum("ij,ij->i", projection, gram[:, chosen])
            residual_cross = cross - projection @ cross[chosen]
        else:
            residual_var, residual_cross = np.diag(gram).copy(), cross.copy()
        usable = residual_var > _COLLINEAR_TOLERANCE * np.maximum(np.diag(gram), 1e-300)
        gain = np.where(usable, residual_cross ** 2 / np.where(usable, residual_var, 1.0), 0.0)
        gain[~available] = -np.inf
        best = int(np.argmax(gain))
        chosen.append(best)
        available[best] = False
    return np.asarray(chosen, dtype=int)


def highest_weights(moments: WeightedMoments, x_prime: np.ndarray, num_features: int) -> np.ndarray:
    """Columns with the largest ``|coef_j * x'_j|`` of a lightly penalised ridge fit."""
    coef, _ = solve_ridge(moments, HIGHEST_WEIGHTS_ALPHA)
    contribution = np.abs(coef[:, 0] * x_prime)
    return np.argsort(-contribution, kind="stable")[:num_features]


def lasso_path_selection(moments: WeightedMoments, num_samples: int, num_features: int) -> np.ndarray:
    """Columns active at the last point of the weighted lasso path with <= K of them."""
    _, _, coefs = lars_path_gram(moments.cross[:, 0], moments.gram, n_samples=num_samples,
                                 method="lasso")
    nonzero = np.flatnonzero(coefs[:, 0])
    for i in range(coefs.shape[1] - 1, 0, -1):
        nonzero = np.flatnonzero(coefs[:, i])
        if len(nonzero) <= num_features:
            break
    return nonzero


def select_features(moments: WeightedMoments, x_prime: np.ndarray, num_features: int,
                    method: str, num_samples: int) -> np.ndarray:
    """Pick the surrogate's columns by ``method`` (see the module docstring).

    Parameters
    ----------
    moments : WeightedMoments
        Of ``(z', scores of one label, kernel weights)``.
    x_prime : ndarray of shape (d',)
        Row 0 of ``z'``.
    num_features : int
        ``K``.
    method : {'auto', 'none', 'forward_selection', 'highest_weights', 'lasso_path'}
    num_samples : int

    Returns
    -------
    ndarray of int
        Selected column indices.
    """
    d = moments.gram.shape[0]
    if method == "auto":
        method = "forward_selection" if num_features <= AUTO_FORWARD_SELECTION_MAX else "highest_weights"
    if method == "none" or num_features >= d and method != "lasso_path":
        return np.arange(d)
    if method == "forward_selection":
        return forward_selection(moments, num_features)
    if method == "highest_weights":
        return highest_weights(moments, x_prime, num_features)
    if method == "lasso_path":
        return lasso_path_selection(moments, num_samples, num_features)
    raise ValueError(f"The 'feature_selection' parameter must be one of "
                     f"{', '.join(repr(m) for m in FEATURE_SELECTION_METHODS)}; got {method!r}.")
