"""One BLAS thread for the tabular tests.

The surrogate's small Gram matrices gain nothing from threads, and on a busy
machine OpenBLAS threads spinning against each other make them 10x slower.
"""
import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread():
    with threadpool_limits(limits=1, user_api="blas"):
        yield
