"""SP-LIME: lime's greedy coverage pick, seeded, over explain_many."""
import numpy as np
import pytest

from lime_core.batch import explain_many
from lime_core.submodular_pick import SubmodularPick, coverage_pick
from tests.scale.toy import FailOnNaN, WindowExplainer, make_series, peak_detector

DATA = make_series(30, seed=4)
OPTIONS = dict(num_samples=300)


def spread_detector(batch):
    """Each series' class depends on a different window, so explanations differ."""
    batch = np.asarray(batch, dtype=float)
    score = 1 / (1 + np.exp(-(batch[:, 20:30].mean(1) - batch[:, :10].mean(1) + 0.5 * batch[:, 50:].mean(1))))
    return np.column_stack([1 - score, score])


class Replay:
    """An explainer that hands lime's SubmodularPick our explanations, in order."""

    def __init__(self, explanations):
        self.explanations = list(explanations)

    def explain_instance(self, row, predict_fn, **kwargs):
        return self.explanations.pop(0)


def lime_greedy(W, k):
    importance = np.sum(abs(W), axis=0) ** .5
    remaining, V = set(range(len(W))), []
    for _ in range(min(k, len(W))):
        best, best_ind = 0, None
        for i in remaining:
            current = np.dot((np.sum(abs(W)[V + [i]], axis=0) > 0), importance)
            if current >= best:
                best, best_ind = current, i
        V.append(best_ind)
        remaining -= {best_ind}
    return V


def test_picks_what_lime_picks_from_the_same_explanations():
    lime_sp = pytest.importorskip("lime.submodular_pick")
    ours = SubmodularPick(WindowExplainer(), DATA, spread_detector, method="full", num_exps_desired=4,
                          num_features=3, random_state=0, **OPTIONS)
    theirs = lime_sp.SubmodularPick(Replay(ours.explanations), DATA, spread_detector, method="full",
                                    num_exps_desired=4, num_features=3)
    assert ours.V == theirs.V
    assert [e is f for e, f in zip(ours.sp_explanations, theirs.sp_explanations)] == [True] * 4
    assert list(ours.indices) == ours.V  # method='full': positions are rows
    assert len(set(ours.V)) == 4


def test_coverage_pick_matches_lime_on_random_matrices_with_ties():
    rng = np.random.default_rng(0)
    for t in range(200):
        n, d, k = int(rng.integers(1, 25)), int(rng.integers(0, 10)), int(rng.integers(1, 6))
        W = rng.normal(size=(n, d)) * (rng.random((n, d)) < 0.3)
        if t % 2:
            W = np.round(W)
        assert coverage_pick(W, k) == lime_greedy(W, k)


def test_known_pick():
    # importances: sqrt(2), 1, sqrt(3) + ... row 2 covers features 0 and 2, then row 1 adds feature 1
    W = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 3.0], [0.0, 0.0, 0.0]])
    assert coverage_pick(W, 3) == [2, 1, 3]  # then nothing adds coverage: the last row wins the tie


def test_sample_is_seeded_and_uses_explain_many():
    kwargs = dict(sample_size=10, num_exps_desired=3, num_features=3, **OPTIONS)
    a = SubmodularPick(WindowExplainer(), DATA, spread_detector, random_state=1, **kwargs)
    b = SubmodularPick(WindowExplainer(), DATA, spread_detector, random_state=1, n_jobs=2, backend="loky",
                       **kwargs)
    c = SubmodularPick(WindowExplainer(random_state=1), DATA, spread_detector, **kwargs)  # explainer's seed
    assert list(a.sample_indices) == list(b.sample_indices) == list(c.sample_indices)
    assert len(set(a.sample_indices)) == 10
    assert a.explanations == b.explanations == c.explanations
    assert a.V == b.V == c.V and list(a.indices) == [a.sample_indices[v] for v in a.V]
    d = SubmodularPick(WindowExplainer(), DATA, spread_detector, random_state=2, **kwargs)
    assert list(d.sample_indices) != list(a.sample_indices)
    # the candidates are explain_many's explanations of the sampled rows
    assert a.explanations[0].top_labels == [int(np.argmax(spread_detector(DATA[a.sample_indices[:1]])))]


def test_lime_warnings_for_too_large_requests():
    with pytest.warns(UserWarning, match="sample_size=100 is larger than the data \\(5 rows\\)"):
        with pytest.warns(UserWarning, match="num_exps_desired=8 is larger than the number of explanations"):
            sp = SubmodularPick(WindowExplainer(), DATA[:5], peak_detector, sample_size=100, num_exps_desired=8,
                                random_state=0, **OPTIONS)
    assert sorted(sp.V) == [0, 1, 2, 3, 4]


def test_errors_skip_leaves_failed_rows_out():
    data = DATA[:6].copy()
    data[2, 0] = np.nan
    with pytest.warns(UserWarning, match="1 of 6 candidate rows failed and were left out"):
        sp = SubmodularPick(WindowExplainer(), data, FailOnNaN(), method="full", num_exps_desired=2,
                            random_state=0, errors="skip", **OPTIONS)
    assert list(sp.sample_indices) == [0, 1, 3, 4, 5]
    from lime_core.validation import spawn_seed
    direct = explain_many(WindowExplainer(), data, FailOnNaN(), errors="record", num_features=10, top_labels=1,
                          random_state=spawn_seed(np.random.default_rng(0)), **OPTIONS)
    assert sp.explanations == [direct[i] for i in (0, 1, 3, 4, 5)]
    with pytest.raises(Exception, match="cannot score NaN"):
        SubmodularPick(WindowExplainer(), data, FailOnNaN(), method="full", random_state=0, **OPTIONS)


def test_regression_explanations():
    from lime_core import explain
    from tests.contract.timeseries_plugin import TimeWindows

    class Regressor(WindowExplainer):
        def explain_instance(self, series, predict_fn, num_features=10, *, random_state=None, **options):
            options.pop("top_labels", None)
            return explain(TimeWindows(series, 6), predict_fn, mode="regression", num_features=num_features,
                           random_state=random_state, **options)

    sp = SubmodularPick(Regressor(), DATA[:8], lambda X: X[:, 20:30].mean(1) - X[:, 40:50].mean(1),
                        method="full", num_exps_desired=2, num_features=2, random_state=0, **OPTIONS)
    assert len(sp.sp_explanations) == 2 and sp.sp_explanations[0].mode == "regression"


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(method="all"), ValueError, "'method' parameter of SubmodularPick must be one of 'sample', 'full'"),
    (dict(num_exps_desired="5"), TypeError, "'num_exps_desired' parameter of SubmodularPick must be an int"),
    (dict(num_exps_desired=0), ValueError, "'num_exps_desired' parameter of SubmodularPick must be an int >= 1"),
    (dict(sample_size=0), ValueError, "'sample_size' parameter of SubmodularPick must be an int >= 1"),
    (dict(num_features=0), ValueError, "'num_features' parameter of SubmodularPick must be an int >= 1"),
    (dict(errors="record"), ValueError, "'errors' parameter of SubmodularPick must be one of 'raise', 'skip'"),
    (dict(random_state=-1), ValueError, "'random_state' parameter of SubmodularPick must be a non-negative"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        SubmodularPick(WindowExplainer(), DATA[:4], peak_detector, **kwargs)
