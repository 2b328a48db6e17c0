"""The interpretable view of an image: "superpixel ``i`` keeps its pixels"."""
from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any

import numpy as np

from lime_core import SAMPLING_DESIGNS, Neighborhood, check_option, scrambled_sobol

from ._masking import PerturbationPlan

__all__ = ["ImageRepresentation", "binary_distances"]


class _Prefetched:
    """``model_input(start, stop)`` that builds the next batch while the black box runs.

    lime_core asks for consecutive batches of one size; after returning rows
    ``[start, stop)`` this starts building ``[stop, 2 stop - start)`` on a
    background thread of its own (numpy releases the GIL), so the masking
    overlaps the black box; at most one batch is built ahead. Results are the
    same rows whatever the calls: a request that does not match the prefetched
    range is computed directly, and the thread ends after the last batch.
    """

    def __init__(self, rows: Any, num_samples: int) -> None:
        self._rows = rows
        self._num_samples = num_samples
        self._pending: tuple[int, int, Future] | None = None
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None

    def __call__(self, start: int, stop: int) -> np.ndarray:
        with self._lock:
            pending, self._pending = self._pending, None
            batch = None
            if pending is not None:
                if pending[:2] == (start, stop):
                    batch = pending[2].result()
                else:
                    pending[2].cancel()
            if batch is None:
                batch = self._rows(start, stop)
            if start < stop < self._num_samples:
                following = (stop, min(stop + (stop - start), self._num_samples))
                if self._executor is None:
                    self._executor = ThreadPoolExecutor(max_workers=1,
                                                        thread_name_prefix="lime_image-prefetch")
                self._pending = following + (self._executor.submit(self._rows, *following),)
            elif self._executor is not None and stop >= self._num_samples:
                self._executor.shutdown(wait=False)
                self._executor = None
            return batch


def binary_distances(z: np.ndarray, metric: str = "cosine") -> np.ndarray:
    """Distance of each row of ``z'`` to the all-ones row ``x'`` (lime's image distances).

    Parameters
    ----------
    z : ndarray of shape (n, d')
    metric : str, default='cosine'
        Any metric of :func:`sklearn.metrics.pairwise_distances`. The cosine
        distance of a 0/1 row with ``k`` ones is ``1 - sqrt(k / d')`` (1 for
        the all-zero row, as scikit-learn computes it), done in closed form.

    Returns
    -------
    ndarray of shape (n,)

    Examples
    --------
    >>> binary_distances(np.array([[1, 1, 1, 1], [1, 0, 0, 0], [0, 0, 0, 0]])).tolist()
    [0.0, 0.5, 1.0]
    """
    z = np.asarray(z)
    if metric == "cosine" and ((z == 0) | (z == 1)).all():
        return 1.0 - np.sqrt(np.count_nonzero(z, axis=1) / z.shape[1])
    from sklearn.metrics import pairwise_distances
    ones = np.ones((1, z.shape[1]))
    return pairwise_distances(np.asarray(z, dtype=float), ones, metric=metric).ravel()


class ImageRepresentation:
    """An image cut into superpixels, each of which is kept or hidden (lime's image view).

    ``z'`` is a 0/1 vector over superpixels; ``h(z')`` is the image with every
    superpixel whose entry is 0 replaced by the same pixels of ``fill``. Rows
    of the neighbourhood are drawn uniformly from ``{0, 1}^d'`` (lime's
    sampling), row 0 is all ones (the image itself), and the distance to it is
    ``distance_metric`` (cosine in lime).

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C)
        The instance, in the dtype and layout the black box takes.
    segments : ndarray of shape (H, W) of int
        Labels ``0 .. d' - 1``.
    fill : ndarray of the image's shape and dtype
        Pixels shown where a superpixel is hidden.
    distance_metric : str, default='cosine'
    sampling_method : {'independent', 'sobol'}, default='independent'
        How the 0/1 rows are laid out: lime's independent fair coins, or each row a
        point of a scrambled Sobol' sequence cut at 1/2 (every superpixel still
        hidden with probability 1/2 in every row; the rows balance each other, so
        the weights scatter less from seed to seed; see :mod:`lime_core._designs`).

    Attributes
    ----------
    feature_names : list of str
        ``'superpixel i'``.
    num_segments : int

    Examples
    --------
    >>> image = np.arange(16, dtype=np.uint8).reshape(4, 4)
    >>> segments = np.repeat([[0, 0, 1, 1]], 4, axis=0)
    >>> rep = ImageRepresentation(image, segments, np.zeros_like(image))
    >>> hood = rep.sample(8, np.random.default_rng(0))
    >>> hood.interpretable[0].tolist(), hood.model_input(0, 3).shape
    ([1, 1], (3, 4, 4))
    >>> rep.to_model_input(np.array([[0, 1]]))[0, 0].tolist()
    [0, 0, 2, 3]
    """

    def __init__(self, image: np.ndarray, segments: np.ndarray, fill: np.ndarray,
                 distance_metric: str = "cosine", *, sampling_method: str = "independent") -> None:
        check_option(sampling_method, "sampling_method", "ImageRepresentation", SAMPLING_DESIGNS)
        self.image = image
        self.segments = segments
        self.fill = fill
        self.distance_metric = distance_metric
        self.sampling_method = sampling_method
        self.num_segments = int(segments.max()) + 1
        self.feature_names = [f"superpixel {i}" for i in range(self.num_segments)]
        self._plan = PerturbationPlan(image, fill, segments, self.num_segments)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_plan")
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._plan = PerturbationPlan(self.image, self.fill, self.segments, self.num_segments)

    def to_model_input(self, z_prime: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
        """Images for rows of ``z'`` (non-zero = superpixel kept): shape (m, *image.shape).

        ``rng`` is unused (the map is deterministic); it is part of the protocol.
        """
        z = np.asarray(z_prime)
        if z.ndim == 1:
            z = z[None, :]
        if z.ndim != 2 or z.shape[1] != self.num_segments:
            raise ValueError(f"z_prime must have shape (m, {self.num_segments}), one column per "
                             f"superpixel; got shape {np.shape(z_prime)}.")
        return self._plan(z != 0)

    def _rows(self, z: np.ndarray, start: int, stop: int) -> np.ndarray:
        return self._plan(z[start:stop] != 0)

    def sample(self, num_samples: int, rng: np.random.Generator) -> Neighborhood:
        """lime's image neighbourhood: uniform 0/1 rows, row 0 all ones, lazy images."""
        if self.sampling_method == "sobol":
            z = (scrambled_sobol(rng, num_samples, self.num_segments) < 0.5).view(np.int8)
        else:
            z = rng.integers(0, 2, size=(num_samples, self.num_segments), dtype=np.int8)
        z[0] = 1
        distances = binary_distances(z, self.distance_metric)
        return Neighborhood(z, distances, _Prefetched(partial(self._rows, z), num_samples))
