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

__all__ = ["BLOCK_ROWS", "RowOffset", "blockwise_model_input", "concat_batches", "joined_model_input",
           "take_rows"]

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


class RowOffset:
    """Rows ``[start + offset, stop + offset)`` of another model-input callable.

    What a neighbourhood without its first rows reads (a hold-out sample drops ``x'``);
    :func:`joined_model_input` sees through it to the plugin's own callable.

    Examples
    --------
    >>> RowOffset(lambda a, b: list(range(a, b)), 1)(0, 3)
    [1, 2, 3]
    """

    def __init__(self, source: Callable[[int, int], Any], offset: int) -> None:
        if isinstance(source, RowOffset):
            source, offset = source.source, source.offset + offset
        self.source = source
        self.offset = offset

    def __call__(self, start: int, stop: int) -> Any:
        return self.source(start + self.offset, stop + self.offset)


def joined_model_input(parts: list[tuple[Callable[[int, int], Any], int, int]]) -> Callable[[int, int], Any]:
    """One model-input callable over row ranges of several, laid end to end.

    ``parts`` lists ``(model_input, lo, hi)``: rows ``[lo, hi)`` of each callable. Ranges of
    one callable that follow each other are one range (and one such range is the callable
    itself). A batch that spans parts is built by each part and joined
    (:func:`concat_batches`), unless the callables are all of one class with a
    ``join(parts)`` method: a plugin's own callable can then build such a batch in one piece
    (``join`` may return ``None`` to decline). Scoring a neighbourhood and its hold-out rows
    in one black-box call goes through here.

    Examples
    --------
    >>> first = lambda a, b: list(range(a, b))
    >>> second = lambda a, b: list(range(10 + a, 10 + b))
    >>> joined_model_input([(first, 0, 2), (second, 1, 3)])(1, 4)
    [1, 11, 12]
    """
    merged: list[tuple[Callable[[int, int], Any], int, int]] = []
    for get, lo, hi in parts:
        if isinstance(get, RowOffset):
            get, lo, hi = get.source, lo + get.offset, hi + get.offset
        if merged and merged[-1][0] is get and merged[-1][2] == lo:  # the rows right after: one range
            merged[-1] = (get, merged[-1][1], hi)
        else:
            merged.append((get, lo, hi))
    parts = merged
    if len(parts) == 1:  # one range of one callable (a neighbourhood drawn with its hold-out rows)
        get, lo, _ = parts[0]
        return RowOffset(get, lo) if lo else get
    kind = type(parts[0][0])
    join = getattr(kind, "join", None)
    if join is not None and all(type(get) is kind for get, _, _ in parts):
        joined = join(parts)
        if joined is not None:
            return joined
    starts = np.cumsum([0] + [hi - lo for _, lo, hi in parts])

    def model_input(start: int, stop: int) -> Any:
        batches = []
        for (get, lo, _), offset, end in zip(parts, starts[:-1], starts[1:]):
            a, b = max(start, offset), min(stop, end)
            if a < b:
                batches.append(get(int(lo + a - offset), int(lo + b - offset)))
        return concat_batches(batches)

    return model_input


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
