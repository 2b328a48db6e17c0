"""Named nltk tokenizers (no downloaded data), callables, nltk objects: exact spans."""
import nltk
import numpy as np
import pytest
from nltk.tokenize import RegexpTokenizer, TreebankWordTokenizer, word_tokenize

from lime_text import REGEXP_PATTERN, TOKENIZERS, IndexedString, LimeTextExplainer

TEXT = 'He said "don\'t go" -- it\'s 5.5$ (really)!  @bob #great :-) well-made'


@pytest.fixture(autouse=True)
def no_downloads(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("nltk.download must never be called")
    monkeypatch.setattr(nltk, "download", refuse)
    monkeypatch.setattr(nltk.data, "find", refuse)


@pytest.mark.parametrize("name", TOKENIZERS)
def test_named_tokenizers_give_exact_spans(name):
    text = IndexedString(TEXT, tokenizer=name)
    assert text.num_words() > 5
    assert text.assembler.build(np.ones((1, text.num_words()), dtype=np.int8)) == [TEXT]
    for j, spans in text.feature_spans().items():
        assert all(TEXT[s:e] == text.word(j) for s, e in spans)


def test_treebank_word_and_regexp_tokens():
    assert IndexedString("Don't panic.", tokenizer="treebank").inverse_vocab == ["Do", "n't", "panic", "."]
    plain = "I can't believe it's not butter, really."  # no quotes: word_tokenize keeps every token as is
    assert (IndexedString(plain, tokenizer="word").inverse_vocab
            == list(dict.fromkeys(word_tokenize(plain, preserve_line=True))))
    assert IndexedString(TEXT, tokenizer="regexp").inverse_vocab == \
        list(dict.fromkeys(RegexpTokenizer(REGEXP_PATTERN).tokenize(TEXT)))
    assert "well-made" in IndexedString(TEXT, tokenizer="regexp").inverse_vocab
    tweet = IndexedString(TEXT, tokenizer="tweet").inverse_vocab
    assert {"@bob", "#great", ":-)"} <= set(tweet)


def test_callables_and_nltk_objects():
    by_object = IndexedString(TEXT, tokenizer=TreebankWordTokenizer())
    assert by_object.inverse_vocab == IndexedString(TEXT, tokenizer="treebank").inverse_vocab
    by_callable = IndexedString("a  b c", tokenizer=str.split)
    assert by_callable.inverse_vocab == ["a", "b", "c"]
    assert by_callable.inverse_removing([1]) == "a   c"


def test_tokenizer_errors():
    with pytest.raises(ValueError, match="'tokenizer' parameter of IndexedString must be one of 'treebank'"):
        IndexedString("a b", tokenizer="spacy")
    with pytest.raises(TypeError, match="'tokenizer' parameter of IndexedString must be one of"):
        IndexedString("a b", tokenizer=5)
    with pytest.raises(ValueError, match="pass only one of them"):
        IndexedString("a b", split_expression=r"\s+", tokenizer="word")
    with pytest.raises(ValueError, match="produced the token 'x', which does not occur in the text"):
        IndexedString("a b", tokenizer=lambda s: ["a", "x"])
    with pytest.raises(TypeError, match="must return a list of str tokens; got a str"):
        IndexedString("a b", tokenizer=lambda s: s)
    with pytest.raises(ValueError, match="'tweet' tokenizer produced the token '<3'.*html.unescape"):
        IndexedString("I &lt;3 it", tokenizer="tweet")
    explainer = LimeTextExplainer(tokenizer="nope")
    with pytest.raises(ValueError, match="'tokenizer' parameter of LimeTextExplainer must be one of"):
        explainer.explain_instance("a b", lambda texts: np.ones((len(texts), 2)) / 2)
