"""The interpretable view of one table row: lime's tabular neighbourhood, vectorised.

Interpretable feature ``j`` of a row ``x`` is

- for a categorical column, a feature group, or a discretized continuous column:
  ``z'_j = 1`` when the sample's category / group value / bin is the row's, else 0;
- for a continuous column that is not discretized: the sample's value in
  standard deviations from the training mean (lime's scaled value).

:meth:`TabularRepresentation.sample` draws lime's neighbourhood: each state
feature from its training frequencies (missing values included), continuous
values within their bin from a truncated normal, undiscretized continuous values
from ``Normal(mean, std)`` (around the row with ``sample_around_instance``).
All random numbers are fixed in ``sample``, as uniforms laid out by the
``sampling_method`` design (:mod:`lime_tabular._designs`: independent rows,
a Latin hypercube, or a scrambled Sobol' sequence); the model inputs are built
per batch from them, so they do not depend on how the rows are split into batches.
Independent rows take their bin uniforms from a :class:`lime_core.UniformStream`
(a fast generator of its own), their within-bin uniforms from a key
(:class:`_KeyedUniforms`, computed where they are used) and their normal and
missing-value draws from generators of their own, all made from the
explanation's generator before any row is drawn: the first ``n`` rows of a
larger neighbourhood are those of ``n`` (``nested_samples``), so lime_core draws
the hold-out rows with the neighbourhood, in one call.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtri

from lime_core import Neighborhood, UniformStream, pooled_empty, scrambled_sobol
from lime_core.validation import spawn_seed

from ._designs import latin_hypercube
from ._fit import (BINNED, CATEGORICAL, CONTINUOUS, GROUP, INVERSE_CDF_SEGMENTS, INVERSE_CDF_SUBSEGMENTS,
                   TableModel, truncated_inverse_cdf)
from ._table import UNSEEN

try:
    from . import _compiled
except ImportError:  # built without a C compiler: the NumPy twins give the same values
    _compiled = None

__all__ = ["TabularRepresentation", "SAMPLING_METHODS"]

SAMPLING_METHODS = ("gaussian", "lhs", "sobol")
#: Uniform draws are kept this far inside (0, 1) so the inverse normal CDF stays finite.
_U_MARGIN = 1e-7
#: Values per block of the within-bin table look-up (its reused buffers, ~64 KB each, stay in cache).
_TABLE_BLOCK_ELEMENTS = 8192
#: Uniforms per block of the state draws (512 KB of float32: memory stays bounded, few blocks).
_STATE_BLOCK_ELEMENTS = 1 << 17


#: SplitMix64's increment (lime_core/_uniforms.h): word ``i`` of a key's sequence is ``mix(key + (i + 1) * gamma)``.
_GAMMA = np.uint64(0x9E3779B97F4A7C15)


class _KeyedUniforms:
    """The within-bin uniforms of independent rows, computed from a key when the values are built.

    The value of row ``r`` and column ``c`` is uniform ``j = r * (columns + columns % 2) + c``
    of the key's SplitMix64 sequence (G. L. Steele, D. Lea, C. H. Flood, "Fast splittable
    pseudorandom number generators", OOPSLA 2014): half ``j % 2`` (low half first) of word
    ``j // 2``, ``mix(key + (j // 2 + 1) * gamma)``, as ``(bits >> 8) * 2**-24``. Any row's
    values are computed directly, so the compiled pass makes them where it uses them (a
    neighbourhood's 165,000 uniforms of breast_cancer never exist as an array), any batch
    gets its rows' values, and a row's values do not depend on how many rows were drawn.
    """

    def __init__(self, key: int, columns: int) -> None:
        self.key = key
        self.columns = columns

    def rows(self, lo: int, hi: int) -> np.ndarray:
        """What the within-bin pass takes for rows ``[lo, hi)``: ``(key, lo)`` (compiled), else the values."""
        if _compiled is not None:
            return np.array([self.key, lo], dtype=np.uint64)
        return keyed_uniforms(self.key, lo, hi - lo, self.columns)


def keyed_uniforms(key: int, first: int, rows: int, columns: int) -> np.ndarray:
    """The values of :class:`_KeyedUniforms` for rows ``[first, first + rows)``: float32 (rows, columns).

    Examples
    --------
    >>> keyed_uniforms(7, 2, 3, 5).shape, bool((keyed_uniforms(7, 0, 5, 5)[2:] == keyed_uniforms(7, 2, 3, 5)).all())
    ((3, 5), True)
    """
    stride = columns + columns % 2
    out = np.empty((rows, columns), dtype=np.float32)
    block = max(1, _TABLE_BLOCK_ELEMENTS // max(columns, 1))
    for a in range(0, rows, block):  # a block of rows at a time: the uint64 temporaries stay small
        r = np.arange(first + a, first + min(rows, a + block), dtype=np.uint64)[:, None]
        j = r * np.uint64(stride) + np.arange(columns, dtype=np.uint64)
        z = np.uint64(key) + (j // np.uint64(2) + np.uint64(1)) * _GAMMA  # wraps modulo 2**64, as in C
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
        bits = np.where(j & np.uint64(1), z >> np.uint64(32), z & np.uint64(0xFFFFFFFF))
        out[a:a + block] = (bits >> np.uint64(8)).astype(np.float32) * np.float32(2.0 ** -24)  # exact
    return out


def _uniform_values(u: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """Uniforms as values: ``u`` itself, or those a ``(key, first row)`` of :class:`_KeyedUniforms` stands for."""
    if u.dtype != np.uint64:
        return u
    return keyed_uniforms(int(u[0]), int(u[1]), rows, columns)


@dataclass(frozen=True)
class _Draws:
    """The random numbers of one neighbourhood (everything model inputs are built from)."""

    states: np.ndarray       # (n, S) state indices (int8 unless a feature has > 127 states)
    within_bin: Any          # (n, B) float32 array, uniform position inside the bin (any layout), or _KeyedUniforms
    gaussian: np.ndarray     # (n, C) float64, standard normal draws
    missing: np.ndarray      # (n, C) bool

    def within_rows(self, lo: int, hi: int) -> np.ndarray:
        """The within-bin uniforms of rows ``[lo, hi)`` (values, or a key and row: see _KeyedUniforms)."""
        if isinstance(self.within_bin, _KeyedUniforms):
            return self.within_bin.rows(lo, hi)
        return self.within_bin[lo:hi]


class TabularRepresentation:
    """One row of a table as ``d'`` interpretable features (the lime_core Representation).

    Built by :meth:`LimeTabularExplainer.representation`; see the module docstring.

    Attributes
    ----------
    feature_names : list of str
        Readable names: ``'0.50 < x <= 1.20'``, ``'colour=red'``, ``'x is missing'``, ``'x'``.
    feature_values : list of str
        The row's value of each interpretable feature, as text.
    row_scaled : ndarray of shape (d',)
        ``x'``, row 0 of every neighbourhood.

    Examples
    --------
    >>> from lime_tabular import LimeTabularExplainer
    >>> X = np.random.default_rng(0).normal(size=(100, 2))
    >>> rep = LimeTabularExplainer(X, feature_names=["a", "b"]).representation(X[0])
    >>> rep.feature_names
    ['-0.01 < a <= 0.59', '-0.59 < b <= 0.10']
    >>> hood = rep.sample(4, np.random.default_rng(0))
    >>> hood.interpretable[0].tolist(), hood.model_input(0, 1)[0].tolist() == X[0].tolist()
    ([1, 1], True)
    """

    def __init__(self, model: TableModel, encoded_row: np.ndarray, raw_row: list[Any], *,
                 sample_around_instance: bool = False, sampling_method: str = "gaussian",
                 distance_metric: str = "euclidean", categorical_names: dict | None = None) -> None:
        self.model = model
        self.encoded_row = encoded_row
        self.raw_row = raw_row
        self.sample_around_instance = sample_around_instance
        self.sampling_method = sampling_method
        self.distance_metric = distance_metric
        self._row_states = self._states_of_row()
        self._cont_row_missing = np.isnan(encoded_row[model.cont_cols])
        self.plain_names, self.feature_names, self.feature_values = self._names(categorical_names or {})
        self.row_scaled = self._row_scaled()

    @property
    def nested_samples(self) -> bool:
        """Whether ``sample(n + m, rng)`` begins with the rows of ``sample(n, rng)`` (equal generators).

        True for independent rows (``sampling_method='gaussian'``): lime_core then draws the
        hold-out rows with the neighbourhood. A Latin hypercube or a Sobol' design spreads
        its rows over all of them, so it is not nested.
        """
        return self.sampling_method == "gaussian"

    # ------------------------------------------------------------------ the row
    def _states_of_row(self) -> np.ndarray:
        m, row = self.model, self.encoded_row
        states = np.zeros(len(m.state_ids), dtype=np.int32)
        if m.bin_pos.size:  # a bin is the number of its column's inner boundaries below the value
            values = row[m.bin_cols]
            bins = np.count_nonzero(m.bin_edges < values[:, None], axis=1)
            states[m.bin_pos] = np.where(np.isnan(values), m.n_regular[m.bin_pos], bins)
        if m.bin_pos.size == len(m.state_ids):  # every state feature binned (lime's default): done
            return states
        for s, j in enumerate(m.state_ids.tolist()):
            if m.kinds[j] == BINNED:
                continue
            kind, cols, k = m.kinds[j], m.columns[j], int(m.n_regular[s])
            if kind == GROUP:
                table = m.group_tables[len([g for g in m.group_pos if g < s])][:k]
                block = row[cols]
                hit = np.flatnonzero(np.all((table == block) | (np.isnan(table) & np.isnan(block)), axis=1))
                states[s] = hit[0] if hit.size else k + 1
                continue
            value = row[cols[0]]
            if np.isnan(value):
                states[s] = k
            else:  # CATEGORICAL
                states[s] = k + 1 if value == UNSEEN else int(value)
        return states

    def _row_scaled(self) -> np.ndarray:
        m = self.model
        x = np.ones(m.num_features)
        if m.cont_ids.size:
            value = (self.encoded_row[m.cont_cols] - m.cont_mean) / m.cont_scale
            x[m.cont_ids] = np.where(self._cont_row_missing, 1.0, value)
        return x

    def _names(self, categorical_names: dict) -> tuple[list[str], list[str], list[str]]:
        m = self.model
        plain, shown, values = [], [], []
        state_of = {j: s for s, j in enumerate(m.state_ids.tolist())}
        row_missing = np.isnan(self.encoded_row).tolist()  # Python lists: no NumPy scalar per feature
        row_states = self._row_states.tolist()
        for j, (kind, cols, name) in enumerate(zip(m.kinds, m.columns, m.names)):
            c = cols[0]
            raw = self.raw_row[c]
            if kind == BINNED and not row_missing[c]:  # lime's default: every feature
                plain.append(name)
                shown.append(m.discretizer.names[c][row_states[state_of[j]]])
                values.append(f"{float(raw):.2f}")
                continue
            missing = kind != GROUP and row_missing[c]
            if missing:
                plain.append(name), shown.append(f"{name} is missing"), values.append("missing")
                continue
            if kind == CATEGORICAL:
                label = _category_label(raw, categorical_names.get(c))
                unseen = self.encoded_row[c] == UNSEEN
                text = f"{name}={label}" + (" (not any training value)" if unseen else "")
                plain.append(text), shown.append(text), values.append("True")
            elif kind == GROUP:
                s = state_of[j]
                text = f"{name}={self._group_label(j, s)}"
                plain.append(text), shown.append(text), values.append("True")
            else:
                plain.append(name), shown.append(name), values.append(f"{float(raw):.2f}")
        return plain, shown, values

    def _group_label(self, j: int, s: int) -> str:
        m = self.model
        cols, k = m.columns[j], int(m.n_regular[s])
        state = int(self._row_states[s])
        block = self.encoded_row[cols]
        if state > k:
            return "(" + ", ".join(f"{v:g}" for v in block) + ") (not any training value)"
        nonzero = np.flatnonzero(np.nan_to_num(block) != 0)
        if nonzero.size == 1 and block[nonzero[0]] == 1:
            return m.group_names[j][nonzero[0]]
        if nonzero.size == 0:
            return "none"
        return "(" + ", ".join(f"{v:g}" for v in block) + ")"

    # ------------------------------------------------------------------ sampling
    def sample(self, num_samples: int, rng: np.random.Generator) -> Neighborhood:
        """Draw lime's neighbourhood of ``num_samples`` rows (row 0 is the row itself).

        Parameters
        ----------
        num_samples : int
        rng : numpy.random.Generator

        Returns
        -------
        lime_core.Neighborhood
            ``interpretable`` (num_samples, d'), euclidean (or ``distance_metric``)
            distances to ``x'``, and ``model_input(start, stop)`` building the rows
            the black box takes, batch by batch.
        """
        m, n = self.model, num_samples
        s, b, c = len(m.state_ids), m.bin_pos.size, m.cont_ids.size
        if self.sampling_method == "sobol":  # one scrambled Sobol' point per row, over all its uniforms
            design = scrambled_sobol(rng, n, s + b + c)
            states, same, same_count = self._states_of_uniforms([(0, design[:, :s])], n)
            within = np.ascontiguousarray(design[:, s:s + b])
            gaussian = ndtri(np.clip(design[:, s + b:].astype(float), 1e-12, 1 - 1e-12))
        elif self.sampling_method == "lhs":
            states, same, same_count = self._draw_states(rng, n)
            within = latin_hypercube(rng, n, b, np.float32)  # kept off 0 and 1 where used exactly
            gaussian = ndtri(np.clip(latin_hypercube(rng, n, c), 1e-12, 1 - 1e-12))
        else:  # independent rows: every generator is made before any row, so a row does not depend on n
            stream = UniformStream(rng)  # the bulk uniforms: the states', row after row
            within = _KeyedUniforms(int(rng.integers(0, 2 ** 64, dtype=np.uint64)), b)  # computed where used
            normal = np.random.default_rng(spawn_seed(rng))
            rng = np.random.default_rng(spawn_seed(rng))  # from here on, the missing values' alone
            states, same, same_count = self._draw_states(rng, n, stream)
            gaussian = normal.standard_normal((n, c))
        states[0] = self._row_states
        missing = rng.random((n, c)) < m.cont_missing if c else np.zeros((n, 0), dtype=bool)
        missing[0] = self._cont_row_missing
        draws = _Draws(states, within, gaussian, missing)

        if m.state_ids.size == m.num_features:  # every feature is a state feature (lime's default)
            if same is None:
                same = (states == self._row_states).view(np.int8)  # 0/1 without a float copy
                same_count = np.count_nonzero(same, axis=1)
            same[0], same_count[0] = 1, m.num_features
            z = same  # int8: the core fits z' in row blocks
            if self.distance_metric == "euclidean":  # binary z' and x' = 1: d = sqrt(#features that differ)
                distances = np.sqrt(m.num_features - same_count.astype(float))
                return Neighborhood(z, distances, TableRows(self, draws))
        else:
            z = np.empty((n, m.num_features))
            z[:, m.state_ids] = states == self._row_states
        if c:
            z[:, m.cont_ids] = self._scaled_continuous(gaussian, missing)
            z[0, m.cont_ids] = self.row_scaled[m.cont_ids]
        distances = self._distances(z)
        return Neighborhood(z, distances, TableRows(self, draws))

    def _draw_states(self, rng: np.random.Generator, n: int, stream: UniformStream | None = None
                     ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """State indices of ``n`` samples; the uniforms come from ``stream``, a block of rows at a time.

        A stream fills blocks in order, so blocks give the same numbers as one draw while
        the uniforms never exist all at once; a Latin hypercube (``stream=None``) is drawn
        whole from ``rng``. Returns what :meth:`_states_of_uniforms` returns.
        """
        s = len(self.model.state_ids)
        if stream is None:
            return self._states_of_uniforms([(0, latin_hypercube(rng, n, s, np.float32))], n)
        if self._compiled_states():  # the pass draws the uniforms itself: they never exist as an array
            states, same, same_count = self._state_arrays(n)
            _compiled.draw_states_from_stream(stream.state, self.model.reached_thresholds,
                                              self._row_states.astype(np.int8), states, same, same_count)
            return states, same, same_count
        rows = max(2, _STATE_BLOCK_ELEMENTS // max(s, 1)) // 2 * 2  # an even count a block: one fill's values
        blocks = ((a, stream.draw((min(rows, n - a), s))) for a in range(0, n, rows))
        return self._states_of_uniforms(blocks, n)

    def _compiled_states(self) -> bool:
        """Whether the compiled state pass applies: every feature with few states (lime's bins, most categories)."""
        m, s = self.model, len(self.model.state_ids)
        return (_compiled is not None and 0 < s == m.small.size and m.state_dtype is np.int8
                and m.cum_small.shape[1] <= 127)

    def _state_arrays(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Empty states, ``z'`` (int8) and its count per row, for ``n`` samples."""
        s = len(self.model.state_ids)
        return (np.empty((n, s), dtype=self.model.state_dtype), np.empty((n, s), dtype=np.int8),
                np.empty(n, dtype=np.int64))

    def _states_of_uniforms(self, blocks: Any, n: int
                            ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """States of ``n`` samples from their float32 uniforms, given as ``(first row, block)`` pairs.

        Returns the states and, when the compiled pass draws them (every feature with few
        states: lime's bins and most categorical columns), also ``z' = (states == row's)``
        as int8 and its count per row; otherwise ``None, None``.
        """
        m = self.model
        states, same, same_count = self._state_arrays(n)
        if not self._compiled_states():
            for a, u in blocks:
                states[a:a + u.shape[0]] = m.draw_states(u)
            return states, None, None
        row_states = self._row_states.astype(np.int8)
        thresholds = m.reached_thresholds
        for a, u in blocks:
            b = a + u.shape[0]
            _compiled.draw_states(np.ascontiguousarray(u), thresholds, row_states, states[a:b], same[a:b],
                                  same_count[a:b])
        return states, same, same_count

    def _scaled_continuous(self, gaussian: np.ndarray, missing: np.ndarray) -> np.ndarray:
        m = self.model
        offset = 0.0
        if self.sample_around_instance:
            offset = np.nan_to_num((self.encoded_row[m.cont_cols] - m.cont_mean) / m.cont_scale)
        scaled = gaussian + offset
        # a missing sample sits at the training mean (scaled 0); a missing row turns the
        # feature into "is missing" (1) versus "is present" (0).
        scaled = np.where(missing, 0.0, scaled)
        return np.where(self._cont_row_missing, missing.astype(float), scaled)

    def _distances(self, z: np.ndarray) -> np.ndarray:
        if self.distance_metric == "euclidean":
            diff = z - z[0]
            return np.sqrt(np.einsum("ij,ij->i", diff, diff))
        from sklearn.metrics import pairwise_distances
        return pairwise_distances(z, z[:1], metric=self.distance_metric).ravel()

    def _model_input(self, segments: list[tuple[_Draws, int, int]]) -> Any:
        """The model inputs of rows ``[lo, hi)`` of each draws in ``segments``, laid end to end.

        The rows are built into one matrix; a segment's row 0 is the instance itself.
        """
        m = self.model
        matrix = pooled_empty((sum(hi - lo for _, lo, hi in segments), m.codec.num_columns))
        instance_rows, parts = [], []
        all_binned = m.bin_pos.size == m.codec.num_columns  # every column discretized: one pass for all segments
        offset = 0
        for draws, lo, hi in segments:
            rows = slice(lo, hi)
            if all_binned:
                parts.append((draws.states[rows], draws.within_rows(lo, hi), matrix[offset:offset + hi - lo]))
            else:
                self._encoded(draws, rows, out=matrix[offset:offset + hi - lo])
            if lo == 0 < hi:
                instance_rows.append(offset)
            offset += hi - lo
        if parts:
            self._within_bins_many(parts)
        codec = m.codec
        if not codec.is_frame:
            # an array: the instance rows as given, with no (rows x columns) mask
            out = codec.decode(matrix, copy=False)
            out[instance_rows] = np.asarray(self.raw_row, dtype=float)
            return out
        keep = None
        if instance_rows:
            keep = np.zeros(matrix.shape, dtype=bool)
            keep[instance_rows] = True
        return codec.decode(matrix, self.raw_row, keep, copy=False)

    def _encoded(self, draws: _Draws, rows: slice, out: np.ndarray | None = None) -> np.ndarray:
        """The encoded table of some rows of the draws (codes for categorical columns), in ``out``."""
        m = self.model
        states = draws.states[rows]
        p = m.codec.num_columns
        lo, hi, _ = rows.indices(len(draws.states))
        if m.bin_pos.size == p:  # every column discretized (lime's default on numeric data)
            return self._within_bins(states, draws.within_rows(lo, hi), out=out)
        matrix = np.empty((states.shape[0], p)) if out is None else out
        if m.cat_pos.size:
            cat_states = states[:, m.cat_pos]
            codes = cat_states.astype(float)
            codes[cat_states >= m.n_regular[m.cat_pos]] = np.nan
            matrix[:, m.cat_cols] = codes
        if m.bin_pos.size:
            matrix[:, m.bin_cols] = self._within_bins(states[:, m.bin_pos], draws.within_rows(lo, hi))
        for g, s in enumerate(m.group_pos):
            matrix[:, m.columns[m.state_ids[s]]] = m.group_tables[g][states[:, s]]
        if m.cont_ids.size:
            matrix[:, m.cont_cols] = self._continuous_values(draws.gaussian[rows], draws.missing[rows])
        return matrix

    def _within_bins(self, bins: np.ndarray, u: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Values drawn within each sample's bin from the truncated normal, by table.

        ``u`` (uniform in [0, 1)) picks segment ``k = floor(u * SEGMENTS)`` of the bin's
        piecewise cubic inverse CDF (:func:`~lime_tabular._fit.inverse_cdf_table`,
        within ``INVERSE_CDF_TOLERANCE`` bin standard deviations of the exact value),
        or a finer sub-segment of a steep segment; draws on sub-segments flagged NaN (the
        steepest end of a bin's tail, about 0.1%) are computed exactly,
        ``mean + signed_std * ndtri(start + u * span)`` clipped to the bin.
        The table is evaluated in one compiled pass (``lime_tabular._compiled``) or,
        when the package was built without a C compiler, by the same arithmetic in NumPy
        (:func:`_evaluate_table`): both give the same values, bit for bit. The values go
        to ``out`` (float64, the shape of ``bins``) when it is given. ``u`` may be the
        ``(key, first row)`` of :class:`_KeyedUniforms`.
        """
        return self._within_bins_many([(bins, u, out)])[0]

    def _within_bins_many(self, parts: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]]) -> list[np.ndarray]:
        """:meth:`_within_bins` of several ``(bins, u, out)`` blocks, in one compiled pass over the columns.

        The neighbourhood and its hold-out rows are built together: the pass reads each
        column's part of the table once for both.
        """
        m = self.model
        cubic = m.bin_cubic  # c0, c1, c2, c3 of every segment (the split ones' finer ones: bin_cubic_fine)
        if cubic is None or _compiled is None:  # values for the NumPy paths
            parts = [(bins, _uniform_values(u, *bins.shape), out) for bins, u, out in parts]
        if cubic is None:  # a very wide table: every draw exact
            return [self._within_bins_exact(bins, u, out) for bins, u, out in parts]
        first_segment = m.bin_offsets * INVERSE_CDF_SEGMENTS
        if _compiled is None:
            evaluated = _evaluate_table(cubic, m.bin_cubic_fine, first_segment, parts)
        else:
            evaluated = _evaluate_table_compiled(cubic, m.bin_cubic_fine, first_segment, parts, m.bin_cubic_rows)
        results = []
        for (bins, u, _), (out, exact, exact_u) in zip(parts, evaluated):
            if exact.size:
                row, column = np.divmod(exact, bins.shape[1])
                if exact_u is None:
                    exact_u = _uniform_values(u, *bins.shape)[row, column]
                index = bins[row, column] + m.bin_offsets[column]
                where = np.clip(exact_u.astype(float), _U_MARGIN, 1 - _U_MARGIN)
                out.reshape(-1)[exact] = truncated_inverse_cdf(where, *m.bin_table[:, index])
            results.append(self._round_integers(out, bins))
        return results

    def _within_bins_exact(self, bins: np.ndarray, u: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """:meth:`_within_bins` without the table: ``ndtri`` for every value, a block of rows at a time."""
        m = self.model
        out = np.empty(bins.shape) if out is None else out
        rows = max(1, _TABLE_BLOCK_ELEMENTS // max(bins.shape[1], 1))
        for a in range(0, bins.shape[0], rows):
            where = np.clip(u[a:a + rows].astype(float), _U_MARGIN, 1 - _U_MARGIN)
            out[a:a + rows] = truncated_inverse_cdf(where, *m.bin_table[:, m.bin_offsets + bins[a:a + rows]])
        return self._round_integers(out, bins)

    def _round_integers(self, out: np.ndarray, bins: np.ndarray) -> np.ndarray:
        """Integer columns: round within-bin values and keep them inside their bin's integers."""
        m = self.model
        integer = np.flatnonzero(m.bin_integer)
        if integer.size:
            idx = m.bin_offsets[integer] + bins[:, integer]
            out[:, integer] = np.clip(np.rint(out[:, integer]), m.bin_int_lo[idx], m.bin_int_hi[idx])
        return out

    def _continuous_values(self, gaussian: np.ndarray, missing: np.ndarray) -> np.ndarray:
        m = self.model
        center = m.cont_mean
        if self.sample_around_instance:
            center = np.where(self._cont_row_missing, m.cont_mean, self.encoded_row[m.cont_cols])
        values = gaussian * m.cont_scale + center
        integer = m.codec.integer[m.cont_cols]
        if integer.any():
            values[:, integer] = np.rint(values[:, integer])
        values[missing] = np.nan
        return values

    # ------------------------------------------------------------------ any z'
    def to_model_input(self, z_prime: np.ndarray, rng: np.random.Generator) -> Any:
        """Map rows of ``z'`` to model inputs (for Shapley coalitions, deletion curves...).

        A state feature with ``z'_j = 1`` keeps the row's own value; with ``z'_j = 0`` it
        takes another state drawn from the training frequencies (the row's state
        excluded) and a value within it. A continuous feature's ``z'_j`` is a scaled
        value; equal to the row's, it gives the row's own value.

        Parameters
        ----------
        z_prime : ndarray of shape (m, d')
        rng : numpy.random.Generator

        Returns
        -------
        ndarray of shape (m, p) or DataFrame
        """
        m = self.model
        z = np.atleast_2d(np.asarray(z_prime, dtype=float))
        if z.shape[1] != m.num_features:
            raise ValueError(f"z_prime must have {m.num_features} columns (one per interpretable feature); "
                             f"got shape {z.shape}.")
        n = z.shape[0]
        freqs = []
        for s, f in enumerate(m.freqs):
            other = f.copy()
            other[self._row_states[s]] = 0.0
            freqs.append(other if other.sum() > 0 else f)
        cum_small, cum_large = m.cumulative(freqs)
        states = m.draw_states(rng.random((n, len(m.state_ids)), dtype=np.float32), cum_small, cum_large)
        present = z[:, m.state_ids] == 1
        states = np.where(present, self._row_states, states)
        within = np.clip(rng.random((n, m.bin_pos.size), dtype=np.float32), _U_MARGIN, 1 - _U_MARGIN)
        c = m.cont_ids.size
        gaussian = rng.standard_normal((n, c))
        missing = np.zeros((n, c), dtype=bool)
        if c:
            scaled = z[:, m.cont_ids]
            gaussian = np.where(self._cont_row_missing, gaussian, scaled)
            if self.sample_around_instance:
                gaussian = gaussian - np.nan_to_num((self.encoded_row[m.cont_cols] - m.cont_mean) / m.cont_scale)
            missing = np.where(self._cont_row_missing, scaled == 1, False)
        matrix = self._encoded(_Draws(states.astype(m.state_dtype), within, gaussian, missing), slice(None))
        keep = np.zeros(matrix.shape, dtype=bool)
        for j, cols in enumerate(m.columns):
            keep[:, cols] = z[:, [j]] == self.row_scaled[j]
        return m.codec.decode(matrix, self.raw_row, keep, copy=False)


class TableRows:
    """The model inputs of one neighbourhood: ``(start, stop) -> rows`` (its ``model_input``).

    Rows are built from the neighbourhood's random draws, batch by batch. :meth:`join`
    lets lime_core score several neighbourhoods of one row (the neighbourhood and its
    hold-out rows) in one black-box call: a batch that spans them is built as one matrix
    instead of being built in parts and copied together.
    """

    def __init__(self, representation: TabularRepresentation, draws: _Draws) -> None:
        self.representation = representation
        self.draws = draws

    def __call__(self, start: int, stop: int) -> Any:
        return self.representation._model_input([(self.draws, start, stop)])

    @staticmethod
    def join(parts: list[tuple[TableRows, int, int]]) -> _JoinedTableRows | None:
        """Rows ``[lo, hi)`` of each part laid end to end (``None`` unless one representation made them)."""
        representation = parts[0][0].representation
        if any(rows.representation is not representation for rows, _, _ in parts):
            return None
        return _JoinedTableRows(representation, [(rows.draws, lo, hi) for rows, lo, hi in parts])


class _JoinedTableRows:
    """``(start, stop) -> rows`` over several draws of one representation (see :meth:`TableRows.join`)."""

    def __init__(self, representation: TabularRepresentation, segments: list[tuple[_Draws, int, int]]) -> None:
        self.representation = representation
        self.segments = segments
        self.starts = np.cumsum([0] + [hi - lo for _, lo, hi in segments]).tolist()

    def __call__(self, start: int, stop: int) -> Any:
        pieces = []
        for (draws, lo, _), offset, end in zip(self.segments, self.starts[:-1], self.starts[1:]):
            a, b = max(start, offset), min(stop, end)
            if a < b:
                pieces.append((draws, lo + a - offset, lo + b - offset))
        return self.representation._model_input(pieces)


def _evaluate_table_compiled(cubic: np.ndarray, fine: np.ndarray, first_segment: np.ndarray,
                             parts: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]],
                             prefetch_rows: np.ndarray | None = None
                             ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray | None]]:
    """The table at every draw of each ``(bins, u, out)`` part, in C: per part ``(values, exact, exact_u)``.

    ``prefetch_rows`` (:attr:`~lime_tabular._fit.TableModel.bin_cubic_rows`) lets the pass
    prefetch the table rows of the next block of columns while it works on one; it changes
    no value.

    ``exact`` holds the flat indices of the draws to compute exactly: those of
    :func:`_evaluate_table`, in another order (four columns at a time), and ``exact_u``
    their uniforms (``None`` when there were more than the pass's buffer holds: read them
    from the part's uniforms). ``out``, when not ``None``, is a C-contiguous float64 array
    of the shape of ``bins``; ``u`` may have any layout (rows of contiguous values read
    fastest) or be the ``(key, first row)`` of :meth:`_KeyedUniforms.rows`.
    """
    calls = []
    prefetch_rows = np.zeros((0, 4), dtype=np.int64) if prefetch_rows is None else prefetch_rows
    for bins, u, out in parts:
        bins = np.ascontiguousarray(bins)
        out = np.empty(bins.shape) if out is None else out
        capacity = max(64, bins.size // 256)  # the steepest tails: about 0.1%
        u = u if u.dtype == np.uint64 else np.asarray(u, dtype=np.float32)
        calls.append((bins, u, out, np.empty(capacity, dtype=np.int64), np.empty(capacity, dtype=np.float32)))
    itemsizes = {bins.itemsize for bins, *_ in calls}
    if len(itemsizes) > 1:
        raise ValueError(f"every part's bins must have one integer type; got item sizes {sorted(itemsizes)}.")
    bin_itemsize = itemsizes.pop() if itemsizes else 1
    counts = _compiled.within_bin_values(calls, bin_itemsize, np.ascontiguousarray(first_segment, dtype=np.int64),
                                         cubic, fine, INVERSE_CDF_SEGMENTS, INVERSE_CDF_SUBSEGMENTS, prefetch_rows)
    results = []
    for (_, _, out, exact, exact_u), count in zip(calls, counts):
        if count > exact.size:  # more tail draws than the buffer holds: find them all (their uniforms too)
            results.append((out, np.flatnonzero(np.isnan(out)), None))
        else:  # in the order the pass met them (four columns at a time): each is computed alone
            results.append((out, exact[:count], exact_u[:count]))
    return results


def _evaluate_table(cubic: np.ndarray, fine: np.ndarray, first_segment: np.ndarray,
                    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]]
                    ) -> list[tuple[np.ndarray, np.ndarray, None]]:
    """:func:`_evaluate_table_compiled` in NumPy, a block of rows at a time (the same roundings); ``u`` as values."""
    return [_evaluate_table_part(cubic, fine, first_segment, bins, u, out) for bins, u, out in parts]


def _evaluate_table_part(cubic: np.ndarray, fine: np.ndarray, first_segment: np.ndarray, bins: np.ndarray,
                         u: np.ndarray, out: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, None]:
    """One part of :func:`_evaluate_table`: ``(values, flat indices of the draws to compute exactly, None)``.

    Rows are processed in blocks of about ``_TABLE_BLOCK_ELEMENTS`` values so that the
    temporaries stay in cache; the coefficients are read one at a time from a transposed copy.
    """
    n, d = bins.shape
    g, sub = INVERSE_CDF_SEGMENTS, INVERSE_CDF_SUBSEGMENTS
    coefficients, fine_coefficients = np.ascontiguousarray(cubic.T), np.ascontiguousarray(fine.T)
    out = np.empty((n, d)) if out is None else out
    rows = max(1, _TABLE_BLOCK_ELEMENTS // max(d, 1))
    t_buffer = np.empty((min(rows, n), d), dtype=np.float32)  # reused: no allocation per block
    t64_buffer = np.empty((min(rows, n), d))
    segment_buffer = np.empty((min(rows, n), d), dtype=np.intp)
    coef_buffer = np.empty((min(rows, n), d))
    for a in range(0, n, rows):
        block_bins = bins[a:a + rows]
        r = block_bins.shape[0]
        t32, t, segment, coef = t_buffer[:r], t64_buffer[:r], segment_buffer[:r], coef_buffer[:r]
        np.multiply(u[a:a + rows], np.float32(g), out=t32)  # exact in float32: g is a power of two
        np.copyto(segment, t32, casting="unsafe")  # floor (t >= 0)
        np.minimum(segment, g - 1, out=segment)
        np.subtract(t32, segment, out=t)  # position within the segment, [0, 1), exact in float64
        segment += first_segment
        segment += np.multiply(block_bins, g, dtype=np.intp)
        values = out[a:a + rows]
        _horner(coefficients, segment, t, values, coef)
        split = np.isnan(values) & ~np.isnan(coefficients[1].take(segment))
        if split.any():  # a split segment: the draw's finer sub-segment (exact in float64)
            scaled = t[split] * sub
            j = np.minimum(np.floor(scaled), sub - 1)
            finer = coefficients[1][segment[split]].astype(np.intp) + j.astype(np.intp)
            values[split] = _horner(fine_coefficients, finer, scaled - j, np.empty(finer.size), np.empty(finer.size))
    return out, np.flatnonzero(np.isnan(out)), None


def _horner(coefficients: np.ndarray, segment: np.ndarray, t: np.ndarray, out: np.ndarray,
            buffer: np.ndarray) -> np.ndarray:
    """``c3 t + c2, * t, + c1, * t, + c0`` of each draw's segment into ``out`` (the compiled pass's roundings).

    The coefficients are read one at a time (rows of ``coefficients``) into ``buffer``.
    """
    coefficients[3].take(segment, out=buffer)
    np.multiply(buffer, t, out=out)
    for c in (2, 1):
        out += coefficients[c].take(segment, out=buffer)
        out *= t
    out += coefficients[0].take(segment, out=buffer)
    return out


def _category_label(raw: Any, names: Any) -> str:
    if names is not None:
        try:
            return str(names[int(raw)])
        except (TypeError, ValueError, IndexError, KeyError):
            pass
    if isinstance(raw, (float, np.floating)) and float(raw).is_integer():
        return str(int(raw))
    return str(raw)
