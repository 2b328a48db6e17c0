"""SP-LIME: pick a few explanations that together cover the features that matter.

lime's ``lime.submodular_pick.SubmodularPick``, same parameters, attributes and
greedy algorithm (Ribeiro, Singh, Guestrin, KDD 2016, section 4, Algorithm 2):

- the explanation matrix ``W`` (n explanations x d' features) holds each
  explanation's weight of each feature (summed over its explained labels);
- the global importance of feature ``j`` is ``I_j = sqrt(sum_i |W_ij|)``;
- the coverage of a set ``V`` of explanations is the total importance of the
  features that at least one of them uses, ``c(V) = sum_j 1[exists i in V: W_ij != 0] I_j``;
- ``num_exps_desired`` times, the explanation that raises the coverage most is
  added (ties: the later explanation, as in lime).

Differences from lime, on purpose: the candidate rows are drawn from the seeded
``random_state`` (lime used the global ``numpy.random``), and the candidates are
explained by :func:`lime_core.batch.explain_many`, so they can run on joblib
workers or a Dask cluster and are reproducible row by row.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .batch import RowError, _row, explain_many
from .validation import check_int, check_option, check_random_state, spawn_seed

__all__ = ["SubmodularPick", "coverage_pick"]

_CALLER = "SubmodularPick"
#: Options of explain_many that SubmodularPick takes from ``**kwargs``; the rest go to explain_instance.
_BATCH_OPTIONS = ("n_jobs", "backend", "checkpoint", "progress", "chunk_size")


def coverage_pick(W: np.ndarray, num_exps_desired: int) -> list[int]:
    """lime's greedy maximisation of the coverage of an explanation matrix.

    Parameters
    ----------
    W : ndarray of shape (n_explanations, n_features)
        Weight of each feature in each explanation (0 when unused).
    num_exps_desired : int
        How many rows to pick (at most ``n_explanations``).

    Returns
    -------
    list of int
        The picked rows, in the order they were picked.

    Examples
    --------
    Feature importances are sqrt(2), sqrt(1), sqrt(3): row 2 covers the two most
    important features, then row 1 adds the last one.

    >>> W = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 3.0]])
    >>> coverage_pick(W, 2)
    [2, 1]
    """
    used = np.abs(W) > 0
    importance = np.sum(np.abs(W), axis=0) ** 0.5
    covered = np.zeros(W.shape[1], dtype=bool)
    remaining = np.ones(W.shape[0], dtype=bool)
    picked: list[int] = []
    for _ in range(min(num_exps_desired, W.shape[0])):
        candidates = np.flatnonzero(remaining)
        # One np.dot per candidate, as lime computes it: a matrix product may sum in another
        # order, and the last bit decides between (near-)equal candidates.
        gains = np.array([np.dot(used[i] | covered, importance) for i in candidates])
        best = candidates[np.flatnonzero(gains == gains.max())[-1]]  # lime keeps the last of equals
        picked.append(int(best))
        covered |= used[best]
        remaining[best] = False
    return picked


class SubmodularPick:
    """Explain many rows, then pick a few that together cover the important features.

    Parameters
    ----------
    explainer : object with ``explain_instance``
        A Limelight explainer (or any explainer following its convention).
    data : array-like, list or DataFrame
        Candidate instances; row ``i`` is ``data[i]`` (a DataFrame's by position).
    predict_fn : callable
        The black box, passed to ``explain_instance``.
    method : {'sample', 'full'}, default='sample'
        ``'sample'`` explains ``sample_size`` rows drawn without replacement;
        ``'full'`` explains every row.
    sample_size : int, default=1000
        Rows to explain with ``method='sample'`` (all rows, with a warning, when
        larger than the data).
    num_exps_desired : int, default=5
        How many explanations to pick.
    num_features : int, default=10
        Features per explanation.
    **kwargs
        ``random_state`` (int, Generator or None; default: the explainer's
        ``random_state``) seeds the sample and every explanation;
        ``errors`` ('raise' or 'skip': rows that fail are left out) and the options
        of :func:`~lime_core.batch.explain_many` (``n_jobs``, ``backend``,
        ``checkpoint``, ``progress``, ``chunk_size``) choose how the candidates
        run; everything else (``top_labels``, default 1 as in lime,
        ``num_samples``, ...) goes to ``explain_instance``.

    Attributes
    ----------
    explanations : list of Explanation
        Every candidate explanation, in the order of ``indices``.
    sp_explanations : list of Explanation
        The picked explanations.
    V : list of int
        Positions of the picked explanations in ``explanations``.
    indices : ndarray of int
        Row of ``data`` of each picked explanation (``data[indices[k]]`` gave
        ``sp_explanations[k]``).
    sample_indices : ndarray of int
        Row of ``data`` of each candidate explanation.

    Examples
    --------
    >>> from lime_core import explain, Neighborhood
    >>> class Masks:
    ...     def __init__(self, x):
    ...         self.x, self.feature_names = np.asarray(x, float), ["a", "b", "c"]
    ...     def to_model_input(self, z, rng=None):
    ...         return z * self.x
    ...     def sample(self, n, rng):
    ...         z = rng.integers(0, 2, size=(n, 3)).astype(float); z[0] = 1
    ...         return Neighborhood(z, np.sqrt(((1 - z) ** 2).sum(1)),
    ...                             lambda a, b: self.to_model_input(z[a:b]))
    >>> class MaskExplainer:
    ...     random_state = 0
    ...     def explain_instance(self, x, predict_fn, num_features=10, *, random_state=None, **kw):
    ...         return explain(Masks(x), predict_fn, mode="regression", num_features=num_features,
    ...                        num_samples=200, random_state=random_state)

    Each explanation keeps its one most important feature: rows 0 and 3 use ``a``
    (importance about sqrt(3 + 3)), row 1 ``b`` (about sqrt(2)), row 2 ``c`` (about 1). The pick takes
    the later of the two rows covering ``a``, then the row that adds ``b``.

    >>> data = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]], dtype=float)
    >>> sp = SubmodularPick(MaskExplainer(), data, lambda X: X @ [3.0, 2.0, 1.0], method="full",
    ...                     num_exps_desired=2, num_features=1)
    >>> sp.V, [exp.as_list()[0][0] for exp in sp.sp_explanations]
    ([3, 1], ['a', 'b'])
    """

    def __init__(self, explainer: Any, data: Any, predict_fn: Any, method: str = "sample",
                 sample_size: int = 1000, num_exps_desired: int = 5, num_features: int = 10,
                 **kwargs: Any) -> None:
        self.explainer = explainer
        self.data = data
        self.predict_fn = predict_fn
        self.method = method
        self.sample_size = sample_size
        self.num_exps_desired = num_exps_desired
        self.num_features = num_features
        self.kwargs = dict(kwargs)

        check_option(method, "method", _CALLER, ("sample", "full"))
        num_exps_desired = check_int(num_exps_desired, "num_exps_desired", _CALLER, minimum=1)
        num_features = check_int(num_features, "num_features", _CALLER, minimum=1)
        explain_kwargs = dict(kwargs)
        random_state = explain_kwargs.pop("random_state", getattr(explainer, "random_state", None))
        errors = check_option(explain_kwargs.pop("errors", "raise"), "errors", _CALLER, ("raise", "skip"))
        batch = {name: explain_kwargs.pop(name) for name in _BATCH_OPTIONS if name in explain_kwargs}
        explain_kwargs.setdefault("top_labels", 1)  # lime's default
        rng = check_random_state(random_state, caller=_CALLER)
        n = len(data)
        if method == "sample":
            sample_size = check_int(sample_size, "sample_size", _CALLER, minimum=1)
            if sample_size > n:
                warnings.warn(f"{_CALLER}: sample_size={sample_size} is larger than the data ({n} rows); "
                              f"using all rows.", UserWarning, stacklevel=2)
                sample_size = n
            sample_indices = rng.permutation(n)[:sample_size]
        else:
            sample_indices = np.arange(n)

        results = explain_many(explainer, [_row(data, int(i)) for i in sample_indices], predict_fn,
                               random_state=spawn_seed(rng), errors="record" if errors == "skip" else "raise",
                               num_features=num_features, **batch, **explain_kwargs)
        kept = [k for k, r in enumerate(results) if not isinstance(r, RowError)]
        if len(kept) < len(results):
            warnings.warn(f"{_CALLER}: {len(results) - len(kept)} of {len(results)} candidate rows failed "
                          f"and were left out.", UserWarning, stacklevel=2)
        self.explanations = [results[k] for k in kept]
        self.sample_indices = np.asarray(sample_indices)[kept].astype(int)
        if num_exps_desired > len(self.explanations):
            warnings.warn(f"{_CALLER}: num_exps_desired={num_exps_desired} is larger than the number of "
                          f"explanations ({len(self.explanations)}); returning all of them.",
                          UserWarning, stacklevel=2)
        self.V = coverage_pick(self._explanation_matrix(), num_exps_desired)
        self.sp_explanations = [self.explanations[i] for i in self.V]
        self.indices = self.sample_indices[self.V]

    def _explanation_matrix(self) -> np.ndarray:
        """lime's ``W``: features (by name) in order of first appearance; weights summed over labels."""
        columns: dict[Any, int] = {}
        entries: list[tuple[int, int, float]] = []
        for i, exp in enumerate(self.explanations):
            labels = exp.available_labels() if exp.mode == "classification" else [1]
            for label in labels:
                for feature, value in exp.as_list(label=label):
                    entries.append((i, columns.setdefault(feature, len(columns)), value))
        W = np.zeros((len(self.explanations), len(columns)))
        if entries:
            rows, cols, values = zip(*entries)
            np.add.at(W, (np.array(rows), np.array(cols)), np.array(values))
        return W
