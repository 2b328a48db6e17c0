"""Standard errors of the weights: closed-form known answers and interval coverage."""
import numpy as np
import pytest

from lime_core import Explanation, FeatureNamesMapper, explain
from lime_core._uncertainty import effective_sample_size, ridge_covariance
from tests.trust.toys import Masks

TRUE_COEF = np.array([1.5, -1.0, 0.5, 0.0, 2.0])


def _ols(X, y):
    X1 = np.column_stack([np.ones(len(X)), X])
    beta = np.linalg.lstsq(X1, y, rcond=None)[0]
    return X1, beta, y - X1 @ beta


def test_homoscedastic_equals_the_textbook_ols_formula():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = X @ [1.0, 2.0, -1.0] + rng.normal(size=200)
    X1, beta, resid = _ols(X, y)
    expected = resid @ resid / (200 - 4) * np.linalg.inv(X1.T @ X1)[1:, 1:]
    got = ridge_covariance(X, y, np.ones(200), beta[1:], beta[0], 0.0, method="homoscedastic")
    np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_sandwich_equals_hc1_on_the_design_with_intercept():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 2))
    y = X @ [1.0, -0.5] + rng.normal(size=300) * (1 + np.abs(X[:, 0]))
    X1, beta, resid = _ols(X, y)
    bread = np.linalg.inv(X1.T @ X1)
    expected = 300 / (300 - 3) * bread @ (X1.T * resid ** 2) @ X1 @ bread
    got = ridge_covariance(X, y, np.ones(300), beta[1:], beta[0], 0.0)
    np.testing.assert_allclose(got, expected[1:, 1:], rtol=1e-10)


def test_weighted_homoscedastic_sigma_is_unbiased_over_draws():
    rng = np.random.default_rng(2)
    X = rng.integers(0, 2, size=(100, 3)).astype(float)
    w = rng.uniform(0.2, 1.0, size=100)
    estimates = []
    for _ in range(400):
        y = X @ [1.0, 0.0, -1.0] + rng.normal(scale=0.7, size=100)
        Xc = X - w @ X / w.sum()
        coef = np.linalg.solve(Xc.T @ (Xc * w[:, None]), Xc.T @ (w * y))
        intercept = w @ y / w.sum() - (w @ X / w.sum()) @ coef
        estimates.append(ridge_covariance(X, y, w, coef, intercept, 0.0, method="homoscedastic"))
    # the sampling covariance of coef under this design is sigma^2 A^-1 X'W^2X A^-1
    Xc = X - w @ X / w.sum()
    A_inv = np.linalg.inv(Xc.T @ (Xc * w[:, None]))
    truth = 0.49 * A_inv @ (Xc.T @ (Xc * (w ** 2)[:, None])) @ A_inv
    np.testing.assert_allclose(np.mean(estimates, axis=0).diagonal(), truth.diagonal(), rtol=0.05)


@pytest.mark.parametrize("method", ["sandwich", "homoscedastic"])
def test_intervals_cover_the_true_coefficients_at_their_nominal_level(method):
    covered = []
    for run in range(300):
        noise = np.random.default_rng(10_000 + run)

        def noisy_linear(X):
            return X @ TRUE_COEF + 0.3 + noise.normal(scale=0.5, size=len(X))
        exp = explain(Masks(np.ones(5)), noisy_linear, mode="regression", num_samples=300,
                      num_features=5, feature_selection="none", alpha=1e-8, holdout_samples=0,
                      std_error=method, random_state=run)
        for name, weight, low, high in exp.intervals(level=0.95):
            covered.append(low <= TRUE_COEF[int(name[1:])] <= high)
    coverage = float(np.mean(covered))
    assert 0.925 <= coverage <= 0.975, coverage  # 1500 intervals: sd of the share ~0.006


def test_standard_errors_are_aligned_with_local_exp_and_shrink_with_samples():
    noise = np.random.default_rng(0)
    model = lambda X: X @ TRUE_COEF + noise.normal(scale=0.5, size=len(X))  # noqa: E731
    small = explain(Masks(np.ones(5)), model, mode="regression", num_samples=400, num_features=3,
                    random_state=0)
    large = explain(Masks(np.ones(5)), model, mode="regression", num_samples=6400, num_features=3,
                    random_state=0)
    for exp in (small, large):
        assert len(exp.std_err[1]) == len(exp.local_exp[1]) == 3
        assert exp.std_err[0] == exp.std_err[1]
    ratio = np.mean(small.std_err[1]) / np.mean(large.std_err[1])
    assert 3.0 < ratio < 5.5  # ~ sqrt(16) = 4


def test_intervals_round_trip_through_json():
    model = lambda X: X @ TRUE_COEF  # noqa: E731
    exp = explain(Masks(np.ones(5)), model, mode="regression", num_samples=200, random_state=0)
    again = Explanation.from_json(exp.to_json())
    assert again == exp
    assert again.std_err == exp.std_err and again.fidelity == exp.fidelity
    assert again.intervals() == exp.intervals()


def test_interval_errors():
    exp = Explanation(FeatureNamesMapper(["a"]), local_exp={1: [(0, 0.5)]})
    with pytest.raises(KeyError, match="no standard errors for label 1"):
        exp.intervals()
    with pytest.raises(ValueError, match="'level' parameter of Explanation.intervals must be in"):
        exp.replace(std_err={1: [0.1]}).intervals(level=1.5)
    with pytest.raises(ValueError, match="'std_error' parameter of explain must be one of"):
        explain(Masks(np.ones(2)), lambda X: X[:, 0], mode="regression", num_samples=10, std_error="bootstrap")


def test_model_regressor_has_no_standard_errors():
    from sklearn.linear_model import Ridge
    exp = explain(Masks(np.ones(3)), lambda X: X[:, 0], mode="regression", num_samples=50,
                  model_regressor=Ridge(1.0), random_state=0)
    assert exp.std_err == {}


def test_effective_sample_size():
    assert effective_sample_size(np.ones(7)) == pytest.approx(7.0)
    assert effective_sample_size(np.array([1.0, 1.0, 0.0, 0.0])) == pytest.approx(2.0)
