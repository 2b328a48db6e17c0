"""A modality written only against lime_core's public names: time windows of a series.

Interpretable feature ``i`` is "window ``i`` keeps its values"; a hidden window
is replaced by the series mean. It proves that a third party can plug a new
modality into ``lime_core.explain`` without touching the core.
"""
from __future__ import annotations

import numpy as np

import lime_core


class TimeWindows:
    """The series ``x`` cut into ``num_windows`` equal windows."""

    def __init__(self, series: np.ndarray, num_windows: int) -> None:
        self.series = np.asarray(series, dtype=float)
        self.num_windows = num_windows
        self.window_of = np.minimum(np.arange(len(self.series)) * num_windows // len(self.series),
                                    num_windows - 1)
        self.feature_names = [f"t{np.flatnonzero(self.window_of == i)[0]}-"
                              f"t{np.flatnonzero(self.window_of == i)[-1]}" for i in range(num_windows)]

    def to_model_input(self, z_prime: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
        keep = np.asarray(z_prime, dtype=bool)[:, self.window_of]
        return np.where(keep, self.series, self.series.mean())

    def sample(self, num_samples: int, rng: np.random.Generator) -> lime_core.Neighborhood:
        z = rng.integers(0, 2, size=(num_samples, self.num_windows)).astype(np.int8)
        z[0] = 1
        distances = np.sqrt((1 - z).sum(axis=1) / self.num_windows)
        return lime_core.Neighborhood(z, distances, lambda a, b: self.to_model_input(z[a:b]))
