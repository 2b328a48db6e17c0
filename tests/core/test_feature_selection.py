"""Each selection method picks the truly relevant columns; forward selection equals lime's refits."""
import numpy as np
import pytest
from sklearn.linear_model import Ridge

from lime_core import fit_surrogate
from lime_core._feature_selection import forward_selection, select_features
from lime_core._ridge import weighted_moments

RELEVANT = [2, 7, 11]


def planted_problem(seed=0, n=2000, d=15):
    rng = np.random.default_rng(seed)
    z = rng.integers(0, 2, size=(n, d)).astype(float)
    z[0] = 1
    y = 3.0 * z[:, 2] - 2.0 * z[:, 7] + 1.0 * z[:, 11] + 0.1 * rng.normal(size=n)
    weights = np.exp(-((1 - z).sum(axis=1) / d) ** 2 / 0.5)
    return z, y, weights


@pytest.mark.parametrize("method", ["forward_selection", "highest_weights", "lasso_path", "auto"])
def test_method_picks_the_planted_columns(method):
    z, y, w = planted_problem()
    fit = fit_surrogate(z, y, w, num_features=3, feature_selection=method)
    assert sorted(fit.feature_ids.tolist()) == RELEVANT
    assert fit.feature_ids.tolist() == [2, 7, 11]  # by decreasing |weight|
    assert np.sign(fit.coef).tolist() == [1.0, -1.0, 1.0]


def test_none_keeps_every_column():
    z, y, w = planted_problem()
    fit = fit_surrogate(z, y, w, num_features=3, feature_selection="none")
    assert sorted(fit.feature_ids.tolist()) == list(range(15))


def lime_forward_selection(z, y, w, k):
    """The original lime's algorithm: refit Ridge(alpha=0) for every candidate."""
    used = []
    for _ in range(k):
        best, best_score = 0, -1e8
        for j in range(z.shape[1]):
            if j in used:
                continue
            model = Ridge(alpha=0, fit_intercept=True).fit(z[:, used + [j]], y, sample_weight=w)
            score = model.score(z[:, used + [j]], y, sample_weight=w)
            if score > best_score:
                best, best_score = j, score
        used.append(best)
    return used


def test_forward_selection_matches_lime_refits():
    rng = np.random.default_rng(5)
    z = rng.integers(0, 2, size=(500, 10)).astype(float)
    y = z @ rng.normal(size=10) + rng.normal(size=500)
    w = rng.random(500)
    ours = forward_selection(weighted_moments(z, y, w), 5).tolist()
    assert ours == lime_forward_selection(z, y, w, 5)


def test_auto_switches_to_highest_weights_above_six_features():
    z, y, w = planted_problem()
    moments = weighted_moments(z, y, w)
    auto = select_features(moments, z[0], 8, "auto", len(y))
    highest = select_features(moments, z[0], 8, "highest_weights", len(y))
    assert auto.tolist() == highest.tolist()


def test_lasso_path_never_exceeds_num_features():
    z, y, w = planted_problem(seed=1)
    for k in (1, 2, 4):
        assert len(select_features(weighted_moments(z, y, w), z[0], k, "lasso_path", len(y))) <= k


def test_lasso_path_matches_lime_on_weighted_data():
    z, y, w = planted_problem(seed=2)
    weighted_z = (z - np.average(z, axis=0, weights=w)) * np.sqrt(w)[:, None]
    weighted_y = (y - np.average(y, weights=w)) * np.sqrt(w)
    from lime_core.lime_base import LimeBase
    _, coefs = LimeBase.generate_lars_path(weighted_z, weighted_y)
    for i in range(coefs.shape[1] - 1, 0, -1):
        expected = coefs[:, i].nonzero()[0]
        if len(expected) <= 2:
            break
    ours = select_features(weighted_moments(z, y, w), z[0], 2, "lasso_path", len(y))
    assert ours.tolist() == expected.tolist()
