"""Bad input gets an error that names the argument, what was expected and what came."""
import numpy as np
import pytest

import lime_core
from lime_core import PredictFnError, explain
from tests.core.toys import Masks, softmax_model

X = np.array([1.0, 2.0, 3.0])
MODEL = softmax_model(np.ones((3, 2)))


def run(predict_fn=MODEL, **kwargs):
    kwargs.setdefault("num_samples", 20)
    kwargs.setdefault("random_state", 0)
    return explain(Masks(X), predict_fn, **kwargs)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"num_samples": 1}, ValueError, r"'num_samples' parameter of explain must be an int >= 2; got 1"),
    ({"num_samples": 10.5}, TypeError, r"'num_samples' parameter of explain must be an int >= 2; got float"),
    ({"num_samples": "many"}, TypeError, r"'num_samples' .* got str"),
    ({"num_features": 0}, ValueError, r"'num_features' parameter of explain must be an int >= 1; got 0"),
    ({"feature_selection": "best"}, ValueError, r"'feature_selection' parameter of explain must be one of .*'auto'.*got 'best'"),
    ({"kernel_width": 0.0}, ValueError, r"'kernel_width' parameter of explain must be a float > 0; got 0.0"),
    ({"kernel_width": -1}, ValueError, r"'kernel_width' .* got -1"),
    ({"batch_size": 0}, ValueError, r"'batch_size' parameter of explain must be an int >= 1; got 0"),
    ({"labels": (5,)}, lime_core.UnknownLabelError, r"labels \[5\] are not produced by the model: predict_fn returns 2 columns"),
    ({"labels": "1"}, TypeError, r"'labels' parameter of explain must be a sequence of ints"),
    ({"labels": (1.5,)}, TypeError, r"'labels' parameter .* non-empty sequence of ints"),
    ({"top_labels": 0}, ValueError, r"'top_labels' parameter of explain must be an int >= 1"),
    ({"mode": "ranking"}, ValueError, r"'mode' parameter of explain must be one of 'classification', 'regression'; got 'ranking'"),
    ({"alpha": -1.0}, ValueError, r"'alpha' parameter of explain must be >= 0"),
    ({"random_state": "seed"}, TypeError, r"'random_state' parameter of explain must be an int"),
])
def test_bad_parameters(kwargs, error, message):
    with pytest.raises(error, match=message):
        run(**kwargs)


def test_wrong_row_count():
    with pytest.raises(ValueError, match=r"predict_fn returned 1 row for a batch of 22 inputs \(rows 0 to 21"):
        run(lambda Z: MODEL(Z)[:1])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_output(bad):
    def model(Z):
        out = MODEL(Z)
        out[3, 1] = bad
        return out
    with pytest.raises(ValueError, match=r"predict_fn returned NaN or infinite values on rows 0 to 21 .*first at row 3"):
        run(model)


def test_three_dimensional_output():
    with pytest.raises(ValueError, match=r"predict_fn must return an array of shape \(n,\) or \(n, k\); .*shape \(22, 2, 1\)"):
        run(lambda Z: MODEL(Z)[:, :, None])


def test_string_output():
    with pytest.raises(TypeError, match=r"predict_fn must return numbers .* dtype <U3 .*predict_proba"):
        run(lambda Z: np.array(["cat"] * len(Z)))


def test_raising_model_is_reraised_with_its_batch():
    calls = []

    def model(Z):
        calls.append(len(Z))
        if len(calls) == 2:
            raise RuntimeError("model exploded")
        return MODEL(Z)
    with pytest.raises(PredictFnError, match=r"predict_fn raised RuntimeError on rows 5 to 9 .*model exploded") as info:
        run(model, batch_size=5, num_samples=10)
    assert info.value.start == 5 and info.value.stop == 10
    assert info.value.batch.shape == (5, 3)
    assert isinstance(info.value.__cause__, RuntimeError)


def test_changing_column_count_between_batches():
    calls = []

    def model(Z):
        calls.append(len(Z))
        return np.ones((len(Z), 2 if len(calls) == 1 else 3)) / 2
    with pytest.raises(ValueError, match="returned 3 columns on rows 5 to 9 but 2"):
        run(model, batch_size=5, num_samples=10, labels=(0,))


def test_regression_with_several_columns():
    with pytest.raises(ValueError, match="mode='regression' needs one output per row; predict_fn returned 2 columns"):
        run(mode="regression")


def test_kernel_returning_bad_weights():
    with pytest.raises(ValueError, match=r"kernel must return an array of shape \(20,\)"):
        run(kernel=lambda hood: np.ones(3))
    with pytest.raises(ValueError, match="kernel returned negative weights"):
        run(kernel=lambda hood: -np.ones(hood.num_samples))
    with pytest.raises(ValueError, match="all-zero weights"):
        run(kernel=lambda hood: np.zeros(hood.num_samples))


def test_representation_with_wrong_shapes():
    class Broken(Masks):
        def sample(self, num_samples, rng):
            hood = super().sample(num_samples, rng)
            return lime_core.Neighborhood(hood.interpretable[:, :2], hood.distances, hood.model_input)
    with pytest.raises(ValueError, match=r"interpretable samples of shape \(20, 2\); expected \(20, 3\)"):
        explain(Broken(X), MODEL, num_samples=20)


def test_representation_without_features():
    with pytest.raises(ValueError, match="no interpretable features"):
        explain(Masks(np.array([])), MODEL)


def test_explanation_checks_its_fields():
    with pytest.raises(ValueError, match="'mode' parameter of Explanation"):
        lime_core.Explanation(mode="ranking")
    with pytest.raises(TypeError, match="'domain_mapper' parameter of Explanation must be a DomainMapper"):
        lime_core.Explanation(domain_mapper=["a"])
