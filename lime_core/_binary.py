"""The surrogate's sums over a binary ``z'``, exact: fixed-point weights summed as integers.

Most interpretable samples are 0/1 (a table's "same bin as x", a text's kept words, an
image's kept superpixels). The weighted moments of such a ``z'`` are sums of weights over
the ones of each column and over the rows where two columns are both one.

Each weight (or weight times a centred score) is turned into an integer,
``rint(w * 2**e)`` with ``e`` chosen so that the integers of one sum add up to less than
``2**52 + n / 2`` in absolute value (:func:`fixed_point`). Each integer is then within ``2**-52`` of
the sum's total of its value, the order of a float sum's own rounding (on 5000 kernel
weights the sums differ from float sums by about 1e-14 of their value), and every sum is
exact: the same integers come out whatever the order of the additions. So the compiled
pass (``lime_core._compiled``: per row, one addition to a histogram per pair of 5-column
groups, about 0.25 ms for 5000 rows of 30 columns) and its NumPy twin (BLAS products of the
same integers as float64, exact below ``2**53``) give the same bits.

``z'`` of at most :data:`MAX_COLUMNS` columns is summed this way; wider ``z'`` (a wide
table, a long text, a picture with many superpixels) keeps the float path of
:mod:`lime_core._ridge`, where one BLAS product per block of rows is cheap for its size.
"""
from __future__ import annotations

import numpy as np

try:
    from . import _compiled
except ImportError:  # built without a C compiler: NumPy gives the same values
    _compiled = None

__all__ = ["GROUP_COLUMNS", "MAX_COLUMNS", "BinarySums", "binary_prediction", "binary_sums", "centred_square_sum",
           "fixed_point", "weighted_centred_moments"]

#: Integers of one fixed-point sum add up to less than ``2**FIXED_POINT_BITS`` (float64 is exact below 2**53).
FIXED_POINT_BITS = 52
#: The widest ``z'`` summed exactly (the compiled pass keeps a row's columns in one 64-bit mask).
MAX_COLUMNS = 64
#: Columns per group of the compiled passes (a pair of groups' histogram: 32 x 32 entries).
GROUP_COLUMNS = 5
#: Values per block of rows of the NumPy twin (its float64 copy of a block stays about 512 KB).
_BLOCK_VALUES = 1 << 16


def fixed_point(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integers ``rint(values * 2**e)`` per column, with ``sum |integers| < 2**52 + n / 2`` per column.

    Parameters
    ----------
    values : ndarray of shape (n,) or (n, m)
        Finite floats.

    Returns
    -------
    integers : int64 ndarray of the shape of ``values``
    exponents : int ndarray of shape () or (m,)
        ``e`` per column: ``integers * 2**-e`` is within ``2**-(e + 1)`` of ``values``.

    Examples
    --------
    >>> q, e = fixed_point(np.array([0.5, 0.25, 0.25]))
    >>> q.tolist(), int(e), float(np.ldexp(q.sum(), -e))
    ([1125899906842624, 562949953421312, 562949953421312], 51, 1.0)
    """
    values = np.asarray(values, dtype=float)
    _, top = np.frexp(np.abs(values).sum(axis=0))  # sum |v| < 2**top
    exponents = FIXED_POINT_BITS - top  # sum |v| * 2**e < 2**52; rounding adds at most n / 2 (still below 2**53)
    if (np.abs(exponents) < 1000).all():  # a power of two in range: multiplying is exact, as ldexp (and faster)
        scaled = values * np.ldexp(1.0, exponents)
    else:
        scaled = np.ldexp(values, exponents)
    return np.rint(scaled, out=scaled).astype(np.int64), exponents


class BinarySums:
    """Exact integer sums over a binary ``z'`` (see :func:`binary_sums`).

    Attributes
    ----------
    total : int
        ``sum q``.
    sums : int64 ndarray of shape (d,)
        ``sum q x_j``.
    gram : int64 ndarray of shape (d, d)
        ``sum q x_j x_k``.
    cross : int64 ndarray of shape (d, m)
        ``sum terms_l x_j``.
    term_totals : int64 ndarray of shape (m,)
        ``sum terms_l``.
    """

    def __init__(self, total: int, sums: np.ndarray, gram: np.ndarray, cross: np.ndarray,
                 term_totals: np.ndarray) -> None:
        self.total, self.sums, self.gram, self.cross, self.term_totals = total, sums, gram, cross, term_totals


def binary_sums(z: np.ndarray, q: np.ndarray, terms: np.ndarray | None = None,
                columns: np.ndarray | None = None) -> BinarySums | None:
    """Exact sums of the integer weights ``q`` and ``terms`` over the ones of a binary ``z'``.

    Parameters
    ----------
    z : ndarray of shape (n, p)
        ``None`` is returned unless it is bool, int8 or uint8, its used columns hold only
        0s and 1s, and they are at most :data:`MAX_COLUMNS`.
    q : int64 ndarray of shape (n,)
        From :func:`fixed_point` (``sum |q| < 2**52``).
    terms : int64 ndarray of shape (n, m), optional
        Likewise, per column.
    columns : ndarray of int of shape (d,), optional
        The columns of ``z`` to use, in this order (default: all); no copy of ``z`` is made.

    Returns
    -------
    BinarySums or None

    Examples
    --------
    >>> z = np.array([[1, 1], [0, 1], [1, 0]], dtype=np.int8)
    >>> s = binary_sums(z, np.array([1, 2, 4]), np.array([[1], [-1], [3]]))
    >>> s.total, s.sums.tolist(), s.gram.tolist(), s.cross.ravel().tolist()
    (7, [5, 3], [[5, 1], [1, 3]], [4, 0])
    >>> binary_sums(z, np.array([1, 2, 4]), columns=np.array([1])).gram.tolist()
    [[3]]
    """
    z = _binary_view(z)
    columns = _columns(z, columns)
    if z is None or len(columns) > MAX_COLUMNS:
        return None
    n, d = z.shape[0], len(columns)
    q = np.ascontiguousarray(q, dtype=np.int64)
    terms = np.zeros((n, 0), dtype=np.int64) if terms is None else np.ascontiguousarray(terms, dtype=np.int64)
    if _compiled is not None:
        sums, gram, cross = (np.empty(d, dtype=np.int64), np.empty((d, d), dtype=np.int64),
                             np.empty((d, terms.shape[1]), dtype=np.int64))
        if not _compiled.binary_sums(z, z.shape[1], columns, q, terms, sums, gram, cross):
            return None
    else:
        twin = _binary_sums_numpy(z, columns, q, terms)
        if twin is None:
            return None
        sums, gram, cross = twin
    return BinarySums(int(q.sum()), sums, gram, cross, terms.sum(axis=0))


def _binary_sums_numpy(z: np.ndarray, columns: np.ndarray, q: np.ndarray, terms: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """:func:`binary_sums` with BLAS: float64 products and sums of integers below 2**53 are exact."""
    n, d = z.shape[0], len(columns)
    sums, gram = np.zeros(d, dtype=np.int64), np.zeros((d, d), dtype=np.int64)
    cross = np.zeros((d, terms.shape[1]), dtype=np.int64)
    rows = max(1, _BLOCK_VALUES // max(d, 1))
    for start in range(0, n, rows):
        block = z[start:start + rows].take(columns, axis=1)
        if (block > 1).any():
            return None
        x = block.astype(float)
        weighted = x * q[start:start + rows, None]
        sums += weighted.sum(axis=0).astype(np.int64)
        gram += (weighted.T @ x).astype(np.int64)
        cross += (x.T @ terms[start:start + rows].astype(float)).astype(np.int64)
    return sums, gram, cross


def weighted_centred_moments(z: np.ndarray, weights: np.ndarray, targets: np.ndarray
                             ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray] | None:
    """The weighted, centred moments of a binary ``z'`` and float ``targets``, from exact sums.

    Parameters
    ----------
    z : ndarray of shape (n, d)
        ``None`` is returned unless :func:`binary_sums` takes it.
    weights : ndarray of shape (n,)
        Non-negative kernel weights.
    targets : ndarray of shape (n, m)
        Centred on their weighted means (``sum w (y - ybar)``, about 0, is allowed for).

    Returns
    -------
    weight_sum : float
    x_mean : ndarray of shape (d,)
    gram : ndarray of shape (d, d)
        ``sum w (z - x_mean)(z - x_mean)'``.
    cross : ndarray of shape (d, m)
        ``sum w (z - x_mean) targets``.

    Examples
    --------
    >>> z = np.array([[1, 0], [0, 1], [1, 1], [0, 0]], dtype=np.int8)
    >>> w, mean, gram, cross = weighted_centred_moments(z, np.ones(4), np.array([[1.0], [-1.0], [0.5], [-0.5]]))
    >>> w, mean.tolist(), gram.tolist(), cross.ravel().tolist()
    (4.0, [0.5, 0.5], [[1.0, 0.0], [0.0, 1.0]], [1.5, -0.5])
    """
    if not _may_be_binary(z):
        return None
    weights = np.asarray(weights, dtype=float)
    q, e = fixed_point(weights)
    terms, f = fixed_point(weights[:, None] * targets)
    sums = binary_sums(z, q, terms)
    if sums is None:
        return None
    d = sums.sums.shape[0]
    if sums.total <= 0:
        return 0.0, np.zeros(d), np.zeros((d, d)), np.zeros((d, targets.shape[1]))
    total = float(sums.total)
    column_sums = sums.sums.astype(float)
    x_mean = column_sums / total
    gram = np.ldexp(sums.gram.astype(float) - np.outer(column_sums, column_sums) / total, -e)
    cross = np.ldexp(sums.cross.astype(float) - np.outer(x_mean, sums.term_totals.astype(float)), -f)
    return float(np.ldexp(total, -e)), x_mean, gram, cross


def centred_square_sum(z: np.ndarray, scale: np.ndarray, mean: np.ndarray,
                       columns: np.ndarray | None = None) -> np.ndarray | None:
    """``sum scale (x - mean)(x - mean)'`` over the rows ``x`` of a binary ``z'`` (its ``columns``), from exact sums.

    Returns ``None`` unless :func:`binary_sums` takes ``z``.

    Examples
    --------
    >>> z = np.array([[1, 0], [0, 1]], dtype=np.int8)
    >>> centred_square_sum(z, np.array([1.0, 3.0]), np.array([0.5, 0.5])).tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    if not _may_be_binary(z, columns):
        return None
    q, exponent = fixed_point(scale)
    sums = binary_sums(z, q, columns=columns)
    if sums is None:
        return None
    column_sums = sums.sums.astype(float)
    spread = np.outer(column_sums, mean) + np.outer(mean, column_sums)  # symmetric: a + b == b + a
    return np.ldexp(sums.gram.astype(float) - spread + float(sums.total) * np.outer(mean, mean), -exponent)


def binary_prediction(z: np.ndarray, columns: np.ndarray, coef: np.ndarray, intercept: float) -> np.ndarray | None:
    """``z[:, columns] @ coef + intercept`` for a binary ``z'``, by tables of partial sums.

    The columns go in groups of :data:`GROUP_COLUMNS`; each group's table holds, for every
    pattern of its ones, the sum of their coefficients (added in column order). A row's
    prediction is the sum of its groups' entries, in group order, plus the intercept: the
    compiled pass and NumPy add the same numbers in the same order. Returns ``None`` unless
    ``z`` is bool, int8 or uint8 and its used columns hold only 0s and 1s.

    Examples
    --------
    >>> binary_prediction(np.eye(3, dtype=np.int8), np.array([2, 0]), np.array([5.0, 1.0]), 0.5).tolist()
    [1.5, 0.5, 5.5]
    """
    z = _binary_view(z)
    if z is None:
        return None
    columns = _columns(z, columns)
    tables = _partial_sums(np.asarray(coef, dtype=float))
    out = np.empty(z.shape[0])
    if _compiled is not None:
        return out if _compiled.binary_prediction(z, z.shape[1], columns, tables, float(intercept), out) else None
    used = z.take(columns, axis=1)
    if (used > 1).any():
        return None
    out[:] = 0.0
    for g in range(len(tables)):
        block = used[:, GROUP_COLUMNS * g:GROUP_COLUMNS * (g + 1)]
        entries = tables[g][block @ (1 << np.arange(block.shape[1]))]
        if g == 0:
            out[:] = entries
        else:
            out += entries
    out += float(intercept)
    return out


def _partial_sums(coef: np.ndarray) -> np.ndarray:
    """Per group of :data:`GROUP_COLUMNS` coefficients, the sum over each pattern's ones (in column order).

    Examples
    --------
    >>> _partial_sums(np.array([1.0, 2.0, 4.0]))[0, :8].tolist()
    [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    """
    groups = -(-len(coef) // GROUP_COLUMNS)
    padded = np.zeros(groups * GROUP_COLUMNS)
    padded[:len(coef)] = coef
    bits = (np.arange(1 << GROUP_COLUMNS)[:, None] >> np.arange(GROUP_COLUMNS)) & 1  # (32, 5)
    tables = np.zeros((groups, 1 << GROUP_COLUMNS))
    for k in range(GROUP_COLUMNS):  # 0 + c_0 x_0, + c_1 x_1, ... (adding 0 where a bit is 0)
        tables += bits[:, k] * padded[k::GROUP_COLUMNS][:, None]
    return tables


def _columns(z: np.ndarray | None, columns: np.ndarray | None) -> np.ndarray:
    """The used columns as int64 (all of ``z``'s by default)."""
    if columns is None:
        return np.arange(0 if z is None else z.shape[1], dtype=np.int64)
    return np.ascontiguousarray(columns, dtype=np.int64)


def _may_be_binary(z: np.ndarray, columns: np.ndarray | None = None) -> bool:
    """Whether :func:`binary_sums` may take ``z`` (its dtype and width; the values are checked there)."""
    z = np.asarray(z)
    if z.ndim != 2 or z.dtype not in (np.bool_, np.int8, np.uint8):
        return False
    return (z.shape[1] if columns is None else len(columns)) <= MAX_COLUMNS


def _binary_view(z: np.ndarray) -> np.ndarray | None:
    """``z`` as a C-contiguous uint8 view (bool, int8 or uint8), else ``None``."""
    z = np.asarray(z)
    if z.ndim != 2 or z.dtype not in (np.bool_, np.int8, np.uint8):
        return None
    return np.ascontiguousarray(z).view(np.uint8)
