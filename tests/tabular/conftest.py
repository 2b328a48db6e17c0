"""Fixtures of the tabular tests: one BLAS thread, and a fresh module generator per test.

The surrogate's small Gram matrices gain nothing from threads, and on a busy
machine OpenBLAS threads spinning against each other make them 10x slower.

Several test modules draw their data from a module-level ``rng``. It is reset before
every test, so that a test's data do not depend on which tests ran before it in the same
worker (pytest-xdist hands tests to workers as they come free).
"""
import numpy as np
import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread():
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture(autouse=True)
def _fresh_module_rng(request):
    module = request.module
    if isinstance(getattr(module, "rng", None), np.random.Generator):
        module.rng = np.random.default_rng(0)
    yield
