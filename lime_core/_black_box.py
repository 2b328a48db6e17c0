"""Calling the black box ``f``: in batches, validated, timed.

The black box is any callable from a batch of model inputs to scores of shape
``(n, k)`` (class probabilities, decision values) or ``(n,)`` (a regression
output, a single score). It is never inspected or refit.
"""
from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._representation import Neighborhood

__all__ = ["BlackBoxResult", "PredictFnError", "ProbabilityWarning", "call_black_box", "check_scores"]

#: Tolerance on ``|sum(p) - 1|`` before rows given as probabilities raise a warning.
PROBABILITY_SUM_TOLERANCE = 1e-3


class PredictFnError(RuntimeError):
    """The black box raised on a batch; the batch and its rows are attached.

    Attributes
    ----------
    batch : object
        The model inputs it failed on.
    start, stop : int
        The rows ``[start, stop)`` of the neighbourhood in that batch.
    """

    def __init__(self, message: str, *, batch: Any, start: int, stop: int) -> None:
        super().__init__(message)
        self.batch = batch
        self.start = start
        self.stop = stop


class ProbabilityWarning(UserWarning):
    """Scores treated as class probabilities do not sum to 1 per row."""


@dataclass(frozen=True)
class BlackBoxResult:
    """What the black box returned on a whole neighbourhood.

    Attributes
    ----------
    scores : ndarray of shape (num_samples, k)
        A 1-D output comes back as one column.
    calls : int
        How many times ``predict_fn`` was called.
    seconds : float
        Wall time spent inside ``predict_fn``.
    """

    scores: np.ndarray
    calls: int
    seconds: float


def check_scores(output: Any, num_rows: int, *, start: int = 0, name: str = "predict_fn") -> np.ndarray:
    """Validate one batch of black-box output and return it as a 2-D float array.

    Parameters
    ----------
    output : array-like
        What ``predict_fn`` returned for ``num_rows`` inputs.
    num_rows : int
        How many inputs were in the batch.
    start : int, default=0
        Index of the batch's first row in the neighbourhood (for messages).
    name : str, default='predict_fn'
        How the caller calls the black box (``classifier_fn`` in lime_text).

    Returns
    -------
    ndarray of shape (num_rows, k)

    Examples
    --------
    >>> check_scores([0.2, 0.7], 2).tolist()
    [[0.2], [0.7]]
    >>> check_scores([[0.2, 0.8]], 2)
    Traceback (most recent call last):
    ...
    ValueError: predict_fn returned 1 row for a batch of 2 inputs (rows 0 to 1 of the neighbourhood); it must return one row per input.
    """
    where = f"rows {start} to {start + num_rows - 1} of the neighbourhood"
    if hasattr(output, "to_numpy"):  # pandas objects
        output = output.to_numpy()
    try:
        scores = np.asarray(output)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must return an array of numbers of shape (n,) or (n, k); "
                        f"on {where} it returned {type(output).__name__} that numpy cannot read "
                        f"as an array ({exc}).") from exc
    if scores.dtype.kind not in "biuf":
        example = scores.ravel()[:1].tolist()
        raise TypeError(f"{name} must return numbers (class probabilities or scores); on {where} "
                        f"it returned an array of dtype {scores.dtype} (first value {example}). "
                        f"If it returns labels, pass its predict_proba or decision_function instead.")
    if scores.ndim == 0 or scores.ndim > 2:
        raise ValueError(f"{name} must return an array of shape (n,) or (n, k); on {where} "
                         f"it returned shape {scores.shape}.")
    if scores.shape[0] != num_rows:
        rows = scores.shape[0]
        raise ValueError(f"{name} returned {rows} row{'s' if rows != 1 else ''} for a batch of "
                         f"{num_rows} inputs ({where}); it must return one row per input.")
    scores = scores.astype(float, copy=False).reshape(num_rows, -1)
    if scores.shape[1] == 0:
        raise ValueError(f"{name} returned no columns on {where}.")
    if not np.isfinite(scores).all():
        bad = int(np.argwhere(~np.isfinite(scores))[0, 0])
        raise ValueError(f"{name} returned NaN or infinite values on {where} (first at row "
                         f"{start + bad}); the black box must return finite scores.")
    return scores


def call_black_box(predict_fn: Callable[[Any], Any], neighborhood: Neighborhood, batch_size: int,
                   *, name: str = "predict_fn",
                   progress: Callable[[int, int], None] | None = None) -> BlackBoxResult:
    """Score every row of ``neighborhood`` with ``predict_fn``, ``batch_size`` rows per call.

    Parameters
    ----------
    predict_fn : callable
        The black box.
    neighborhood : Neighborhood
    batch_size : int
        Rows per call (>= 1).
    name : str, default='predict_fn'
        The black box's parameter name, for messages.
    progress : callable ``(done, total) -> None``, optional
        Called after each batch.

    Returns
    -------
    BlackBoxResult

    Raises
    ------
    PredictFnError
        When ``predict_fn`` raises; chained to the original exception.

    Examples
    --------
    >>> hood = Neighborhood(np.eye(3), np.zeros(3), lambda a, b: np.arange(a, b))
    >>> result = call_black_box(lambda z: z * 2.0, hood, batch_size=2)
    >>> result.scores.ravel().tolist(), result.calls
    ([0.0, 2.0, 4.0], 2)
    """
    total = neighborhood.num_samples
    blocks, calls, seconds = [], 0, 0.0
    for start in range(0, total, batch_size):
        stop = min(start + batch_size, total)
        batch = neighborhood.model_input(start, stop)
        began = time.perf_counter()
        try:
            output = predict_fn(batch)
        except Exception as exc:
            raise PredictFnError(f"{name} raised {type(exc).__name__} on rows {start} to {stop - 1} "
                                 f"of the neighbourhood: {exc}", batch=batch, start=start,
                                 stop=stop) from exc
        seconds += time.perf_counter() - began
        calls += 1
        blocks.append(check_scores(output, stop - start, start=start, name=name))
        del batch, output  # the next batch is built without this one still held: one batch at a time
        if blocks[-1].shape[1] != blocks[0].shape[1]:
            raise ValueError(f"{name} returned {blocks[-1].shape[1]} columns on rows {start} to "
                             f"{stop - 1} but {blocks[0].shape[1]} on rows 0 to "
                             f"{blocks[0].shape[0] - 1}.")
        if progress is not None:
            progress(stop, total)
    return BlackBoxResult(blocks[0] if len(blocks) == 1 else np.concatenate(blocks, axis=0), calls, seconds)


#: Rows of at most this many columns are summed column by column.
_COLUMN_SUM_MAX = 16


def warn_if_not_probabilities(scores: np.ndarray, *, name: str = "predict_fn") -> None:
    """Warn (:class:`ProbabilityWarning`) when rows of a classifier's output do not sum to 1.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_if_not_probabilities(np.array([[0.5, 0.9]]))
    >>> caught[0].category.__name__
    'ProbabilityWarning'
    """
    if scores.shape[1] < 2:
        return
    if scores.shape[1] <= _COLUMN_SUM_MAX:  # column by column: NumPy's row sums of a few columns are slow
        row_sums = scores[:, 0] + scores[:, 1]
        for column in range(2, scores.shape[1]):
            row_sums += scores[:, column]
    else:
        row_sums = scores.sum(axis=1)
    deviation = np.abs(row_sums - 1.0)
    if deviation.max() > PROBABILITY_SUM_TOLERANCE:
        share = float(np.mean(deviation > PROBABILITY_SUM_TOLERANCE))
        warnings.warn(f"{name} output rows do not sum to 1 ({share:.0%} of rows off by more than "
                      f"{PROBABILITY_SUM_TOLERANCE}; worst sum {row_sums[deviation.argmax()]:.4g}); "
                      f"the explanation treats them as scores, not probabilities. Pass predict_proba, "
                      f"not predict or log-probabilities, if you meant probabilities.",
                      ProbabilityWarning, stacklevel=3)
