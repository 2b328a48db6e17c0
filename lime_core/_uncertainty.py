"""Standard errors of the surrogate's weights, in closed form.

The weighted ridge surrogate (see :mod:`lime_core._ridge`) is
``coef = A^-1 Xc' W y`` with ``A = Xc' W Xc + alpha I``, ``Xc`` the samples
centred on their weighted mean and ``W = diag(w)`` the kernel weights. Its
covariance is ``A^-1 Xc' W S W Xc A^-1`` where ``S`` is the covariance of the
black box's deviations from the surrogate. Two estimates of ``S``:

- ``'sandwich'`` (default): ``S = diag(e_i^2)`` from the residuals ``e``
  (White's heteroscedasticity-consistent estimator), scaled by
  ``ess / (ess - p - 1)`` with ``ess = (sum w)^2 / sum w^2`` the effective
  sample size (the weighted analogue of HC1's ``n / (n - p - 1)``). It measures
  how much the weights would move over fresh neighbourhoods even when the
  black box is not linear (LIME's usual case: the scatter is misfit, not noise).
- ``'homoscedastic'``: ``S = sigma^2 I``, i.e.
  ``sigma^2 A^-1 Xc' W^2 Xc A^-1``, with
  ``sigma^2 = sum w e^2 / (sum w - sum w^2 / sum w - tr(A^-1 Xc' W^2 Xc))``,
  the estimate that is unbiased for weighted least squares (``alpha = 0``) with
  independent errors of equal variance.

Both treat the selected features as fixed: after feature selection the
intervals are conditional on the selection (they do not account for it).
"""
from __future__ import annotations

import numpy as np
from scipy.linalg.lapack import dposv as _cholesky_solve

from ._binary import centred_square_sum
from ._ridge import linear_prediction, row_blocks, weighted_mean_rows

__all__ = ["STD_ERROR_METHODS", "ridge_covariance", "effective_sample_size"]

STD_ERROR_METHODS = ("sandwich", "homoscedastic")


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` of kernel weights.

    Equal weights give ``n``; one dominant weight gives about 1.

    Examples
    --------
    >>> effective_sample_size(np.ones(10))
    10.0
    >>> round(effective_sample_size(np.array([1.0, 0.0, 0.0, 0.0])), 6)
    1.0
    """
    weights = np.asarray(weights, dtype=float)
    square_sum = float(weights @ weights)
    return float(weights.sum()) ** 2 / square_sum if square_sum > 0 else 0.0


def _inverse(matrix: np.ndarray) -> np.ndarray:
    _, inverse, info = _cholesky_solve(matrix, np.eye(len(matrix)))  # the bread is positive definite (alpha > 0)
    if info == 0 and np.isfinite(inverse).all():
        return inverse
    try:
        inverse = np.linalg.inv(matrix)
    except np.linalg.LinAlgError:
        return np.linalg.pinv(matrix)
    return inverse if np.isfinite(inverse).all() else np.linalg.pinv(matrix)


def ridge_covariance(X: np.ndarray, y: np.ndarray, weights: np.ndarray, coef: np.ndarray,
                     intercept: float, alpha: float, *, method: str = "sandwich",
                     residual: np.ndarray | None = None, x_mean: np.ndarray | None = None,
                     gram: np.ndarray | None = None, columns: np.ndarray | None = None) -> np.ndarray:
    """Covariance matrix of the weighted ridge coefficients (see the module docstring).

    Parameters
    ----------
    X : ndarray of shape (n, p)
        The columns the surrogate uses.
    y : ndarray of shape (n,)
        The black box's scores for one label.
    weights : ndarray of shape (n,)
        Kernel weights.
    coef : ndarray of shape (p,)
    intercept : float
    alpha : float
        Ridge penalty the coefficients were fitted with.
    method : {'sandwich', 'homoscedastic'}, default='sandwich'
    residual : ndarray of shape (n,), optional
        ``y - X @ coef - intercept`` when the caller has it already.
    x_mean : ndarray of shape (p,), optional
        The weighted column means of ``X``, when the caller has them already.
    gram : ndarray of shape (p, p), optional
        ``Xc' W Xc`` (``X`` centred on ``x_mean``), when the caller has it already
        (e.g. from :func:`~lime_core._ridge.weighted_moments`); give it with ``x_mean``.
    columns : ndarray of int, optional
        Use ``X[:, columns]`` (a binary ``z'`` is then read in place, not copied); ``p``
        above is then ``len(columns)``.

    Returns
    -------
    ndarray of shape (p, p)
        NaN where the estimate is undefined (fewer effective samples than parameters).

    Examples
    --------
    A noisy line: the standard error of its slope shrinks like ``1 / sqrt(n)``.

    >>> rng = np.random.default_rng(0)
    >>> X = rng.integers(0, 2, size=(400, 1)).astype(float)
    >>> y = 2 * X[:, 0] + rng.normal(scale=0.5, size=400)
    >>> w = np.ones(400)
    >>> Xc = X - X.mean(0)
    >>> coef = np.linalg.solve(Xc.T @ Xc, Xc.T @ y); icpt = y.mean() - X.mean(0) @ coef
    >>> se = np.sqrt(np.diag(ridge_covariance(X, y, w, coef, icpt, 0.0)))
    >>> round(float(se[0]), 2)
    0.05
    """
    X = np.asarray(X)
    y = np.asarray(y, dtype=float)
    weights = np.asarray(weights, dtype=float)
    n, p = X.shape if columns is None else (X.shape[0], len(columns))
    if p == 0:
        return np.zeros((0, 0))
    if method not in STD_ERROR_METHODS:
        raise ValueError(f"The 'std_error' parameter must be one of "
                         f"{', '.join(repr(m) for m in STD_ERROR_METHODS)}; got {method!r}.")
    weight_sum = float(weights.sum())
    known_gram = gram is not None and x_mean is not None
    if x_mean is None:
        x_mean = weighted_mean_rows(X if columns is None else np.take(X, columns, axis=1), weights)
    if residual is None:
        used = np.arange(p) if columns is None else columns
        residual = y - linear_prediction(X, used, np.asarray(coef, dtype=float), intercept)
    root = np.abs(weights) if method == "homoscedastic" else np.abs(weights * residual)
    middle = centred_square_sum(X, root ** 2, x_mean, columns)  # a binary z': exact sums over its ones
    if middle is not None:
        if not known_gram:
            gram = centred_square_sum(X, weights, x_mean, columns)
    else:
        if columns is not None:
            X = np.take(X, columns, axis=1)
        # one pass over blocks of rows: the bread's Gram matrix (unless given) and the meat, never an
        # n x p float copy; rows scaled by sqrt(scale) make each product one symmetric update (syrk)
        middle = np.zeros((p, p))
        if not known_gram:
            gram = np.zeros((p, p))
        for rows in row_blocks(n, p):
            Xc = np.subtract(X[rows], x_mean, dtype=float)
            if not known_gram:
                gram += Xc.T @ (Xc * weights[rows, None])
            Xc *= root[rows, None]
            middle += Xc.T @ Xc
    bread = _inverse(gram + alpha * np.eye(p))
    if method == "homoscedastic":
        dof = weight_sum - float(weights @ weights) / weight_sum - float(np.trace(bread @ middle))
        if dof <= 0:
            return np.full((p, p), np.nan)
        sigma2 = float(weights @ residual ** 2) / dof
        return sigma2 * bread @ middle @ bread
    ess = effective_sample_size(weights)
    if ess <= p + 1:
        return np.full((p, p), np.nan)
    return (ess / (ess - p - 1)) * bread @ middle @ bread
