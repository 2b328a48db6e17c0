"""DataFrames as users have them: string categoricals, NaN, a scikit-learn Pipeline."""
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from lime_tabular import LimeTabularExplainer, UnseenCategoryWarning

rng = np.random.default_rng(0)
N = 600


@pytest.fixture(scope="module")
def frame():
    df = pd.DataFrame({
        "age": rng.integers(18, 80, N),
        "income": np.where(rng.random(N) < 0.15, np.nan, rng.normal(50, 10, N)),
        "colour": pd.Series(rng.choice(["red", "green", "blue"], N), dtype=object),
        "city": pd.Series(np.where(rng.random(N) < 0.1, None, rng.choice(["Oslo", "Lima"], N)), dtype="str"),
        "size": pd.Categorical(rng.choice(["S", "M", "L"], N), categories=["S", "M", "L"]),
        "member": rng.random(N) < 0.5,
    })
    y = ((df.age > 50) ^ (df.colour == "red")).astype(int)
    numeric = make_pipeline(SimpleImputer(), StandardScaler())
    categorical = make_pipeline(SimpleImputer(strategy="constant", fill_value="none"),
                                OneHotEncoder(handle_unknown="ignore"))
    pre = ColumnTransformer([("num", numeric, ["age", "income"]),
                             ("cat", categorical, ["colour", "city", "size", "member"])])
    model = make_pipeline(pre, LogisticRegression(max_iter=1000)).fit(df, y)
    return df, model


def test_pipeline_receives_dataframes_with_the_same_columns_and_dtypes(frame):
    df, model = frame
    seen = []

    def predict_proba(batch):
        seen.append(batch)
        return model.predict_proba(batch)

    explainer = LimeTabularExplainer(df, class_names=["no", "yes"], random_state=0)
    exp = explainer.explain_instance(df.iloc[3], predict_proba, num_samples=1000, num_features=6)
    for batch in seen:
        assert isinstance(batch, pd.DataFrame)
        assert list(batch.columns) == list(df.columns)
        assert batch.dtypes.to_dict() == df.dtypes.to_dict()
    pd.testing.assert_frame_equal(seen[0].iloc[:1], df.iloc[[3]].reset_index(drop=True))
    names = [name for name, _ in exp.as_list()]
    assert f"colour={df.colour[3]}" in names
    assert f"member={df.member[3]}" in names
    assert any(name.endswith("age") or " age " in f" {name} " for name in names)
    np.testing.assert_allclose(exp.predict_proba, model.predict_proba(df.iloc[[3]])[0])


def test_categories_are_sampled_at_their_training_rates(frame):
    df, _ = frame
    rep = LimeTabularExplainer(df, random_state=0).representation(df.iloc[0])
    batch = rep.sample(6000, np.random.default_rng(1)).model_input(0, 6000)
    for column in ("colour", "size"):
        expected = df[column].value_counts(normalize=True)
        observed = batch[column].value_counts(normalize=True)
        np.testing.assert_allclose(observed[expected.index], expected, atol=0.03)
    assert batch.income.isna().mean() == pytest.approx(df.income.isna().mean(), abs=0.02)
    assert batch.city.isna().mean() == pytest.approx(df.city.isna().mean(), abs=0.02)
    assert set(batch.age.unique()) <= set(range(df.age.min(), df.age.max() + 1))


def test_missing_values_are_their_own_state(frame):
    df, model = frame
    row = df.iloc[np.flatnonzero(df.income.isna())[0]]
    exp = LimeTabularExplainer(df, random_state=0).explain_instance(row, model.predict_proba, num_samples=800,
                                                                    num_features=7)
    names = [name for name, _ in exp.as_list()]
    assert "income is missing" in names
    assert exp.extras["feature_values"][1] == "missing"
    undiscretized = LimeTabularExplainer(df, discretize_continuous=False, random_state=0)
    exp2 = undiscretized.explain_instance(row, model.predict_proba, num_samples=800, num_features=7)
    assert "income is missing" in [name for name, _ in exp2.as_list()]


def test_unseen_category_is_explained_not_crashed(frame):
    df, model = frame
    row = df.iloc[[5]].copy()
    row["colour"] = "purple"
    explainer = LimeTabularExplainer(df, random_state=0)
    with pytest.warns(UnseenCategoryWarning, match=r"never showed.*'colour'"):
        exp = explainer.explain_instance(row, model.predict_proba, num_samples=800, num_features=7)
    assert "colour=purple (not any training value)" in [name for name, _ in exp.as_list()]
    rep = explainer.representation(df.iloc[5])
    assert rep.feature_names[2] == f"colour={df.colour[5]}"


def test_unseen_category_of_a_categorical_column_reaches_the_model_as_itself(frame):
    df, model = frame
    row = df.iloc[[5]].copy()
    row["size"] = pd.Categorical(["XL"])  # not among the training frame's categories S, M, L
    batches = []

    def box(X):
        batches.append(X)
        return model.predict_proba(X)

    explainer = LimeTabularExplainer(df, random_state=0)
    with pytest.warns(UnseenCategoryWarning, match=r"never showed.*'size'"):
        exp = explainer.explain_instance(row, box, num_samples=400, num_features=7)
    assert "size=XL (not any training value)" in [name for name, _ in exp.as_list()]
    first = batches[0]["size"]
    assert first.iloc[0] == "XL"  # row 0 is the instance as given, not a missing value
    assert list(first.cat.categories) == ["S", "M", "L", "XL"]  # the training codes are unchanged
    assert first.iloc[1:].isin(["S", "M", "L"]).all()  # the unseen value is never sampled
    # without the unseen value, the model's frames keep the training categories
    explainer.explain_instance(df.iloc[5], box, num_samples=400, num_features=7)
    assert list(batches[-1]["size"].cat.categories) == ["S", "M", "L"]


def test_one_row_frame_and_series_give_the_same_explanation(frame):
    df, model = frame
    explainer = LimeTabularExplainer(df, random_state=0)
    a = explainer.explain_instance(df.iloc[7], model.predict_proba, num_samples=500)
    b = explainer.explain_instance(df.iloc[[7]], model.predict_proba, num_samples=500)
    assert a == b


def test_same_seed_same_frames_whatever_the_batch_size(frame):
    df, model = frame
    frames = {600: [], 37: []}
    pre, logistic = model[0], model[-1]

    def row_by_row(size):  # the pipeline's scores, each row's its own sum: the same whatever the batch
        def predict_proba(batch):  # (a BLAS product may round a row differently in batches of other sizes)
            frames[size].append(batch)
            features = pre.transform(batch)
            features = features.toarray() if hasattr(features, "toarray") else np.asarray(features)
            p = 1 / (1 + np.exp(-((features * logistic.coef_[0]).sum(axis=1) + logistic.intercept_[0])))
            return np.column_stack([1 - p, p])
        return predict_proba

    explainer = LimeTabularExplainer(df, random_state=2)
    a = explainer.explain_instance(df.iloc[9], row_by_row(600), num_samples=600, batch_size=600)
    b = explainer.explain_instance(df.iloc[9], row_by_row(37), num_samples=600, batch_size=37)
    assert len(frames[37]) > len(frames[600])
    pd.testing.assert_frame_equal(pd.concat(frames[600], ignore_index=True), pd.concat(frames[37], ignore_index=True))
    assert a == b


def test_numeric_column_named_as_categorical(frame):
    df, _ = frame
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rep = LimeTabularExplainer(df, categorical_features=["age"], random_state=0).representation(df.iloc[0])
    assert rep.feature_names[0] == f"age={df.age[0]}"


def test_integer_columns_stay_integers_inside_their_bins(frame):
    df, _ = frame
    explainer = LimeTabularExplainer(df, random_state=0)
    rep = explainer.representation(df.iloc[11])
    hood = rep.sample(3000, np.random.default_rng(0))
    batch = hood.model_input(0, 3000)
    assert batch.age.dtype == df.age.dtype
    bins = explainer.discretizer_.discretize(np.column_stack([batch.age.to_numpy(float)] + [np.zeros(3000)] * 5))
    row_bin = explainer.discretizer_.discretize(np.array([df.age[11], 0, 0, 0, 0, 0], dtype=float))[0]
    np.testing.assert_array_equal(bins[:, 0] == row_bin, hood.interpretable[:, 0] == 1)
