"""Representations and black boxes for the trust tests (core-only, seeded)."""
from __future__ import annotations

import numpy as np

import lime_core


class Masks:
    """Feature j: "input j keeps its value"; hidden inputs become 0. ``x'`` is all ones."""

    def __init__(self, x) -> None:
        self.x = np.asarray(x, dtype=float)
        self.feature_names = [f"x{j}" for j in range(len(self.x))]

    def to_model_input(self, z_prime, rng=None):
        return np.asarray(z_prime, dtype=float) * self.x

    def sample(self, num_samples, rng):
        z = rng.integers(0, 2, size=(num_samples, len(self.x))).astype(np.int8)
        z[0] = 1
        distances = np.sqrt((1 - z).sum(axis=1) / len(self.x))
        return lime_core.Neighborhood(z, distances, lambda a, b: self.to_model_input(z[a:b]))


class NoisyMasks(Masks):
    """Hidden inputs are redrawn at random: ``to_model_input`` uses its generator."""

    def to_model_input(self, z_prime, rng=None):
        z = np.asarray(z_prime, dtype=float)
        return z * self.x + (1 - z) * rng.normal(size=z.shape)

    def sample(self, num_samples, rng):
        z = rng.integers(0, 2, size=(num_samples, len(self.x))).astype(np.int8)
        z[0] = 1
        fill = rng.normal(size=z.shape)
        inputs = z * self.x + (1 - z) * fill
        distances = np.sqrt((1 - z).sum(axis=1) / len(self.x))
        return lime_core.Neighborhood(z, distances, lambda a, b: inputs[a:b])


def linear(coef, intercept=0.0):
    coef = np.asarray(coef, dtype=float)
    # elementwise sum, not a BLAS product: bit-identical whatever the batch split
    return lambda X: (np.asarray(X) * coef).sum(axis=1) + intercept


def logistic(coef, intercept=0.0):
    coef = np.asarray(coef, dtype=float)

    def predict(X):
        p = 1 / (1 + np.exp(-((np.asarray(X) * coef).sum(axis=1) + intercept)))
        return np.column_stack([1 - p, p])
    return predict


def series_detector(batch):
    """Probability of 'peak' from the mean of samples 20..29 (window 2 of 6 of a 60-long series)."""
    batch = np.asarray(batch, dtype=float)
    window = batch[:, 20]
    for j in range(21, 30):  # column by column: the same bits whatever the batch split
        window = window + batch[:, j]
    score = 1 / (1 + np.exp(-5 * (window / 10 - 1.0)))
    return np.column_stack([1 - score, score])


def peak_series():
    series = np.zeros(60)
    series[20:30] = 2.0
    return series
