"""Exact JSON round-trips for the values an explanation holds.

numpy arrays become ``{"__ndarray__": [...], "dtype": ..., "shape": [...]}``;
floats are written with ``repr`` precision by :mod:`json`, so they come back
bit for bit. Dicts with int keys (labels) keep them as ints.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["to_jsonable", "from_jsonable"]


def to_jsonable(value: Any) -> Any:
    """Turn ``value`` into JSON-ready data that :func:`from_jsonable` restores exactly.

    Examples
    --------
    >>> to_jsonable({1: np.float64(0.5), "a": (1, 2)})
    {'a': [1, 2], '__intdict__': [[1, 0.5]]}
    """
    if isinstance(value, np.ndarray):
        return {"__ndarray__": value.tolist(), "dtype": str(value.dtype), "shape": list(value.shape)}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        int_keys = [k for k in value if isinstance(k, (int, np.integer)) and not isinstance(k, bool)]
        out: dict[str, Any] = {str(k): to_jsonable(v) for k, v in value.items() if k not in int_keys}
        if int_keys:
            out["__intdict__"] = [[int(k), to_jsonable(value[k])] for k in int_keys]
        return out
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def from_jsonable(value: Any) -> Any:
    """Inverse of :func:`to_jsonable` (tuples come back as lists).

    Examples
    --------
    >>> from_jsonable(to_jsonable({1: np.arange(2)}))[1].tolist()
    [0, 1]
    """
    if isinstance(value, dict):
        if "__ndarray__" in value:
            return np.asarray(value["__ndarray__"], dtype=value["dtype"]).reshape(value["shape"])
        out = {k: from_jsonable(v) for k, v in value.items() if k != "__intdict__"}
        for k, v in value.get("__intdict__", []):
            out[int(k)] = from_jsonable(v)
        return out
    if isinstance(value, list):
        return [from_jsonable(v) for v in value]
    return value
