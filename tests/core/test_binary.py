"""Exact sums over a binary z': fixed-point weights, the compiled pass and its NumPy twin."""
import numpy as np
import pytest

import lime_core._binary as binary
from lime_core._binary import (MAX_COLUMNS, binary_prediction, binary_sums, centred_square_sum, fixed_point,
                               weighted_centred_moments)
from lime_core._ridge import linear_prediction, weighted_moments, weighted_moments_many
from lime_core._uncertainty import ridge_covariance


def _binary(rng, n, d, p=0.25):
    z = (rng.random((n, d)) < p).astype(np.int8)
    z[0] = 1
    return z


def _compiled_or_skip():
    if binary._compiled is None:
        pytest.skip("lime_core._compiled is not built (no C compiler at install)")
    return binary._compiled


@pytest.fixture(params=["compiled", "numpy"])
def either_path(request, monkeypatch):
    """Runs a test on the compiled pass and on its NumPy twin."""
    if request.param == "compiled":
        _compiled_or_skip()
    else:
        monkeypatch.setattr(binary, "_compiled", None)
    return request.param


def test_fixed_point_keeps_every_sum_below_2_to_the_52_and_each_value_within_half_a_step():
    rng = np.random.default_rng(0)
    values = np.column_stack([rng.random(5000), rng.normal(size=5000) * 1e-9, rng.normal(size=5000) * 1e12])
    ints, exponents = fixed_point(values)
    assert ints.dtype == np.int64 and exponents.shape == (3,)
    assert np.all(np.abs(ints).sum(axis=0) < 2 ** 52)
    assert np.all(np.abs(ints).sum(axis=0) > 2 ** 50)  # the scale is not wasted
    assert np.all(np.abs(np.ldexp(ints.astype(float), -exponents) - values) <= np.ldexp(0.5, -exponents))


def test_fixed_point_of_zeros_and_of_extreme_magnitudes():
    ints, exponent = fixed_point(np.zeros(4))
    assert ints.tolist() == [0, 0, 0, 0]
    for scale in (1e-300, 1e300):
        values = np.array([1.0, 2.0, 3.0]) * scale
        ints, exponent = fixed_point(values)
        np.testing.assert_allclose(np.ldexp(ints.astype(float), -exponent), values, rtol=1e-14)


@pytest.mark.parametrize("d", [1, 4, 5, 7, 30, 33, 64])
def test_binary_sums_are_the_exact_integer_sums(d):
    rng = np.random.default_rng(d)
    z = _binary(rng, 700, d, p=0.4)
    q = rng.integers(0, 2 ** 40, 700)
    terms = rng.integers(-2 ** 40, 2 ** 40, (700, 2))
    sums = binary_sums(z, q, terms)
    x = [[int(v) for v in row] for row in z]
    qs, ts = q.tolist(), terms.tolist()
    assert sums.total == sum(qs)
    assert sums.sums.tolist() == [sum(qs[i] * x[i][j] for i in range(700)) for j in range(d)]
    gram = [[sum(qs[i] * x[i][j] * x[i][k] for i in range(700)) for k in range(d)] for j in range(d)]
    assert sums.gram.tolist() == gram
    assert sums.cross.tolist() == [[sum(ts[i][l] * x[i][j] for i in range(700)) for l in range(2)]
                                   for j in range(d)]
    assert sums.term_totals.tolist() == [sum(t[l] for t in ts) for l in range(2)]


@pytest.mark.parametrize("d", [1, 3, 30, 64])
def test_the_numpy_twin_gives_the_compiled_sums(monkeypatch, d):
    _compiled_or_skip()
    rng = np.random.default_rng(10 + d)
    z = _binary(rng, 3000, d)
    q, _ = fixed_point(rng.random(3000))
    terms, _ = fixed_point(rng.normal(size=(3000, 3)))
    compiled = binary_sums(z, q, terms)
    monkeypatch.setattr(binary, "_compiled", None)
    twin = binary_sums(z, q, terms)
    for name in ("sums", "gram", "cross", "term_totals"):
        np.testing.assert_array_equal(getattr(twin, name), getattr(compiled, name))
    assert twin.total == compiled.total


def test_a_value_other_than_0_or_1_or_a_wide_z_is_not_summed_as_binary(either_path):
    rng = np.random.default_rng(1)
    q = np.ones(50, dtype=np.int64)
    for bad in (2, -1):
        z = _binary(rng, 50, 6)
        z[17, 3] = bad
        assert binary_sums(z, q) is None
        assert binary_prediction(z, np.array([3]), np.ones(1), 0.0) is None
        assert binary_prediction(z, np.array([0, 1]), np.ones(2), 0.0) is not None  # column 3 unused
    assert binary_sums(_binary(rng, 50, MAX_COLUMNS + 1), q) is None
    assert binary_sums(_binary(rng, 50, 6).astype(float), q) is None


def test_weighted_moments_of_binary_z_match_the_float_path():
    rng = np.random.default_rng(2)
    z = _binary(rng, 5000, 30)
    w = np.exp(-rng.random(5000) * 2)
    ys = [rng.random(5000), rng.normal(size=(5000, 2)) * 100]
    exact = weighted_moments_many(z, ys, w)
    floats = weighted_moments_many(z.astype(float), ys, w)
    for a, b in zip(exact, floats):
        scale = np.abs(b.gram).max()
        np.testing.assert_allclose(a.gram, b.gram, rtol=0, atol=1e-12 * scale)
        np.testing.assert_allclose(a.cross, b.cross, rtol=0, atol=1e-12 * np.abs(b.cross).max())
        np.testing.assert_allclose(a.x_mean, b.x_mean, rtol=1e-12)  # the float path's own rounding
        np.testing.assert_allclose(a.y_mean, b.y_mean, rtol=1e-14)
        # weights rounded to 2**-52 of their sum
        np.testing.assert_allclose(a.weight_sum, b.weight_sum, rtol=1e-13)
        np.testing.assert_allclose(a.y_ss, b.y_ss, rtol=1e-14)
    bad = z.copy()
    bad[3, 3] = 2  # not binary: the float path, the same answer as float input
    np.testing.assert_array_equal(weighted_moments(bad, ys[0], w).gram,
                                  weighted_moments(bad.astype(float), ys[0], w).gram)


def test_centred_moments_of_a_small_known_case():
    z = np.array([[1, 0], [0, 1], [1, 1], [0, 0]], dtype=np.int8)
    weight_sum, mean, gram, cross = weighted_centred_moments(z, np.array([1.0, 1.0, 2.0, 0.0]),
                                                             np.array([[1.0], [-1.0], [0.5], [0.0]]))
    assert weight_sum == 4.0
    np.testing.assert_allclose(mean, [0.75, 0.75])
    np.testing.assert_allclose(gram, [[0.75, -0.25], [-0.25, 0.75]])
    np.testing.assert_allclose(cross, [[2.0 - 0.75 * 1.0], [0.0 - 0.75 * 1.0]])  # sum w z t - mean sum w t
    assert weighted_centred_moments(z, np.zeros(4), np.zeros((4, 1)))[0] == 0.0


def test_binary_prediction_adds_the_coefficients_of_a_rows_ones():
    rng = np.random.default_rng(3)
    z = _binary(rng, 2000, 20)
    columns = np.array([7, 2, 19, 0, 11])
    coef = rng.normal(size=5)
    expected = z[:, columns].astype(float) @ coef + 0.25
    np.testing.assert_allclose(linear_prediction(z, columns, coef, 0.25), expected, rtol=0, atol=1e-14)
    if binary._compiled is not None:
        compiled = binary_prediction(z, columns, coef, 0.25)
        binary_twin = binary._compiled
        try:
            binary._compiled = None
            np.testing.assert_array_equal(binary_prediction(z, columns, coef, 0.25), compiled)
        finally:
            binary._compiled = binary_twin


@pytest.mark.parametrize("method", ["sandwich", "homoscedastic"])
def test_ridge_covariance_of_binary_z_matches_the_float_path(method):
    rng = np.random.default_rng(4)
    z = _binary(rng, 3000, 8)
    y = z @ rng.normal(size=8) + rng.normal(scale=0.3, size=3000)
    w = np.exp(-rng.random(3000))
    m = weighted_moments(z.astype(float), y, w)
    coef = np.linalg.solve(m.gram + np.eye(8), m.cross[:, 0])
    intercept = float(m.y_mean[0] - m.x_mean @ coef)
    exact = ridge_covariance(z, y, w, coef, intercept, 1.0, method=method)
    floats = ridge_covariance(z.astype(float), y, w, coef, intercept, 1.0, method=method)
    np.testing.assert_allclose(exact, floats, rtol=1e-10, atol=1e-14)


def test_the_compiled_sums_name_bad_arguments():
    compiled = _compiled_or_skip()
    z = np.zeros((4, 3), dtype=np.int8)
    q = np.ones(4, dtype=np.int64)
    terms = np.zeros((4, 1), dtype=np.int64)
    every = np.arange(3, dtype=np.int64)
    out = (np.empty(3, dtype=np.int64), np.empty((3, 3), dtype=np.int64), np.empty((3, 1), dtype=np.int64))
    assert compiled.binary_sums(z, 3, every, q, terms, *out)
    wide = np.zeros((4, 65), dtype=np.int8)
    with pytest.raises(ValueError, match="at most 64 columns"):
        compiled.binary_sums(wide, 65, np.arange(65, dtype=np.int64), q, terms, *out)
    with pytest.raises(ValueError, match="z must hold 4 rows"):
        compiled.binary_sums(z[:3], 3, every, q, terms, *out)
    with pytest.raises(ValueError, match="outside z's 3 columns"):
        compiled.binary_sums(z, 3, np.array([3], dtype=np.int64), q, terms, *out)
    tables = np.zeros((1, 32))
    with pytest.raises(ValueError, match="outside z's 3 columns"):
        compiled.binary_prediction(z, 3, np.array([3], dtype=np.int64), tables, 0.0, np.empty(4))
    with pytest.raises(ValueError, match=r"tables float64 \(1, 32\)"):
        compiled.binary_prediction(z, 3, np.array([0, 1], dtype=np.int64), np.zeros((2, 32)), 0.0, np.empty(4))


def test_sums_and_predictions_over_some_columns_read_z_in_place(either_path):
    rng = np.random.default_rng(5)
    z = _binary(rng, 1000, 23)
    q, _ = fixed_point(rng.random(1000))
    terms, _ = fixed_point(rng.normal(size=(1000, 2)))
    for columns in (np.array([4, 0, 22, 9, 13, 7, 1]), np.arange(23)[::-1], np.array([5])):
        some, copied = binary_sums(z, q, terms, columns=columns), binary_sums(np.take(z, columns, axis=1), q, terms)
        for name in ("sums", "gram", "cross"):
            np.testing.assert_array_equal(getattr(some, name), getattr(copied, name))
        coef = rng.normal(size=len(columns))
        np.testing.assert_array_equal(binary_prediction(z, columns, coef, 0.5),
                                      binary_prediction(np.take(z, columns, axis=1), np.arange(len(columns)), coef, 0.5))
    np.testing.assert_array_equal(binary_prediction(z, np.zeros(0, dtype=int), np.zeros(0), 0.5), np.full(1000, 0.5))


def test_predictions_of_the_compiled_pass_and_numpy_are_the_same_bits(monkeypatch):
    _compiled_or_skip()
    rng = np.random.default_rng(6)
    z = _binary(rng, 3000, 40)
    for k in (1, 5, 6, 12, 40):
        columns, coef = rng.permutation(40)[:k], rng.normal(size=k) * 10.0 ** rng.integers(-3, 3, size=k)
        compiled = binary_prediction(z, columns, coef, -0.3)
        monkeypatch.setattr(binary, "_compiled", None)
        np.testing.assert_array_equal(binary_prediction(z, columns, coef, -0.3), compiled)
        monkeypatch.undo()
