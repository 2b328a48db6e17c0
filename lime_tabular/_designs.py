"""Designs of the uniform draws behind a tabular neighbourhood.

Every random number of :meth:`TabularRepresentation.sample` is a uniform in
``[0, 1)`` (a bin's state, a position within a bin, a normal by its inverse CDF).
Rows are independent under lime's design (``'gaussian'``); the other designs
spread each row's uniforms more evenly over ``[0, 1)^d`` while every row keeps
exactly the same distribution (see :mod:`lime_core._designs`):

- :func:`latin_hypercube`: one point per row stratum in every dimension;
- :func:`lime_core.scrambled_sobol`: a scrambled Sobol' sequence over all of a
  row's uniforms at once.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["latin_hypercube"]


def latin_hypercube(rng: np.random.Generator, n: int, d: int, dtype: Any = float) -> np.ndarray:
    """A seeded Latin hypercube of ``n`` points in ``[0, 1)^d``: one point per row stratum and column.

    Examples
    --------
    >>> u = latin_hypercube(np.random.default_rng(0), 4, 2)
    >>> np.sort(np.floor(u * 4), axis=0).T.tolist()
    [[0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 2.0, 3.0]]
    """
    strata = rng.permuted(np.tile(np.arange(n, dtype=float), (d, 1)), axis=1).T
    return ((strata + rng.random((n, d))) / n).astype(dtype, copy=False)
