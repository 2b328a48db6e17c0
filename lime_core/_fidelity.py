"""Held-out fidelity: how well the surrogate predicts the black box on fresh samples.

The surrogate's ``score`` (weighted R^2 on the samples it was fitted on) is
optimistic: with many features and a narrow kernel it fits noise. The held-out
fidelity draws ``holdout_samples`` new rows of the same neighbourhood (same
:class:`~lime_core.Representation`: the rows after the neighbourhood's when its
samples are nested, else an independent sub-stream of the same generator; the
fit is the same with or without them), scores them with the black box and
compares the surrogate's
predictions with the black box's scores there, weighted by the same kernel:

- ``holdout_r2``: weighted R^2 (1 is perfect; 0 is no better than a constant;
  it can be negative; when the black box is constant on the hold-out rows up to
  rounding, 1 if the surrogate is too and 0 otherwise);
- ``holdout_mae``: weighted mean absolute error, in the units of the scores;
- ``holdout_samples``: how many rows it used (each one a black-box row);
- ``ess``: the effective sample size ``(sum w)^2 / sum w^2`` of the kernel
  weights of the fit, and ``ess_share`` = ``ess / num_samples``. A small share
  means few samples carry the fit (a narrow kernel).
"""
from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

import numpy as np

from ._model_input import RowOffset
from ._representation import Neighborhood
from ._ridge import weighted_r2
from ._uncertainty import effective_sample_size

__all__ = ["fidelity_record", "drop_first_row", "rows_of", "DEFAULT_HOLDOUT_SHARE"]

#: Scores whose weighted spread is below this (relative) are treated as constant.
_CONSTANT_TOLERANCE = 1e-9
#: Default hold-out size as a share of ``num_samples`` (10% more black-box rows)...
DEFAULT_HOLDOUT_SHARE = 0.1
#: ... and at most this many rows.
MAX_DEFAULT_HOLDOUT = 1000


def default_holdout_samples(num_samples: int) -> int:
    """``min(ceil(0.1 * num_samples), 1000)``: the default hold-out size.

    1000 rows already pin the weighted R^2 and error down to about 0.01-0.03;
    more would only cost black-box calls (with ``num_samples='auto'``).

    Examples
    --------
    >>> default_holdout_samples(5000), default_holdout_samples(2), default_holdout_samples(20000)
    (500, 1, 1000)
    """
    return int(min(np.ceil(DEFAULT_HOLDOUT_SHARE * num_samples), MAX_DEFAULT_HOLDOUT))


def drop_first_row(hood: Neighborhood) -> Neighborhood:
    """The neighbourhood without row 0 (``x'`` itself), for a hold-out sample."""
    return rows_of(hood, 1, hood.num_samples)


def rows_of(hood: Neighborhood, start: int, stop: int) -> Neighborhood:
    """Rows ``[start, stop)`` of a neighbourhood (views, no copy).

    Array fields of a :class:`~lime_core.Neighborhood` subclass with one entry
    per row are sliced too.

    Examples
    --------
    >>> hood = Neighborhood(np.eye(3), np.arange(3.0), lambda a, b: list(range(a, b)))
    >>> part = rows_of(hood, 1, 3)
    >>> part.distances.tolist(), part.model_input(0, 2)
    ([1.0, 2.0], [1, 2])
    """
    n = hood.num_samples
    changes: dict[str, Any] = {}
    for f in fields(hood):
        value = getattr(hood, f.name)
        if f.name == "model_input":
            changes[f.name] = RowOffset(value, start) if start else value
        elif isinstance(value, np.ndarray) and value.ndim >= 1 and len(value) == n:
            changes[f.name] = value[start:stop]
    return replace(hood, **changes)


def fidelity_record(prediction: np.ndarray | None, y: np.ndarray | None, weights: np.ndarray | None,
                    fit_weights: np.ndarray) -> dict[str, float]:
    """Fidelity numbers of one label (see the module docstring).

    Parameters
    ----------
    prediction, y, weights : ndarray of shape (m,) or None
        The surrogate's and the black box's values on the hold-out rows and
        their kernel weights; ``None`` when no hold-out was drawn.
    fit_weights : ndarray of shape (n,)
        Kernel weights of the samples the surrogate was fitted on.

    Examples
    --------
    >>> fidelity_record(np.array([1.0, 2.0]), np.array([1.0, 3.0]), np.ones(2), np.ones(4))
    {'ess': 4.0, 'ess_share': 1.0, 'holdout_samples': 2, 'holdout_r2': 0.5, 'holdout_mae': 0.5}
    """
    ess = effective_sample_size(fit_weights)
    record: dict[str, Any] = {"ess": ess, "ess_share": ess / len(fit_weights)}
    if prediction is None or y is None or weights is None or len(y) == 0:
        record["holdout_samples"] = 0
        return record
    weight_sum = float(weights.sum())
    record["holdout_samples"] = int(len(y))
    if weight_sum <= 0:
        record.update(holdout_r2=float("nan"), holdout_mae=float("nan"))
        return record
    y_mean = float(weights @ y / weight_sum)
    spread = float(np.sqrt(weights @ (y - y_mean) ** 2 / weight_sum))
    if spread <= _CONSTANT_TOLERANCE * max(1.0, abs(y_mean)):
        # the black box is constant here up to rounding: R^2 would compare rounding errors
        error = float(np.sqrt(weights @ (y - prediction) ** 2 / weight_sum))
        record["holdout_r2"] = 1.0 if error <= _CONSTANT_TOLERANCE * max(1.0, abs(y_mean)) else 0.0
    else:
        record["holdout_r2"] = float(weighted_r2(y, prediction, weights))
    record["holdout_mae"] = float(weights @ np.abs(y - prediction) / weight_sum)
    return record
