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
from collections.abc import Iterator

__all__ = ["single_threaded_blas"]

_controller = None


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Limit BLAS to one thread inside the ``with`` block (no-op without threadpoolctl).

    Examples
    --------
    >>> import numpy as np
    >>> with single_threaded_blas():
    ...     float((np.ones((3, 2)).T @ np.ones((3, 2)))[0, 0])
    3.0
    """
    global _controller
    try:
        if _controller is None:
            from threadpoolctl import ThreadpoolController
            _controller = ThreadpoolController()
        limiter = _controller.limit(limits=1, user_api="blas")
    except Exception:  # threadpoolctl missing or unable to inspect the libraries
        yield
        return
    with limiter:
        yield
