"""Held-out fidelity and effective sample size on every explanation."""
import math

import numpy as np
import pytest

from lime_core import DistanceKernel, explain
from lime_core._uncertainty import effective_sample_size
from tests.contract.timeseries_plugin import TimeWindows
from tests.trust.toys import Masks, linear, logistic, peak_series, series_detector

COEF = [1.5, -1.0, 0.5, 0.0, 2.0]


def counting(model):
    rows = []

    def predict(X):
        rows.append(len(X))
        return model(X)
    return predict, rows


def test_linear_black_box_is_fitted_perfectly_out_of_sample():
    predict, rows = counting(linear(COEF, 0.25))
    exp = explain(Masks(np.ones(5)), predict, mode="regression", num_samples=400, num_features=5,
                  alpha=1e-9, random_state=0)
    record = exp.fidelity[1]
    assert record["holdout_samples"] == 40 == exp.meta["holdout_samples"]
    assert record["holdout_r2"] == pytest.approx(1.0, abs=1e-9)
    assert record["holdout_mae"] == pytest.approx(0.0, abs=1e-9)
    assert exp.fidelity[0] == record
    assert sum(rows) == 440 == exp.cost["total_black_box_rows"]
    assert exp.cost["black_box_rows"] == 400 and exp.cost["holdout_rows"] == 40
    # the hold-out rows are scored in the same call as the neighbourhood
    assert exp.cost["total_black_box_calls"] == exp.cost["black_box_calls"] + exp.cost["holdout_calls"] == 1


def test_effective_sample_size_of_the_kernel_weights():
    rep = TimeWindows(peak_series(), 6)
    exp = explain(rep, series_detector, num_samples=300, kernel_width=0.3, random_state=0)
    hood = rep.sample(300, np.random.default_rng(0))
    weights = np.exp(-hood.distances ** 2 / (2 * 0.3 ** 2))
    assert exp.fidelity[1]["ess"] == pytest.approx(effective_sample_size(weights), rel=1e-12)
    assert exp.fidelity[1]["ess_share"] == pytest.approx(exp.fidelity[1]["ess"] / 300)


def test_holdout_exposes_overfitting_that_the_in_sample_score_hides():
    rng = np.random.default_rng(0)
    coef = rng.normal(size=40)
    model = lambda X: np.sin(np.asarray(X) @ coef)  # noqa: E731
    exp = explain(Masks(np.ones(40)), model, mode="regression", num_samples=50, num_features=40,
                  feature_selection="none", alpha=1e-6, holdout_samples=500, random_state=0)
    assert exp.score[1] > 0.8
    assert exp.fidelity[1]["holdout_r2"] < exp.score[1] - 0.2, (exp.score, exp.fidelity)


def test_holdout_leaves_the_explanation_itself_unchanged():
    model = logistic([1.0, -2.0, 0.5, 0.0])
    with_holdout = explain(Masks(np.ones(4)), model, num_samples=500, random_state=3)
    without = explain(Masks(np.ones(4)), model, num_samples=500, random_state=3, holdout_samples=0)
    assert with_holdout.local_exp == without.local_exp and with_holdout.score == without.score
    assert without.fidelity[1]["holdout_samples"] == 0 and "holdout_r2" not in without.fidelity[1]
    assert without.cost["holdout_rows"] == 0


def test_default_holdout_size_and_custom_kernels():
    predict, rows = counting(linear(COEF))
    exp = explain(Masks(np.ones(5)), predict, mode="regression", num_samples=55, random_state=0)
    assert exp.cost["holdout_rows"] == math.ceil(55 / 10)
    exp = explain(Masks(np.ones(5)), predict, mode="regression", num_samples=55, random_state=0,
                  kernel=DistanceKernel(lambda d, w: np.exp(-d / w), 1.0))
    assert exp.cost["holdout_rows"] == 6
    seen = []

    def kernel(hood):
        seen.append(hood.num_samples)
        return np.ones(hood.num_samples)
    exp = explain(Masks(np.ones(5)), predict, mode="regression", num_samples=55, random_state=0, kernel=kernel)
    assert seen == [55] and exp.cost["holdout_rows"] == 0
    explain(Masks(np.ones(5)), predict, mode="regression", num_samples=55, random_state=0, kernel=kernel,
            holdout_samples=7)
    assert seen == [55, 55, 7]


def test_holdout_errors():
    with pytest.raises(ValueError, match="'holdout_samples' parameter of explain must be an int >= 0; got -1"):
        explain(Masks(np.ones(3)), linear([1, 2, 3]), mode="regression", num_samples=10, holdout_samples=-1)
    with pytest.raises(TypeError, match="'holdout_samples' parameter of explain must be an int >= 0; got float"):
        explain(Masks(np.ones(3)), linear([1, 2, 3]), mode="regression", num_samples=10, holdout_samples=0.5)


def test_a_constant_black_box_is_fitted_perfectly_not_compared_on_rounding():
    exp = explain(Masks(np.ones(4)), lambda X: np.full(len(X), 0.3) + 1e-17 * X[:, 0], mode="regression",
                  num_samples=200, random_state=0)
    assert exp.fidelity[1]["holdout_r2"] == 1.0
