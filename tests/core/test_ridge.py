"""The closed-form weighted ridge against scikit-learn and the normal equations."""
import numpy as np
import pytest
from sklearn.linear_model import Ridge

from lime_core import fit_surrogate
from lime_core._ridge import solve_ridge, weighted_moments, weighted_r2


@pytest.mark.parametrize("alpha", [0.01, 1.0, 10.0])
def test_closed_form_equals_sklearn_ridge_with_sample_weight(alpha):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 6))
    y = X @ rng.normal(size=6) + rng.normal(size=300)
    w = rng.random(300)
    coef, intercept = solve_ridge(weighted_moments(X, y, w), alpha)
    reference = Ridge(alpha=alpha).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(coef[:, 0], reference.coef_, atol=1e-8)
    assert abs(intercept[0] - reference.intercept_) < 1e-8


def test_closed_form_equals_normal_equations():
    rng = np.random.default_rng(1)
    X = rng.integers(0, 2, size=(200, 4)).astype(float)
    y = rng.normal(size=200)
    w = rng.random(200)
    alpha = 0.5
    A = np.column_stack([X, np.ones(200)])
    penalty = np.diag([alpha] * 4 + [0.0])
    solution = np.linalg.solve(A.T @ (A * w[:, None]) + penalty, A.T @ (w * y))
    coef, intercept = solve_ridge(weighted_moments(X, y, w), alpha)
    np.testing.assert_allclose(coef[:, 0], solution[:4], atol=1e-10)
    assert abs(intercept[0] - solution[4]) < 1e-10


def test_weighted_r2_equals_sklearn_score():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(100, 3))
    y = X[:, 0] + rng.normal(size=100)
    w = rng.random(100)
    model = Ridge(alpha=1.0).fit(X, y, sample_weight=w)
    assert abs(weighted_r2(y, model.predict(X), w) - model.score(X, y, sample_weight=w)) < 1e-12


def test_linear_black_box_coefficients_recovered_exactly():
    rng = np.random.default_rng(3)
    z = rng.integers(0, 2, size=(1000, 8)).astype(float)
    true = np.array([1.5, 0.0, -2.0, 0.25, 0.0, 3.0, -0.5, 0.0])
    fit = fit_surrogate(z, z @ true + 0.7, rng.random(1000), num_features=8,
                        feature_selection="none", alpha=1e-10)
    recovered = np.zeros(8)
    recovered[fit.feature_ids] = fit.coef
    np.testing.assert_allclose(recovered, true, atol=1e-6)
    assert abs(fit.intercept - 0.7) < 1e-6
    assert fit.score > 1 - 1e-9
    assert abs(fit.local_pred - (z[0] @ true + 0.7)) < 1e-6


def test_model_regressor_is_used_and_not_mutated():
    rng = np.random.default_rng(4)
    z = rng.integers(0, 2, size=(400, 5)).astype(float)
    y = 2 * z[:, 1] - z[:, 3]
    regressor = Ridge(alpha=1e-8)
    fit = fit_surrogate(z, y, np.ones(400), num_features=5, feature_selection="none",
                        model_regressor=regressor)
    assert not hasattr(regressor, "coef_")
    assert fit.feature_ids[:2].tolist() == [1, 3]
    np.testing.assert_allclose(fit.coef[:2], [2.0, -1.0], atol=1e-6)


def test_model_regressor_without_fit_is_refused():
    with pytest.raises(TypeError, match="model_regressor must be a scikit-learn regressor"):
        fit_surrogate(np.ones((3, 2)), np.ones(3), np.ones(3), num_features=1, model_regressor=object())
