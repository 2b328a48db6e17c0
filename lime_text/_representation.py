"""The interpretable view of a text: ``x'`` = "token i is present", lime's neighbourhood.

Sampling (lime's): each perturbed document removes ``k ~ U{1, ..., d'}``
features, a uniformly chosen subset of that size. The distance to the
instance is the cosine distance between the binary vectors, times
:data:`DISTANCE_SCALE`.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from lime_core import SAMPLING_DESIGNS, Neighborhood, check_option, sobol_blocks, uniform_float32

from ._indexed import IndexedText

__all__ = ["TextRepresentation", "sample_removals", "sobol_removals", "cosine_distances_to_ones", "DISTANCE_SCALE"]

#: lime multiplies text distances (cosine, in [0, 1]) by 100, so that its default
#: kernel width of 25 weights a document that lost half of its words by about 0.7.
DISTANCE_SCALE = 100.0
#: Random numbers drawn at once while sampling (rows x features): bounds memory for long texts.
SAMPLE_BLOCK = 1 << 18


def sample_removals(num_rows: int, num_features: int, rng: np.random.Generator) -> np.ndarray:
    """Which features each perturbed row removes: ``k ~ U{1..d}``, then a uniform ``k``-subset.

    Drawn without a loop over rows: with ``p ~ U(0, 1)`` per row and each
    feature removed independently with probability ``p``, a given subset ``S``
    comes out with probability ``|S|! (d - |S|)! / (d + 1)!``: the size is
    uniform on ``{0, ..., d}`` and, given its size, the subset is uniform.
    (Single-precision uniforms: the probabilities are off by at most 2**-24.)
    Rows that removed nothing are drawn again, which leaves exactly lime's
    distribution (``random_state.randint(1, d + 1)`` then ``choice(d, k,
    replace=False)``).

    Parameters
    ----------
    num_rows : int
    num_features : int
        ``d``, at least 1.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of bool, shape (num_rows, num_features)
        True where the feature is removed; every row removes at least one.

    Examples
    --------
    >>> removed = sample_removals(4, 3, np.random.default_rng(0))
    >>> removed.shape, bool(removed.any(axis=1).all())
    ((4, 3), True)
    """
    removed = np.empty((num_rows, num_features), dtype=bool)
    rows_per_block = max(1, SAMPLE_BLOCK // max(1, num_features))
    for start in range(0, num_rows, rows_per_block):
        todo = np.arange(start, min(start + rows_per_block, num_rows))
        while todo.size:
            p = uniform_float32(rng, (todo.size,))
            draw = uniform_float32(rng, (todo.size, num_features)) < p[:, None]
            removed[todo] = draw
            todo = todo[~draw.any(axis=1)]
    return removed


def sobol_removals(num_rows: int, num_features: int, rng: np.random.Generator) -> np.ndarray:
    """:func:`sample_removals` with the rows laid out as a scrambled Sobol' sequence.

    Row ``i`` is Sobol' point ``u``: ``p = u_0`` and feature ``j`` is removed when
    ``u_{j+1} < p``, so every row has lime's distribution (see :func:`sample_removals`);
    points that remove nothing are skipped and the sequence continues (one in ``d + 1``).
    The points are drawn a block at a time, so memory does not grow with ``num_rows``.

    Examples
    --------
    >>> removed = sobol_removals(4, 3, np.random.default_rng(0))
    >>> removed.shape, bool(removed.any(axis=1).all())
    ((4, 3), True)
    """
    removed = np.empty((num_rows, num_features), dtype=bool)
    done = 0
    blocks = sobol_blocks(rng, num_features + 1)  # a block at a time: memory bounded for long texts
    while done < num_rows:
        points = next(blocks)
        draw = points[:, 1:] < points[:, :1]
        kept = draw[draw.any(axis=1)][:num_rows - done]
        removed[done:done + len(kept)] = kept
        done += len(kept)
    return removed


def cosine_distances_to_ones(num_kept: np.ndarray, num_features: int) -> np.ndarray:
    """Cosine distance between binary rows with ``num_kept`` ones and the all-ones row.

    ``1 - sqrt(num_kept / d)``; a row of zeros is at distance 1 (scikit-learn's
    convention, which lime uses).

    Examples
    --------
    >>> cosine_distances_to_ones(np.array([4, 1, 0]), 4).tolist()
    [0.0, 0.5, 1.0]
    """
    return 1.0 - np.sqrt(np.asarray(num_kept, dtype=float) / num_features)


class TextRepresentation:
    """LIME's view of one text: features are tokens, ``h(z')`` removes (or masks) them.

    Implements :class:`lime_core.Representation`.

    Parameters
    ----------
    indexed_string : IndexedString or IndexedCharacters
        The text and its features.
    distance_metric : str or callable, default='cosine'
        Distance between binary vectors ``z'`` and ``x'`` (any metric of
        :func:`sklearn.metrics.pairwise_distances`); times :data:`DISTANCE_SCALE`.
    sampling_method : {'independent', 'sobol'}, default='independent'
        lime's independent rows (:func:`sample_removals`) or rows laid out as a
        scrambled Sobol' sequence (:func:`sobol_removals`): the same distribution per
        row, less scatter of the weights from seed to seed.

    Examples
    --------
    >>> from lime_text import IndexedString
    >>> rep = TextRepresentation(IndexedString("good movie, good cast"))
    >>> rep.feature_names
    ['good', 'movie', 'cast']
    >>> hood = rep.sample(3, np.random.default_rng(0))
    >>> hood.model_input(0, 1)
    ['good movie, good cast']
    >>> rep.to_model_input(np.array([[0, 1, 1]]))
    [' movie,  cast']
    """

    def __init__(self, indexed_string: IndexedText, distance_metric: Any = "cosine", *,
                 sampling_method: str = "independent") -> None:
        check_option(sampling_method, "sampling_method", "TextRepresentation", SAMPLING_DESIGNS)
        self.indexed_string = indexed_string
        self.distance_metric = distance_metric
        self.sampling_method = sampling_method
        self.feature_names = list(indexed_string.inverse_vocab)

    def distances(self, z: np.ndarray) -> np.ndarray:
        """``D(x, z) * 100`` for rows of ``z'`` (row ``x'`` is all ones)."""
        d = len(self.feature_names)
        if isinstance(self.distance_metric, str) and self.distance_metric == "cosine":
            distances = cosine_distances_to_ones(z.sum(axis=1, dtype=np.int64), d)
        else:
            from sklearn.metrics import pairwise_distances
            distances = pairwise_distances(np.asarray(z, dtype=float), np.ones((1, d)),
                                           metric=self.distance_metric).ravel()
        return distances * DISTANCE_SCALE

    def sample(self, num_samples: int, rng: np.random.Generator) -> Neighborhood:
        """lime's neighbourhood: row 0 is the text; every other row removes 1 to d' features."""
        d = len(self.feature_names)
        z = np.ones((num_samples, d), dtype=np.int8)
        removals = sobol_removals if self.sampling_method == "sobol" else sample_removals
        np.logical_not(removals(num_samples - 1, d, rng), out=z[1:].view(bool))
        assembler = self.indexed_string.assembler
        return Neighborhood(z, self.distances(z), lambda start, stop: assembler.build(z[start:stop]))

    def to_model_input(self, z_prime: np.ndarray, rng: np.random.Generator | None = None) -> list[str]:
        """The documents for rows of ``z'`` (1 keeps a feature's tokens)."""
        return self.indexed_string.assembler.build(np.atleast_2d(z_prime))

    def extras(self) -> dict[str, Any]:
        """What a text explanation carries for reports: the text and each feature's spans."""
        return {"modality": "text", "text": self.indexed_string.raw_string(),
                "spans": self.indexed_string.feature_spans()}
