"""IndexedString / IndexedCharacters: lime's known answers, spans, array-built perturbations."""
import pickle

import numpy as np
import pytest

import lime_text._perturb as perturb
from lime_text import IndexedCharacters, IndexedString, TextAssembler

TEXTS = ["Not bad, not bad at all.", "  leading!! and trailing  ", "Héllo wörld — ça va? 日本語 テキスト",
         "a", "don't stop-believing; it's 5.5$", "lone \ud800 surrogate"]


def test_lime_known_answers():
    text = IndexedString("Not bad, not bad at all.")
    assert text.as_list == ["Not", " ", "bad", ", ", "not", " ", "bad", " ", "at", " ", "all", "."]
    assert text.inverse_vocab == ["Not", "bad", "not", "at", "all"]
    assert text.string_position(1).tolist() == [4, 13]
    assert text.inverse_removing([1, 3]) == "Not , not   all."
    positional = IndexedString("Not bad, not bad at all.", bow=False)
    assert positional.num_words() == 6
    assert positional.string_position(3).tolist() == [13]
    assert positional.inverse_removing([3]) == "Not bad, not UNKWORDZ at all."
    assert IndexedString("a b", bow=False, mask_string="").inverse_removing([0]) == " b"


def test_characters_known_answers():
    text = IndexedCharacters("abba")
    assert text.inverse_vocab == ["a", "b"] and text.string_position(0).tolist() == [0, 3]
    assert text.inverse_removing([0]) == "bb"
    assert IndexedCharacters("abba", bow=False).inverse_removing([1]) == "a\x00ba"


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("bow", [True, False])
def test_all_ones_is_the_text_and_spans_point_at_words(text, bow):
    for indexed in (IndexedString(text, bow=bow), IndexedCharacters(text, bow=bow)):
        d = indexed.num_words()
        assert indexed.assembler.build(np.ones((1, d), dtype=np.int8)) == [text]
        assert indexed.inverse_removing([]) == text
        for j, spans in indexed.feature_spans().items():
            assert spans == indexed.spans(j)
            assert all(text[s:e] == indexed.word(j) for s, e in spans)
            assert [s for s, _ in spans] == indexed.string_position(j).tolist()


@pytest.mark.parametrize("text", TEXTS[:5])
@pytest.mark.parametrize("bow", [True, False])
def test_matches_original_lime(text, bow):
    lime_text = pytest.importorskip("lime.lime_text")
    rng = np.random.default_rng(0)
    pairs = [(lime_text.IndexedString(text, bow=bow), IndexedString(text, bow=bow)),
             (lime_text.IndexedCharacters(text, bow=bow), IndexedCharacters(text, bow=bow))]
    for theirs, ours in pairs:
        assert theirs.inverse_vocab == ours.inverse_vocab
        for j in range(ours.num_words()):
            np.testing.assert_array_equal(theirs.string_position(j), ours.string_position(j))
        for _ in range(10):
            ids = rng.choice(ours.num_words(), rng.integers(1, ours.num_words() + 1), replace=False)
            assert theirs.inverse_removing(ids) == ours.inverse_removing(ids)
    callable_split = str.split
    assert (lime_text.IndexedString(text, split_expression=callable_split).as_list
            == IndexedString(text, split_expression=callable_split).as_list)


def naive_removing(text, removed):
    """A plain-Python reference: blank (or mask) the pieces of the removed features."""
    pieces = list(text.as_list)
    for j in removed:
        for i in np.atleast_1d(text.positions[j]):
            pieces[i] = "" if text.bow else text.mask_string
    return "".join(pieces)


@pytest.mark.parametrize("path", ["compiled", "numpy"])
@pytest.mark.parametrize("make", [
    lambda: IndexedString("the cat sat on the mat, the end", bow=False, mask_string="<M>"),
    lambda: IndexedString("the cat sat on the mat, the end"),
    lambda: IndexedString("I \U0001F600 love\r\n\tthis \U0001F3AC film \U0001F600!", split_expression=r"\s+"),
    lambda: IndexedCharacters("na\u00efve caf\u00e9 \U0001F600", bow=False),
    # pieces longer than the compiled pass's 16-byte copies: words, a mask, the text between
    lambda: IndexedString("antidisestablishmentarianism -------------------- supercalifragilistic end",
                          bow=False, mask_string="<a mask longer than sixteen bytes>", split_expression=r"[ ]+"),
])
def test_batch_build_equals_plain_python_and_chunking(monkeypatch, make, path):
    if path == "numpy":
        monkeypatch.setattr(perturb, "_compiled", None)
    elif perturb._compiled is None:
        pytest.skip("lime_text._compiled is not built (no C compiler at install)")
    text = make()
    z = np.random.default_rng(1).integers(0, 2, size=(50, text.num_words()))
    expected = [naive_removing(text, np.flatnonzero(row == 0)) for row in z]
    assert text.assembler.build(z) == expected
    monkeypatch.setattr(perturb, "MAX_MASK_BYTES", 40)  # a few rows per chunk
    assert text.assembler.build(z) == expected


def test_compiled_pass_refuses_pieces_outside_its_buffers():
    if perturb._compiled is None:
        pytest.skip("lime_text._compiled is not built (no C compiler at install)")
    gates = np.ones((2, 2), dtype=np.uint8)
    one = np.array([0], dtype=np.int64)
    with pytest.raises(ValueError, match="piece 0 lies outside"):
        perturb._compiled.gather_pieces(gates, one, np.array([5], dtype=np.int64), one + 3, b"abc" + bytes(16),
                                        bytearray(64), np.empty(2, dtype=np.int64))
    with pytest.raises(ValueError, match="out is too small"):
        perturb._compiled.gather_pieces(gates, one, one * 0, one + 3, b"abc" + bytes(16), bytearray(8),
                                        np.empty(2, dtype=np.int64))


def test_the_compiled_passes_are_built_in_ci():
    # the install builds them with the machine's C compiler; a silent fallback would only be slower
    import os

    if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        pytest.skip("only required where CI=true")
    assert perturb._compiled is not None, "lime_text._compiled was not built"


def test_pickles_without_the_assembler():
    text = IndexedString("good good movie")
    text.inverse_removing([0])
    again = pickle.loads(pickle.dumps(text))
    assert again.inverse_removing([0]) == "  movie"


def test_bad_inputs():
    with pytest.raises(TypeError, match="'raw_string' parameter of IndexedString must be a str; got bytes"):
        IndexedString(b"abc")
    with pytest.raises(TypeError, match="'raw_string' parameter of IndexedCharacters must be a str; got int"):
        IndexedCharacters(3)
    with pytest.raises(TypeError, match="'mask_string' parameter of IndexedString must be a str or None"):
        IndexedString("a b", bow=False, mask_string=0)
    with pytest.raises(IndexError, match=r"outside \[0, 2\)"):
        IndexedString("a b").inverse_removing([2])
    with pytest.raises(ValueError, match=r"z' must have shape \(m, 2\)"):
        TextAssembler(["a", " ", "b"], np.array([0, -1, 1]), 2).build(np.ones((1, 3)))
    with pytest.raises(ValueError, match="'split_expression' parameter of IndexedString must be a valid regular"):
        IndexedString("a b", split_expression="(")
    with pytest.raises(TypeError, match="'split_expression' parameter of IndexedString must be a regular"):
        IndexedString("a b", split_expression=5)
