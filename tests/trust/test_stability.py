"""Stability across seeds: Jaccard of top-k sets, sign agreement, rank correlation."""
import json

import numpy as np
import pytest

from lime_core import Explanation, explain
from lime_core.stability import compare_explanations, stability, stability_of
from tests.contract.timeseries_plugin import TimeWindows
from tests.trust.toys import Masks, logistic, peak_series, series_detector


class WindowsExplainer:
    """A plugin-style explainer: explain_instance takes a keyword-only random_state, as every plugin does."""

    def __init__(self, num_windows=6, random_state=None):
        self.num_windows = num_windows
        self.random_state = random_state

    def representation(self, series):
        return TimeWindows(series, self.num_windows)

    def explain_instance(self, series, predict_fn, labels=(1,), top_labels=None, num_features=10,
                         num_samples=5000, *, random_state=None, **options):
        seed = self.random_state if random_state is None else random_state
        return explain(self.representation(series), predict_fn, labels=labels, top_labels=top_labels,
                       num_features=num_features, num_samples=num_samples, random_state=seed, **options)


def test_known_answer_on_hand_made_explanations():
    a = Explanation(local_exp={1: [(0, 0.9), (1, 0.5), (2, -0.1)]})
    b = Explanation(local_exp={1: [(0, 0.8), (2, -0.4), (1, 0.3)]})
    c = Explanation(local_exp={1: [(1, -0.7), (0, 0.6), (3, 0.1)]})
    report = compare_explanations([a, b, c], num_features=2)
    # top-2 sets {0,1}, {0,2}, {1,0}: Jaccard 1/3, 1/3, 1
    assert report.jaccard == pytest.approx((1 / 3 + 1 / 3 + 1) / 3)
    # shared features: (a,b) {0} same sign; (a,c) {0,1}: 0 same, 1 flipped; (b,c) {0} same
    assert report.sign_agreement == pytest.approx((1 + 0.5 + 1) / 3)
    assert report.distinct_features == 3
    assert report.feature_frequency == {0: 1.0, 1: 2 / 3, 2: 1 / 3}
    three = compare_explanations([a, b, a.replace(local_exp={1: [(2, 0.9), (1, 0.5), (0, 0.1)]})],
                                 num_features=3)
    assert three.kendall == pytest.approx((1 - 1 - 1) / 3) and three.spearman == pytest.approx(-1 / 3)


def test_a_clear_signal_is_perfectly_stable_and_costs_are_counted():
    explainer = WindowsExplainer()
    report = stability(explainer, peak_series(), series_detector, n_runs=5, num_features=1,
                       random_state=0, num_samples=200)
    assert report.jaccard == 1.0 and report.sign_agreement == 1.0
    assert report.num_runs == 5 and len(set(report.seeds)) == 5
    assert report.black_box_rows == 5 * (200 + 20)
    assert report.feature_frequency == {2: 1.0}
    again = stability(explainer, peak_series(), series_detector, n_runs=5, num_features=1,
                      random_state=0, num_samples=200)
    assert json.dumps(again.to_dict()) == json.dumps(report.to_dict())


def test_more_samples_are_more_stable_and_auto_is_at_least_as_stable():
    coef = np.array([1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]) * 0.6
    model = logistic(coef)
    rep = Masks(np.ones(10))

    def run(num_samples):
        return stability_of(lambda seed: explain(rep, model, num_samples=num_samples, num_features=4,
                                                 random_state=seed),
                            n_runs=8, num_features=4, random_state=1)
    small, large, auto = run(100), run(3000), run("auto")
    assert small.jaccard < large.jaccard
    assert auto.jaccard >= large.jaccard - 1e-12
    assert auto.jaccard == 1.0


def test_stability_errors():
    with pytest.raises(ValueError, match="'n_runs' parameter of stability must be an int >= 2; got 1"):
        stability(WindowsExplainer(), peak_series(), series_detector, n_runs=1)
    with pytest.raises(TypeError, match="'explainer' parameter of stability must have an explain_instance"):
        stability(object(), peak_series(), series_detector)
    with pytest.raises(ValueError, match="needs at least 2 explanations; got 1"):
        compare_explanations([Explanation(local_exp={1: [(0, 1.0)]})])
    with pytest.raises(KeyError, match="label 3 was not explained"):
        compare_explanations([Explanation(local_exp={1: [(0, 1.0)], 0: [(0, -1.0)]})] * 2, label=3)
