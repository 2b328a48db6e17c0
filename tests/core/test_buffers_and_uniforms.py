"""Reused array memory, the float32 uniform helpers, and the single-thread BLAS block."""
import os

import numpy as np
import pytest

import lime_core._designs as designs
from lime_core import UniformStream, pooled_empty, release_buffers, uniform_float32
from lime_core._buffers import MIN_POOLED_BYTES
from lime_core._numerics import _blas, single_threaded_blas


def _address(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


def test_pooled_memory_is_reused_only_once_nothing_refers_to_it():
    release_buffers()
    first = pooled_empty((500, 40))
    address = _address(first)
    first[:] = 1.0
    view = first[10:20]  # a view keeps the memory in use
    del first
    second = pooled_empty((500, 40))
    assert _address(second) != address
    assert np.all(view == 1.0)
    del view, second
    assert _address(pooled_empty((500, 40))) == address  # free again: reused


def test_a_black_box_that_keeps_its_batches_keeps_them_unchanged():
    from lime_tabular import LimeTabularExplainer

    X = np.random.default_rng(0).normal(size=(300, 20))
    kept = []

    def model(Z):
        kept.append(Z)
        return 1 / (1 + np.exp(-Z[:, 0]))

    explainer = LimeTabularExplainer(X, mode="regression", random_state=0)
    explainer.explain_instance(X[0], model, num_samples=2000)
    snapshot = [batch.copy() for batch in kept]
    assert kept[0].nbytes >= MIN_POOLED_BYTES  # large enough to come from the pool
    explainer.explain_instance(X[1], model, num_samples=2000)
    for batch, copy in zip(snapshot, kept):
        np.testing.assert_array_equal(batch, copy)
    assert not any(np.shares_memory(a, b) for a in kept[:len(snapshot)] for b in kept[len(snapshot):])


@pytest.mark.parametrize("shape", [(-1, 3), (2.5,), ("3",)])
def test_pooled_empty_names_a_bad_shape(shape):
    with pytest.raises(ValueError, match="'shape' parameter of pooled_empty must be non-negative ints"):
        pooled_empty(shape)


def test_small_and_object_arrays_are_plain_numpy_arrays():
    small = pooled_empty(10)
    assert small.base is None and small.shape == (10,)
    objects = pooled_empty((100_000,), dtype=object)
    assert objects.base is None and objects.dtype == object


@pytest.mark.parametrize("bit_generator", [np.random.PCG64, np.random.Philox, np.random.SFC64])
def test_uniform_float32_takes_the_values_of_generator_random(bit_generator):
    for size in (1, 2, 7, 10_001):
        ours = uniform_float32(np.random.Generator(bit_generator(3)), (size,))
        theirs = np.random.Generator(bit_generator(3)).random(size, dtype=np.float32)
        np.testing.assert_array_equal(ours, theirs)


def test_uniform_float32_with_an_mt19937_generator_is_uniform():
    # MT19937's raw draws carry 32 bits: split in halves they would give a 0 every other value
    u = uniform_float32(np.random.Generator(np.random.MT19937(0)), (100_000,))
    assert np.mean(u == 0) < 1e-3
    assert abs(u.mean() - 0.5) < 0.005 and abs(u.var() - 1 / 12) < 0.002


def test_uniform_float32_numpy_path_equals_the_compiled_one(monkeypatch):
    compiled = uniform_float32(np.random.default_rng(4), (333, 3))
    monkeypatch.setattr(designs, "_compiled", None)
    np.testing.assert_array_equal(uniform_float32(np.random.default_rng(4), (333, 3)), compiled)


def test_uniform_float32_out_must_match():
    with pytest.raises(ValueError, match="out must be a C-contiguous float32 array of shape"):
        uniform_float32(np.random.default_rng(0), (3, 2), out=np.empty((3, 2)))


def test_uniform_stream_is_seeded_by_rng_and_the_same_with_or_without_compiled(monkeypatch):
    a, b = UniformStream(np.random.default_rng(9)), UniformStream(np.random.default_rng(9))
    first = [a.draw(n).copy() for n in (5, 1000, 3)]
    monkeypatch.setattr(designs, "_compiled", None)
    second = [b.draw(n).copy() for n in (5, 1000, 3)]
    for x, y in zip(first, second):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(UniformStream(np.random.default_rng(10)).draw(5), first[0])


def test_uniform_stream_is_uniform_and_independent_between_neighbours():
    u = UniformStream(np.random.default_rng(0)).draw(400_000).astype(float)
    assert abs(u.mean() - 0.5) < 0.002 and abs(u.var() - 1 / 12) < 0.001
    assert u.min() >= 0 and u.max() < 1
    counts = np.histogram(u, bins=20, range=(0, 1))[0]
    assert counts.min() > 0.97 * 20_000 and counts.max() < 1.03 * 20_000
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.01  # the two halves of a draw, and draw to draw


def test_uniform_stream_fill_refuses_a_float64_buffer():
    with pytest.raises(ValueError, match="out must be a C-contiguous float32 array"):
        UniformStream(np.random.default_rng(0)).fill(np.empty(4))


def test_single_threaded_blas_nests_and_restores_the_thread_counts():
    before = [library.get_num_threads() for library in _blas()]
    with single_threaded_blas():
        assert all(library.get_num_threads() == 1 for library in _blas())
        with single_threaded_blas():
            assert all(library.get_num_threads() == 1 for library in _blas())
        assert all(library.get_num_threads() == 1 for library in _blas())
    assert [library.get_num_threads() for library in _blas()] == before


def test_the_compiled_core_pass_is_built_in_ci():
    if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        pytest.skip("only required where CI=true")
    assert designs._compiled is not None, "lime_core._compiled was not built"
