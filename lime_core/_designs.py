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

import math
from collections.abc import Iterator

import numpy as np

from ._buffers import pooled_empty

try:
    from . import _compiled
except ImportError:  # built without a C compiler: NumPy gives the same values
    _compiled = None

__all__ = ["SAMPLING_DESIGNS", "UniformStream", "scrambled_sobol", "sobol_blocks", "uniform_float32"]

#: ``sampling_method`` of the text and image explainers: lime's independent rows, or Sobol'.
SAMPLING_DESIGNS = ("independent", "sobol")
#: Points generated per call of the Sobol' engine (a power of two): memory stays bounded.
_SOBOL_BLOCK = 1024
#: Dimensions of scipy's Sobol' direction numbers.
MAX_SOBOL_DIMENSIONS = 21201
#: A float32 uniform is a 24-bit integer times this.
_FLOAT32_STEP = np.float32(2.0 ** -24)
#: Bit generators whose raw draws carry 64 random bits.
_RAW_64_BITS = (np.random.PCG64, np.random.PCG64DXSM, np.random.Philox, np.random.SFC64)


def uniform_float32(rng: np.random.Generator, shape: int | tuple[int, ...],
                    out: np.ndarray | None = None) -> np.ndarray:
    """Independent uniforms in ``[0, 1)``, float32: the values ``rng.random(shape, dtype=np.float32)`` takes.

    Each is ``(b >> 8) * 2**-24`` for 32 random bits ``b``, as numpy makes them. For a bit
    generator whose raw draws are 64 random bits (PCG64, PCG64DXSM, Philox, SFC64) the
    bits come two by two from its raw draws, low half first, in one compiled pass
    (``lime_core._compiled``, into reused memory) or in NumPy; about 2-5x faster. Any
    other bit generator (MT19937's raw draws have 32 bits) goes through ``rng.random``.

    Parameters
    ----------
    rng : numpy.random.Generator
    shape : int or tuple of int
    out : float32 ndarray of that shape, C-contiguous, optional
        Where to write them.

    Returns
    -------
    ndarray of float32

    Examples
    --------
    >>> u = uniform_float32(np.random.default_rng(0), (2, 3))
    >>> u.dtype.name, u.shape, bool((u >= 0).all() and (u < 1).all())
    ('float32', (2, 3), True)
    >>> bool((uniform_float32(np.random.default_rng(5), (4,)) == np.random.default_rng(5).random(4, dtype=np.float32)).all())
    True
    """
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(k) for k in shape)
    if out is not None and (out.dtype != np.float32 or out.shape != shape or not out.flags.c_contiguous):
        raise ValueError(f"out must be a C-contiguous float32 array of shape {shape}; got "
                         f"{out.dtype} of shape {out.shape}.")
    bit_generator = rng.bit_generator
    if type(bit_generator) not in _RAW_64_BITS:
        return rng.random(shape, dtype=np.float32, out=out)
    if _compiled is not None:
        out = pooled_empty(shape, np.float32) if out is None else out
        with bit_generator.lock:
            _compiled.fill_uniform_float32(bit_generator.capsule, out)
        return out
    count = math.prod(int(k) for k in shape)
    raw = bit_generator.random_raw((count + 1) // 2)
    return _raw_to_float32(raw, count, None if out is None else out.reshape(-1)).reshape(shape)


def _raw_to_float32(raw: np.ndarray, count: int, out: np.ndarray | None) -> np.ndarray:
    """The first ``count`` uniforms of 64-bit raw draws, low half first (NumPy twin of the compiled passes).

    Written into ``out`` (flat float32) or, without it, in place over ``raw``: no second array.
    """
    bits = raw.view(np.uint32)[:count]
    np.right_shift(bits, 8, out=bits)
    values = bits.view(np.float32) if out is None else out
    np.multiply(bits, _FLOAT32_STEP, out=values, dtype=np.float32, casting="unsafe")  # exact: < 2**24
    return values


#: Rounds SFC64 runs after seeding before its draws are used (numpy.random.SFC64 runs 12).
_SFC64_WARM_UP = 12


class UniformStream:
    """Float32 uniforms in ``[0, 1)`` from a fast generator of their own, seeded by ``rng``.

    The bulk of a neighbourhood's uniforms (a table's bin and within-bin draws: two per
    value) need a fast generator more than the user's: the stream draws three 64-bit
    words from ``rng`` once (so a seeded ``rng`` gives the same stream every time) and
    runs SFC64 (``numpy.random.SFC64``'s algorithm, a generator that passes the
    BigCrush and PractRand batteries) from them, inlined in one compiled pass
    (``lime_core._compiled``, about 0.5 ns per 64-bit draw, several times faster than a
    call per draw) or, without the compiled module, through ``numpy.random.SFC64``
    itself: both give the same values. Each 64-bit draw gives two uniforms, low half
    first, each ``(b >> 8) * 2**-24`` as :func:`uniform_float32` makes them.

    Parameters
    ----------
    rng : numpy.random.Generator
        Three 64-bit integers are drawn from it when the stream is made.

    Examples
    --------
    >>> stream = UniformStream(np.random.default_rng(0))
    >>> u = stream.draw((2, 3))
    >>> u.dtype.name, u.shape, bool((u >= 0).all() and (u < 1).all())
    ('float32', (2, 3), True)
    >>> bool((UniformStream(np.random.default_rng(0)).draw(6) == u.ravel()).all())
    True
    """

    def __init__(self, rng: np.random.Generator) -> None:
        seed = rng.integers(0, 2 ** 64, size=3, dtype=np.uint64, endpoint=False)
        self._state = np.array([seed[0], seed[1], seed[2], 1], dtype=np.uint64)
        self._skip(_SFC64_WARM_UP)

    def _skip(self, count: int) -> None:
        self.fill(np.empty(2 * count, dtype=np.float32))

    def copy(self) -> UniformStream:
        """A stream at the same point that draws the same values from here on, independently.

        Examples
        --------
        >>> stream = UniformStream(np.random.default_rng(0))
        >>> bool((stream.copy().draw(3) == stream.draw(3)).all())
        True
        """
        twin = object.__new__(UniformStream)
        twin._state = self._state.copy()
        return twin

    @property
    def state(self) -> np.ndarray:
        """The generator's state ``(a, b, c, counter)``, a writable uint64 array.

        A compiled pass that draws the stream's next values itself (``lime_tabular``'s state
        pass) reads it and advances it in place, as :meth:`fill` would.
        """
        return self._state

    def draw(self, shape: int | tuple[int, ...]) -> np.ndarray:
        """The next uniforms, as a new float32 array of ``shape`` (in memory reused between calls)."""
        return self.fill(pooled_empty(shape, np.float32))

    def fill(self, out: np.ndarray) -> np.ndarray:
        """Write the next ``out.size`` uniforms into ``out`` (C-contiguous float32); returns ``out``."""
        if out.dtype != np.float32 or not out.flags.c_contiguous:
            raise ValueError(f"out must be a C-contiguous float32 array; got {out.dtype}.")
        if _compiled is not None:
            _compiled.sfc64_fill_uniform_float32(self._state, out)
            return out
        generator = np.random.SFC64()
        generator.state = {"bit_generator": "SFC64", "state": {"state": self._state.copy()},
                           "has_uint32": 0, "uinteger": 0}
        _raw_to_float32(generator.random_raw((out.size + 1) // 2), out.size, out.reshape(-1))
        self._state[:] = generator.state["state"]["state"]
        return out


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
