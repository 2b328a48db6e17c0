"""Designs of a neighbourhood's random draws: how the uniforms behind the samples are laid out.

A plugin turns uniforms in ``[0, 1)`` into its samples (a table's bins, a text's
removed words, an image's hidden superpixels). Independent rows are lime's design;
a low-discrepancy design spreads the rows more evenly over the unit cube while every
row keeps exactly the same distribution, so an explanation estimates the same weights
with less scatter from seed to seed (randomised quasi-Monte Carlo).

:func:`scrambled_sobol` is a randomly scrambled Sobol' sequence (A. B. Owen,
"Scrambling Sobol' and Niederreiter-Xing points", J. Complexity 1998; scipy's linear
matrix scrambling with a digital shift, J. Matousek, "On the L2-discrepancy for
anchored boxes", 1998). It must cover *all* the uniforms of a row at once: two
separately scrambled Sobol' sets share the leading digits of their dimensions, so
draws meant to be independent (a bin and a position inside it) would not be.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["SAMPLING_DESIGNS", "scrambled_sobol", "sobol_blocks", "uniform_float32"]

#: ``sampling_method`` of the text and image explainers: lime's independent rows, or Sobol'.
SAMPLING_DESIGNS = ("independent", "sobol")
#: Points generated per call of the Sobol' engine (a power of two): memory stays bounded.
_SOBOL_BLOCK = 1024
#: Dimensions of scipy's Sobol' direction numbers.
MAX_SOBOL_DIMENSIONS = 21201
#: A float32 uniform is a 24-bit integer times this.
_FLOAT32_STEP = np.float32(2.0 ** -24)


def uniform_float32(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Independent uniforms in ``[0, 1)``, float32: the values ``rng.random(shape, dtype=np.float32)`` takes.

    Each is ``(b >> 8) * 2**-24`` for 32 random bits ``b``, as numpy makes them, but the
    bits come two by two from the generator's raw 64-bit draws, about twice as fast.

    Examples
    --------
    >>> u = uniform_float32(np.random.default_rng(0), (2, 3))
    >>> u.dtype.name, u.shape, bool((u >= 0).all() and (u < 1).all())
    ('float32', (2, 3), True)
    >>> bool((uniform_float32(np.random.default_rng(5), (4,)) == np.random.default_rng(5).random(4, dtype=np.float32)).all())
    True
    """
    count = int(np.prod(shape, dtype=np.int64))
    bits = rng.bit_generator.random_raw((count + 1) // 2).view(np.uint32)[:count]
    np.right_shift(bits, 8, out=bits)
    out = bits.astype(np.float32)  # exact: fewer than 24 bits
    out *= _FLOAT32_STEP
    return out.reshape(shape)


def sobol_blocks(rng: np.random.Generator, d: int) -> Iterator[np.ndarray]:
    """A scrambled Sobol' sequence in ``[0, 1)^d``, ``_SOBOL_BLOCK`` float32 points at a time, endless.

    The scrambling (scipy's linear matrix scrambling with a digital shift) is drawn
    from ``rng``: each seed gives an independent sequence whose every point is uniform
    on the unit cube. Points are rounded down to float32 below 1.

    Examples
    --------
    >>> first = next(sobol_blocks(np.random.default_rng(0), 3))
    >>> first.shape, first.dtype.name
    ((1024, 3), 'float32')
    """
    from scipy.stats import qmc

    if d > MAX_SOBOL_DIMENSIONS:
        raise ValueError(f"sampling_method='sobol' lays out at most {MAX_SOBOL_DIMENSIONS} random draws per "
                         f"sample (scipy's Sobol' directions); this neighbourhood needs {d}. Use the "
                         f"independent design for it.")
    engine = qmc.Sobol(d, scramble=True, seed=rng)
    below_one = np.nextafter(np.float32(1), np.float32(0))
    while True:
        yield np.minimum(engine.random(_SOBOL_BLOCK), below_one).astype(np.float32)  # whole blocks: balanced


def scrambled_sobol(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """The first ``n`` points of a scrambled Sobol' sequence in ``[0, 1)^d``, float32.

    The points of :func:`sobol_blocks`, gathered.

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int
        Number of points (rows); a power of two balances the set best.
    d : int
        Dimensions (uniforms per row), at most :data:`MAX_SOBOL_DIMENSIONS`.

    Returns
    -------
    ndarray of shape (n, d), float32

    Examples
    --------
    >>> u = scrambled_sobol(np.random.default_rng(0), 8, 2)
    >>> np.sort(np.floor(u * 8), axis=0).T.tolist()  # each eighth of each axis holds one point
    [[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]]
    """
    out = np.empty((n, d), dtype=np.float32)
    if n == 0 or d == 0:
        return out
    blocks = sobol_blocks(rng, d)
    for start in range(0, n, _SOBOL_BLOCK):
        block = next(blocks)[:n - start]
        out[start:start + block.shape[0]] = block
    return out
