"""Discretizers: continuous columns -> bins, and back (lime's ``lime.discretize``).

A discretizer turns each continuous column into a small number of bins
(quartiles, deciles, entropy-based splits, or bins you supply) so that the
interpretable feature of a continuous column is "the value is in the same bin
as the instance's" (``0.50 < x <= 1.20``). :meth:`BaseDiscretizer.undiscretize`
maps bins back to values by drawing within each bin from a normal distribution
truncated to the bin (mean and standard deviation of the training values in it).

Compatible with lime 0.2.0.1: same class names, constructor signatures,
attributes (``names``, ``means``, ``stds``, ``mins``, ``maxs``, ``lambdas``,
``to_discretize``) and bin names. Differences, on purpose:

- :meth:`~BaseDiscretizer.discretize` and :meth:`~BaseDiscretizer.undiscretize`
  are vectorised: the truncated normal draws of all features are one array
  operation with :func:`scipy.special.ndtr` / :func:`~scipy.special.ndtri`
  (lime calls ``scipy.stats.truncnorm.rvs`` once per feature).
- ``lambdas`` holds picklable :func:`functools.partial` objects, not lambdas,
  so a discretizer (and an explainer holding one) pickles.
- Missing values (NaN) are ignored when the bins and their statistics are
  computed and stay NaN through ``discretize``/``undiscretize``.
- A bin whose lower and upper bound coincide gives its bound back (lime gave the
  bound's z-score, a wrong value).
"""
from __future__ import annotations

import functools
import numbers
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

from lime_core.validation import check_random_state

__all__ = ["BaseDiscretizer", "QuartileDiscretizer", "DecileDiscretizer", "EntropyDiscretizer",
           "StatsDiscretizer", "truncated_normal_ppf"]

#: lime adds this to every bin's standard deviation so that a constant bin divides safely.
STD_EPSILON = 1e-11
#: Uniform draws are kept this far inside (0, 1) so the inverse normal CDF stays finite.
_U_MARGIN = 1e-12


def truncated_normal_ppf(u: np.ndarray, mean: np.ndarray, std: np.ndarray, low: np.ndarray,
                         high: np.ndarray) -> np.ndarray:
    """Quantile ``u`` of ``Normal(mean, std)`` truncated to ``[low, high]``, elementwise.

    One array operation for any number of features and samples: with
    ``a = ndtr((low - mean) / std)`` and ``b = ndtr((high - mean) / std)`` the
    value is ``mean + std * ndtri(a + u (b - a))``. Bins entirely above the mean
    are computed on the mirrored problem, where ``ndtr`` keeps its precision.

    Parameters
    ----------
    u : ndarray
        Uniform draws in [0, 1).
    mean, std, low, high : ndarray
        Broadcastable with ``u``. ``std > 0``; NaN ``mean`` gives NaN.

    Returns
    -------
    ndarray
        Values in ``[low, high]``; ``low`` where ``low == high``.

    Examples
    --------
    >>> x = truncated_normal_ppf(np.array([0.0, 0.5, 0.999]), 0.0, 1.0, -1.0, 2.0)
    >>> bool(np.all((x >= -1) & (x <= 2))), round(float(x[1]), 4)
    (True, 0.1712)
    """
    u = np.clip(np.asarray(u, dtype=float), _U_MARGIN, 1.0 - _U_MARGIN)
    with np.errstate(divide="ignore", invalid="ignore"):
        lo_z = (low - mean) / std
        hi_z = (high - mean) / std
        flip = lo_z > 0
        a = ndtr(np.where(flip, -hi_z, lo_z))
        b = ndtr(np.where(flip, -lo_z, hi_z))
        z = ndtri(a + np.where(flip, 1.0 - u, u) * (b - a))
        value = mean + std * np.where(flip, -z, z)
    return np.clip(value, low, high)


#: Columns transposed at a time when a large table is read column by column (bounds memory).
_CHUNK_COLUMNS = 32


def _column_blocks(data: np.ndarray, columns: list[int]):
    """Yield ``(chunk, block)``: ``block[i]`` is column ``chunk[i]`` of ``data``, contiguous, as floats."""
    for start in range(0, len(columns), _CHUNK_COLUMNS):
        chunk = columns[start:start + _CHUNK_COLUMNS]
        yield chunk, np.ascontiguousarray(np.asarray(data[:, chunk], dtype=float).T)


def _quantile_bins(data: np.ndarray, columns: list[int], percentiles: list[float]) -> list[np.ndarray]:
    """Percentile boundaries of each column, a chunk of columns at a time (NaN ignored)."""
    bins: list[np.ndarray] = []
    for _, block in _column_blocks(data, columns):
        if np.isnan(block).any():
            qts = np.nanpercentile(block, percentiles, axis=1)
        else:
            qts = np.percentile(block, percentiles, axis=1, overwrite_input=True)
        bins.extend(np.asarray(qts[:, i]) for i in range(block.shape[0]))
    return bins


def _bin_index(qts: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``np.searchsorted(qts, values)`` (bin of each value); by comparisons when there are few bins."""
    if qts.size > 12:
        return np.searchsorted(qts, values)
    index = np.zeros(values.shape, dtype=np.intp)
    for q in qts:
        index += values > q
    return index


class BaseDiscretizer:
    """Base class: subclass it and implement :meth:`bins` for a custom discretizer.

    Parameters
    ----------
    data : ndarray of shape (n_samples, n_features)
        Training data (numeric; NaN allowed and ignored).
    categorical_features : list of int
        Columns that are not discretized.
    feature_names : list of str
        Name of each column, used in the bin names.
    labels : array-like of shape (n_samples,), optional
        Training labels (for label-aware bins such as :class:`EntropyDiscretizer`).
    random_state : int, numpy.random.Generator, numpy.random.RandomState or None
        Seeds :meth:`undiscretize` (and a decision tree's ties).
    data_stats : dict, optional
        ``'means'``, ``'stds'``, ``'mins'``, ``'maxs'`` (dicts feature -> list per bin),
        used instead of statistics computed from ``data``.

    Attributes
    ----------
    to_discretize : list of int
        The discretized columns.
    names : dict of int to list of str
        Per column, the name of each bin (``'x <= 0.50'``, ``'0.50 < x <= 1.20'``, ``'x > 1.20'``).
    means, stds, mins, maxs : dict of int to list of float
        Per column, the training mean, standard deviation, lower and upper bound of each bin.
    boundaries : dict of int to ndarray
        Per column, the sorted inner bin boundaries.
    lambdas : dict of int to callable
        Per column, ``values -> bin indices`` (picklable).

    Examples
    --------
    >>> class Halves(BaseDiscretizer):
    ...     def bins(self, data, labels):
    ...         return [np.median(data[:, f], keepdims=True) for f in self.to_discretize]
    >>> X = np.arange(8, dtype=float).reshape(4, 2)
    >>> d = Halves(X, [], ["a", "b"], random_state=0)
    >>> d.names[0]
    ['a <= 3.00', 'a > 3.00']
    >>> d.discretize(X)[:, 0].tolist()
    [0.0, 0.0, 1.0, 1.0]
    """

    def __init__(self, data: np.ndarray, categorical_features: Any, feature_names: Any, labels: Any = None,
                 random_state: Any = None, data_stats: dict | None = None) -> None:
        data = np.asarray(data)
        if data.ndim != 2:
            raise ValueError(f"The 'data' parameter of {type(self).__name__} must be a 2-D array; "
                             f"got shape {data.shape}.")
        categorical = {int(c) for c in categorical_features}
        self.to_discretize = [x for x in range(data.shape[1]) if x not in categorical]
        self.data_stats = data_stats
        self.names: dict[int, list[str]] = {}
        self.lambdas: dict[int, Any] = {}
        self.boundaries: dict[int, np.ndarray] = {}
        self.means: dict[int, list[float]] = {}
        self.stds: dict[int, list[float]] = {}
        self.mins: dict[int, list[float]] = {}
        self.maxs: dict[int, list[float]] = {}
        self.random_state = random_state
        self._rng = check_random_state(random_state, caller=type(self).__name__)

        bins = [np.unique(np.asarray(b, dtype=float)) for b in self.bins(data, labels)]
        if len(bins) != len(self.to_discretize):
            raise ValueError(f"{type(self).__name__}.bins returned boundaries for {len(bins)} columns; "
                             f"expected one array per discretized column ({len(self.to_discretize)}).")
        if data_stats:
            for key in ("means", "stds", "mins", "maxs"):
                setattr(self, key, _int_keys(data_stats.get(key) or {}))
        for feature, qts in zip(self.to_discretize, bins):
            if qts.size == 0:
                raise ValueError(f"{type(self).__name__}.bins returned no boundary for column {feature}; "
                                 f"each discretized column needs at least one.")
            name = feature_names[feature]
            names = [f"{name} <= {qts[0]:.2f}"]
            names += [f"{qts[i]:.2f} < {name} <= {qts[i + 1]:.2f}" for i in range(qts.size - 1)]
            names.append(f"{name} > {qts[-1]:.2f}")
            self.names[feature] = names
            self.boundaries[feature] = qts
            self.lambdas[feature] = functools.partial(np.searchsorted, qts)
        #: Per column, how many training values fall in each bin (and how many are NaN).
        self.bin_counts: dict[int, np.ndarray] = {}
        self.nan_counts: dict[int, int] = {}
        if data_stats:
            return
        for chunk, block in _column_blocks(data, self.to_discretize):
            self._bin_statistics(chunk, block)

    def _bin_statistics(self, chunk: list[int], block: np.ndarray) -> None:
        """Count, mean, std, min and max of the training values in each bin, column by column."""
        for feature, column in zip(chunk, block):
            qts = self.boundaries[feature]
            missing = np.isnan(column)
            observed = column[~missing] if missing.any() else column
            index = _bin_index(qts, observed)
            n_bins = qts.size + 1
            counts = np.bincount(index, minlength=n_bins).astype(float)
            sums = np.bincount(index, weights=observed, minlength=n_bins)
            with np.errstate(invalid="ignore", divide="ignore"):
                means = np.where(counts > 0, sums / counts, 0.0)
                squares = np.bincount(index, weights=(observed - means[index]) ** 2, minlength=n_bins)
                stds = np.where(counts > 0, np.sqrt(squares / np.maximum(counts, 1)), 0.0)
            low, high = (observed.min(), observed.max()) if observed.size else (qts[0], qts[-1])
            self.bin_counts[feature] = counts
            self.nan_counts[feature] = int(missing.sum())
            self.means[feature] = means.tolist()
            self.stds[feature] = (stds + STD_EPSILON).tolist()
            self.mins[feature] = [float(low)] + qts.tolist()
            self.maxs[feature] = qts.tolist() + [float(high)]

    def bins(self, data: np.ndarray, labels: Any) -> list[np.ndarray]:
        """Inner bin boundaries of each column in ``to_discretize`` (to override).

        Parameters
        ----------
        data : ndarray of shape (n_samples, n_features)
        labels : array-like or None

        Returns
        -------
        list of ndarray
            One array of boundaries per discretized column, in ``to_discretize`` order.
        """
        raise NotImplementedError("Must override bins() method")

    def discretize(self, data: np.ndarray) -> np.ndarray:
        """Replace each discretized column by its bin index (NaN stays NaN).

        Parameters
        ----------
        data : ndarray of shape (n_features,) or (n_samples, n_features)

        Returns
        -------
        ndarray of the same shape, as floats.
        """
        data = np.asarray(data)
        ret = np.array(data, dtype=float, copy=True)
        block = ret if ret.ndim == 2 else ret[None, :]
        for feature, qts in self.boundaries.items():
            column = block[:, feature]
            index = np.searchsorted(qts, column).astype(float)
            index[np.isnan(column)] = np.nan
            block[:, feature] = index
        return ret

    def _flat_stats(self) -> tuple[list[int], np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        features = [f for f in self.to_discretize if f in self.means]
        sizes = [len(self.means[f]) for f in features]
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp) if sizes else np.zeros(0, np.intp)

        def flat(stat: dict) -> np.ndarray:
            return np.concatenate([np.asarray(stat[f], dtype=float) for f in features]) if features else np.zeros(0)
        return features, offsets, flat(self.means), flat(self.stds), flat(self.mins), flat(self.maxs)

    def undiscretize(self, data: np.ndarray, *, random_state: Any = None) -> np.ndarray:
        """Replace bin indices by values drawn within each bin (truncated normal).

        Parameters
        ----------
        data : ndarray of shape (n_features,) or (n_samples, n_features)
            Bin indices in the discretized columns.
        random_state : int, numpy.random.Generator or None, optional
            Drives the draws; default: the discretizer's own generator (advanced).

        Returns
        -------
        ndarray of the same shape, as floats.

        Examples
        --------
        >>> X = np.random.default_rng(0).normal(size=(100, 1))
        >>> d = QuartileDiscretizer(X, [], ["x"], random_state=0)
        >>> values = d.undiscretize(np.array([[0.0], [3.0]]))
        >>> bool(values[0, 0] <= d.boundaries[0][0] < d.boundaries[0][-1] < values[1, 0])
        True
        """
        rng = self._rng if random_state is None else check_random_state(random_state, caller="undiscretize")
        ret = np.array(data, dtype=float, copy=True)
        block = ret if ret.ndim == 2 else ret[None, :]
        features, offsets, means, stds, mins, maxs = self._flat_stats()
        if not features:
            return ret
        bins = block[:, features]
        missing = np.isnan(bins)
        index = offsets + np.where(missing, 0, bins).astype(np.intp)
        u = rng.random(bins.shape)
        values = truncated_normal_ppf(u, means[index], stds[index], mins[index], maxs[index])
        values[missing] = np.nan
        block[:, features] = values
        return ret


def _int_keys(mapping: dict) -> dict:
    """Stats read from JSON have string keys; features are ints."""
    return {int(k) if isinstance(k, str) and k.lstrip("-").isdigit() else k: v for k, v in mapping.items()}


class StatsDiscretizer(BaseDiscretizer):
    """Bins and bin statistics given in ``data_stats`` (lime's ``training_data_stats``).

    ``data_stats['bins']`` maps a column to its inner boundaries; ``'means'``,
    ``'stds'``, ``'mins'``, ``'maxs'`` map it to per-bin lists.

    Examples
    --------
    >>> stats = {"bins": {0: [0.0]}, "means": {0: [-1.0, 1.0]}, "stds": {0: [0.5, 0.5]},
    ...          "mins": {0: [-3.0, 0.0]}, "maxs": {0: [0.0, 3.0]}}
    >>> StatsDiscretizer(np.zeros((2, 1)), [], ["x"], data_stats=stats).names[0]
    ['x <= 0.00', 'x > 0.00']
    """

    def __init__(self, data: np.ndarray, categorical_features: Any, feature_names: Any, labels: Any = None,
                 random_state: Any = None, data_stats: dict | None = None) -> None:
        if not data_stats:
            raise ValueError("The 'data_stats' parameter of StatsDiscretizer must be a dict with 'bins', "
                             "'means', 'stds', 'mins' and 'maxs'; got None.")
        super().__init__(data, categorical_features, feature_names, labels=labels,
                         random_state=random_state, data_stats=data_stats)

    def bins(self, data: np.ndarray, labels: Any) -> list[np.ndarray]:
        """Boundaries read from ``data_stats['bins']``."""
        stats_bins = _int_keys((self.data_stats or {}).get("bins") or {})
        missing = [f for f in self.to_discretize if stats_bins.get(f) is None]
        if missing:
            raise ValueError(f"data_stats['bins'] has no boundaries for columns {missing}; give "
                             f"boundaries for every continuous column, or mark them categorical.")
        return [np.asarray(stats_bins[f], dtype=float) for f in self.to_discretize]


class QuartileDiscretizer(BaseDiscretizer):
    """Four bins per column, at the training quartiles (lime's default).

    Examples
    --------
    >>> X = np.arange(9, dtype=float).reshape(9, 1)
    >>> QuartileDiscretizer(X, [], ["x"]).names[0]
    ['x <= 2.00', '2.00 < x <= 4.00', '4.00 < x <= 6.00', 'x > 6.00']
    """

    def __init__(self, data: np.ndarray, categorical_features: Any, feature_names: Any, labels: Any = None,
                 random_state: Any = None) -> None:
        super().__init__(data, categorical_features, feature_names, labels=labels, random_state=random_state)

    def bins(self, data: np.ndarray, labels: Any) -> list[np.ndarray]:
        """The 25th, 50th and 75th percentiles of each column."""
        return _quantile_bins(data, self.to_discretize, [25, 50, 75])


class DecileDiscretizer(BaseDiscretizer):
    """Ten bins per column, at the training deciles.

    Examples
    --------
    >>> X = np.arange(11, dtype=float).reshape(11, 1)
    >>> len(DecileDiscretizer(X, [], ["x"]).names[0])
    10
    """

    def __init__(self, data: np.ndarray, categorical_features: Any, feature_names: Any, labels: Any = None,
                 random_state: Any = None) -> None:
        super().__init__(data, categorical_features, feature_names, labels=labels, random_state=random_state)

    def bins(self, data: np.ndarray, labels: Any) -> list[np.ndarray]:
        """The 10th, 20th, ..., 90th percentiles of each column."""
        return _quantile_bins(data, self.to_discretize, [10, 20, 30, 40, 50, 60, 70, 80, 90])


class EntropyDiscretizer(BaseDiscretizer):
    """At most eight bins per column, split to separate the training labels.

    Each column's boundaries are the thresholds of an entropy decision tree of
    depth 3 fitted on that column alone (lime's method); a column the tree does
    not split is cut at its median.

    Raises
    ------
    ValueError
        When ``labels`` is None.

    Examples
    --------
    >>> X = np.arange(20, dtype=float).reshape(20, 1)
    >>> EntropyDiscretizer(X, [], ["x"], labels=(X[:, 0] > 6.2).astype(int), random_state=0).names[0]
    ['x <= 6.50', 'x > 6.50']
    """

    def __init__(self, data: np.ndarray, categorical_features: Any, feature_names: Any, labels: Any = None,
                 random_state: Any = None) -> None:
        if labels is None:
            raise ValueError("Labels must be not None when using EntropyDiscretizer: pass "
                             "training_labels (one label per training row).")
        super().__init__(data, categorical_features, feature_names, labels=labels, random_state=random_state)

    def bins(self, data: np.ndarray, labels: Any) -> list[np.ndarray]:
        """Thresholds of a depth-3 entropy decision tree per column."""
        from sklearn.tree import DecisionTreeClassifier

        labels = np.asarray(labels)
        if labels.shape[0] != data.shape[0]:
            raise ValueError(f"The 'labels' parameter of EntropyDiscretizer must have one label per "
                             f"training row ({data.shape[0]}); got {labels.shape[0]}.")
        seed = self.random_state if isinstance(self.random_state, numbers.Integral) else 0
        bins = []
        for feature in self.to_discretize:
            column = np.asarray(data[:, feature], dtype=float)
            keep = ~np.isnan(column)
            tree = DecisionTreeClassifier(criterion="entropy", max_depth=3, random_state=seed)
            tree.fit(column[keep].reshape(-1, 1), labels[keep])
            qts = tree.tree_.threshold[tree.tree_.children_left > -1]
            bins.append(np.sort(qts) if qts.size else np.array([np.nanmedian(column)]))
        return bins
