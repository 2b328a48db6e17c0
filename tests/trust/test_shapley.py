"""KernelSHAP through lime_core.explain: exact Shapley values by enumeration."""
import itertools
import math

import numpy as np
import pytest

import lime_core
from lime_core import ShapleyKernel, explain, explain_shapley
from lime_core._shapley import CoalitionSampler, fit_shapley, shapley_kernel_weights
from tests.contract.timeseries_plugin import TimeWindows
from tests.trust.toys import Masks, NoisyMasks, peak_series, series_detector

X6 = np.array([1.0, 2.0, -1.0, 0.5, 3.0, -2.0])


def game(X):
    """A 6-player game with interactions and a non-zero empty coalition."""
    X = np.asarray(X, dtype=float)
    return (X[:, 0] * X[:, 1] + np.sin(X[:, 2]) * X[:, 4] + X[:, 3] ** 2 - 0.3 * X[:, 5] * X[:, 0]
            + np.exp(0.1 * X[:, 4] * X[:, 5]))


def exact_shapley(value, m):
    """Shapley values by enumerating all 2^m coalitions."""
    v = {S: value(S) for r in range(m + 1) for S in itertools.combinations(range(m), r)}
    phi = np.zeros(m)
    for i in range(m):
        for S, vs in v.items():
            if i in S:
                continue
            with_i = tuple(sorted(S + (i,)))
            phi[i] += math.factorial(len(S)) * math.factorial(m - len(S) - 1) / math.factorial(m) * (v[with_i] - vs)
    return phi, v[()], v[tuple(range(m))]


def coalition_value(model, x):
    def value(S):
        z = np.zeros((1, len(x)))
        z[0, list(S)] = 1
        return float(model(z * x)[0])
    return value


def as_vector(exp, label, m):
    out = np.zeros(m)
    for i, w in exp.local_exp[label]:
        out[i] = w
    return out


def test_six_feature_game_matches_enumeration_to_1e_6():
    phi, empty, full = exact_shapley(coalition_value(game, X6), 6)
    exp = explain_shapley(Masks(X6), game, mode="regression", random_state=0)
    assert exp.meta["num_samples"] == 64 and exp.meta["shapley"] == {"exact": True}
    np.testing.assert_allclose(as_vector(exp, 1, 6), phi, atol=1e-6)
    assert exp.intercept[1] == pytest.approx(empty, abs=1e-12)
    assert exp.local_pred[1] == pytest.approx(full, abs=1e-12)
    assert sum(w for _, w in exp.local_exp[1]) == pytest.approx(full - empty, abs=1e-9)
    assert exp.std_err[1] == [0.0] * 6  # exact: no sampling error


def test_classification_labels_match_enumeration():
    def model(X):
        p = 1 / (1 + np.exp(-0.3 * game(X)))
        return np.column_stack([1 - p, p])
    phi1, _, _ = exact_shapley(coalition_value(lambda X: model(X)[:, 1], X6), 6)
    exp = explain(Masks(X6), model, kernel=ShapleyKernel(), labels=(0, 1), num_features=6,
                  num_samples=5000, random_state=0)
    np.testing.assert_allclose(as_vector(exp, 1, 6), phi1, atol=1e-6)
    np.testing.assert_allclose(as_vector(exp, 0, 6), -phi1, atol=1e-6)


def test_sampled_coalitions_keep_efficiency_and_approach_the_exact_values():
    x = np.linspace(-1.0, 1.5, 10)
    model = lambda X: X @ np.arange(10.0) + X[:, 0] * X[:, 1] + np.maximum(X[:, 2], 0) * X[:, 3]  # noqa: E731
    phi, empty, full = exact_shapley(coalition_value(model, x), 10)
    exp = explain_shapley(Masks(x), model, num_samples=800, mode="regression", random_state=0)
    assert exp.meta["shapley"] == {"exact": False} and exp.meta["num_samples"] == 800
    got = as_vector(exp, 1, 10)
    assert got.sum() == pytest.approx(full - empty, abs=1e-9)
    assert np.abs(got - phi).max() < 0.05
    assert all(s > 0 for s in exp.std_err[1])


def test_shapley_through_the_timeseries_plugin():
    exp = explain_shapley(TimeWindows(peak_series(), 6), series_detector, random_state=0)
    phi, empty, full = exact_shapley(lambda S: float(series_detector(
        TimeWindows(peak_series(), 6).to_model_input(np.isin(np.arange(6), S)[None].astype(int)))[0, 1]), 6)
    np.testing.assert_allclose(as_vector(exp, 1, 6), phi, atol=1e-6)
    assert exp.as_list()[0][0] == "t20-t29"


def test_random_to_model_input_is_identical_across_batch_sizes():
    x = np.arange(1.0, 11.0)
    model = lambda X: np.tanh((np.asarray(X) * 0.1).sum(axis=1))  # noqa: E731
    runs = [explain_shapley(NoisyMasks(x), model, num_samples=333, batch_size=b, mode="regression",
                            random_state=4)
            for b in (1, 37, 100, 1000)]
    assert all(r == runs[0] for r in runs[1:])


def test_kernel_weights_and_sampler():
    m = 5
    w = shapley_kernel_weights(np.arange(m + 1), m)
    assert w[0] == w[-1] == 0.0
    assert w[1] == pytest.approx((m - 1) / (m * 1 * (m - 1)))
    hood = CoalitionSampler(Masks(np.ones(m))).sample(201, np.random.default_rng(0))
    z = hood.interpretable
    assert z[0].tolist() == [1] * m and z[1].tolist() == [0] * m
    np.testing.assert_array_equal(z[2:101], 1 - z[102:201])  # complementary pairs
    assert not hood.exact and set(np.unique(z[2:].sum(axis=1))) <= set(range(1, m))


def test_shapley_errors():
    with pytest.raises(ValueError, match="Shapley kernel takes an int num_samples and no kernel_width"):
        explain(Masks(X6), game, mode="regression", kernel=ShapleyKernel(), num_samples="auto")
    with pytest.raises(ValueError, match="model_regressor must be None"):
        from sklearn.linear_model import Ridge
        explain(Masks(X6), game, mode="regression", kernel=ShapleyKernel(), model_regressor=Ridge())
    z = np.ones((4, 3))
    with pytest.raises(ValueError, match="needs the empty coalition"):
        fit_shapley(z, np.ones(4), np.ones(4), num_features=3)
    assert isinstance(lime_core.CoalitionSampler(Masks(X6)), lime_core.Representation)


def test_a_single_feature_gets_the_whole_difference():
    exp = explain_shapley(Masks(np.array([2.0])), lambda X: 3 * X[:, 0] + 1, mode="regression", random_state=0)
    assert exp.local_exp[1] == [(0, 6.0)] and exp.intercept[1] == 1.0
