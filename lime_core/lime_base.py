"""lime's ``LimeBase``: the surrogate fit on data a caller has already sampled.

For users of ``lime.lime_base`` who call the core directly. New code should use
:func:`lime_core.explain`, which also samples and calls the black box.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.linear_model import lars_path

from ._feature_selection import FEATURE_SELECTION_METHODS, forward_selection, select_features
from ._ridge import weighted_moments
from ._surrogate import fit_surrogate
from .validation import check_int, check_option, check_random_state

__all__ = ["LimeBase"]


class LimeBase:
    """Fit LIME's sparse weighted linear surrogate to a sampled neighbourhood.

    Parameters
    ----------
    kernel_fn : callable ``(distances) -> weights``
        Turns an array of distances into kernel weights.
    verbose : bool, default=False
        Kept for compatibility; Limelight never prints.
    random_state : int, numpy.random.Generator or None
        Kept for compatibility: the closed-form fit uses no randomness.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> z = rng.integers(0, 2, size=(300, 3)).astype(float); z[0] = 1
    >>> y = np.column_stack([1 - 0.5 * z[:, 2], 0.5 * z[:, 2]])
    >>> base = LimeBase(lambda d: np.exp(-d ** 2))
    >>> intercept, exp, score, local_pred = base.explain_instance_with_data(
    ...     z, y, np.zeros(300), label=1, num_features=1)
    >>> exp[0][0], round(score, 3)
    (2, 1.0)
    """

    def __init__(self, kernel_fn: Callable[[np.ndarray], np.ndarray], verbose: bool = False,
                 random_state: Any = None) -> None:
        self.kernel_fn = kernel_fn
        self.verbose = verbose
        self.random_state = random_state

    @staticmethod
    def generate_lars_path(weighted_data: np.ndarray, weighted_labels: np.ndarray
                           ) -> tuple[np.ndarray, np.ndarray]:
        """Alphas and coefficients of the lasso path (scikit-learn's ``lars_path``)."""
        alphas, _, coefs = lars_path(weighted_data, weighted_labels, method="lasso", verbose=False)
        return alphas, coefs

    def forward_selection(self, data: np.ndarray, labels: np.ndarray, weights: np.ndarray,
                          num_features: int) -> np.ndarray:
        """Greedy forward selection of ``num_features`` columns by weighted R^2."""
        return forward_selection(weighted_moments(data, labels, np.asarray(weights, float)), num_features)

    def feature_selection(self, data: np.ndarray, labels: np.ndarray, weights: np.ndarray,
                          num_features: int, method: str) -> np.ndarray:
        """Columns chosen by ``method`` (see :mod:`lime_core._feature_selection`)."""
        check_option(method, "method", "LimeBase.feature_selection", FEATURE_SELECTION_METHODS)
        data = np.asarray(data, dtype=float)
        moments = weighted_moments(data, labels, np.asarray(weights, float))
        return select_features(moments, data[0], num_features, method, len(data))

    def explain_instance_with_data(self, neighborhood_data: np.ndarray, neighborhood_labels: np.ndarray,
                                   distances: np.ndarray, label: int, num_features: int,
                                   feature_selection: str = "auto", model_regressor: Any = None
                                   ) -> tuple[float, list[tuple[int, float]], float, np.ndarray]:
        """Fit the surrogate for one label; lime's return value.

        Parameters
        ----------
        neighborhood_data : ndarray of shape (n, d')
            ``z'``, row 0 being the instance.
        neighborhood_labels : ndarray of shape (n, k)
            The black box's scores.
        distances : ndarray of shape (n,)
        label : int
            Column of ``neighborhood_labels`` to explain.
        num_features : int
        feature_selection : str, default='auto'
        model_regressor : scikit-learn regressor, optional
            Default: ridge with ``alpha=1`` in closed form.

        Returns
        -------
        intercept : float
        exp : list of (int, float)
            By decreasing ``|weight|``.
        score : float
            Weighted R^2 on the data.
        local_pred : ndarray of shape (1,)
        """
        caller = "LimeBase.explain_instance_with_data"
        check_int(num_features, "num_features", caller, minimum=1)
        check_option(feature_selection, "feature_selection", caller, FEATURE_SELECTION_METHODS)
        check_random_state(self.random_state, caller="LimeBase")
        labels = np.asarray(neighborhood_labels, dtype=float).reshape(len(neighborhood_data), -1)
        if not 0 <= label < labels.shape[1]:
            raise ValueError(f"label {label} is out of range: neighborhood_labels has "
                             f"{labels.shape[1]} columns.")
        weights = np.asarray(self.kernel_fn(np.asarray(distances, dtype=float)), dtype=float)
        fit = fit_surrogate(neighborhood_data, labels[:, label], weights, num_features=num_features,
                            feature_selection=feature_selection, model_regressor=model_regressor)
        exp = [(int(i), float(w)) for i, w in zip(fit.feature_ids, fit.coef)]
        return fit.intercept, exp, fit.score, np.array([fit.local_pred])
