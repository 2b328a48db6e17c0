"""Input validation shared by every Limelight entry point.

Messages follow one template: they name the parameter and its caller, say what
was expected and what came, and suggest the fix when there is one.
"""
from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = [
    "check_random_state",
    "check_int",
    "check_positive_float",
    "check_option",
    "spawn_seed",
]

RandomStateLike = "int | numpy.random.Generator | numpy.random.RandomState | None"


def check_random_state(random_state: Any, *, name: str = "random_state",
                       caller: str = "Limelight") -> np.random.Generator:
    """Turn a ``random_state`` parameter into a :class:`numpy.random.Generator`.

    Parameters
    ----------
    random_state : int, numpy.random.Generator, numpy.random.RandomState or None
        ``None`` draws fresh entropy; an int seeds a new generator, so the same
        int always gives the same stream; a ``Generator`` is used as given (and
        consumed); a legacy ``RandomState`` seeds a new generator from one draw.
    name, caller : str
        Used in the error message.

    Returns
    -------
    numpy.random.Generator

    Examples
    --------
    >>> rng = check_random_state(0)
    >>> float(rng.random()) == float(check_random_state(0).random())
    True
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**32 - 1, dtype=np.uint64))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"The '{name}' parameter of {caller} must be a non-negative int; "
                             f"got {random_state}.")
        return np.random.default_rng(int(random_state))
    raise TypeError(f"The '{name}' parameter of {caller} must be an int, a numpy.random.Generator "
                    f"or None; got {type(random_state).__name__} ({random_state!r}).")


def spawn_seed(rng: np.random.Generator) -> int:
    """Draw one 63-bit integer seed from ``rng`` (to seed an independent sub-stream).

    Examples
    --------
    >>> spawn_seed(np.random.default_rng(0)) == spawn_seed(np.random.default_rng(0))
    True
    """
    return int(rng.integers(0, 2**63 - 1))


def check_int(value: Any, name: str, caller: str, *, minimum: int) -> int:
    """Check that ``value`` is an integer ``>= minimum`` and return it as ``int``.

    Examples
    --------
    >>> check_int(5, "num_samples", "explain", minimum=2)
    5
    >>> check_int(1, "num_samples", "explain", minimum=2)
    Traceback (most recent call last):
    ...
    ValueError: The 'num_samples' parameter of explain must be an int >= 2; got 1.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"The '{name}' parameter of {caller} must be an int >= {minimum}; "
                        f"got {type(value).__name__} ({value!r}).")
    if value < minimum:
        raise ValueError(f"The '{name}' parameter of {caller} must be an int >= {minimum}; "
                         f"got {value}.")
    return int(value)


def check_positive_float(value: Any, name: str, caller: str) -> float:
    """Check that ``value`` is a finite real number ``> 0`` and return it as ``float``.

    Examples
    --------
    >>> check_positive_float(0.25, "kernel_width", "explain")
    0.25
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"The '{name}' parameter of {caller} must be a float > 0; "
                        f"got {type(value).__name__} ({value!r}).")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"The '{name}' parameter of {caller} must be a float > 0; got {value}.")
    return float(value)


def check_option(value: Any, name: str, caller: str, options: Iterable[str]) -> str:
    """Check that ``value`` is one of the string ``options``.

    Examples
    --------
    >>> check_option("none", "feature_selection", "explain", ["auto", "none"])
    'none'
    """
    options = list(options)
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"The '{name}' parameter of {caller} must be one of "
                         f"{', '.join(repr(o) for o in options)}; got {value!r}.")
    return value
