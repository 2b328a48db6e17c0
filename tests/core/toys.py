"""Small representations for core tests: binary masks over a numeric vector."""
from __future__ import annotations

import numpy as np

import lime_core


class Masks:
    """Interpretable feature j: "input j keeps its value" (hidden inputs become 0)."""

    def __init__(self, x: np.ndarray) -> None:
        self.x = np.asarray(x, dtype=float)
        self.feature_names = [f"x{j}" for j in range(len(self.x))]

    def to_model_input(self, z_prime: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
        return np.asarray(z_prime, dtype=float) * self.x

    def sample(self, num_samples: int, rng: np.random.Generator) -> lime_core.Neighborhood:
        z = rng.integers(0, 2, size=(num_samples, len(self.x))).astype(np.int8)
        z[0] = 1
        distances = np.sqrt((1 - z).sum(axis=1) / len(self.x))
        return lime_core.Neighborhood(z, distances, lambda a, b: self.to_model_input(z[a:b]))


def linear_model(coef, intercept=0.0):
    coef = np.asarray(coef, dtype=float)
    return lambda X: X @ coef + intercept


def softmax_model(coef_matrix):
    coef_matrix = np.asarray(coef_matrix, dtype=float)

    def predict(X):
        # elementwise, not X @ coef: BLAS may round a 1-row product differently from a batch,
        # and the tests compare explanations bit for bit across batch sizes
        logits = (np.asarray(X)[:, :, None] * coef_matrix).sum(axis=1)
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return predict
