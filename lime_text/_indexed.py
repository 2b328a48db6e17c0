"""A text cut into tokens, indexed by interpretable feature (lime's ``IndexedString``).

One implementation, :class:`IndexedText`, takes the token spans from an
injected tokenizer; :class:`IndexedString` (words, by ``split_expression`` or a
``tokenizer``) and :class:`IndexedCharacters` (every character) only choose
the tokenizer and lime's default mask string.

With ``bow=True`` a feature is a distinct token string: removing it removes
every occurrence. With ``bow=False`` a feature is one occurrence, and a removed
occurrence is replaced by ``mask_string``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from typing import Any

import numpy as np

from ._perturb import TextAssembler
from ._tokenizers import resolve_tokenizer

__all__ = ["IndexedText", "IndexedString", "IndexedCharacters", "DEFAULT_MASK_STRING",
           "DEFAULT_CHAR_MASK_STRING"]

#: lime's replacement of a removed word when ``bow=False``.
DEFAULT_MASK_STRING = "UNKWORDZ"
#: lime's replacement of a removed character when ``bow=False``.
DEFAULT_CHAR_MASK_STRING = chr(0)


def _check_text(raw_string: Any, caller: str) -> str:
    if not isinstance(raw_string, str):
        hint = " Decode bytes first, e.g. text.decode('utf-8')." if isinstance(raw_string, bytes) else ""
        raise TypeError(f"The 'raw_string' parameter of {caller} must be a str; got "
                        f"{type(raw_string).__name__}.{hint}")
    return str(raw_string)


def _check_mask_string(mask_string: Any, caller: str) -> None:
    if mask_string is not None and not isinstance(mask_string, str):
        raise TypeError(f"The 'mask_string' parameter of {caller} must be a str or None; got "
                        f"{type(mask_string).__name__} ({mask_string!r}).")


class IndexedText:
    """A text, its tokens (by character span) and its interpretable features.

    Parameters
    ----------
    raw_string : str
    spans : sequence of (int, int)
        Character spans ``[start, end)`` of the tokens, in order, not overlapping.
    bow : bool, default=True
        True: a feature is a distinct token (all its occurrences); False: a
        feature is one occurrence.
    mask_string : str, default='UNKWORDZ'
        Replaces a removed token when ``bow=False``.

    Attributes
    ----------
    as_list : list of str
        The pieces of the text: tokens and what lies between them (lime's name).
    string_start : ndarray of int
        Character offset of each piece.
    inverse_vocab : list of str
        The token of each feature.
    positions : list of list of int (bow) or ndarray of int
        Index in ``as_list`` of each feature's occurrences.
    token_spans : ndarray of shape (num_tokens, 2)
    token_feature : ndarray of shape (num_tokens,)
        The feature of each token occurrence.

    Examples
    --------
    >>> text = IndexedText("a b a", [(0, 1), (2, 3), (4, 5)])
    >>> text.num_words(), text.word(0), text.string_position(0).tolist()
    (2, 'a', [0, 4])
    >>> text.inverse_removing([0])
    ' b '
    """

    def __init__(self, raw_string: str, spans: Iterable[tuple[int, int]], bow: bool = True,
                 mask_string: str = DEFAULT_MASK_STRING) -> None:
        self.raw = raw_string
        self.bow = bool(bow)
        self.mask_string = mask_string
        pieces: list[str] = []
        token_pieces: list[int] = []
        token_spans: list[tuple[int, int]] = []
        pointer = 0
        for start, end in spans:
            if start > pointer:
                pieces.append(raw_string[pointer:start])
            token_pieces.append(len(pieces))
            token_spans.append((start, end))
            pieces.append(raw_string[start:end])
            pointer = end
        if pointer < len(raw_string):
            pieces.append(raw_string[pointer:])
        self.as_list = pieces
        lengths = np.fromiter((len(p) for p in pieces), dtype=np.int64, count=len(pieces))
        self.string_start = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        self.token_spans = np.asarray(token_spans, dtype=np.int64).reshape(-1, 2)
        tokens = [pieces[i] for i in token_pieces]
        if self.bow:
            vocab: dict[str, int] = {}
            feature = [vocab.setdefault(token, len(vocab)) for token in tokens]
            self.inverse_vocab = list(vocab)
            self.positions: Any = [[] for _ in self.inverse_vocab]
            for piece, f in zip(token_pieces, feature):
                self.positions[f].append(piece)
            self.token_feature = np.asarray(feature, dtype=np.int64)
        else:
            self.inverse_vocab = tokens
            self.positions = np.asarray(token_pieces, dtype=np.int64)
            self.token_feature = np.arange(len(tokens), dtype=np.int64)
        self._token_pieces = np.asarray(token_pieces, dtype=np.int64)

    # ------------------------------------------------------------------ lime's API
    def raw_string(self) -> str:
        """The original text."""
        return self.raw

    def num_words(self) -> int:
        """The number of interpretable features (distinct tokens, or occurrences if not ``bow``)."""
        return len(self.inverse_vocab)

    def word(self, id_: int) -> str:
        """The token of feature ``id_``."""
        return self.inverse_vocab[id_]

    def string_position(self, id_: int) -> np.ndarray:
        """Character offsets of the occurrences of feature ``id_``."""
        if self.bow:
            return self.string_start[self.positions[id_]]
        return self.string_start[[self.positions[id_]]]

    def inverse_removing(self, words_to_remove: Sequence[int] | np.ndarray) -> str:
        """The text with the features ``words_to_remove`` removed (masked if not ``bow``).

        Parameters
        ----------
        words_to_remove : sequence of int
            Feature ids.
        """
        ids = np.asarray(words_to_remove, dtype=np.int64).ravel()
        d = self.num_words()
        if ids.size and (ids.min() < -d or ids.max() >= d):
            raise IndexError(f"words_to_remove holds feature ids outside [0, {d}): {ids.tolist()}.")
        z = np.ones((1, d), dtype=np.int8)
        z[0, ids] = 0
        return self.assembler.build(z)[0]

    # ------------------------------------------------------------------ beyond lime
    @property
    def as_np(self) -> np.ndarray:
        """The pieces as a numpy array (lime's attribute; built on demand)."""
        return np.array(self.as_list)

    @cached_property
    def assembler(self) -> TextAssembler:
        """Builds perturbed texts from rows of ``z'`` (see :class:`TextAssembler`)."""
        feature_of_piece = np.full(len(self.as_list), -1, dtype=np.int64)
        feature_of_piece[self._token_pieces] = self.token_feature
        mask = None if self.bow else self.mask_string
        return TextAssembler(self.as_list, feature_of_piece, self.num_words(), mask)

    def spans(self, id_: int) -> list[list[int]]:
        """Character spans ``[start, end)`` of the occurrences of feature ``id_``.

        Examples
        --------
        >>> IndexedString("so so good").spans(0)
        [[0, 2], [3, 5]]
        """
        return self.token_spans[self.token_feature == id_].tolist()

    def feature_spans(self) -> dict[int, list[list[int]]]:
        """Every feature's character spans, ``{feature id: [[start, end), ...]}``."""
        order = np.argsort(self.token_feature, kind="stable")
        features = self.token_feature[order]
        bounds = np.searchsorted(features, np.arange(self.num_words() + 1))
        spans = self.token_spans[order].tolist()
        return {j: spans[bounds[j]:bounds[j + 1]] for j in range(self.num_words())}

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("assembler", None)  # rebuilt on demand
        return state


class IndexedString(IndexedText):
    """A text cut into words (lime's ``IndexedString``).

    Parameters
    ----------
    raw_string : str
    split_expression : str or callable, default=r'\\W+'
        A regular expression matching what separates words, or a callable
        ``text -> list of str`` returning the tokens (lime's contract).
    bow : bool, default=True
        True: a feature is a distinct word, removed everywhere at once.
        False: a feature is one position, replaced by ``mask_string``.
    mask_string : str, optional
        Replacement of a removed word when ``bow=False``; default ``'UNKWORDZ'``.
    tokenizer : {'treebank', 'regexp', 'tweet', 'word'}, callable or nltk tokenizer, optional
        Keyword-only, instead of ``split_expression`` (see :mod:`lime_text`).

    Examples
    --------
    >>> text = IndexedString("Not bad, not bad at all.")
    >>> text.num_words(), text.word(1), text.string_position(1).tolist()
    (5, 'bad', [4, 13])
    >>> text.inverse_removing([1])
    'Not , not  at all.'
    >>> IndexedString("Not bad at all.", bow=False).inverse_removing([1])
    'Not UNKWORDZ at all.'
    """

    def __init__(self, raw_string: str, split_expression: str | Callable[[str], list[str]] = r"\W+",
                 bow: bool = True, mask_string: str | None = None, *, tokenizer: Any = None) -> None:
        raw_string = _check_text(raw_string, "IndexedString")
        _check_mask_string(mask_string, "IndexedString")
        spans = resolve_tokenizer(tokenizer, split_expression, caller="IndexedString")(raw_string)
        self.split_expression = split_expression
        self.tokenizer = tokenizer
        super().__init__(raw_string, spans, bow, DEFAULT_MASK_STRING if mask_string is None else mask_string)


class IndexedCharacters(IndexedText):
    """A text cut into characters (lime's ``IndexedCharacters``).

    Parameters
    ----------
    raw_string : str
    bow : bool, default=True
        True: a feature is a distinct character; False: one position.
    mask_string : str, optional
        Replacement of a removed character when ``bow=False``; default ``chr(0)``.

    Examples
    --------
    >>> text = IndexedCharacters("abba")
    >>> text.num_words(), text.inverse_removing([1])
    (2, 'aa')
    >>> IndexedCharacters("abba", bow=False, mask_string="_").inverse_removing([1, 2])
    'a__a'
    """

    def __init__(self, raw_string: str, bow: bool = True, mask_string: str | None = None) -> None:
        raw_string = _check_text(raw_string, "IndexedCharacters")
        _check_mask_string(mask_string, "IndexedCharacters")
        spans = [(i, i + 1) for i in range(len(raw_string))]
        super().__init__(raw_string, spans, bow,
                         DEFAULT_CHAR_MASK_STRING if mask_string is None else mask_string)
