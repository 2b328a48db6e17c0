"""lime_tabular.discretize: bins, names, vectorised draws within bins, lime compatibility."""
import pickle

import numpy as np
import pytest
from scipy import stats

from lime_tabular.discretize import (BaseDiscretizer, DecileDiscretizer, EntropyDiscretizer,
                                     QuartileDiscretizer, StatsDiscretizer, truncated_normal_ppf)

rng = np.random.default_rng(0)
X = np.column_stack([rng.normal(size=400), rng.exponential(size=400), rng.integers(0, 3, 400)])
NAMES = ["a", "b", "c"]


def test_quartile_names_and_bins_follow_lime():
    d = QuartileDiscretizer(X, [2], NAMES, random_state=0)
    assert d.to_discretize == [0, 1]
    q = np.percentile(X[:, 0], [25, 50, 75])
    assert d.names[0] == [f"a <= {q[0]:.2f}", f"{q[0]:.2f} < a <= {q[1]:.2f}",
                          f"{q[1]:.2f} < a <= {q[2]:.2f}", f"a > {q[2]:.2f}"]
    bins = d.discretize(X)
    np.testing.assert_array_equal(bins[:, 0], np.searchsorted(q, X[:, 0]))
    np.testing.assert_array_equal(bins[:, 2], X[:, 2])  # categorical column untouched
    assert d.discretize(X[0]).tolist() == bins[0].tolist()


def test_same_names_and_statistics_as_original_lime():
    lime_discretize = pytest.importorskip("lime.discretize")
    for ours, theirs in [(QuartileDiscretizer, lime_discretize.QuartileDiscretizer),
                         (DecileDiscretizer, lime_discretize.DecileDiscretizer)]:
        a, b = ours(X, [2], NAMES), theirs(X, [2], NAMES)
        assert a.names == b.names
        for f in (0, 1):
            np.testing.assert_allclose(a.means[f], b.means[f])
            np.testing.assert_allclose(a.stds[f], b.stds[f])
            np.testing.assert_allclose(a.mins[f], b.mins[f])
            np.testing.assert_allclose(a.maxs[f], b.maxs[f])
    labels = (X[:, 0] > 0.3).astype(int)
    a = EntropyDiscretizer(X, [2], NAMES, labels=labels, random_state=0)
    b = lime_discretize.EntropyDiscretizer(X, [2], NAMES, labels=labels, random_state=0)
    assert a.names == b.names


def test_decile_has_ten_bins():
    d = DecileDiscretizer(X, [2], NAMES)
    assert len(d.names[0]) == 10 and set(np.unique(d.discretize(X)[:, 0])) == set(range(10))


def test_entropy_splits_where_the_labels_change():
    labels = (X[:, 0] > 0.5).astype(int)
    d = EntropyDiscretizer(X, [1, 2], NAMES, labels=labels, random_state=0)
    assert any(abs(b - 0.5) < 0.05 for b in d.boundaries[0])


def test_entropy_needs_labels():
    with pytest.raises(ValueError, match="Labels must be not None"):
        EntropyDiscretizer(X, [2], NAMES)


def test_entropy_labels_of_wrong_length():
    with pytest.raises(ValueError, match="one label per training row"):
        EntropyDiscretizer(X, [2], NAMES, labels=[0, 1])


def test_undiscretize_stays_within_bins_and_is_seeded():
    d = QuartileDiscretizer(X, [2], NAMES)
    bins = d.discretize(X)
    values = d.undiscretize(bins, random_state=3)
    np.testing.assert_array_equal(d.discretize(values)[:, :2], bins[:, :2])
    np.testing.assert_array_equal(values[:, 2], X[:, 2])
    np.testing.assert_array_equal(values, d.undiscretize(bins, random_state=3))
    assert d.undiscretize(bins[0]).shape == (3,)


def test_undiscretize_draws_follow_the_truncated_normal():
    d = QuartileDiscretizer(X, [2], NAMES)
    bins = np.tile([[1.0, 3.0, 0.0]], (20000, 1))
    values = d.undiscretize(bins, random_state=0)
    for feature, b in ((0, 1), (1, 3)):
        lo, hi, mean, std = d.mins[feature][b], d.maxs[feature][b], d.means[feature][b], d.stds[feature][b]
        ref = stats.truncnorm((lo - mean) / std, (hi - mean) / std, loc=mean, scale=std)
        assert stats.kstest(values[:, feature], ref.cdf).pvalue > 1e-3


def test_truncated_normal_ppf_matches_scipy_including_far_tails():
    u = np.linspace(0.01, 0.99, 7)
    for lo, hi in [(-1.0, 2.0), (3.0, 5.0), (-9.0, -6.0), (0.0, 0.0)]:
        ours = truncated_normal_ppf(u, 0.0, 1.0, lo, hi)
        expected = np.full_like(u, lo) if lo == hi else stats.truncnorm.ppf(u, lo, hi)
        np.testing.assert_allclose(ours, expected, rtol=1e-6, atol=1e-9)


def test_nan_is_ignored_by_bins_and_kept_as_nan():
    data = X.copy()
    data[::5, 0] = np.nan
    d = QuartileDiscretizer(data, [2], NAMES)
    np.testing.assert_allclose(d.boundaries[0], np.nanpercentile(data[:, 0], [25, 50, 75]))
    bins = d.discretize(data)
    assert np.isnan(bins[::5, 0]).all() and not np.isnan(bins[1::5, 0]).any()
    assert np.isnan(d.undiscretize(bins)[::5, 0]).all()


def test_constant_column_does_not_divide_by_zero():
    data = np.column_stack([np.full(50, 3.0), rng.normal(size=50)])
    with np.errstate(all="raise"):
        d = QuartileDiscretizer(data, [], ["k", "x"])
        values = d.undiscretize(d.discretize(data), random_state=0)
    np.testing.assert_array_equal(values[:, 0], 3.0)


def test_custom_discretizer_and_pickle():
    class Halves(BaseDiscretizer):
        def bins(self, data, labels):
            return [np.median(data[:, f], keepdims=True) for f in self.to_discretize]

    d = Halves(X, [2], NAMES, random_state=0)
    assert len(d.names[1]) == 2
    again = pickle.loads(pickle.dumps(QuartileDiscretizer(X, [2], NAMES)))
    assert again.lambdas[0](np.array([-10.0, 10.0])).tolist() == [0, 3]


def test_base_discretizer_requires_bins():
    with pytest.raises(NotImplementedError, match="override bins"):
        BaseDiscretizer(X, [2], NAMES)


def test_stats_discretizer_reads_bins_and_statistics():
    data_stats = {"bins": {0: [0.0], 1: [1.0]}, "means": {0: [-1, 1], 1: [0.5, 2]},
                  "stds": {0: [0.5, 0.5], 1: [0.2, 1]}, "mins": {0: [-3, 0], 1: [0, 1]},
                  "maxs": {0: [0, 3], 1: [1, 6]}}
    d = StatsDiscretizer(X, [2], NAMES, data_stats=data_stats)
    assert d.names[0] == ["a <= 0.00", "a > 0.00"]
    values = d.undiscretize(np.tile([[1.0, 0.0, 2.0]], (500, 1)), random_state=0)
    assert (values[:, 0] > 0).all() and (values[:, 1] <= 1).all()
    with pytest.raises(ValueError, match="no boundaries for columns"):
        StatsDiscretizer(X, [2], NAMES, data_stats={"bins": {0: [0.0]}})
    with pytest.raises(ValueError, match="data_stats"):
        StatsDiscretizer(X, [2], NAMES)
