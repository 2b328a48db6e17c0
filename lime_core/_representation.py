"""The contract between lime_core and a modality plugin.

A plugin describes one instance ``x`` through a :class:`Representation`: the
``d'`` interpretable features and a way to sample a LIME neighbourhood
(:class:`Neighborhood`) around it. Everything else (calling the black box in
batches, kernel weights, feature selection, the surrogate fit, the result) is
written once, in :func:`lime_core.explain`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

__all__ = ["Neighborhood", "Representation"]


@dataclass(frozen=True)
class Neighborhood:
    """A LIME neighbourhood of one instance: ``z'`` rows, distances, and lazy model inputs.

    Parameters
    ----------
    interpretable : ndarray of shape (num_samples, d')
        The perturbed points ``z'`` in the interpretable space. Row 0 is the
        instance's own ``x'``.
    distances : ndarray of shape (num_samples,)
        ``D(x, z)`` for each row, as the plugin measures it; ``distances[0] == 0``.
    model_input : callable ``(start, stop) -> batch``
        Returns rows ``[start, stop)`` as the black box takes them (an array,
        a list of strings, a DataFrame, a stack of images...). It must be
        deterministic: the same rows whatever the ``[start, stop)`` split, so
        that results do not depend on ``batch_size``.

    Examples
    --------
    >>> z = np.array([[1, 1], [0, 1], [1, 0]])
    >>> hood = Neighborhood(z, np.array([0.0, 1.0, 1.0]), lambda a, b: z[a:b] * 10)
    >>> [b.tolist() for b in hood.batches(2)]
    [[[10, 10], [0, 10]], [[10, 0]]]
    """

    interpretable: np.ndarray
    distances: np.ndarray
    model_input: Callable[[int, int], Any]

    @property
    def num_samples(self) -> int:
        """Number of rows (including the instance itself in row 0)."""
        return int(self.interpretable.shape[0])

    def batches(self, batch_size: int) -> Iterator[Any]:
        """Yield the model inputs in consecutive batches of at most ``batch_size`` rows."""
        for start in range(0, self.num_samples, batch_size):
            yield self.model_input(start, min(start + batch_size, self.num_samples))


@runtime_checkable
class Representation(Protocol):
    """The interpretable view of one instance ``x``: what a modality plugin implements.

    Attributes
    ----------
    feature_names : sequence of str
        The ``d'`` interpretable features, human-readable.

    Notes
    -----
    ``sample(num_samples, rng)`` returns the plugin's own LIME neighbourhood
    (row 0 is ``x'``). ``to_model_input(z_prime, rng)`` maps any batch of
    ``z'`` rows to model inputs; it is used by samplers that are not the
    plugin's own (Shapley coalitions, deletion curves, held-out fidelity).
    Neither may change the representation: calling them twice with equal
    generators gives equal results.

    A plugin may also set ``nested_samples = True`` when ``sample(n + m, rng)``
    begins with the rows of ``sample(n, rng)`` for equal generators (independent
    rows, each drawn from generators made before any row): :func:`lime_core.explain`
    then draws the hold-out rows as the last rows of the neighbourhood, in one call.
    Without it (a Latin hypercube, a Sobol' design) they come from a sub-stream of
    their own.
    """

    feature_names: Sequence[str]

    def sample(self, num_samples: int, rng: np.random.Generator) -> Neighborhood:
        """Draw ``num_samples`` rows of the neighbourhood, row 0 being ``x'``."""
        ...

    def to_model_input(self, z_prime: np.ndarray, rng: np.random.Generator) -> Any:
        """Map rows of ``z'`` (shape (m, d')) to what the black box takes."""
        ...
