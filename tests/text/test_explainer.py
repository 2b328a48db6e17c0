"""LimeTextExplainer: known answers, lime's sampling and distances, regression, errors, determinism."""
import warnings

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics.pairwise import pairwise_distances

from lime_core import Explanation, ProbabilityWarning
from lime_text import DISTANCE_SCALE, IndexedString, LimeTextExplainer, TextRepresentation
from lime_text._representation import sample_removals, sobol_removals

FILLER = [f"{a}{b}" for a in ("ka", "lo", "mi", "nu", "pe", "ro", "su", "ti") for b in
          ("bar", "del", "fen", "gor", "hul", "jim", "kep", "lor", "mas", "nop")]
PLANTED = {"superb": 1.5, "moving": 1.2, "witty": 1.0, "awful": -1.5, "dull": -1.2, "clumsy": -1.0}


def counts_model(weights, *, proba=True):
    """A black box that reads only the words of ``weights`` (a logistic or linear bag of words)."""
    vectorizer = CountVectorizer(vocabulary=list(weights), token_pattern=r"\w+", lowercase=False)
    w = np.array(list(weights.values()))

    def predict(texts):
        score = vectorizer.transform(texts) @ w
        if not proba:
            return score
        p = 1.0 / (1.0 + np.exp(-score))
        return np.column_stack([1 - p, p])
    return predict


def planted_documents(num_docs, seed):
    rng = np.random.default_rng(seed)
    docs = []
    for _ in range(num_docs):
        words = list(rng.choice(FILLER, size=30))
        planted = rng.choice(list(PLANTED), size=int(rng.integers(1, 4)), replace=False)
        for word in planted:
            words.insert(int(rng.integers(0, len(words) + 1)), str(word))
        docs.append((" ".join(words) + ".", set(planted)))
    return docs


def test_planted_words_come_out_on_top():
    explainer = LimeTextExplainer(random_state=0)
    model = counts_model(PLANTED)
    found = total = 0
    for text, planted in planted_documents(50, seed=1):
        exp = explainer.explain_instance(text, model, num_features=len(planted), num_samples=1000)
        top = {word for word, _ in exp.as_list()}
        found += len(top & planted)
        total += len(planted)
    assert found / total >= 0.97


def test_linear_bag_of_words_weights_in_sign_and_order():
    weights = {"great": 2.0, "fun": 1.0, "slow": -0.5, "bad": -3.0, "plot": 0.25}
    text = "great fun but slow and bad plot, bad acting, the end"
    explainer = LimeTextExplainer(random_state=0, mode="regression")
    exp = explainer.explain_instance(text, counts_model(weights, proba=False), num_features=5,
                                     num_samples=3000)
    got = dict(exp.as_list())
    expected = {word: w * text.split(" ").count(word) + w * text.count(word + ",") for word, w in weights.items()}
    assert list(got) == sorted(expected, key=lambda word: -abs(expected[word]))
    for word, value in expected.items():
        assert np.sign(got[word]) == np.sign(value)
        assert got[word] == pytest.approx(value, rel=0.05)
    assert exp.predicted_value == pytest.approx(sum(expected.values()))


def test_single_score_model_in_classification_and_regression_modes():
    sentiment = counts_model({"love": 0.6, "hate": -0.6}, proba=False)

    def bounded(texts):
        return np.clip(sentiment(texts), -1, 1)
    text = "I love the music and hate the ending"
    with warnings.catch_warnings():  # [-s, s] is not a probability pair; the core may say so
        warnings.simplefilter("ignore", ProbabilityWarning)
        exp = LimeTextExplainer(random_state=0).explain_instance(text, bounded, labels=(0, 1),
                                                                 num_samples=500)
    weights = dict(exp.as_list(label=1))
    assert weights["love"] > 0.5 and weights["hate"] < -0.5
    assert dict(exp.as_list(label=0))["love"] < 0
    reg = LimeTextExplainer(random_state=0, mode="regression").explain_instance(text, bounded, num_samples=500)
    assert dict(reg.as_list())["love"] == pytest.approx(0.6, abs=0.05)
    assert reg.predicted_value == pytest.approx(0.0)


@pytest.mark.parametrize("removals", [sample_removals, sobol_removals])
def test_sampling_is_limes_distribution(removals):
    d, n = 4, 24000
    removed = removals(n, d, np.random.default_rng(0))
    sizes = np.bincount(removed.sum(axis=1), minlength=d + 1)
    assert sizes[0] == 0
    np.testing.assert_allclose(sizes[1:] / n, 1 / d, atol=0.015)  # k ~ U{1..d}
    pairs = removed[removed.sum(axis=1) == 2]
    codes = np.bincount(pairs @ (1 << np.arange(d)), minlength=16)
    np.testing.assert_allclose(codes[codes > 0] / len(pairs), 1 / 6, atol=0.02)  # uniform 2-subsets
    assert (codes > 0).sum() == 6


def test_sobol_documents_follow_the_seed_and_name_their_options():
    explainer = LimeTextExplainer(random_state=0)
    rep = explainer.representation("one two three four five six", sampling_method="sobol")
    z = rep.sample(500, np.random.default_rng(4)).interpretable
    np.testing.assert_array_equal(z, rep.sample(500, np.random.default_rng(4)).interpretable)
    assert not np.array_equal(z, rep.sample(500, np.random.default_rng(5)).interpretable)
    assert z[0].tolist() == [1] * 6 and (z[1:] == 0).any(axis=1).all()
    exp = LimeTextExplainer(mode="regression", random_state=0).explain_instance(
        "good fun film", lambda t: np.array([["fun" in x for x in t]], float).T, num_samples=256,
        sampling_method="sobol")
    assert exp.as_list()[0][0] == "fun"
    with pytest.raises(ValueError, match="'sampling_method' parameter.*'independent', 'sobol'; got 'gaussian'"):
        explainer.explain_instance("good fun film", lambda t: np.ones(len(t)), sampling_method="gaussian")
    wide = explainer.representation(" ".join(f"w{i}" for i in range(21201)), sampling_method="sobol")
    with pytest.raises(ValueError, match="at most 21201 random draws per sample.*needs 21202"):
        wide.sample(10, np.random.default_rng(0))


def test_distances_are_cosine_times_100_and_other_metrics():
    rep = TextRepresentation(IndexedString("one two three four five six"))
    hood = rep.sample(200, np.random.default_rng(0))
    z = hood.interpretable.astype(float)
    expected = pairwise_distances(z, z[:1], metric="cosine").ravel() * DISTANCE_SCALE
    np.testing.assert_allclose(hood.distances, expected, atol=1e-9)
    assert hood.distances[0] == 0.0
    euclid = TextRepresentation(rep.indexed_string, distance_metric="euclidean").distances(z)
    np.testing.assert_allclose(euclid, np.sqrt((1 - z).sum(axis=1)) * 100)


def test_same_seed_same_explanation_whatever_the_batch_size():
    model = counts_model(PLANTED)
    text, _ = planted_documents(1, seed=3)[0]
    explainer = LimeTextExplainer(random_state=5)
    runs = [explainer.explain_instance(text, model, num_samples=300, batch_size=size) for size in (1, 7, 300)]
    assert runs[0] == runs[1] == runs[2]
    assert explainer.explain_instance(text, model, num_samples=300) == runs[0]
    other = explainer.explain_instance(text, model, num_samples=300, random_state=6)
    assert other != runs[0]


def test_explanation_views_extras_and_json():
    text = "Not bad, not bad at all."
    model = counts_model({"bad": -1.0, "all": 0.5})
    exp = LimeTextExplainer(random_state=0).explain_instance(text, model, num_samples=300, num_features=2)
    assert exp.class_names == ["0", "1"]
    assert exp.as_list(positions=True)[0] == ("bad_4-13", pytest.approx(exp.as_list()[0][1]))
    assert exp.extras["modality"] == "text" and exp.extras["text"] == text
    assert exp.extras["spans"][1] == [[4, 7], [13, 16]]
    again = Explanation.from_json(exp.to_json())
    assert again == exp
    assert again.as_list(positions=True) == exp.as_list(positions=True)
    positional = LimeTextExplainer(random_state=0, bow=False).explain_instance(text, model, num_samples=300)
    assert positional.extras["spans"][3] == [[13, 16]]
    assert Explanation.from_json(positional.to_json()).as_list(positions=True) == positional.as_list(positions=True)


def test_bow_false_masks_and_char_level():
    seen = []

    def model(texts):
        seen.extend(texts)
        return np.column_stack([np.zeros(len(texts)), np.ones(len(texts))])
    explainer = LimeTextExplainer(random_state=0, bow=False, mask_string="<unk>")
    explainer.explain_instance("so so good", model, num_samples=20)
    assert seen[0] == "so so good" and all(len(t.split()) == 3 for t in seen)
    assert any("<unk> so good" == t for t in seen)
    char = LimeTextExplainer(random_state=0, char_level=True)
    exp = char.explain_instance("abcab", model, num_samples=20)
    assert char.representation("abcab").feature_names == ["a", "b", "c"] and exp.extras["spans"][2] == [[2, 3]]


def test_top_labels_and_kernel():
    model = counts_model(PLANTED)
    text, _ = planted_documents(1, seed=4)[0]
    explainer = LimeTextExplainer(random_state=0, kernel=lambda d, w: np.exp(-d / w), kernel_width=30)
    exp = explainer.explain_instance(text, model, top_labels=2, num_samples=300)
    assert sorted(exp.available_labels()) == [0, 1]
    assert exp.meta["kernel"]["name"] == "DistanceKernel"


def test_explainer_is_not_changed_and_pickles():
    import pickle
    explainer = LimeTextExplainer(random_state=0, tokenizer="treebank")
    before = dict(vars(explainer))
    explainer.explain_instance("a fine film", counts_model({"fine": 1.0}), num_samples=50)
    assert vars(explainer) == before
    assert vars(pickle.loads(pickle.dumps(explainer))) == before


def constant(texts):
    return np.full((len(texts), 2), 0.5)


@pytest.mark.parametrize("text, error, match", [
    ("", ValueError, "'text_instance' parameter of LimeTextExplainer.explain_instance is an empty string"),
    ("!!! ... ?", ValueError, r"has no tokens under split_expression='\\\\W\+'"),
    (42, TypeError, "'text_instance' parameter of LimeTextExplainer.explain_instance must be a str; got int"),
    (b"bytes", TypeError, "must be a str; got bytes. Decode bytes first"),
    (["a", "b"], TypeError, "must be a str; got list"),
])
def test_bad_text(text, error, match):
    with pytest.raises(error, match=match):
        LimeTextExplainer().explain_instance(text, constant)


def test_bad_settings_and_models():
    with pytest.raises(ValueError, match="has no tokens under tokenizer='regexp'"):
        LimeTextExplainer(tokenizer="regexp").explain_instance("?!", constant)
    with pytest.raises(ValueError, match=r"'mask_string' parameter of LimeTextExplainer \('UNKWORDZ'\) is a token"):
        LimeTextExplainer(bow=False).explain_instance("an UNKWORDZ here", constant)
    with pytest.raises(ValueError, match=r"\('x'\) is a token of the text"):
        LimeTextExplainer(bow=False, mask_string="x").representation("x marks the spot")
    LimeTextExplainer(mask_string="x").representation("x marks the spot")  # bow=True never masks
    with pytest.raises(ValueError, match="tokenizer='word' with char_level=True"):
        LimeTextExplainer(tokenizer="word", char_level=True).explain_instance("abc", constant)
    with pytest.raises(ValueError, match="classifier_fn returned 1 row for a batch of 55 inputs"):
        LimeTextExplainer().explain_instance("a b c", lambda texts: np.array([[0.2, 0.8]]), num_samples=50)
    with pytest.raises(ValueError, match="mode='regression' needs one output per row; classifier_fn returned 2"):
        LimeTextExplainer(mode="regression").explain_instance("a b c", constant, num_samples=50)
    with pytest.raises(ValueError, match="'distance_metric' parameter of LimeTextExplainer.explain_instance must"):
        LimeTextExplainer().explain_instance("a b c", constant, distance_metric="cosinus")
    with pytest.raises(TypeError, match="'distance_metric' parameter of .* must be a metric name or a callable"):
        LimeTextExplainer().explain_instance("a b c", constant, distance_metric=3)
    with pytest.raises(ValueError, match="'num_samples' parameter of LimeTextExplainer.explain_instance"):
        LimeTextExplainer().explain_instance("a b c", constant, num_samples=1)
    with pytest.raises(ValueError, match="'kernel_width' parameter of LimeTextExplainer.explain_instance"):
        LimeTextExplainer(kernel_width=-1).explain_instance("a b c", constant, num_samples=10)


def test_core_options_pass_through():
    model = counts_model({"fine": 1.0})
    exp = LimeTextExplainer(random_state=0).explain_instance("a fine film", model, num_samples=100,
                                                             holdout_samples=0, alpha=0.5)
    assert exp.meta["alpha"] == 0.5 and exp.meta["holdout_samples"] == 0
    with pytest.raises(TypeError, match="unexpected keyword argument 'nonsense'"):
        LimeTextExplainer().explain_instance("a fine film", model, num_samples=100, nonsense=1)


def test_progress_reports_every_batch():
    calls = []
    LimeTextExplainer(random_state=0).explain_instance("a fine film", counts_model({"fine": 1.0}),
                                                       num_samples=100, batch_size=40, holdout_samples=0,
                                                       progress=lambda done, total: calls.append((done, total)))
    assert calls == [(40, 100), (80, 100), (100, 100)]
