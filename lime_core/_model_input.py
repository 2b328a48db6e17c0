"""Model inputs for ``z'`` rows that a plugin did not sample itself.

Samplers that are not the plugin's own (Shapley coalitions, deletion and
insertion curves) map ``z'`` rows to model inputs through
``Representation.to_model_input(z_prime, rng)``. That map may be random (a
tabular plugin draws the values of hidden features), so to keep results
independent of ``batch_size`` the rows are mapped in fixed blocks of
:data:`BLOCK_ROWS`, each with its own generator seeded up front.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .validation import spawn_seed

__all__ = ["BLOCK_ROWS", "blockwise_model_input", "concat_batches", "take_rows"]

#: Rows mapped per call to ``to_model_input``; a divisor of the default batch size (1000).
BLOCK_ROWS = 100


def take_rows(batch: Any, start: int, stop: int) -> Any:
    """Rows ``[start, stop)`` of a batch (array, list or DataFrame)."""
    if hasattr(batch, "iloc"):
        return batch.iloc[start:stop].reset_index(drop=True)
    return batch[start:stop]


def concat_batches(batches: list[Any]) -> Any:
    """Join batches of model inputs (arrays, lists or DataFrames) into one."""
    if len(batches) == 1:
        return batches[0]
    first = batches[0]
    if hasattr(first, "iloc"):
        import pandas as pd
        return pd.concat(batches, ignore_index=True)
    if isinstance(first, list):
        return [row for batch in batches for row in batch]
    return np.concatenate([np.asarray(b) for b in batches], axis=0)


def blockwise_model_input(representation: Any, z_prime: np.ndarray,
                          rng: np.random.Generator) -> Callable[[int, int], Any]:
    """``(start, stop) -> model inputs`` of rows of ``z_prime``, whatever the split.

    Parameters
    ----------
    representation : Representation
    z_prime : ndarray of shape (n, d')
    rng : numpy.random.Generator
        One seed per block of :data:`BLOCK_ROWS` rows is drawn from it now.

    Examples
    --------
    >>> class Double:
    ...     def to_model_input(self, z, rng):
    ...         return z * 2
    >>> get = blockwise_model_input(Double(), np.arange(250).reshape(-1, 1), np.random.default_rng(0))
    >>> get(95, 105).ravel().tolist() == list(range(190, 210, 2))
    True
    """
    num_rows = len(z_prime)
    seeds = [spawn_seed(rng) for _ in range(-(-num_rows // BLOCK_ROWS))]

    def block(index: int) -> Any:
        rows = z_prime[index * BLOCK_ROWS:(index + 1) * BLOCK_ROWS]
        return representation.to_model_input(rows, np.random.default_rng(seeds[index]))

    def model_input(start: int, stop: int) -> Any:
        parts = []
        for index in range(start // BLOCK_ROWS, -(-stop // BLOCK_ROWS)):
            offset = index * BLOCK_ROWS
            parts.append(take_rows(block(index), max(start - offset, 0), min(stop - offset, BLOCK_ROWS)))
        return concat_batches(parts)

    return model_input
