"""LimeTabularExplainer and RecurrentTabularExplainer: lime semantics, datasets, reproducibility."""
import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from lime_core import Explanation, ProbabilityWarning
from lime_tabular import LimeTabularExplainer, RecurrentTabularExplainer, TableDomainMapper
from lime_tabular.discretize import QuartileDiscretizer

rng = np.random.default_rng(0)


@pytest.fixture(scope="module")
def cancer():
    data = load_breast_cancer()
    model = RandomForestClassifier(n_estimators=30, random_state=0).fit(data.data, data.target)
    return data, model


def test_breast_cancer_names_bins_and_predict_proba(cancer):
    data, model = cancer
    explainer = LimeTabularExplainer(data.data, feature_names=list(data.feature_names),
                                     class_names=list(data.target_names), random_state=0)
    exp = explainer.explain_instance(data.data[0], model.predict_proba, num_samples=1500)
    assert list(exp.local_exp) == [1]
    assert len(exp.as_list()) == 10
    np.testing.assert_allclose(exp.predict_proba, model.predict_proba(data.data[:1])[0])
    names = [name for name, _ in exp.as_list()]
    discretizer = explainer.discretizer_
    for j, _ in exp.local_exp[1]:
        row_bin = int(discretizer.discretize(data.data[0])[j])
        assert discretizer.names[j][row_bin] in names
    assert exp.extras["modality"] == "tabular"
    assert exp.extras["feature_values"][0] == f"{data.data[0, 0]:.2f}"
    assert exp.class_names == list(data.target_names)
    assert isinstance(exp.domain_mapper, TableDomainMapper)


def test_bin_names_match_the_original_lime(cancer):
    lime_tabular = pytest.importorskip("lime.lime_tabular")
    data, model = cancer
    ours = LimeTabularExplainer(data.data, feature_names=list(data.feature_names), random_state=0)
    theirs = lime_tabular.LimeTabularExplainer(data.data, feature_names=list(data.feature_names), random_state=0)
    assert ours.discretizer_.names == theirs.discretizer.names
    a = ours.explain_instance(data.data[3], model.predict_proba, num_samples=4000, num_features=5)
    b = theirs.explain_instance(data.data[3], model.predict_proba, num_samples=4000, num_features=5)
    # the strongest feature agrees; its weight within 50% of lime's
    assert a.as_list()[0][0] == b.as_list()[0][0]
    assert a.as_list()[0][1] == pytest.approx(b.as_list()[0][1], rel=0.5)


def test_wine_multiclass_explains_every_class_by_default():
    X, y = load_wine(return_X_y=True)
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    explainer = LimeTabularExplainer(X, random_state=0)
    exp = explainer.explain_instance(X[60], model.predict_proba, num_samples=1000, num_features=4)
    assert sorted(exp.local_exp) == [0, 1, 2]
    assert exp.class_names == ["0", "1", "2"]
    only_one = explainer.explain_instance(X[60], model.predict_proba, labels=(1,), num_samples=1000)
    assert list(only_one.local_exp) == [1]
    top = explainer.explain_instance(X[60], model.predict_proba, top_labels=1, num_samples=1000)
    assert top.top_labels == [int(np.argmax(model.predict_proba(X[60:61])))]
    assert exp.local_exp[1] == explainer.explain_instance(X[60], model.predict_proba, labels=(0, 1, 2),
                                                          num_samples=1000, num_features=4).local_exp[1]


def test_iris_with_class_names_and_binary_default_label():
    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(max_iter=1000).fit(X, y)
    explainer = LimeTabularExplainer(X, class_names=["setosa", "versicolor", "virginica"],
                                     feature_names=["sl", "sw", "pl", "pw"], discretizer="decile", random_state=1)
    exp = explainer.explain_instance(X[100], model.predict_proba, num_samples=1000, num_features=2)
    assert sorted(exp.local_exp) == [0, 1, 2]
    assert any(name.split()[0] in ("pl", "pw") or "pl" in name or "pw" in name for name, _ in exp.as_list(2))
    binary = (y == 2).astype(int)
    model2 = LogisticRegression(max_iter=1000).fit(X, binary)
    exp2 = LimeTabularExplainer(X, random_state=0).explain_instance(X[100], model2.predict_proba, num_samples=800)
    assert list(exp2.local_exp) == [1]
    # a binary black box the explainer cannot inspect: class 1 only, as lime (labels='auto' in the core)
    exp3 = LimeTabularExplainer(X, random_state=0).explain_instance(X[100], lambda Z: model2.predict_proba(Z),
                                                                    num_samples=800)
    assert exp3.local_exp == exp2.local_exp
    assert all(list(getattr(exp3, name)) == [1] for name in ("intercept", "score", "local_pred", "std_err"))


def test_diabetes_regression_values():
    X, y = load_diabetes(return_X_y=True)
    model = RandomForestRegressor(n_estimators=20, random_state=0).fit(X, y)
    explainer = LimeTabularExplainer(X, mode="regression", training_labels=y, discretizer="entropy",
                                     random_state=0)
    exp = explainer.explain_instance(X[5], model.predict, num_samples=1500)
    assert exp.predicted_value == pytest.approx(model.predict(X[5:6])[0])
    assert exp.min_value <= exp.predicted_value <= exp.max_value
    assert exp.local_exp[0] == [(j, -w) for j, w in exp.local_exp[1]]
    assert exp.as_list(label=0) == exp.as_list(label=1)  # lime: the label is ignored in regression


def test_decision_function_and_single_probability_column():
    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    svm = LinearSVC(C=0.1, max_iter=5000).fit(X, y)
    explainer = LimeTabularExplainer(X, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProbabilityWarning)  # scores [-s, s] are not probabilities
        exp = explainer.explain_instance(X[0], svm.decision_function, num_samples=1000, num_features=3)
    score = svm.decision_function(X[:1])[0]
    np.testing.assert_allclose(exp.predict_proba, [-score, score])
    assert list(exp.local_exp) == [1]
    logistic = LogisticRegression(max_iter=2000).fit(X, y)
    single = explainer.explain_instance(X[0], lambda Z: logistic.predict_proba(Z)[:, 1], num_samples=1000)
    both = explainer.explain_instance(X[0], logistic.predict_proba, num_samples=1000)
    assert [j for j, _ in single.local_exp[1]] == [j for j, _ in both.local_exp[1]]
    np.testing.assert_allclose([w for _, w in single.local_exp[1]], [w for _, w in both.local_exp[1]], atol=1e-9)


@pytest.mark.parametrize("batch_size", [1, 7, 333, 5000])
def test_same_seed_identical_whatever_the_batch_size(cancer, batch_size):
    data, model = cancer
    explainer = LimeTabularExplainer(data.data, random_state=3)
    reference = explainer.explain_instance(data.data[1], model.predict_proba, num_samples=700)
    other = explainer.explain_instance(data.data[1], model.predict_proba, num_samples=700, batch_size=batch_size)
    assert other == reference
    assert other.local_exp == reference.local_exp


def test_random_state_per_call_and_int_seed_repeats(cancer):
    data, model = cancer
    explainer = LimeTabularExplainer(data.data, random_state=0)
    a = explainer.explain_instance(data.data[2], model.predict_proba, num_samples=500)
    b = explainer.explain_instance(data.data[2], model.predict_proba, num_samples=500)
    c = explainer.explain_instance(data.data[2], model.predict_proba, num_samples=500, random_state=1)
    d = explainer.explain_instance(data.data[2], model.predict_proba, num_samples=500, random_state=1)
    assert a == b and c == d and a != c
    gen = LimeTabularExplainer(data.data, random_state=np.random.default_rng(0))
    e1 = gen.explain_instance(data.data[2], model.predict_proba, num_samples=500)
    e2 = gen.explain_instance(data.data[2], model.predict_proba, num_samples=500)
    assert e1 != e2  # a Generator is consumed, like lime's RandomState


def test_pickle_round_trip_gives_same_explanations(cancer):
    data, model = cancer
    explainer = LimeTabularExplainer(data.data, random_state=0, discretizer="decile")
    fresh = pickle.loads(pickle.dumps(explainer))  # before the tables are fitted
    reference = explainer.explain_instance(data.data[4], model.predict_proba, num_samples=500)
    fitted = pickle.loads(pickle.dumps(explainer))  # after
    assert fresh.explain_instance(data.data[4], model.predict_proba, num_samples=500) == reference
    assert fitted.explain_instance(data.data[4], model.predict_proba, num_samples=500) == reference
    assert Explanation.from_json(reference.to_json()) == reference


def test_explainer_does_not_change_while_explaining(cancer):
    data, model = cancer
    explainer = LimeTabularExplainer(data.data, random_state=0)
    explainer.explain_instance(data.data[0], model.predict_proba, num_samples=300)
    before = pickle.dumps(explainer)
    explainer.explain_instance(data.data[1], model.predict_proba, num_samples=300)
    assert pickle.dumps(explainer) == before
    assert explainer.class_names is None and explainer.discretizer == "quartile"


def test_undiscretized_weights_in_original_units():
    X = rng.normal(size=(600, 3)) * np.array([1.0, 10.0, 100.0]) + np.array([0.0, 5.0, -50.0])
    explainer = LimeTabularExplainer(X, mode="regression", discretize_continuous=False, random_state=0,
                                     feature_selection="none")
    exp = explainer.explain_instance(X[0], lambda Z: Z @ np.array([1.0, 0.2, 0.01]), num_samples=1000,
                                     alpha=1e-9)  # no ridge shrinkage: exact weights
    per_std = dict(exp.local_exp[1])
    per_unit = dict(exp.extras["coef_original_units"][1])
    np.testing.assert_allclose([per_unit[j] for j in range(3)], [1.0, 0.2, 0.01], rtol=1e-3)
    np.testing.assert_allclose([per_std[j] for j in range(3)], np.array([1.0, 0.2, 0.01]) * X.std(0), rtol=1e-3)


def test_sample_around_instance_and_lhs():
    X = rng.normal(size=(300, 4))
    f = lambda Z: Z @ np.array([1.0, -1.0, 0.5, 0.0])  # noqa: E731
    for around in (False, True):
        explainer = LimeTabularExplainer(X, mode="regression", discretize_continuous=False,
                                         sample_around_instance=around, random_state=0)
        rep = explainer.representation(X[0] + 5)
        hood = rep.sample(2000, np.random.default_rng(0))
        center = hood.model_input(0, 2000)[1:].mean(axis=0)
        np.testing.assert_allclose(center, (X[0] + 5) if around else X.mean(0), atol=0.15)
        exp = explainer.explain_instance(X[0], f, sampling_method="lhs", num_samples=500)
        assert exp == explainer.explain_instance(X[0], f, sampling_method="lhs", num_samples=500)
        assert exp != explainer.explain_instance(X[0], f, sampling_method="lhs", num_samples=500, random_state=9)


def test_latin_hypercube_strata():
    from lime_tabular import latin_hypercube
    u = latin_hypercube(np.random.default_rng(0), 50, 3)
    assert sorted(np.floor(u[:, 1] * 50).astype(int).tolist()) == list(range(50))


def test_sobol_design_keeps_lime_sampling_distribution():
    # each row is still drawn from the training bin frequencies, uniformly within (the table of) the bin
    X = rng.exponential(size=(1000, 3))
    explainer = LimeTabularExplainer(X, random_state=0)
    rep = explainer.representation(X[0], sampling_method="sobol")
    hood = rep.sample(8192, np.random.default_rng(1))
    rows = hood.model_input(1, 8192)
    bins = explainer.discretizer_.discretize(rows)
    for c in range(3):
        shares = np.bincount(bins[:, c].astype(int), minlength=4) / len(rows)
        np.testing.assert_allclose(shares, 0.25, atol=0.002)  # iid rows: +-0.005 would be 1 sd
    np.testing.assert_array_equal(hood.model_input(0, 1)[0], X[0])
    again = rep.sample(8192, np.random.default_rng(1)).model_input(1, 8192)
    np.testing.assert_array_equal(rows, again)
    assert not np.array_equal(rows, rep.sample(8192, np.random.default_rng(2)).model_input(1, 8192))


def test_sobol_design_draws_undiscretized_columns_from_their_normal():
    X = np.column_stack([rng.normal(3.0, 2.0, size=500), rng.integers(0, 3, size=500)])
    explainer = LimeTabularExplainer(X, categorical_features=[1], discretize_continuous=False, random_state=0)
    rows = explainer.representation(X[0], sampling_method="sobol").sample(4096, np.random.default_rng(0))
    values = rows.model_input(1, 4096)
    np.testing.assert_allclose([values[:, 0].mean(), values[:, 0].std()], [X[:, 0].mean(), X[:, 0].std()],
                               rtol=0.01)  # independent draws: +-1.5% and +-1.1% would be 1 sd
    np.testing.assert_allclose(np.bincount(values[:, 1].astype(int), minlength=3) / 4095,
                               np.bincount(X[:, 1].astype(int), minlength=3) / 500, atol=0.003)


def test_sobol_design_scatters_the_weights_less_across_seeds():
    X = rng.normal(size=(1000, 8))
    coef = np.array([2.0, -1.5, 1.0, 0.8, -0.6, 0.4, 0.2, 0.0])
    model = lambda Z: np.sin(Z @ coef / 2)  # noqa: E731 - non-linear: the surrogate misfits
    explainer = LimeTabularExplainer(X, mode="regression", random_state=0)

    def weights(method, seed):
        exp = explainer.explain_instance(X[3], model, num_features=8, num_samples=1024, holdout_samples=0,
                                         sampling_method=method, random_state=seed)
        return np.array([w for _, w in sorted(exp.local_exp[1])])

    spread = {m: np.std([weights(m, s) for s in range(12)], axis=0).mean() for m in ("gaussian", "sobol")}
    assert spread["sobol"] < 0.75 * spread["gaussian"], spread
    mean = {m: np.mean([weights(m, s) for s in range(12)], axis=0) for m in ("gaussian", "sobol")}
    np.testing.assert_allclose(mean["sobol"], mean["gaussian"], atol=4 * spread["gaussian"] / np.sqrt(12))


def test_training_data_stats_replace_the_training_data():
    X = rng.normal(size=(400, 2))
    reference = LimeTabularExplainer(X, random_state=0)
    disc = reference.discretizer_
    stats = {"means": disc.means, "stds": disc.stds, "mins": disc.mins, "maxs": disc.maxs,
             "bins": {f: disc.boundaries[f].tolist() for f in (0, 1)},
             "feature_values": {0: [0, 1, 2, 3], 1: [0, 1, 2, 3]},
             "feature_frequencies": {0: [0.7, 0.1, 0.1, 0.1], 1: [0.25, 0.25, 0.25, 0.25]}}
    explainer = LimeTabularExplainer(X[:2], training_data_stats=stats, random_state=0)
    rep = explainer.representation(X[0])
    hood = rep.sample(4000, np.random.default_rng(0))
    bins = disc.discretize(hood.model_input(0, 4000)[1:])
    assert np.mean(bins[:, 0] == 0) == pytest.approx(0.7, abs=0.03)
    assert explainer.discretizer_.names == disc.names


def test_custom_kernel_distance_metric_and_discretizer_instance():
    X = rng.normal(size=(300, 3))
    f = lambda Z: Z[:, 0]  # noqa: E731
    explainer = LimeTabularExplainer(X, mode="regression", kernel=lambda d, w: np.exp(-d / w), kernel_width=2.0,
                                     discretizer=QuartileDiscretizer(X, [], ["0", "1", "2"]), random_state=0)
    exp = explainer.explain_instance(X[0], f, num_samples=400, distance_metric="manhattan")
    assert exp.meta["kernel"]["name"] == "DistanceKernel"
    assert exp.as_list()[0][0].split()[0 if exp.as_list()[0][0].startswith("0 ") else -3] in ("0",) or \
        " 0 " in f" {exp.as_list()[0][0]} "


def test_constant_column_and_categorical_columns():
    X = np.column_stack([np.full(200, 2.0), rng.normal(size=200), rng.integers(0, 3, 200)])
    explainer = LimeTabularExplainer(X, mode="regression", categorical_features=[2], random_state=0,
                                     categorical_names={2: ["low", "mid", "high"]}, feature_names=["k", "x", "c"])
    with np.errstate(divide="raise", invalid="raise"):
        exp = explainer.explain_instance(X[0], lambda Z: Z[:, 1] + 2 * (Z[:, 2] == 1), num_samples=500)
    names = [name for name, _ in exp.as_list()]
    assert f"c={['low', 'mid', 'high'][int(X[0, 2])]}" in names
    assert all(np.isfinite(w) for _, w in exp.as_list())


def test_feature_groups_perturb_a_one_hot_block_as_one_feature():
    colour = rng.integers(0, 3, 500)
    X = np.column_stack([rng.normal(size=500), np.eye(3)[colour]])
    names = ["x", "colour_red", "colour_green", "colour_blue"]
    explainer = LimeTabularExplainer(X, mode="regression", feature_names=names, random_state=0,
                                     feature_groups={"colour": ["colour_red", "colour_green", "colour_blue"]})
    rep = explainer.representation(X[0])
    assert len(rep.feature_names) == 2
    batch = rep.sample(300, np.random.default_rng(0)).model_input(0, 300)
    assert (batch[:, 1:].sum(axis=1) == 1).all()  # still one-hot
    exp = explainer.explain_instance(X[0], lambda Z: 3 * Z[:, 2], num_samples=800)
    assert f"colour={names[1 + colour[0]]}" in [name for name, _ in exp.as_list()]
    assert exp.as_list()[0][0].startswith("colour=")


def test_recurrent_explainer_reshapes_for_the_model():
    X = rng.normal(size=(100, 4, 2))
    seen = []

    def model(batch):
        seen.append(batch.shape)
        return batch[:, -1, 1] * 2

    explainer = RecurrentTabularExplainer(X, mode="regression", feature_names=["p", "q"], random_state=0)
    exp = explainer.explain_instance(X[0], model, num_samples=300)
    assert seen[0][1:] == (4, 2)
    assert "q_t-0" in exp.as_list()[0][0]
    assert exp.predicted_value == pytest.approx(2 * X[0, -1, 1])
    with pytest.raises(ValueError, match="must have shape"):
        explainer.explain_instance(X[0].T, model)
    with pytest.raises(ValueError, match="must be 3-D"):
        RecurrentTabularExplainer(X[:, 0])


def test_progress_and_explain_options(cancer):
    data, model = cancer
    calls = []
    explainer = LimeTabularExplainer(data.data, random_state=0)
    exp = explainer.explain_instance(data.data[0], model.predict_proba, num_samples=600, batch_size=250,
                                     progress=lambda done, total: calls.append((done, total)),
                                     holdout_samples=0)
    assert calls[-1] == (600, 600)
    assert exp.meta["holdout_samples"] == 0


def test_samples_fall_in_the_bins_their_interpretable_row_says():
    X = np.column_stack([rng.normal(size=300), rng.exponential(size=300), rng.integers(0, 4, 300)])
    explainer = LimeTabularExplainer(X, categorical_features=[2], random_state=0)
    rep = explainer.representation(X[7])
    hood = rep.sample(3000, np.random.default_rng(0))
    batch = hood.model_input(0, 3000)
    same = explainer.discretizer_.discretize(batch) == explainer.discretizer_.discretize(X[7])
    np.testing.assert_array_equal(same.astype(float), hood.interpretable)
    np.testing.assert_allclose(hood.distances, np.sqrt((1 - hood.interpretable).sum(axis=1)))
    np.testing.assert_array_equal(batch[0], X[7])


def test_to_model_input_keeps_present_features_and_changes_absent_ones():
    X = np.column_stack([rng.normal(size=300), rng.integers(0, 4, 300)])
    explainer = LimeTabularExplainer(X, categorical_features=[1], random_state=0)
    rep = explainer.representation(X[0])
    z = np.array([[1.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.0, 0.0]] * 50)
    batch = rep.to_model_input(z, np.random.default_rng(0))
    keep = z == 1
    np.testing.assert_array_equal(batch[keep[:, 0], 0], X[0, 0])
    np.testing.assert_array_equal(batch[keep[:, 1], 1], X[0, 1])
    bins = explainer.discretizer_.discretize(batch)
    assert (bins[~keep[:, 0], 0] != explainer.discretizer_.discretize(X[0])[0]).all()
    assert (batch[~keep[:, 1], 1] != X[0, 1]).all()


def test_default_batch_holds_about_two_million_values(cancer):
    data, model = cancer
    explainer = LimeTabularExplainer(data.data, random_state=0)
    exp = explainer.explain_instance(data.data[0], model.predict_proba, num_samples=3000, holdout_samples=0)
    assert exp.cost["black_box_calls"] == 1  # 30 columns: all 3000 rows in one call
    wide = LimeTabularExplainer(rng.normal(size=(50, 1000)), mode="regression", random_state=0)
    exp = wide.explain_instance(np.zeros(1000), lambda Z: Z[:, 0], num_samples=2500, holdout_samples=0)
    assert exp.cost["black_box_calls"] == 2  # 1000 columns: 2097 rows per call


def test_kernel_width_auto_with_default_and_user_kernel():
    X = rng.normal(size=(300, 4))
    f = lambda Z: Z[:, 0] - Z[:, 2]  # noqa: E731
    for kernel in (None, lambda d, w: np.exp(-(d ** 2) / w ** 2)):
        explainer = LimeTabularExplainer(X, mode="regression", kernel_width="auto", kernel=kernel, random_state=0)
        exp = explainer.explain_instance(X[0], f, num_samples=600)
        assert isinstance(exp.meta["kernel"].get("kernel_width"), float)


@pytest.mark.parametrize("sampling_method", ["gaussian", "lhs", "sobol"])
def test_hold_out_rows_leave_the_fit_unchanged(cancer, sampling_method):
    # independent rows are nested: the hold-out rows are drawn with the neighbourhood, after its rows
    data, model = cancer
    explainer = LimeTabularExplainer(data.data, random_state=5)
    rep = explainer.representation(data.data[2], sampling_method=sampling_method)
    assert rep.nested_samples is (sampling_method == "gaussian")
    with_rows = explainer.explain_instance(data.data[2], model.predict_proba, num_samples=800,
                                           sampling_method=sampling_method)
    without = explainer.explain_instance(data.data[2], model.predict_proba, num_samples=800,
                                         sampling_method=sampling_method, holdout_samples=0)
    assert with_rows.local_exp == without.local_exp and with_rows.score == without.score
    assert with_rows.fidelity[1]["holdout_samples"] == 80 and with_rows.cost["total_black_box_rows"] == 880
