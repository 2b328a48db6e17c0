"""What an explainer learns from its training table, computed once and kept small.

:func:`fit_table` turns the training data into the sampling tables of the
interpretable features:

- *state* features (categorical columns, feature groups, discretized continuous
  columns): a distribution over states (categories, bins) from the training
  frequencies, with two extra states, "missing" (sampled at its training rate)
  and "unseen" (never sampled: the explained row holds a value the training data
  never showed);
- *continuous* features (``discretize_continuous=False``): mean and standard
  deviation (lime's ``StandardScaler``) and the rate of missing values.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

from ._table import TableCodec
from .discretize import BaseDiscretizer, DecileDiscretizer, EntropyDiscretizer, QuartileDiscretizer, StatsDiscretizer

__all__ = ["TableModel", "fit_table", "CATEGORICAL", "BINNED", "CONTINUOUS", "GROUP"]

CATEGORICAL, BINNED, CONTINUOUS, GROUP = "categorical", "binned", "continuous", "group"
#: Padding of the cumulative-frequency table: larger than any uniform draw.
_PAST_ONE = 2.0
#: Features with at most this many states are drawn by comparisons; more by searchsorted.
_SMALL_STATES = 24
#: Values per row block in vectorised loops (temporaries of a few hundred KB stay in cache).
_BLOCK_ELEMENTS = 32768
#: Segments per bin of the within-bin inverse-CDF table (a power of two: ``u * SEGMENTS`` is exact).
INVERSE_CDF_SEGMENTS = 256
#: Finer segments (a power of two) a segment is split into when it fails its accuracy test.
INVERSE_CDF_SUBSEGMENTS = 16
#: A table segment is used only if its error bound is within this share of the bin's standard
#: deviation; other segments are split, and draws on sub-segments that still fail are computed exactly.
INVERSE_CDF_TOLERANCE = 1e-6
#: Largest table of regular segments (32 bytes each, ~49 KB per quartile-binned column, plus
#: ~15% of split segments): wider tables draw every within-bin value exactly instead.
MAX_INVERSE_CDF_TABLE_BYTES = 32 * 2**20


@dataclass
class TableModel:
    """The fitted sampling tables (see the module docstring).

    Interpretable feature ``j`` has ``kinds[j]`` and covers ``columns[j]`` of the table.
    State features are numbered ``0..S-1`` in ``state_ids``; per state feature,
    ``freqs[s]`` has ``n_regular + 2`` entries (regular states, missing, unseen).
    """

    codec: TableCodec
    names: list[str]
    kinds: list[str]
    columns: list[list[int]]
    state_ids: np.ndarray
    freqs: list[np.ndarray]
    n_regular: np.ndarray
    cum_small: np.ndarray
    small: np.ndarray
    large: np.ndarray
    bin_pos: np.ndarray
    bin_cols: np.ndarray
    bin_offsets: np.ndarray
    bin_mean: np.ndarray
    bin_std: np.ndarray
    bin_lo: np.ndarray
    bin_hi: np.ndarray
    bin_int_lo: np.ndarray
    bin_int_hi: np.ndarray
    bin_integer: np.ndarray
    bin_table: np.ndarray
    bin_edges: np.ndarray
    cat_pos: np.ndarray
    cat_cols: np.ndarray
    group_pos: list[int]
    group_tables: list[np.ndarray]
    cont_ids: np.ndarray
    cont_cols: np.ndarray
    cont_mean: np.ndarray
    cont_scale: np.ndarray
    cont_missing: np.ndarray
    scaler_mean: np.ndarray
    scaler_scale: np.ndarray
    discretizer: BaseDiscretizer | None
    group_names: dict[int, list[str]] = field(default_factory=dict)
    _cubic: np.ndarray | None = field(default=None, repr=False, compare=False)
    _cubic_fine: np.ndarray | None = field(default=None, repr=False, compare=False)
    _cubic_rows: np.ndarray | None = field(default=None, repr=False, compare=False)
    _state_dtype: type | None = field(default=None, repr=False, compare=False)
    _reached: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def bin_cubic(self) -> np.ndarray | None:
        """The within-bin inverse-CDF table (:func:`inverse_cdf_table`), built on first use.

        ``None`` when it would exceed ``MAX_INVERSE_CDF_TABLE_BYTES`` (every draw is then
        exact). Not pickled (a few MB for hundreds of columns): rebuilt from ``bin_table``.
        """
        size = 32 * INVERSE_CDF_SEGMENTS * self.bin_table.shape[1]
        if self._cubic is None and size <= MAX_INVERSE_CDF_TABLE_BYTES:
            self._cubic, self._cubic_fine = inverse_cdf_table(*self.bin_table)
        return self._cubic

    @property
    def bin_cubic_fine(self) -> np.ndarray | None:
        """The finer segments of :attr:`bin_cubic`'s split ones (see :func:`inverse_cdf_table`)."""
        return None if self.bin_cubic is None else self._cubic_fine

    @property
    def bin_cubic_rows(self) -> np.ndarray | None:
        """Per binned column, the rows of :attr:`bin_cubic` its regular bins use.

        An int64 array of shape (columns, 4): ``[first, stop)`` of its regular segments and
        ``[first, stop)`` of its split segments' finer ones in :attr:`bin_cubic_fine` (empty
        when none is split); the compiled pass prefetches them a column ahead. ``None`` when
        there is no table.
        """
        cubic = self.bin_cubic
        if cubic is None:
            return None
        if self._cubic_rows is None:
            g = INVERSE_CDF_SEGMENTS
            first = self.bin_offsets * g
            stop = first + self.n_regular[self.bin_pos] * g
            # split segments own consecutive finer rows, in the order of their table rows
            split = np.isnan(cubic[:, 0]) & ~np.isnan(cubic[:, 1])
            before = INVERSE_CDF_SUBSEGMENTS * np.concatenate([[0], np.cumsum(split)])
            self._cubic_rows = np.column_stack([first, stop, before[first], before[stop]]).astype(np.int64)
        return self._cubic_rows

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_cubic"] = state["_cubic_fine"] = state["_cubic_rows"] = state["_reached"] = None
        return state

    @property
    def num_features(self) -> int:
        return len(self.kinds)

    @property
    def state_dtype(self) -> type:
        """The smallest integer type holding every state index (int8 for lime's quartiles)."""
        if self._state_dtype is None:
            most = max((f.size for f in self.freqs), default=1)
            self._state_dtype = np.int8 if most <= 127 else np.int16 if most <= 32767 else np.int32
        return self._state_dtype

    @property
    def reached_thresholds(self) -> np.ndarray:
        """``cum_small`` without the thresholds no uniform in [0, 1) reaches, one row per threshold.

        Float32 of shape (K, small features), C-contiguous: the compiled state pass's table
        (a threshold at 1 or above for every feature, such as the missing and unseen states
        of complete data, changes no state).
        """
        if self._reached is None:
            reached = np.any(self.cum_small < 1.0, axis=0)
            self._reached = np.ascontiguousarray(self.cum_small[:, reached].T)
        return self._reached

    def draw_states(self, u: np.ndarray, cum_small: np.ndarray | None = None,
                    cum_large: list[np.ndarray] | None = None) -> np.ndarray:
        """Inverse-CDF draws: uniform ``u`` (n, S) in [0, 1) -> state indices (n, S), vectorised."""
        cum_small = self.cum_small if cum_small is None else cum_small
        states = np.zeros(u.shape, dtype=self.state_dtype)
        if self.small.size:
            everything = self.small.size == u.shape[1]
            # a threshold at 1 or above for every feature (missing and unseen states of complete
            # data, padding) is never reached by u < 1: skipping it changes no state
            thresholds = [cum_small[:, k] for k in range(cum_small.shape[1]) if np.any(cum_small[:, k] < 1.0)]
            rows = max(1, _BLOCK_ELEMENTS // self.small.size)
            shape = (min(rows, u.shape[0]), self.small.size)
            acc_buffer, above_buffer = np.empty(shape, dtype=np.int8), np.empty(shape, dtype=bool)
            for a in range(0, u.shape[0], rows):  # row blocks: temporaries stay in cache
                us = u[a:a + rows] if everything else u[a:a + rows, self.small]
                acc, above = acc_buffer[:us.shape[0]], above_buffer[:us.shape[0]]
                acc.fill(0)
                for threshold in thresholds:
                    np.greater_equal(us, threshold, out=above)
                    acc += above.view(np.int8)
                if everything:
                    states[a:a + rows] = acc
                else:
                    states[a:a + rows, self.small] = acc
        for i, s in enumerate(self.large):
            cum = np.cumsum(self.freqs[s]) if cum_large is None else cum_large[i]
            states[:, s] = np.minimum(np.searchsorted(cum, u[:, s].astype(float), side="right"), cum.size - 1)
        return states

    def cumulative(self, freqs: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Cumulative tables for :meth:`draw_states` from per-feature frequencies."""
        width = max((freqs[s].size for s in self.small), default=1)
        cum_small = np.full((self.small.size, max(width - 1, 1)), _PAST_ONE, dtype=np.float32)
        for i, s in enumerate(self.small):
            cum = np.cumsum(freqs[s])
            cum = cum / cum[-1] if cum[-1] > 0 else cum
            cum_small[i, :cum.size - 1] = cum[:-1]
        cum_large = []
        for s in self.large:
            cum = np.cumsum(freqs[s])
            cum_large.append(cum / cum[-1] if cum[-1] > 0 else cum)
        return cum_small, cum_large


def _frequencies(codes: np.ndarray, n_regular: int) -> np.ndarray:
    """Training frequency of each state: regular codes, then missing, then unseen (0)."""
    missing = np.isnan(codes)
    counts = np.bincount(codes[~missing].astype(np.intp), minlength=n_regular).astype(float)[:n_regular]
    return np.concatenate([counts, [missing.sum(), 0.0]]) / max(codes.shape[0], 1)


def _stats_frequencies(stats: dict, column: int, n_regular: int, value_to_state: Any) -> np.ndarray:
    values = _get(stats["feature_values"], column)
    frequencies = np.asarray(_get(stats["feature_frequencies"], column), dtype=float)
    freq = np.zeros(n_regular + 2)
    for value, f in zip(values, frequencies):
        state = value_to_state(value)
        if state is not None and 0 <= state < n_regular:
            freq[state] += f
    total = freq.sum()
    return freq / total if total > 0 else freq


def _get(mapping: Any, key: int) -> Any:
    if isinstance(mapping, dict):
        return mapping[key] if key in mapping else mapping[str(key)]
    return mapping[key]


def make_discretizer(discretizer: Any, matrix: np.ndarray, continuous: list[int], names: list[str],
                     labels: Any, random_state: Any, stats: dict | None) -> BaseDiscretizer:
    """lime's choice of discretizer, on the encoded matrix (categorical columns skipped)."""
    p = matrix.shape[1]
    skip = [c for c in range(p) if c not in set(continuous)]
    seed = random_state if isinstance(random_state, (int, np.integer)) else None
    if isinstance(discretizer, BaseDiscretizer):
        return discretizer
    if stats:
        return StatsDiscretizer(matrix, skip, names, labels=labels, random_state=seed, data_stats=stats)
    classes = {"quartile": QuartileDiscretizer, "decile": DecileDiscretizer, "entropy": EntropyDiscretizer}
    return classes[discretizer](matrix, skip, names, labels=labels, random_state=seed)


def fit_table(codec: TableCodec, matrix: np.ndarray, *, groups: dict[str, list[int]],
              discretize_continuous: bool, discretizer: Any, training_labels: Any, random_state: Any,
              stats: dict | None) -> TableModel:
    """Build the :class:`TableModel` of an encoded training matrix."""
    p = codec.num_columns
    grouped = {c for cols in groups.values() for c in cols}
    group_at = {min(cols): (name, cols) for name, cols in groups.items()}
    names, kinds, columns = [], [], []
    for c in range(p):
        if c in group_at:
            name, cols = group_at[c]
            names.append(name), kinds.append(GROUP), columns.append(list(cols))
        if c in grouped:
            continue
        names.append(codec.feature_names[c])
        columns.append([c])
        if codec.categorical[c]:
            kinds.append(CATEGORICAL)
        else:
            kinds.append(BINNED if discretize_continuous else CONTINUOUS)

    continuous_cols = [cols[0] for cols, kind in zip(columns, kinds) if kind in (BINNED, CONTINUOUS)]
    disc = None
    if discretize_continuous and continuous_cols:
        disc = make_discretizer(discretizer, matrix, continuous_cols, codec.feature_names, training_labels,
                                random_state, stats)
        skipped = [c for c in continuous_cols if c not in getattr(disc, "boundaries", {})]
        if skipped:
            raise ValueError(f"The 'discretizer' given bins no boundaries for continuous column(s) {skipped}; "
                             f"build it with those columns discretized, or mark them categorical.")

    # lime's scaler: StandardScaler(with_mean=False) fitted on the data, categorical -> (0, 1).
    scaler_mean = np.zeros(p)
    scaler_scale = np.ones(p)
    has_nan = False
    if continuous_cols:
        mean, std, has_nan = _column_moments(matrix, continuous_cols)
        scaler_mean[continuous_cols] = mean
        scaler_scale[continuous_cols] = np.where(std > 0, std, 1.0)

    state_ids, freqs, n_regular = [], [], []
    cat_pos, cat_cols, bin_pos, bin_cols = [], [], [], []
    group_pos, group_tables, group_names = [], [], {}
    bin_stats: list[tuple[np.ndarray, ...]] = []
    cont_ids, cont_cols = [], []
    for j, (kind, cols) in enumerate(zip(kinds, columns)):
        if kind == CONTINUOUS:
            cont_ids.append(j), cont_cols.append(cols[0])
            continue
        s = len(state_ids)
        state_ids.append(j)
        c = cols[0]
        if kind == CATEGORICAL:
            k = codec.categories[c].size
            cat_pos.append(s), cat_cols.append(c)
            if stats:
                cats = codec.categories[c]
                freq = _stats_frequencies(stats, c, k, lambda v, cats=cats: _category_state(cats, v))
            else:
                freq = _frequencies(matrix[:, c], k)
        elif kind == BINNED:
            qts = disc.boundaries[c]
            k = qts.size + 1
            bin_pos.append(s), bin_cols.append(c)
            if stats:
                freq = _stats_frequencies(stats, c, k, lambda v: int(v))
            elif c in getattr(disc, "bin_counts", {}):
                counts = np.concatenate([disc.bin_counts[c], [disc.nan_counts[c], 0.0]])
                freq = counts / matrix.shape[0]
            else:
                column = matrix[:, c]
                codes = np.searchsorted(qts, column).astype(float)
                codes[np.isnan(column)] = np.nan
                freq = _frequencies(codes, k)
            pad = [np.nan, np.nan]
            bin_stats.append(tuple(np.concatenate([np.asarray(getattr(disc, a)[c], dtype=float)[:k], pad])
                                   for a in ("means", "stds", "mins", "maxs")))
        else:  # GROUP
            block = matrix[:, cols]
            table, inverse = np.unique(np.where(np.isnan(block), np.inf, block), axis=0, return_inverse=True)
            table = np.where(np.isinf(table), np.nan, table)
            k = table.shape[0]
            freq = np.concatenate([np.bincount(inverse.ravel(), minlength=k) / block.shape[0], [0.0, 0.0]])
            group_pos.append(s)
            group_tables.append(np.vstack([table, np.full((2, len(cols)), np.nan)]))
            group_names[j] = [codec.feature_names[cc] for cc in cols]
        freqs.append(freq)
        n_regular.append(k)

    sizes = np.array([f.size for f in freqs], dtype=np.intp)
    small = np.flatnonzero(sizes <= _SMALL_STATES)
    large = np.flatnonzero(sizes > _SMALL_STATES)
    if bin_stats:
        means, stds, los, his = (np.concatenate([b[i] for b in bin_stats]) for i in range(4))
        bin_sizes = np.array([b[0].size for b in bin_stats])
        offsets = np.concatenate([[0], np.cumsum(bin_sizes)[:-1]]).astype(np.intp)
        stds = np.where(stds > 0, stds, 1e-11)
        quantile_start, quantile_span, signed_std = _truncation_tables(means, stds, los, his)
        integer = codec.integer[bin_cols]
        state_index = np.concatenate([np.arange(b[0].size) for b in bin_stats])
        int_lo = np.where(state_index == 0, np.ceil(los), np.floor(los) + 1)
        int_hi = np.floor(his)
    else:
        means = stds = los = his = int_lo = int_hi = np.zeros(0)
        quantile_start = quantile_span = signed_std = np.zeros(0)
        offsets = np.zeros(0, dtype=np.intp)
        integer = np.zeros(0, dtype=bool)
    cont_cols_arr = np.asarray(cont_cols, dtype=np.intp)
    cont_missing = (np.isnan(matrix[:, cont_cols_arr]).mean(axis=0) if cont_cols and has_nan
                    else np.zeros(len(cont_cols)))
    model = TableModel(
        codec=codec, names=names, kinds=kinds, columns=columns,
        state_ids=np.asarray(state_ids, dtype=np.intp), freqs=freqs,
        n_regular=np.asarray(n_regular, dtype=np.intp), cum_small=np.zeros((0, 1)), small=small, large=large,
        bin_pos=np.asarray(bin_pos, dtype=np.intp), bin_cols=np.asarray(bin_cols, dtype=np.intp),
        bin_offsets=offsets, bin_mean=means, bin_std=stds, bin_lo=los, bin_hi=his,
        bin_int_lo=int_lo, bin_int_hi=int_hi, bin_integer=integer,
        bin_table=np.vstack([quantile_start, quantile_span, means, signed_std, los, his]),
        bin_edges=_padded_edges([disc.boundaries[c] for c in bin_cols] if bin_cols else []),
        cat_pos=np.asarray(cat_pos, dtype=np.intp), cat_cols=np.asarray(cat_cols, dtype=np.intp),
        group_pos=group_pos, group_tables=group_tables,
        cont_ids=np.asarray(cont_ids, dtype=np.intp), cont_cols=cont_cols_arr,
        cont_mean=scaler_mean[cont_cols_arr], cont_scale=scaler_scale[cont_cols_arr],
        cont_missing=cont_missing, scaler_mean=scaler_mean, scaler_scale=scaler_scale,
        discretizer=disc, group_names=group_names)
    model.cum_small, _ = model.cumulative(freqs)
    return model


def _padded_edges(boundaries: list[np.ndarray]) -> np.ndarray:
    """Inner bin boundaries of the binned columns, one row each, padded with +inf (never below a value)."""
    edges = np.full((len(boundaries), max((b.size for b in boundaries), default=0)), np.inf)
    for i, b in enumerate(boundaries):
        edges[i, :b.size] = b
    return edges


def _column_moments(matrix: np.ndarray, columns: list[int]) -> tuple[np.ndarray, np.ndarray, bool]:
    """Mean and standard deviation of each column (NaN ignored), a chunk of columns at a time."""
    from .discretize import _column_blocks

    means, stds, has_nan = [], [], False
    for _, block in _column_blocks(matrix, columns):
        missing = np.isnan(block)
        if missing.any():
            has_nan = True
            count = np.maximum((~missing).sum(axis=1), 1)
            filled = np.where(missing, 0.0, block)
            mean = filled.sum(axis=1) / count
            var = (np.where(missing, 0.0, block - mean[:, None]) ** 2).sum(axis=1) / count
        else:
            mean = block.mean(axis=1)
            var = block.var(axis=1)
        means.append(mean), stds.append(np.sqrt(var))
    return np.concatenate(means), np.concatenate(stds), has_nan


def _truncation_tables(mean: np.ndarray, std: np.ndarray, low: np.ndarray, high: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per bin, what a within-bin draw needs: ``value = mean + signed_std * ndtri(start + u * span)``.

    The CDF values of the bin's bounds are computed once here, not per sample; a
    bin above its mean is mirrored (``signed_std < 0``) so ``ndtri`` keeps its precision.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        lo_z, hi_z = (low - mean) / std, (high - mean) / std
        flip = lo_z > 0
        a = ndtr(np.where(flip, -hi_z, lo_z))
        b = ndtr(np.where(flip, -lo_z, hi_z))
    start = np.where(flip, b, a)
    span = np.where(flip, a - b, b - a)
    return start, span, np.where(flip, -std, std)


def truncated_inverse_cdf(u: np.ndarray, start: np.ndarray, span: np.ndarray, mean: np.ndarray,
                          signed_std: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The exact within-bin value at uniform ``u``: ``mean + signed_std * ndtri(start + u * span)``, clipped.

    All arguments broadcast together (see :func:`_truncation_tables` for the per-bin ones).

    Examples
    --------
    >>> start, span, signed_std = _truncation_tables(np.zeros(1), np.ones(1), -np.ones(1), np.ones(1))
    >>> truncated_inverse_cdf(np.array([0.0, 0.5, 1.0]), start, span, 0.0, signed_std, -1.0, 1.0).round(6).tolist()
    [-1.0, 0.0, 1.0]
    """
    with np.errstate(invalid="ignore"):
        values = mean + signed_std * ndtri(np.minimum(start + u * span, 1.0))
        return np.minimum(np.maximum(values, low), high)


def inverse_cdf_table(start: np.ndarray, span: np.ndarray, mean: np.ndarray, signed_std: np.ndarray,
                      low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per bin, a piecewise cubic of the within-bin inverse CDF: ``SEGMENTS`` segments of ``u``.

    Segment ``k`` of bin ``b`` is row ``b * INVERSE_CDF_SEGMENTS + k``: coefficients
    ``(c0, c1, c2, c3)`` of the cubic Hermite interpolant in ``t = u * SEGMENTS - k``
    (values and exact derivatives at both ends). The value is
    ``x(u) = mean + signed_std * Q(start + u * span)`` with ``Q`` the inverse normal
    CDF, so the interpolation error is at most ``h**4 / 384 * max |x_4|`` with
    ``h`` the segment's width in ``u`` and the fourth derivative
    ``x_4 = signed_std * span**4 * z (7 + 6 z**2) / phi(z)**4``, largest at the segment
    end with the larger ``|z|``. A segment whose bound exceeds ``INVERSE_CDF_TOLERANCE``
    bin standard deviations, or that comes within ten tolerances of the bin's bounds
    (so a cubic never leaves the bin), is split into ``INVERSE_CDF_SUBSEGMENTS`` finer
    segments, rows of a second table: its row is ``(NaN, its first row there, 0, 0)`` and
    sub-segment ``j`` covers ``t`` in ``[j, j + 1) / SUBSEGMENTS``. A sub-segment that
    still fails the same test (the steepest end of a bin's tail, about 0.1% of the draws)
    is all NaN, as is every segment of a bin with no values (the missing and unseen states):
    those draws are computed exactly.

    Returns
    -------
    table : ndarray of shape (n_bins * INVERSE_CDF_SEGMENTS, 4)
        One segment per row, its four coefficients side by side (one cache line per look-up).
    fine : ndarray of shape (n_split * INVERSE_CDF_SUBSEGMENTS, 4)
        The split segments' finer ones, in the order of their rows in ``table``.

    Examples
    --------
    >>> start, span, signed_std = _truncation_tables(np.zeros(1), np.ones(1), -np.ones(1), np.ones(1))
    >>> table, fine = inverse_cdf_table(start, span, np.zeros(1), signed_std, -np.ones(1), np.ones(1))
    >>> table.shape, bool(np.isnan(table[0, 0])), int(table[0, 1])
    ((256, 4), True, 0)
    >>> bool(np.isfinite(table[128]).all()), bool(np.isnan(fine[0]).all()), bool(np.isfinite(fine[1]).all())
    (True, True, True)
    """
    columns = [np.asarray(a, dtype=float) for a in (start, span, mean, signed_std, low, high)]
    g, sub = INVERSE_CDF_SEGMENTS, INVERSE_CDF_SUBSEGMENTS
    n_bins = columns[0].size
    table = np.empty((n_bins * g, 4))  # filled in place: no concatenated copy
    chunk = 64  # bins at a time: temporaries of ~130 KB each
    for a in range(0, n_bins, chunk):
        part = _cubic_segments(*(c[a:a + chunk, None] for c in columns), first=np.zeros((1, 1)), count=g, g=g)
        table[a * g:(a + part.shape[0]) * g] = part.reshape(-1, 4)
    # split the segments that failed, of bins that hold values (a missing or unseen state stays NaN)
    failed = np.flatnonzero(np.isnan(table[:, 0]) & np.repeat(np.isfinite(columns[4]), g))
    owner, k = np.divmod(failed, g)
    fine = np.empty((failed.size * sub, 4))  # filled in place as well
    step = chunk * 16  # split segments at a time: temporaries of ~130 KB each
    for a in range(0, failed.size, step):
        rows = slice(a, a + step)
        params = (c[owner[rows], None] for c in columns)
        part = _cubic_segments(*params, first=(k[rows] / g)[:, None], count=sub, g=g * sub)
        fine[a * sub:a * sub + part.shape[0] * sub] = part.reshape(-1, 4)
    table[failed] = [np.nan, 0.0, 0.0, 0.0]
    table[failed, 1] = np.arange(failed.size) * sub
    return table, fine


def _cubic_segments(start: np.ndarray, span: np.ndarray, mean: np.ndarray, signed_std: np.ndarray,
                    low: np.ndarray, high: np.ndarray, first: np.ndarray, count: int, g: int) -> np.ndarray:
    """``count`` cubic segments of width ``1 / g`` in ``u`` from ``first``, per bin: (bins, count, 4).

    The bin arguments and ``first`` have shape (bins, 1); see :func:`inverse_cdf_table`.
    A segment that fails its accuracy or inside-the-bin test is all NaN.
    """
    nodes = first + np.arange(count + 1) / g  # exact: dyadic fractions
    with np.errstate(all="ignore"):
        value = truncated_inverse_cdf(nodes, start, span, mean, signed_std, low, high)
        z = ndtri(np.minimum(start + nodes * span, 1.0))
        density = np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)
        slope = signed_std * span / density / g
        p0, p1, m0, m1 = value[:, :-1], value[:, 1:], slope[:, :-1], slope[:, 1:]
        table = np.stack([p0, m0, 3 * (p1 - p0) - 2 * m0 - m1, 2 * (p0 - p1) + m0 + m1], axis=-1)
        fourth = np.abs(z * (7 + 6 * z * z)) / density ** 4
        bound = span ** 4 * np.maximum(fourth[:, :-1], fourth[:, 1:]) / (384.0 * float(g) ** 4)  # in bin stds
        tol = INVERSE_CDF_TOLERANCE * np.abs(signed_std)
        inside = (np.minimum(p0, p1) - low > 10 * tol) & (high - np.maximum(p0, p1) > 10 * tol)
        good = inside & (bound <= INVERSE_CDF_TOLERANCE) & np.all(np.isfinite(table), axis=-1)
    table[~good] = np.nan
    single = (low == high)[:, 0] & np.isfinite(low[:, 0])  # a one-value bin: every draw is that value
    table[single] = 0.0
    table[single, :, 0] = low[single]
    return table


def _category_state(categories: np.ndarray, value: Any) -> int | None:
    for k, cat in enumerate(categories):
        try:
            if cat == value:
                return k
        except (TypeError, ValueError):
            continue
    return None
