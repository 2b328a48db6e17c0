"""num_samples='auto' (grow until the top-K set is settled) and kernel_width='auto'."""
import numpy as np
import pytest

from lime_core import DistanceKernel, ExponentialKernel, UnsettledWarning, explain
from lime_core._uncertainty import effective_sample_size
from tests.contract.timeseries_plugin import TimeWindows
from tests.trust.toys import Masks, linear, peak_series, series_detector


def noisy_linear(coef, scale, seed=0):
    noise = np.random.default_rng(seed)
    coef = np.asarray(coef, dtype=float)
    rows = []

    def predict(X):
        rows.append(len(X))
        return np.asarray(X) @ coef + noise.normal(scale=scale, size=len(X))
    return predict, rows


def test_clear_top_k_settles_in_the_first_round_and_equals_a_fixed_size_run():
    model, rows = noisy_linear([3, 2, 1, 0.5, 0, 0, 0, 0], 0.1)
    exp = explain(Masks(np.ones(8)), model, mode="regression", num_samples="auto", num_features=2,
                  random_state=0)
    assert exp.meta["adaptive"]["settled"] is True
    assert [r["num_samples"] for r in exp.meta["adaptive"]["rounds"]] == [1000]
    assert exp.meta["num_samples"] == 1000 == exp.cost["black_box_rows"]
    fixed = explain(Masks(np.ones(8)), noisy_linear([3, 2, 1, 0.5, 0, 0, 0, 0], 0.1)[0], mode="regression",
                    num_samples=1000, num_features=2, random_state=0)
    assert fixed.local_exp == exp.local_exp
    assert [name for name, _ in exp.as_list()] == ["x0", "x1"]


def test_close_call_grows_until_settled_and_reuses_every_scored_row():
    model, rows = noisy_linear([2.0, 1.0, 0.85, 0.0], 1.0)
    exp = explain(Masks(np.ones(4)), model, mode="regression", num_samples="auto", num_features=2,
                  random_state=0)
    adaptive = exp.meta["adaptive"]
    sizes = [r["num_samples"] for r in adaptive["rounds"]]
    assert adaptive["settled"] and len(sizes) > 1 and sizes == [1000 * 2 ** i for i in range(len(sizes))]
    assert adaptive["rounds"][-1]["z"] >= adaptive["z_threshold"] > adaptive["rounds"][-2]["z"]
    assert sum(rows) == exp.cost["total_black_box_rows"] == sizes[-1] + exp.cost["holdout_rows"]
    assert [name for name, _ in exp.as_list()] == ["x0", "x1"]


def test_a_tie_stops_at_max_samples_and_says_it_did_not_settle():
    model, rows = noisy_linear([2.0, 1.0, 1.0, 0.0], 0.5)
    with pytest.warns(UnsettledWarning, match=r"max_samples=2500 without settling the top 2 features: .* "
                                              r"standard errors, below 2.39"):
        exp = explain(Masks(np.ones(4)), model, mode="regression", num_samples="auto", num_features=2,
                      max_samples=2500, random_state=0)
    adaptive = exp.meta["adaptive"]
    assert not adaptive["settled"] and adaptive["max_samples"] == 2500
    assert [r["num_samples"] for r in adaptive["rounds"]] == [1000, 2000, 2500]
    assert exp.meta["num_samples"] == 2500 and sum(rows) == 2500 + 250


def test_negligible_features_do_not_need_ordering():
    exp = explain(TimeWindows(peak_series(), 6), series_detector, num_samples="auto", num_features=3,
                  random_state=0)
    assert exp.meta["adaptive"]["settled"] and exp.meta["num_samples"] == 1000
    assert exp.as_list()[0][0] == "t20-t29"


def test_max_samples_below_the_first_round():
    exp = explain(Masks(np.ones(3)), linear([1, 2, 3]), mode="regression", num_samples="auto",
                  num_features=1, max_samples=300, random_state=0)
    assert exp.meta["num_samples"] == 300


def test_auto_kernel_width_is_the_smallest_grid_width_with_half_the_samples_effective():
    rep = TimeWindows(peak_series(), 6)
    exp = explain(rep, series_detector, num_samples=400, kernel_width="auto", random_state=0)
    record = exp.meta["kernel_width_auto"]
    width = record["kernel_width"]
    assert exp.meta["kernel"] == {"name": "ExponentialKernel", "kernel_width": width}
    hood = rep.sample(400, np.random.default_rng(0))
    share = lambda w: effective_sample_size(ExponentialKernel(w)(hood)) / 400  # noqa: E731
    assert share(width) == pytest.approx(record["ess_share"]) and share(width) >= 0.5
    previous = record["grid"][record["grid"].index(width) - 1]
    assert share(previous) < 0.5
    assert exp.fidelity[1]["ess_share"] == pytest.approx(record["ess_share"])


def test_auto_width_with_a_distance_kernel():
    kernel = DistanceKernel(lambda d, w: np.exp(-d / w), "auto")
    exp = explain(Masks(np.ones(5)), linear([1, 0, 2, 0, 1]), mode="regression", num_samples=300,
                  kernel=kernel, random_state=0)
    assert exp.meta["kernel_width_auto"]["ess_share"] >= 0.5
    assert exp.meta["kernel"]["kernel_width"] == exp.meta["kernel_width_auto"]["kernel_width"]


def test_adaptive_errors():
    rep, model = Masks(np.ones(3)), linear([1, 2, 3])
    with pytest.raises(ValueError, match="'kernel_width' parameter of explain must be a float > 0, 'auto' or None; got 'wide'"):
        explain(rep, model, mode="regression", kernel_width="wide")
    with pytest.raises(ValueError, match="'max_samples' parameter of explain must be an int >= 2; got 1"):
        explain(rep, model, mode="regression", num_samples="auto", max_samples=1)
    with pytest.raises(ValueError, match="kernel_width='auto' needs the default kernel or a kernel with a kernel_width"):
        explain(rep, model, mode="regression", kernel=lambda hood: np.ones(hood.num_samples), kernel_width="auto")
