"""Known answers: black boxes whose relevant features we know."""
import numpy as np
from sklearn.tree import DecisionTreeClassifier

from lime_tabular import LimeTabularExplainer

def test_logistic_weights_match_coefficients_in_sign_and_order():
    rng = np.random.default_rng(0)  # each test its own generator: results do not depend on test order
    X = rng.normal(size=(500, 5))
    coef = np.array([0.25, -1.5, 2.0, -0.5, 1.0])

    def predict_proba(Z):
        p = 1 / (1 + np.exp(-(Z @ coef)))
        return np.column_stack([1 - p, p])

    explainer = LimeTabularExplainer(X, discretize_continuous=False, random_state=0)
    for i in range(5):
        exp = explainer.explain_instance(X[i], predict_proba, num_features=5, num_samples=2000)
        ids = [j for j, _ in exp.local_exp[1]]
        assert ids == list(np.argsort(-np.abs(coef)))
        weights = dict(exp.local_exp[1])
        assert all(np.sign(weights[j]) == np.sign(coef[j]) for j in range(5))
        # class 0 is the mirror image
        assert [j for j, _ in exp.local_exp[0]] == ids if 0 in exp.local_exp else True


def _ten_of_fifty():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(1000, 50))
    relevant = rng.choice(50, 10, replace=False)
    w = rng.uniform(1, 2, 10) * rng.choice([-1, 1], 10)
    return X, relevant, w


def _recall(explainer, X, model, relevant, **options):
    hits = 0
    for i in range(50):
        exp = explainer.explain_instance(X[i], model, num_features=10, num_samples=2000, random_state=i, **options)
        hits += {j for j, _ in exp.local_exp[1]} == set(relevant)
    return hits / 50


def test_model_reading_ten_of_fifty_features_gets_them_in_its_top_ten_continuous():
    X, relevant, w = _ten_of_fifty()
    explainer = LimeTabularExplainer(X, mode="regression", discretize_continuous=False, random_state=0)
    assert _recall(explainer, X, lambda Z: Z[:, relevant] @ w, relevant) >= 0.95


def test_model_reading_ten_of_fifty_features_gets_them_in_its_top_ten_discretized():
    # A model whose features act through thresholds (here at the median, a quartile
    # boundary). With a purely linear model a feature whose value lies in a middle quartile
    # moves the score little between bins: with lime's independent draws the noise of the 40
    # unread features then hides some of the ten on ~70% of rows (next test).
    X, relevant, w = _ten_of_fifty()
    explainer = LimeTabularExplainer(X, mode="regression", random_state=0)
    assert _recall(explainer, X, lambda Z: (Z[:, relevant] > 0) @ w, relevant) >= 0.95


def test_linear_model_reading_ten_of_fifty_features_gets_them_all_with_the_sobol_design():
    X, relevant, w = _ten_of_fifty()
    explainer = LimeTabularExplainer(X, mode="regression", random_state=0)
    model = lambda Z: 1 / (1 + np.exp(-(Z[:, relevant] @ w) / 3))  # noqa: E731
    assert _recall(explainer, X, model, relevant, sampling_method="sobol") >= 0.95
    assert _recall(explainer, X, model, relevant) <= 0.6  # lime's independent draws, same rows and seeds


def test_depth_three_tree_gets_its_split_features():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(1000, 8))
    y = ((X[:, 1] > 0) & (X[:, 4] < 0.5) | (X[:, 6] > 1)).astype(int)
    tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y)
    split = set(tree.tree_.feature[tree.tree_.feature >= 0].tolist())
    explainer = LimeTabularExplainer(X, random_state=0)
    only_splits = [{j for j, w in explainer.explain_instance(X[i], tree.predict_proba, num_features=len(split),
                                                             num_samples=2000, random_state=i).local_exp[1]
                    if abs(w) > 1e-3} <= split for i in range(40)]
    # about 1 row in 30 lets a non-split feature in at 2000 samples (0.965 over 200 rows)
    assert np.mean(only_splits) >= 0.95
