"""lime's LimeBase and the other lime-compatible core modules."""
import numpy as np
import pytest
from sklearn.linear_model import Ridge

from lime_core import DomainMapper, FeatureNamesMapper, check_random_state
from lime_core.lime_base import LimeBase
from lime_core.utils.generic_utils import has_arg


def neighbourhood(seed=0, n=800):
    rng = np.random.default_rng(seed)
    z = rng.integers(0, 2, size=(n, 6)).astype(float)
    z[0] = 1
    p = 1 / (1 + np.exp(-(2 * z[:, 1] - 3 * z[:, 4])))
    distances = np.sqrt((1 - z).sum(axis=1))
    return z, np.column_stack([1 - p, p]), distances


def test_explain_instance_with_data_equals_a_ridge_fit_by_hand():
    z, y, d = neighbourhood()
    kernel = lambda dist: np.exp(-dist ** 2 / 2)  # noqa: E731
    base = LimeBase(kernel, random_state=0)
    intercept, exp, score, local_pred = base.explain_instance_with_data(
        z, y, d, label=1, num_features=6, feature_selection="none")
    reference = Ridge(alpha=1.0).fit(z, y[:, 1], sample_weight=kernel(d))
    assert intercept == pytest.approx(reference.intercept_, abs=1e-10)
    assert dict(exp) == pytest.approx(dict(enumerate(reference.coef_)), abs=1e-10)
    assert [abs(w) for _, w in exp] == sorted((abs(w) for _, w in exp), reverse=True)
    assert score == pytest.approx(reference.score(z, y[:, 1], sample_weight=kernel(d)), abs=1e-10)
    np.testing.assert_allclose(local_pred, reference.predict(z[:1]), atol=1e-10)


def test_lime_base_selection_methods():
    z, y, d = neighbourhood(1)
    base = LimeBase(lambda dist: np.ones_like(dist))
    w = np.ones(len(z))
    assert sorted(base.forward_selection(z, y[:, 1], w, 2).tolist()) == [1, 4]
    for method in ("forward_selection", "highest_weights", "lasso_path", "auto"):
        assert sorted(base.feature_selection(z, y[:, 1], w, 2, method).tolist()) == [1, 4]
    with pytest.raises(ValueError, match="'method' parameter of LimeBase.feature_selection"):
        base.feature_selection(z, y[:, 1], w, 2, "magic")


def test_lime_base_bad_label_and_num_features():
    z, y, d = neighbourhood()
    base = LimeBase(lambda dist: np.ones_like(dist))
    with pytest.raises(ValueError, match="label 2 is out of range: neighborhood_labels has 2 columns"):
        base.explain_instance_with_data(z, y, d, label=2, num_features=2)
    with pytest.raises(ValueError, match="'num_features' parameter of LimeBase.explain_instance_with_data"):
        base.explain_instance_with_data(z, y, d, label=1, num_features=0)


def test_has_arg():
    def f(a, *, b=1, **kwargs):
        return a
    assert has_arg(f, "a") and has_arg(f, "b")
    assert not has_arg(f, "kwargs") and not has_arg(f, "c")
    assert not has_arg(42, "a")


def test_check_random_state_accepts_legacy_random_state():
    a = check_random_state(np.random.RandomState(3)).random()
    b = check_random_state(np.random.RandomState(3)).random()
    assert a == b
    with pytest.raises(ValueError, match="non-negative"):
        check_random_state(-1)
    with pytest.raises(TypeError, match="got bool"):
        check_random_state(True)


def test_domain_mappers_round_trip_and_unknown_kinds_are_refused():
    mapper = FeatureNamesMapper(["a", "b"], ["1", "2"])
    again = DomainMapper.from_dict(mapper.to_dict())
    assert again == mapper and again.feature_values == ["1", "2"]
    assert DomainMapper.from_dict({"kind": "ids"}).map_exp_ids([(0, 1.0)]) == [(0, 1.0)]
    with pytest.raises(ValueError, match="Unknown domain mapper kind 'martian'"):
        DomainMapper.from_dict({"kind": "martian"})
