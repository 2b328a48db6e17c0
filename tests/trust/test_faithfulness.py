"""Deletion and insertion curves, through to_model_input, for any representation."""
import numpy as np
import pytest

from lime_core import UnknownLabelError, explain
from lime_core.faithfulness import deletion_insertion, feature_order
from tests.contract.timeseries_plugin import TimeWindows
from tests.trust.toys import Masks, NoisyMasks, linear, logistic, peak_series, series_detector


def reversed_explanation(exp, label):
    weights = [w for _, w in exp.local_exp[label]]
    ids = [i for i, _ in exp.local_exp[label]][::-1]
    return exp.replace(local_exp={**exp.local_exp, label: list(zip(ids, weights))})


def test_timeseries_plugin_curves():
    rep = TimeWindows(peak_series(), 6)
    exp = explain(rep, series_detector, num_samples=500, num_features=6, random_state=0)
    curves = deletion_insertion(rep, series_detector, exp, label=1)
    assert curves.order[0] == 2 and curves.fractions.tolist() == [i / 6 for i in range(7)]
    p_full = series_detector(rep.to_model_input(np.ones((1, 6))))[0, 1]
    p_empty = series_detector(rep.to_model_input(np.zeros((1, 6))))[0, 1]
    assert curves.deletion[0] == pytest.approx(p_full) and curves.deletion[1] == pytest.approx(p_empty)
    assert curves.insertion[0] == pytest.approx(p_empty) and curves.insertion[1] == pytest.approx(p_full)
    assert curves.black_box_rows == 14
    worse = deletion_insertion(rep, series_detector, reversed_explanation(exp, 1), label=1)
    assert curves.deletion_auc < worse.deletion_auc and curves.insertion_auc > worse.insertion_auc


def test_linear_model_known_areas():
    coef = np.array([4.0, 3.0, 2.0, 1.0])
    exp = explain(Masks(np.ones(4)), linear(coef), mode="regression", num_samples=300, alpha=1e-9,
                  random_state=0)
    curves = deletion_insertion(Masks(np.ones(4)), linear(coef), exp)
    np.testing.assert_allclose(curves.deletion, [10, 6, 3, 1, 0])
    np.testing.assert_allclose(curves.insertion, [0, 4, 7, 9, 10])
    assert curves.deletion_auc == pytest.approx((10 + 6 + 6 + 3 + 3 + 1 + 1 + 0) / 8)
    assert curves.insertion_auc == pytest.approx(10 - curves.deletion_auc)


def test_classification_with_random_model_inputs_and_steps():
    x = np.linspace(-2, 2, 12)
    model = logistic(np.linspace(1, -1, 12))
    exp = explain(NoisyMasks(x), model, num_samples=800, num_features=5, random_state=0)
    curves = deletion_insertion(NoisyMasks(x), model, exp, label=1, steps=4)
    assert len(curves.deletion) == len(curves.insertion) == 5 and curves.black_box_rows == 10
    assert curves.fractions.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_feature_order_puts_negative_weights_last():
    from lime_core import Explanation
    exp = Explanation(local_exp={1: [(3, -1.0), (1, 0.5)]})
    assert feature_order(exp, 1, 5).tolist() == [1, 0, 2, 4, 3]


def test_faithfulness_errors():
    rep = Masks(np.ones(3))
    exp = explain(rep, logistic([1, 2, 3]), num_samples=50, random_state=0)
    with pytest.raises(ValueError, match="'steps' parameter of deletion_insertion must be an int >= 1; got 0"):
        deletion_insertion(rep, logistic([1, 2, 3]), exp, steps=0)
    with pytest.raises(KeyError, match="label 4 was not explained"):
        deletion_insertion(rep, logistic([1, 2, 3]), exp, label=4)
    exp4 = exp.replace(local_exp={**exp.local_exp, 4: exp.local_exp[1]})
    with pytest.raises(UnknownLabelError, match="label 4 is not produced by the model: predict_fn returns 2 columns"):
        deletion_insertion(rep, logistic([1, 2, 3]), exp4, label=4)
