"""The explanation loop: known answers, labels, modes, reproducibility."""
import numpy as np
import pytest

import lime_core
from lime_core import Explanation, explain
from tests.core.toys import Masks, linear_model, softmax_model

X = np.array([1.0, 2.0, -1.0, 0.5, 3.0])


def test_linear_regression_black_box_weights_recovered():
    true = np.array([0.5, 0.0, 2.0, -1.0, 0.0])
    exp = explain(Masks(X), linear_model(true, 0.3), mode="regression", num_samples=2000,
                  feature_selection="none", alpha=1e-10, random_state=0, num_features=5)
    weights = dict(exp.local_exp[1])
    np.testing.assert_allclose([weights[j] for j in range(5)], true * X, atol=1e-6)
    assert exp.local_exp[0] == [(j, -w) for j, w in exp.local_exp[1]]
    assert exp.predicted_value == pytest.approx(true @ X + 0.3)
    assert exp.min_value <= exp.predicted_value <= exp.max_value
    assert exp.score[1] > 1 - 1e-9


def test_classification_labels_top_labels_and_predict_proba():
    coef = np.array([[1, -1, 0], [0, 2, -2], [0, 0, 0], [0, 0, 3], [0, 0, 0]], dtype=float)
    model = softmax_model(coef)
    exp = explain(Masks(X), model, top_labels=2, num_samples=1000, random_state=0)
    scores = model(X[None, :])[0]
    assert exp.top_labels == list(np.argsort(scores)[::-1][:2])
    assert exp.available_labels() == exp.top_labels
    np.testing.assert_allclose(exp.predict_proba, scores)
    every = explain(Masks(X), model, labels=None, num_samples=500, random_state=0)
    assert sorted(every.local_exp) == [0, 1, 2]


def test_auto_labels_explain_every_class_of_a_multiclass_model_and_class_one_of_a_binary_one(monkeypatch):
    import lime_core._explain as core

    fits = []
    real = core.fit_surrogate
    monkeypatch.setattr(core, "fit_surrogate", lambda *a, **k: fits.append(1) or real(*a, **k))
    three = softmax_model(np.random.default_rng(0).normal(size=(5, 3)))
    two = softmax_model(np.random.default_rng(1).normal(size=(5, 2)))
    assert sorted(explain(Masks(X), three, labels="auto", num_samples=300, random_state=0).local_exp) == [0, 1, 2]
    fits.clear()
    exp = explain(Masks(X), two, labels="auto", num_samples=300, random_state=0)
    assert list(exp.local_exp) == [1] and len(fits) == 1  # label 0 is never fitted
    one_column = explain(Masks(X), lambda Z: two(Z)[:, 1], labels="auto", num_samples=300, random_state=0)
    assert one_column.local_exp == exp.local_exp
    with pytest.raises(TypeError, match="'labels' parameter of explain must be a sequence of ints"):
        explain(Masks(X), two, labels="every", num_samples=300)


def test_single_probability_column_is_class_one():
    exp = explain(Masks(X), lambda Z: 1 / (1 + np.exp(-Z[:, 2])), num_samples=500, random_state=0)
    assert exp.predict_proba.shape == (2,)
    assert exp.as_list(label=1)[0][0] == "x2"
    assert exp.as_list(label=1)[0][1] < 0  # x2 = -1 pulls the probability down


def test_decision_function_column_becomes_two_classes():
    exp = explain(Masks(X), lambda Z: Z[:, 4] * 2.0 - 10, num_samples=500, random_state=0)
    np.testing.assert_allclose(exp.predict_proba, [4.0, -4.0])
    assert exp.as_list(label=1)[0] == ("x4", pytest.approx(6.0, rel=0.05))


@pytest.mark.parametrize("batch_size", [1, 7, 64, 5000])
def test_same_seed_identical_explanation_whatever_the_batch_size(batch_size):
    model = softmax_model(np.random.default_rng(0).normal(size=(5, 3)))
    reference = explain(Masks(X), model, labels=(0, 2), num_samples=300, random_state=11)
    other = explain(Masks(X), model, labels=(0, 2), num_samples=300, random_state=11,
                    batch_size=batch_size)
    assert other == reference
    assert other.local_exp == reference.local_exp  # bit for bit
    assert other.cost["black_box_calls"] == -(-330 // batch_size)  # 300 rows and 30 hold-out rows


def test_int_seed_repeats_and_generator_advances():
    model = softmax_model(np.random.default_rng(1).normal(size=(5, 2)))
    a = explain(Masks(X), model, num_samples=200, random_state=5)
    assert explain(Masks(X), model, num_samples=200, random_state=5) == a
    rng = np.random.default_rng(5)
    b = explain(Masks(X), model, num_samples=200, random_state=rng)
    c = explain(Masks(X), model, num_samples=200, random_state=rng)
    assert b != c
    assert a.random_state == 5 and b.random_state is None


def test_user_kernel_and_distance_kernel():
    model = linear_model([1, 0, 0, 0, 0])
    seen = []

    def kernel(hood):
        seen.append(hood.num_samples)
        return np.ones(hood.num_samples)
    explain(Masks(X), model, mode="regression", num_samples=50, kernel=kernel, random_state=0)
    assert seen == [50]
    exp = explain(Masks(X), model, mode="regression", num_samples=50, random_state=0,
                  kernel=lime_core.DistanceKernel(lambda d, w: np.exp(-d / w), 2.0))
    assert exp.meta["kernel"] == {"name": "DistanceKernel", "kernel_width": 2.0}


def test_progress_callback_sees_every_batch():
    calls = []
    explain(Masks(X), linear_model([1, 0, 0, 0, 0]), mode="regression", num_samples=25, batch_size=10,
            progress=lambda done, total: calls.append((done, total)), random_state=0)
    assert calls == [(10, 28), (20, 28), (28, 28)]  # 25 rows and 3 hold-out rows


def test_probabilities_that_do_not_sum_to_one_warn():
    with pytest.warns(lime_core.ProbabilityWarning, match="do not sum to 1"):
        explain(Masks(X), lambda Z: np.column_stack([Z[:, 0], Z[:, 1]]), num_samples=50, random_state=0)


def test_explanation_round_trips_through_json_exactly():
    model = softmax_model(np.random.default_rng(2).normal(size=(5, 3)))
    exp = explain(Masks(X), model, labels=(0, 1, 2), num_samples=200, random_state=3,
                  class_names=["a", "b", "c"], extras={"segments": np.arange(6).reshape(2, 3)})
    again = Explanation.from_json(exp.to_json())
    assert again == exp
    assert again.local_exp == exp.local_exp
    assert again.predict_proba.tobytes() == exp.predict_proba.tobytes()
    assert again.extras["segments"].dtype == exp.extras["segments"].dtype
    assert again.cost == exp.cost
    assert again.as_list(label=2) == exp.as_list(label=2)


def test_as_list_of_an_unexplained_label_says_which_are():
    exp = explain(Masks(X), softmax_model(np.ones((5, 3))), labels=(1,), num_samples=50, random_state=0)
    with pytest.raises(KeyError, match=r"label 2 was not explained; explained labels: \[1\]"):
        exp.as_list(label=2)


def test_regression_explanations_have_no_available_labels():
    exp = explain(Masks(X), linear_model(np.ones(5)), mode="regression", num_samples=50, random_state=0)
    assert exp.as_list(label=0) == exp.as_list(label=1)
    with pytest.raises(NotImplementedError, match="regression"):
        exp.available_labels()


def test_a_single_decision_function_column_does_not_warn_about_probabilities():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error", lime_core.ProbabilityWarning)
        explain(Masks(X), lambda Z: Z[:, 4] * 2.0 - 10, num_samples=100, random_state=0)
