"""One random_state drives everything: bit-identical whatever the batch size."""
import numpy as np
import pytest

from lime_core import explain, explain_shapley
from lime_core.faithfulness import deletion_insertion
from tests.contract.timeseries_plugin import TimeWindows
from tests.trust.toys import Masks, NoisyMasks, logistic, peak_series, series_detector

OPTIONS = {
    "default": {},
    "auto_samples": {"num_samples": "auto", "max_samples": 3000, "num_features": 3},
    "auto_width": {"kernel_width": "auto"},
    "homoscedastic": {"std_error": "homoscedastic", "feature_selection": "lasso_path"},
}


@pytest.mark.parametrize("name", sorted(OPTIONS))
@pytest.mark.parametrize("batch_size", [1, 7, 300, 5000])
def test_timeseries_plugin_same_seed_same_explanation(name, batch_size):
    options = {"num_samples": 600, **OPTIONS[name]}
    rep = TimeWindows(peak_series() + np.linspace(0, 1, 60), 6)
    reference = explain(rep, series_detector, random_state=7, **options)
    other = explain(rep, series_detector, random_state=7, batch_size=batch_size, **options)
    assert other == reference
    assert other.local_exp == reference.local_exp and other.std_err == reference.std_err
    assert other.fidelity == reference.fidelity and other.meta == reference.meta


@pytest.mark.parametrize("batch_size", [1, 64, 999])
def test_core_toys_with_random_model_inputs(batch_size):
    model = logistic([0.5, -1.0, 2.0, 0.0, 0.3, -0.2, 1.0, 0.1])
    x = np.linspace(-1, 1, 8)
    for rep in (Masks(x), NoisyMasks(x)):
        for options in ({"num_samples": "auto", "max_samples": 4000, "num_features": 4},
                        {"num_samples": 700, "kernel_width": "auto"}):
            a = explain(rep, model, random_state=123, **options)
            b = explain(rep, model, random_state=123, batch_size=batch_size, **options)
            assert a == b
    a = explain_shapley(NoisyMasks(x), model, num_samples=300, random_state=5)
    assert explain_shapley(NoisyMasks(x), model, num_samples=300, random_state=5, batch_size=batch_size) == a


def test_repeated_calls_with_an_int_seed_are_identical_and_generators_advance():
    rep = TimeWindows(peak_series(), 6)
    first = explain(rep, series_detector, num_samples="auto", num_features=2, random_state=1)
    assert explain(rep, series_detector, num_samples="auto", num_features=2, random_state=1) == first
    rng = np.random.default_rng(1)
    a = explain(rep, series_detector, num_samples=300, random_state=rng)
    b = explain(rep, series_detector, num_samples=300, random_state=rng)
    assert a != b


def test_faithfulness_curves_do_not_depend_on_batch_size():
    x = np.linspace(-1, 1, 8)
    model = logistic([0.5, -1.0, 2.0, 0.0, 0.3, -0.2, 1.0, 0.1])
    exp = explain(NoisyMasks(x), model, num_samples=300, random_state=0)
    curves = [deletion_insertion(NoisyMasks(x), model, exp, batch_size=b, random_state=3) for b in (1, 5, 100)]
    for c in curves[1:]:
        assert c.deletion.tobytes() == curves[0].deletion.tobytes()
        assert c.insertion.tobytes() == curves[0].insertion.tobytes()


def test_same_bits_whatever_the_number_of_blas_threads():
    """loky workers, laptops and cluster nodes run BLAS on different thread counts."""
    from threadpoolctl import threadpool_limits
    x = np.random.default_rng(0).normal(size=30)
    model = logistic(np.random.default_rng(1).normal(size=30) * 0.3)
    runs = []
    for threads in (1, 2, 4):
        with threadpool_limits(limits=threads, user_api="blas"):
            runs.append(explain(NoisyMasks(x), model, num_samples=5000, num_features=30, random_state=2,
                                feature_selection="none"))
    assert runs[1] == runs[0] and runs[2] == runs[0]
