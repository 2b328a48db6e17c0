"""Deterministic numerics: the core's linear algebra runs on one BLAS thread.

OpenBLAS splits some products across threads in a way that changes the last
bits of the result with the thread count, so the same seed could give
explanations that differ in the 15th digit between a laptop, a joblib worker
(loky limits BLAS threads per worker) and a cluster node. The core's matrices
are small (samples x interpretable features), so one thread costs little, and
it also avoids the slowdowns of oversubscribed BLAS threads when many
explanations run in parallel. The black box is never called inside this
context: it keeps whatever threading it has.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["single_threaded_blas"]

_blas_libraries: list[Any] | None = None
_depth = threading.local()


def _blas() -> list[Any]:
    """threadpoolctl's controllers of the BLAS libraries loaded now (found once; [] without threadpoolctl)."""
    global _blas_libraries
    if _blas_libraries is None:
        try:
            from threadpoolctl import ThreadpoolController
            _blas_libraries = list(ThreadpoolController().select(user_api="blas").lib_controllers)
        except Exception:  # threadpoolctl missing or unable to inspect the libraries
            _blas_libraries = []
    return _blas_libraries


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Limit BLAS to one thread inside the ``with`` block (no-op without threadpoolctl).

    Nested blocks cost nothing: only the outermost one of a thread sets and restores
    the thread counts (about 10 microseconds, a third of ``threadpool_limits``).

    Examples
    --------
    >>> import numpy as np
    >>> with single_threaded_blas():
    ...     float((np.ones((3, 2)).T @ np.ones((3, 2)))[0, 0])
    3.0
    """
    depth = getattr(_depth, "value", 0)
    if depth:
        _depth.value = depth + 1
        try:
            yield
        finally:
            _depth.value = depth
        return
    restore = []
    for library in _blas():
        try:
            threads = library.get_num_threads()
            if threads != 1:
                library.set_num_threads(1)
                restore.append((library, threads))
        except Exception:  # a library that cannot report or change its threads is left alone
            continue
    _depth.value = 1
    try:
        yield
    finally:
        _depth.value = 0
        for library, threads in restore:
            library.set_num_threads(threads)
