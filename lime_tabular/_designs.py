"""Designs of the uniform draws behind a tabular neighbourhood.

Every random number of :meth:`TabularRepresentation.sample` is a uniform in
``[0, 1)`` (a bin's state, a position within a bin, a normal by its inverse CDF).
Rows are independent under lime's design (``'gaussian'``); the other designs
spread each row's uniforms more evenly over ``[0, 1)^d`` while every row keeps
exactly the same distribution, so an explanation estimates the same weights with
less scatter from seed to seed:

- :func:`latin_hypercube`: one point per row stratum in every dimension;
- :func:`scrambled_sobol`: a randomly scrambled Sobol' sequence (randomised
  quasi-Monte Carlo: A. B. Owen, "Scrambling Sobol' and Niederreiter-Xing
  points", J. Complexity 1998; J. Matousek, "On the L2-discrepancy for anchored
  boxes", 1998, for the linear matrix scrambling scipy uses), jointly over *all*
  dimensions of a row: two separately scrambled Sobol' sets would share the
  leading digits of their dimensions and make a feature's state and its
  within-bin position dependent.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["latin_hypercube", "scrambled_sobol"]

#: Points generated per call of the Sobol' engine (a power of two): memory stays bounded.
_SOBOL_BLOCK = 1024


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


def scrambled_sobol(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """The first ``n`` points of a scrambled Sobol' sequence in ``[0, 1)^d``, float32.

    The scrambling (scipy's linear matrix scrambling with a digital shift) is drawn
    from ``rng``: each seed gives an independent set whose every point is uniform on
    the unit cube. The points are produced ``_SOBOL_BLOCK`` at a time (the same points
    as one call) and rounded down to float32 below 1.

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int
        Number of points (rows); a power of two balances the set best.
    d : int
        Dimensions (uniforms per row), at most scipy's 21201.

    Returns
    -------
    ndarray of shape (n, d), float32

    Examples
    --------
    >>> u = scrambled_sobol(np.random.default_rng(0), 8, 2)
    >>> np.sort(np.floor(u * 8), axis=0).T.tolist()  # each eighth of each axis holds one point
    [[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]]
    """
    from scipy.stats import qmc

    out = np.empty((n, d), dtype=np.float32)
    if n == 0 or d == 0:
        return out
    engine = qmc.Sobol(d, scramble=True, seed=rng)
    below_one = np.nextafter(np.float32(1), np.float32(0))
    for start in range(0, n, _SOBOL_BLOCK):
        block = engine.random(_SOBOL_BLOCK)[:n - start]  # whole blocks: no balance warning
        np.minimum(block, below_one, out=out[start:start + block.shape[0]], casting="same_kind")
    return out
