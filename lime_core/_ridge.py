"""Weighted ridge regression with an intercept, in closed form.

``Omega(g)`` of the LIME objective is a ridge penalty ``alpha * ||coef||^2`` on a
linear ``g``; the intercept is not penalised. With sample weights ``w`` this is
exactly scikit-learn's ``Ridge(alpha).fit(X, y, sample_weight=w)``: centre ``X``
and ``y`` on their weighted means, then solve
``(Xc' W Xc + alpha I) coef = Xc' W yc``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg.lapack import dposv as _cholesky_solve

from ._binary import binary_prediction, weighted_centred_moments

__all__ = ["WeightedMoments", "weighted_moments", "weighted_moments_many", "weighted_mean_rows", "linear_prediction",
           "block_rows", "row_blocks", "solve_ridge", "weighted_r2"]


@dataclass(frozen=True)
class WeightedMoments:
    """Weighted, centred second moments of ``(X, y)``: all a ridge fit needs.

    Attributes
    ----------
    x_mean : ndarray of shape (d,)
    y_mean : ndarray of shape (m,)
    gram : ndarray of shape (d, d)
        ``Xc' W Xc``.
    cross : ndarray of shape (d, m)
        ``Xc' W yc``.
    y_ss : ndarray of shape (m,)
        ``yc' W yc``, the weighted total sum of squares.
    weight_sum : float
    """

    x_mean: np.ndarray
    y_mean: np.ndarray
    gram: np.ndarray
    cross: np.ndarray
    y_ss: np.ndarray
    weight_sum: float


#: Rows per block when the samples are reduced to moments: at least this many rows...
ROW_BLOCK = 256
#: ... and as many more as keep a block's float copy within this many values (512 KB, one
#: buffer reused by every block), so that memory does not grow with the neighbourhood beyond
#: ``z'`` itself, while a narrow ``z'`` (tens of features) is reduced in a few large products.
BLOCK_VALUES = 1 << 16


def block_rows(num_columns: int) -> int:
    """Rows per block of :func:`row_blocks`: ``max(ROW_BLOCK, BLOCK_VALUES // num_columns)``.

    Examples
    --------
    >>> block_rows(30), block_rows(1000)
    (2184, 256)
    """
    return max(ROW_BLOCK, BLOCK_VALUES // max(num_columns, 1))


def row_blocks(num_rows: int, num_columns: int = 1, block: int | None = None) -> list[slice]:
    """Consecutive slices of :func:`block_rows` rows (or ``block`` rows) covering ``range(num_rows)``.

    Examples
    --------
    >>> [(s.start, s.stop) for s in row_blocks(5, block=2)]
    [(0, 2), (2, 4), (4, 5)]
    >>> len(row_blocks(5000, 30)), len(row_blocks(5000, 1000))
    (3, 20)
    """
    block = block_rows(num_columns) if block is None else block
    return [slice(start, min(start + block, num_rows)) for start in range(0, num_rows, block)]


def weighted_mean_rows(X: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``weights @ X / sum(weights)``, a block of rows at a time (``X`` may be int8 or bool).

    Examples
    --------
    >>> weighted_mean_rows(np.array([[0, 2], [2, 4]], dtype=np.int8), np.array([1.0, 3.0])).tolist()
    [1.5, 3.5]
    """
    total = np.zeros(X.shape[1])
    buffer = _block_buffer(*X.shape)
    for rows in row_blocks(*X.shape):
        block = buffer[:rows.stop - rows.start]
        np.copyto(block, X[rows])
        total += weights[rows] @ block
    return total / float(weights.sum())


def _block_buffer(num_rows: int, num_columns: int) -> np.ndarray:
    """One float buffer for the largest block of :func:`row_blocks`, reused by every block."""
    return np.empty((min(num_rows, block_rows(num_columns)), num_columns))


def weighted_moments(X: np.ndarray, y: np.ndarray, weights: np.ndarray) -> WeightedMoments:
    """Compute :class:`WeightedMoments` a block of rows at a time.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Any numeric dtype (``z'`` is often int8 or bool); never copied whole to float.
    y : ndarray of shape (n,) or (n, m)
    weights : ndarray of shape (n,)

    Examples
    --------
    >>> m = weighted_moments(np.array([[0.0], [1.0]]), np.array([0.0, 2.0]), np.array([1.0, 1.0]))
    >>> m.x_mean.tolist(), m.cross.ravel().tolist()
    ([0.5], [1.0])
    """
    return weighted_moments_many(X, [y], weights)[0]


def weighted_moments_many(X: np.ndarray, ys: list[np.ndarray], weights: np.ndarray) -> list[WeightedMoments]:
    """:func:`weighted_moments` of ``X`` with each of ``ys``, in one pass over ``X``.

    The Gram matrix is computed once; each target's moments are bit for bit those of
    ``weighted_moments(X, y, weights)``. A binary ``X`` of at most 64 columns (a table's
    ``z'``) is reduced by exact integer sums over its ones (:mod:`lime_core._binary`).

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [3.0]])
    >>> a, b = weighted_moments_many(X, [X[:, 0], 2 * X[:, 0]], np.ones(3))
    >>> a.gram is b.gram, b.cross.ravel().tolist() == (2 * a.cross).ravel().tolist()
    (True, True)
    """
    y2s = [np.asarray(y, dtype=float).reshape(len(y), -1) for y in ys]
    weights = np.asarray(weights, dtype=float)
    n, d = X.shape
    weight_sum = float(weights.sum())
    y_means = [weights @ y2 / weight_sum for y2 in y2s]
    exact = weighted_centred_moments(X, weights, np.concatenate([y2 - y_mean for y2, y_mean in zip(y2s, y_means)],
                                                                 axis=1))
    if exact is not None:
        weight_sum, x_mean, gram, cross = exact
        moments, start = [], 0
        for y2, y_mean in zip(y2s, y_means):
            stop = start + y2.shape[1]
            moments.append(WeightedMoments(x_mean, y_mean, gram, cross[:, start:stop],
                                           weights @ (y2 - y_mean) ** 2, weight_sum))
            start = stop
        return moments
    root = np.sqrt(weights)
    # One pass over X, shifted by its first row (x', the centre of a neighbourhood, so no
    # cancellation): sums of w (x - x0) and of w (x - x0)(x - x0)' give the centred moments,
    # sum w (x - m)(x - m)' = sum w (x - x0)(x - x0)' - W (m - x0)(m - x0)'.
    shift = np.asarray(X[0], dtype=float) if n else np.zeros(d)
    shifted_sum = np.zeros(d)
    gram = np.zeros((d, d))
    crosses = [np.zeros((d, y2.shape[1])) for y2 in y2s]
    buffer = _block_buffer(n, d)
    for rows in row_blocks(n, d):
        Xs = buffer[:rows.stop - rows.start]
        np.subtract(X[rows], shift, out=Xs)
        shifted_sum += weights[rows] @ Xs
        Xs *= root[rows, None]  # rows scaled by sqrt(w): Xs' Xs is one symmetric rank-k update (syrk)
        gram += Xs.T @ Xs
        for cross, y2, y_mean in zip(crosses, y2s, y_means):
            cross += Xs.T @ ((y2[rows] - y_mean) * root[rows, None])  # sum w (y - ybar) = 0: no shift term
    offset = shifted_sum / weight_sum if weight_sum > 0 else np.zeros(d)
    gram -= weight_sum * np.outer(offset, offset)
    x_mean = shift + offset
    return [WeightedMoments(x_mean, y_mean, gram, cross, weights @ (y2 - y_mean) ** 2, weight_sum)
            for y2, y_mean, cross in zip(y2s, y_means, crosses)]


def linear_prediction(X: np.ndarray, columns: np.ndarray, coef: np.ndarray, intercept: float) -> np.ndarray:
    """``X[:, columns] @ coef + intercept``, a block of rows at a time.

    Examples
    --------
    >>> linear_prediction(np.eye(3, dtype=np.int8), np.array([2, 0]), np.array([5.0, 1.0]), 0.5).tolist()
    [1.5, 0.5, 5.5]
    """
    binary = binary_prediction(X, columns, coef, intercept)  # a 0/1 z': a row's coefficients added in order
    if binary is not None:
        return binary
    out = np.empty(X.shape[0])
    for rows in row_blocks(*X.shape):
        out[rows] = np.asarray(X[rows][:, columns], dtype=float) @ coef + intercept
    return out


def solve_ridge(moments: WeightedMoments, alpha: float,
                columns: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Solve the weighted ridge problem on some columns.

    Parameters
    ----------
    moments : WeightedMoments
    alpha : float
        Ridge penalty (>= 0). With 0 and a singular Gram matrix, the
        minimum-norm least-squares solution is returned.
    columns : ndarray of int, optional
        Which columns of ``X`` to use (all by default).

    Returns
    -------
    coef : ndarray of shape (len(columns), m)
    intercept : ndarray of shape (m,)

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0]])
    >>> m = weighted_moments(X, 3 * X[:, 0] + 1, np.ones(3))
    >>> coef, intercept = solve_ridge(m, 0.0)
    >>> round(float(coef[0, 0]), 6), round(float(intercept[0]), 6)
    (3.0, 1.0)
    """
    if columns is None:
        gram, cross, x_mean = moments.gram.copy(), moments.cross, moments.x_mean
    else:
        columns = np.asarray(columns, dtype=np.intp)
        gram = moments.gram.take(columns, axis=0).take(columns, axis=1)
        cross, x_mean = moments.cross[columns], moments.x_mean[columns]
    gram.flat[::gram.shape[0] + 1] += alpha  # + alpha I
    if gram.shape[0] == 0:
        coef = np.zeros((0, cross.shape[1]))
    else:
        # LAPACK's Cholesky solve, called directly: scipy.linalg.solve(assume_a="pos") computes
        # the same, with ~40 microseconds of checks per call on a 31 x 31 system
        _, coef, info = _cholesky_solve(gram, cross)
        if info != 0 or not np.isfinite(coef).all():  # not positive definite (alpha = 0, collinear z')
            coef = np.linalg.lstsq(gram, cross, rcond=None)[0]
    intercept = moments.y_mean - x_mean @ coef
    return coef, intercept


def weighted_r2(y: np.ndarray, prediction: np.ndarray, weights: np.ndarray) -> float:
    """Weighted coefficient of determination, as scikit-learn's ``score(..., sample_weight=w)``.

    Returns 1.0 when ``y`` is constant and predicted exactly, 0.0 when constant and missed.

    Examples
    --------
    >>> weighted_r2(np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.ones(2))
    1.0
    """
    y_mean = weights @ y / weights.sum()
    total = float(weights @ (y - y_mean) ** 2)
    residual = float(weights @ (y - prediction) ** 2)
    if total == 0.0:
        return 1.0 if residual == 0.0 else 0.0
    return 1.0 - residual / total
