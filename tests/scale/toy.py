"""A small explainer over the time-series toy plugin, following the plugin convention.

``WindowExplainer.explain_instance(series, predict_fn, labels=(1,), num_features=10,
num_samples=500, *, random_state=None, ...)`` wraps ``lime_core.explain`` around
:class:`tests.contract.timeseries_plugin.TimeWindows`. It pickles (for joblib and Dask).
"""
from __future__ import annotations

import numpy as np

import lime_core
from tests.contract.timeseries_plugin import TimeWindows


class WindowExplainer:
    """Explain a series by which of its ``num_windows`` windows the model reads."""

    def __init__(self, num_windows: int = 6, kernel_width: float = 1.0, random_state=None) -> None:
        self.num_windows = num_windows
        self.kernel_width = kernel_width
        self.random_state = random_state

    def explain_instance(self, series, predict_fn, labels=(1,), num_features=10, num_samples=500, *,
                         random_state=None, top_labels=None, batch_size=1000, **options):
        seed = self.random_state if random_state is None else random_state
        return lime_core.explain(TimeWindows(np.asarray(series, dtype=float), self.num_windows), predict_fn,
                                 labels=labels, top_labels=top_labels, num_features=num_features,
                                 num_samples=num_samples, kernel_width=self.kernel_width,
                                 batch_size=batch_size, random_state=seed, caller="explain_instance",
                                 **options)


def peak_detector(batch):
    """P(peak) from the mean of samples 20..29 (window 2 of 6) and, weakly, 40..49."""
    batch = np.asarray(batch, dtype=float)
    score = 1 / (1 + np.exp(-5 * (batch[:, 20:30].mean(axis=1) - 1.0) - 0.5 * batch[:, 40:50].mean(axis=1)))
    return np.column_stack([1 - score, score])


class FailOnNaN:
    """A black box that raises on any input containing NaN (a row that makes the model fail)."""

    def __call__(self, batch):
        batch = np.asarray(batch, dtype=float)
        if np.isnan(batch).any():
            raise ValueError("the model cannot score NaN")
        return peak_detector(batch)


def make_series(n: int, length: int = 60, seed: int = 0) -> np.ndarray:
    """``n`` seeded series of ``length`` values; some with a peak in window 2."""
    rng = np.random.default_rng(seed)
    series = rng.normal(0.0, 0.3, size=(n, length))
    series[::2, 20:30] += 2.0
    series[::3, 40:50] += 1.0
    return series
