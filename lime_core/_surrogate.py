"""The surrogate ``g``: a sparse weighted linear model fitted to the black box's scores.

Selection (``K`` features, see :mod:`lime_core._feature_selection`) and the fit
share one pass over the samples: the weighted moments of ``(z', y)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import clone

from ._feature_selection import select_features
from ._ridge import WeightedMoments, linear_prediction, solve_ridge, weighted_moments, weighted_r2
from ._uncertainty import ridge_covariance

__all__ = ["SurrogateFit", "fit_surrogate"]


@dataclass(frozen=True)
class SurrogateFit:
    """A fitted local surrogate for one label.

    Attributes
    ----------
    feature_ids : ndarray of int, shape (K,)
        Selected interpretable features, by decreasing ``|coef|``.
    coef : ndarray of shape (K,)
        Their weights, aligned with ``feature_ids``.
    intercept : float
    score : float
        Weighted R^2 of the surrogate on the samples it was fitted on.
    local_pred : float
        The surrogate's prediction at ``x'`` (row 0).
    std_err : ndarray of shape (K,) or None
        Standard error of each weight, aligned with ``coef`` (closed-form ridge
        only; see :mod:`lime_core._uncertainty`). ``None`` for a ``model_regressor``.
    covariance : ndarray of shape (K, K) or None
        Their covariance matrix, in the order of ``feature_ids``.
    """

    feature_ids: np.ndarray
    coef: np.ndarray
    intercept: float
    score: float
    local_pred: float
    std_err: np.ndarray | None = None
    covariance: np.ndarray | None = None

    def predict(self, z: np.ndarray) -> np.ndarray:
        """The surrogate's prediction ``g(z')`` for rows of ``z'`` (shape (m, d'))."""
        return linear_prediction(np.asarray(z), self.feature_ids, self.coef, self.intercept)


def _fit_regressor(model_regressor: Any, z: np.ndarray, y: np.ndarray, weights: np.ndarray
                   ) -> tuple[np.ndarray, float, float, float]:
    """Fit a scikit-learn regressor with ``sample_weight``; lime's ``model_regressor`` path."""
    if not (hasattr(model_regressor, "fit") and hasattr(model_regressor, "predict")):
        raise TypeError("model_regressor must be a scikit-learn regressor with fit(X, y, "
                        f"sample_weight=...) and predict; got {type(model_regressor).__name__}.")
    model = clone(model_regressor)
    model.fit(z, y, sample_weight=weights)
    coef = np.ravel(getattr(model, "coef_", None) if hasattr(model, "coef_") else np.zeros(z.shape[1]))
    if coef.shape != (z.shape[1],):
        raise ValueError(f"model_regressor must expose coef_ of shape ({z.shape[1]},) after fitting; "
                         f"got {coef.shape}.")
    intercept = float(np.ravel(getattr(model, "intercept_", 0.0))[0])
    score = float(model.score(z, y, sample_weight=weights))
    local_pred = float(np.ravel(model.predict(z[:1]))[0])
    return coef, intercept, score, local_pred


def fit_surrogate(z: np.ndarray, y: np.ndarray, weights: np.ndarray, *, num_features: int,
                  feature_selection: str = "auto", alpha: float = 1.0,
                  model_regressor: Any = None, std_error: str | None = "sandwich",
                  moments: WeightedMoments | None = None) -> SurrogateFit:
    """Select ``num_features`` columns of ``z`` and fit the weighted surrogate on them.

    Parameters
    ----------
    z : ndarray of shape (n, d')
        Interpretable samples ``z'``; row 0 is ``x'``.
    y : ndarray of shape (n,)
        The black box's score for one label.
    weights : ndarray of shape (n,)
        Kernel weights ``pi_x(z)``.
    num_features : int
        ``K``, the most non-zero weights.
    feature_selection : {'auto', 'none', 'forward_selection', 'highest_weights', 'lasso_path'}
    alpha : float, default=1.0
        Ridge penalty of the final fit (lime's ``Ridge(alpha=1)``).
    model_regressor : scikit-learn regressor, optional
        Fitted instead of the closed-form ridge (cloned first; the argument is not changed).
    std_error : {'sandwich', 'homoscedastic'} or None, default='sandwich'
        How to estimate the weights' standard errors (see
        :func:`~lime_core._uncertainty.ridge_covariance`); ``None`` skips them.
    moments : WeightedMoments, optional
        ``weighted_moments(z, y, weights)`` when the caller has it already (e.g. from
        :func:`~lime_core._ridge.weighted_moments_many`: one pass over ``z'`` for every label).

    Returns
    -------
    SurrogateFit

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> z = rng.integers(0, 2, size=(500, 4)).astype(float)
    >>> fit = fit_surrogate(z, 2 * z[:, 1] - z[:, 2] + 0.5, np.ones(500), num_features=2,
    ...                     feature_selection="none", alpha=1e-9)
    >>> fit.feature_ids.tolist(), fit.coef.round(6).tolist(), round(fit.intercept, 6)
    ([1, 2, 0, 3], [2.0, -1.0, 0.0, -0.0], 0.5)
    """
    z = np.asarray(z)
    if z.dtype.kind not in "biuf":
        z = z.astype(float)
    y = np.asarray(y, dtype=float)
    if moments is None:
        moments = weighted_moments(z, y, weights)
    used = np.asarray(select_features(moments, np.asarray(z[0], dtype=float), num_features,
                                      feature_selection, len(y)), dtype=int)
    if model_regressor is None:
        coef, intercept = solve_ridge(moments, alpha, used)
        coef, intercept = coef[:, 0], float(intercept[0])
        prediction = linear_prediction(z, used, coef, intercept)
        score = weighted_r2(y, prediction, weights)
        local_pred = float(prediction[0])
        covariance = (None if std_error is None else
                      ridge_covariance(z, y, weights, coef, intercept, alpha, method=std_error,
                                       residual=y - prediction, x_mean=moments.x_mean[used],
                                       gram=moments.gram.take(used, axis=0).take(used, axis=1), columns=used))
    else:
        coef, intercept, score, local_pred = _fit_regressor(model_regressor, np.asarray(z[:, used], dtype=float),
                                                            y, weights)
        covariance = None
    order = np.argsort(-np.abs(coef), kind="stable")
    if covariance is None:
        return SurrogateFit(used[order], coef[order], intercept, score, local_pred)
    covariance = covariance.take(order, axis=0).take(order, axis=1)
    std_err = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    return SurrogateFit(used[order], coef[order], intercept, score, local_pred, std_err, covariance)
