"""A plugin living only in tests/ explains a toy model through lime_core.explain."""
import numpy as np

import lime_core
from tests.contract.timeseries_plugin import TimeWindows


def window_two_detector(batch: np.ndarray) -> np.ndarray:
    """Probability of 'peak' from the mean of samples 20..29 only (window 2 of 6)."""
    score = 1 / (1 + np.exp(-5 * (batch[:, 20:30].mean(axis=1) - 1.0)))
    return np.column_stack([1 - score, score])


def test_plugin_explains_the_only_window_the_model_reads():
    series = np.zeros(60)
    series[20:30] = 2.0
    representation = TimeWindows(series, 6)
    assert isinstance(representation, lime_core.Representation)
    exp = lime_core.explain(representation, window_two_detector, num_samples=500, num_features=3,
                            kernel_width=1.0, random_state=0)
    names = [name for name, _ in exp.as_list(label=1)]
    assert names[0] == "t20-t29"
    weights = dict(exp.as_list(label=1))
    assert weights["t20-t29"] > 0.5
    assert all(abs(w) < 0.05 * weights["t20-t29"] for n, w in weights.items() if n != "t20-t29")
