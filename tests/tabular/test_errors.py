"""Every bad input gets a clear error naming the argument."""
import numpy as np
import pandas as pd
import pytest

from lime_tabular import LimeTabularExplainer, UnseenCategoryWarning

rng = np.random.default_rng(0)
X = rng.normal(size=(100, 3))
f = lambda Z: Z[:, 0]  # noqa: E731


def explain(explainer, row, **kwargs):
    return explainer.explain_instance(row, f, num_samples=50, **kwargs)


def test_data_row_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"'data_row' parameter of LimeTabularExplainer.explain_instance must be "
                                         r"one row of 3 values.*got shape \(4,\)"):
        explain(LimeTabularExplainer(X, mode="regression"), np.zeros(4))
    with pytest.raises(ValueError, match="data_row.*got shape"):
        explain(LimeTabularExplainer(X, mode="regression"), X[:2])


def test_data_row_of_the_wrong_dtype():
    with pytest.raises(TypeError, match="'data_row' parameter.*must be numeric"):
        explain(LimeTabularExplainer(X, mode="regression"), np.array(["a", "b", "c"]))
    frame = pd.DataFrame({"x": X[:, 0], "c": rng.choice(["u", "v"], 100)})
    with pytest.raises(TypeError, match="'data_row' parameter.*must hold numbers in continuous column 'x'"):
        LimeTabularExplainer(frame, mode="regression").explain_instance(
            pd.Series({"x": "oops", "c": "u"}), lambda d: d.x.to_numpy())


def test_data_row_missing_a_column_of_the_frame():
    frame = pd.DataFrame({"x": X[:, 0], "y": X[:, 1]})
    with pytest.raises(ValueError, match=r"'data_row'.*lacks columns \['y'\]"):
        LimeTabularExplainer(frame, mode="regression").explain_instance(pd.Series({"x": 1.0}), f)


def test_feature_names_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"'feature_names' parameter.*one name per column \(3\); got 2"):
        LimeTabularExplainer(X, feature_names=["a", "b"])


def test_categorical_index_out_of_range():
    with pytest.raises(ValueError, match=r"'categorical_features' parameter.*column 5, out of range for 3"):
        LimeTabularExplainer(X, categorical_features=[5])
    with pytest.raises(ValueError, match="'categorical_features'.*column 'nope'"):
        LimeTabularExplainer(X, categorical_features=["nope"])


def test_unseen_category_in_the_row_is_explained():
    data = np.column_stack([X[:, 0], rng.integers(0, 3, 100)])
    explainer = LimeTabularExplainer(data, mode="regression", categorical_features=[1], random_state=0)
    with pytest.warns(UnseenCategoryWarning, match="not any training value"):
        exp = explainer.explain_instance(np.array([0.1, 7.0]), f, num_samples=200)
    assert "1=7 (not any training value)" in [name for name, _ in exp.as_list()]


def test_constant_training_column_does_not_divide_by_zero():
    data = np.column_stack([X[:, :2], np.full(100, 4.0)])
    for discretize in (True, False):
        explainer = LimeTabularExplainer(data, mode="regression", discretize_continuous=discretize, random_state=0)
        with np.errstate(divide="raise", invalid="raise"):
            exp = explainer.explain_instance(data[0], lambda Z: Z[:, 2] + Z[:, 0], num_samples=200)
        assert all(np.isfinite(w) for _, w in exp.as_list())


def test_training_data_with_fewer_than_two_rows():
    with pytest.raises(ValueError, match="'training_data' parameter.*at least 2 rows; got 1"):
        LimeTabularExplainer(X[:1])
    with pytest.raises(ValueError, match="'training_data'.*2-D"):
        LimeTabularExplainer(X[:, 0])
    with pytest.raises(TypeError, match="'training_data'.*numeric.*DataFrame"):
        LimeTabularExplainer(np.array([["a", "b"], ["c", "d"]]))


def test_training_labels_missing_for_entropy():
    with pytest.raises(ValueError, match="'training_labels' parameter.*required with discretizer='entropy'"):
        LimeTabularExplainer(X, discretizer="entropy")
    with pytest.raises(ValueError, match="'training_labels'.*one label per training row"):
        LimeTabularExplainer(X, training_labels=[0, 1])


def test_unknown_discretizer():
    with pytest.raises(ValueError, match="'discretizer' parameter.*'quartile', 'decile', 'entropy' or a "
                                         "BaseDiscretizer instance; got 'median'"):
        LimeTabularExplainer(X, discretizer="median")


def test_incomplete_training_data_stats():
    with pytest.raises(ValueError, match=r"Missing keys in training_data_stats: \['feature_frequencies'"):
        LimeTabularExplainer(X, training_data_stats={"means": {}, "mins": {}, "maxs": {}, "stds": {},
                                                     "feature_values": {}})
    with pytest.raises(TypeError, match="'training_data_stats'.*dict"):
        LimeTabularExplainer(X, training_data_stats=[1, 2])


def test_infinite_values():
    bad = X.copy()
    bad[3, 1] = np.inf
    with pytest.raises(ValueError, match="'training_data'.*infinite.*row 3, column 1"):
        LimeTabularExplainer(bad)
    frame = pd.DataFrame(bad, columns=["a", "b", "c"])
    with pytest.raises(ValueError, match="'training_data'.*infinite.*column 'b'"):
        explain(LimeTabularExplainer(frame, mode="regression"), frame.iloc[0])
    with pytest.raises(ValueError, match="'data_row'.*must be finite.*'1'"):
        explain(LimeTabularExplainer(X, mode="regression"), np.array([0.0, -np.inf, 0.0]))


def test_bad_options():
    with pytest.raises(ValueError, match="'mode' parameter.*'classification', 'regression'"):
        LimeTabularExplainer(X, mode="ranking")
    with pytest.raises(ValueError, match="'feature_selection' parameter"):
        LimeTabularExplainer(X, feature_selection="best")
    with pytest.raises(TypeError, match="'kernel' parameter.*callable"):
        LimeTabularExplainer(X, kernel=3)
    explainer = LimeTabularExplainer(X, mode="regression")
    with pytest.raises(ValueError, match="'sampling_method' parameter.*'gaussian', 'lhs', 'sobol'; got 'halton'"):
        explain(explainer, X[0], sampling_method="halton")
    with pytest.raises(ValueError, match="num_samples"):
        explainer.explain_instance(X[0], f, num_samples=1)


def test_bad_feature_groups():
    with pytest.raises(ValueError, match="'feature_groups'.*column 1 is in both group 'a' and group 'b'"):
        LimeTabularExplainer(X, feature_groups={"a": [0, 1], "b": [1, 2]})
    with pytest.raises(ValueError, match="'feature_groups'.*non-empty list"):
        LimeTabularExplainer(X, feature_groups={"a": []})
    with pytest.raises(ValueError, match="'feature_groups'.*column 'zz'"):
        LimeTabularExplainer(X, feature_groups={"a": ["zz"]})


def test_discretizer_that_skips_a_continuous_column():
    from lime_tabular.discretize import QuartileDiscretizer
    explainer = LimeTabularExplainer(X, discretizer=QuartileDiscretizer(X, [2], ["0", "1", "2"]))
    with pytest.raises(ValueError, match=r"discretizer.*column\(s\) \[2\]"):
        explain(explainer, X[0])


def test_sparse_training_data_is_refused_with_the_fix():
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match=r"'training_data'.*sparse.*toarray\(\)"):
        LimeTabularExplainer(sparse.csr_matrix(X))
