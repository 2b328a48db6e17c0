"""Deletion and insertion curves: does the model follow the explanation?

Petsiuk, Das, Saenko, "RISE: Randomized Input Sampling for Explanation of
Black-box Models", BMVC 2018. Order the interpretable features by their weight
for a label (largest positive first; features the explanation left out count
as weight 0, negative weights come last), then

- **deletion**: start from the instance ``x'`` and remove the features in that
  order; a faithful explanation makes the score fall fast (low area under the curve);
- **insertion**: start from nothing (every feature removed) and insert them in
  that order; the score should rise fast (high area).

"Removing" feature ``j`` sets ``z'_j = 0`` and the plugin's
``to_model_input`` says what that means (a window replaced by the mean, a word
dropped, a superpixel greyed, a tabular value redrawn from the training data).
It needs a representation whose ``x'`` is binary with ones (text, images,
discretised tables, the Shapley coalitions); every modality of Limelight
exposes it as ``explainer.representation(instance)``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._black_box import call_black_box
from ._explain import UnknownLabelError
from ._model_input import blockwise_model_input
from ._representation import Neighborhood
from .validation import check_int, check_random_state

__all__ = ["FaithfulnessCurves", "deletion_insertion", "feature_order"]


@dataclass(frozen=True)
class FaithfulnessCurves:
    """Deletion and insertion curves of one explanation.

    Attributes
    ----------
    fractions : ndarray of shape (steps + 1,)
        Share of the features removed (deletion) or inserted (insertion), 0 to 1.
    deletion, insertion : ndarray of shape (steps + 1,)
        The black box's score for ``label`` along each curve.
    deletion_auc, insertion_auc : float
        Areas under the curves (trapezoids over ``fractions``).
    order : ndarray of int
        The feature order used.
    label : int
    black_box_rows : int
        Rows scored (``2 * (steps + 1)``).
    """

    fractions: np.ndarray
    deletion: np.ndarray
    insertion: np.ndarray
    deletion_auc: float
    insertion_auc: float
    order: np.ndarray
    label: int
    black_box_rows: int


def feature_order(explanation: Any, label: int, num_features: int) -> np.ndarray:
    """Features by decreasing signed weight for ``label``; unexplained ones (weight 0) in between.

    Examples
    --------
    >>> from lime_core import Explanation
    >>> feature_order(Explanation(local_exp={1: [(2, -0.5), (0, 0.3)]}), 1, 4).tolist()
    [0, 1, 3, 2]
    """
    local_exp = explanation.as_map()
    key = label if label in local_exp else (1 if getattr(explanation, "mode", "") == "regression" else label)
    if key not in local_exp:
        raise KeyError(f"label {label} was not explained; explained labels: {list(local_exp)}.")
    weights = np.zeros(num_features)
    for i, w in local_exp[key]:
        weights[int(i)] = w
    return np.argsort(-weights, kind="stable")


def _auc(fractions: np.ndarray, values: np.ndarray) -> float:
    return float(np.sum((values[1:] + values[:-1]) * np.diff(fractions)) / 2.0)


def deletion_insertion(representation: Any, predict_fn: Callable[[Any], Any], explanation: Any,
                       label: int = 1, *, steps: int | None = None, batch_size: int = 1000,
                       random_state: Any = 0, mode: str | None = None) -> FaithfulnessCurves:
    """Deletion and insertion curves of ``explanation`` (see the module docstring).

    Parameters
    ----------
    representation : Representation
        The interpretable view the explanation was made with
        (``explainer.representation(instance)``).
    predict_fn : callable
        The black box.
    explanation : Explanation
    label : int, default=1
        Output column to follow (for regression, the one output).
    steps : int, optional
        Points on each curve after the start; default ``min(d', 20)``. Costs
        ``2 * (steps + 1)`` black-box rows.
    batch_size : int, default=1000
    random_state : int, numpy.random.Generator or None, default=0
        For ``to_model_input`` when it is random (tabular); seeded by default so
        that the curves of two explanations are comparable.
    mode : {'classification', 'regression'}, optional
        Default: the explanation's.

    Returns
    -------
    FaithfulnessCurves

    Examples
    --------
    >>> from lime_core import Explanation, FeatureNamesMapper
    >>> class Masks:
    ...     feature_names = ["a", "b", "c", "d"]
    ...     def to_model_input(self, z, rng=None):
    ...         return np.asarray(z, dtype=float)
    ...     def sample(self, n, rng):
    ...         return Neighborhood(np.ones((n, 4)), np.zeros(n), lambda a, b: np.ones((b - a, 4)))
    >>> f = lambda X: X @ [0.4, 0.3, 0.2, 0.1]
    >>> good = Explanation(mode="regression", local_exp={1: [(0, 0.4), (1, 0.3), (2, 0.2), (3, 0.1)]})
    >>> bad = Explanation(mode="regression", local_exp={1: [(3, 0.4), (2, 0.3), (1, 0.2), (0, 0.1)]})
    >>> a, b = deletion_insertion(Masks(), f, good), deletion_insertion(Masks(), f, bad)
    >>> a.deletion.round(2).tolist()
    [1.0, 0.6, 0.3, 0.1, 0.0]
    >>> a.deletion_auc < b.deletion_auc, a.insertion_auc > b.insertion_auc
    (True, True)
    """
    caller = "deletion_insertion"
    batch_size = check_int(batch_size, "batch_size", caller, minimum=1)
    d = len(representation.feature_names)
    steps = min(d, 20) if steps is None else check_int(steps, "steps", caller, minimum=1)
    mode = mode or getattr(explanation, "mode", "classification")
    rng = check_random_state(random_state, caller=caller)
    x_prime = np.asarray(representation.sample(1, np.random.default_rng(0)).interpretable[0])
    order = feature_order(explanation, label, d)
    counts = np.round(np.linspace(0, d, steps + 1)).astype(int)
    removed = np.zeros((steps + 1, d), dtype=bool)
    for row, count in enumerate(counts):
        removed[row, order[:count]] = True
    deleted = np.where(removed, 0, x_prime)
    inserted = np.where(removed, x_prime, 0)
    z = np.concatenate([deleted, inserted]).astype(x_prime.dtype, copy=False)
    hood = Neighborhood(z, np.zeros(len(z)), blockwise_model_input(representation, z, rng))
    scores = call_black_box(predict_fn, hood, batch_size, name="predict_fn").scores
    if mode == "regression" or scores.shape[1] == 1:
        column = scores[:, 0]
        if mode != "regression" and label == 0:
            column = 1.0 - column if column.min() >= 0 and column.max() <= 1 else -column
    else:
        if not 0 <= label < scores.shape[1]:
            raise UnknownLabelError(f"label {label} is not produced by the model: predict_fn returns "
                                    f"{scores.shape[1]} columns.")
        column = scores[:, label]
    fractions = counts / d
    deletion, insertion = column[:steps + 1], column[steps + 1:]
    return FaithfulnessCurves(fractions, deletion, insertion, _auc(fractions, deletion),
                              _auc(fractions, insertion), order, label, len(z))
