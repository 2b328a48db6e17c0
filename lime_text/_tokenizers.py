"""Tokenizers: from a text to the character spans of its tokens.

Every tokenizer here is reduced to one function, ``text -> [(start, end), ...]``:
the half-open character spans of the tokens, in order, non-overlapping. The
text between two tokens is kept as it is in every perturbed document, so a
document with all its tokens kept is the original string, character for
character.

Named tokenizers come from nltk and need no downloaded data (no punkt, no
corpora): nothing here ever calls ``nltk.download``.

- ``'treebank'``: :class:`nltk.tokenize.TreebankWordTokenizer` (Penn Treebank
  rules, its own ``span_tokenize``).
- ``'word'``: the tokens of ``nltk.word_tokenize(text, preserve_line=True)``,
  i.e. :class:`nltk.tokenize.NLTKWordTokenizer` with its ``span_tokenize``
  (no sentence splitting, which would need the punkt data).
- ``'regexp'``: :class:`nltk.tokenize.RegexpTokenizer` with
  :data:`REGEXP_PATTERN`: words with inner apostrophes or hyphens kept whole
  (``don't``, ``well-made``), punctuation left out.
- ``'tweet'``: :class:`nltk.tokenize.TweetTokenizer` (emoticons, hashtags,
  handles, URLs), its tokens aligned back to the text.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["TOKENIZERS", "REGEXP_PATTERN", "resolve_tokenizer", "align_tokens", "regex_split_spans"]

#: Token pattern of the ``'regexp'`` tokenizer: words, with inner apostrophes and hyphens.
REGEXP_PATTERN = r"\w+(?:['\u2019-]\w+)*"
#: Names accepted by the ``tokenizer`` parameter.
TOKENIZERS = ("treebank", "regexp", "tweet", "word")

Spans = list[tuple[int, int]]
SpanFn = Callable[[str], Spans]


def regex_split_spans(text: str, split_expression: str) -> Spans:
    """Spans of the tokens between matches of ``split_expression`` (lime's ``re.split``).

    A token is a non-empty run of text between two non-empty matches of the
    separator pattern, as in lime's ``IndexedString``. Capturing groups in the
    pattern are harmless here (lime duplicated their text).

    Parameters
    ----------
    text : str
    split_expression : str
        A regular expression matching the separators.

    Returns
    -------
    list of (int, int)

    Examples
    --------
    >>> regex_split_spans("Not bad, really.", r"\\W+")
    [(0, 3), (4, 7), (9, 15)]
    """
    spans, start = [], 0
    for match in re.finditer(split_expression, text):
        if match.end() == match.start():
            continue
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def align_tokens(text: str, tokens: Sequence[str], *, name: str = "tokenizer") -> Spans:
    """Find each token in ``text``, in order, and return its span.

    Each token is searched from the end of the previous one (as lime does for a
    callable ``split_expression``). Empty tokens are skipped.

    Raises
    ------
    ValueError
        When a token does not occur in the rest of the text (a tokenizer that
        rewrites the text, e.g. HTML entities or quotes).

    Examples
    --------
    >>> align_tokens("I can't", ["I", "ca", "n't"])
    [(0, 1), (2, 4), (4, 7)]
    """
    spans, pointer = [], 0
    for token in tokens:
        if not isinstance(token, str):
            raise TypeError(f"{name} must return a list of str tokens; got a {type(token).__name__} "
                            f"({token!r}).")
        if not token:
            continue
        start = text.find(token, pointer)
        if start < 0:
            raise ValueError(f"{name} produced the token {token!r}, which does not occur in the text "
                             f"after character {pointer}; tokens must be substrings of the text, in "
                             f"order. (TweetTokenizer rewrites HTML entities: apply html.unescape to "
                             f"the text first.)")
        spans.append((start, start + len(token)))
        pointer = start + len(token)
    return spans


def _check_spans(spans: Any, text: str, name: str) -> Spans:
    out, previous = [], 0
    for span in spans:
        start, end = int(span[0]), int(span[1])
        if end == start:
            continue
        if start < previous or end < start or end > len(text):
            raise ValueError(f"{name} returned the span ({start}, {end}), which is out of order, "
                             f"overlapping or outside the text of length {len(text)}.")
        out.append((start, end))
        previous = end
    return out


class _SpanTokenizer:
    """Spans from an object with ``span_tokenize`` (nltk) or ``tokenize``, or a callable."""

    def __init__(self, tokenizer: Any, name: str) -> None:
        self.tokenizer = tokenizer
        self.name = name

    def __call__(self, text: str) -> Spans:
        span_tokenize = getattr(self.tokenizer, "span_tokenize", None)
        if span_tokenize is not None:
            try:
                return _check_spans(span_tokenize(text), text, self.name)
            except NotImplementedError:  # nltk's TokenizerI default
                pass
        tokenize = getattr(self.tokenizer, "tokenize", None)
        tokens = tokenize(text) if tokenize is not None else self.tokenizer(text)
        if isinstance(tokens, str):
            raise TypeError(f"{self.name} must return a list of str tokens; got a str.")
        return align_tokens(text, list(tokens), name=self.name)


class _RegexSplit:
    """lime's default: tokens are what lies between matches of ``split_expression``."""

    def __init__(self, split_expression: str) -> None:
        self.split_expression = split_expression

    def __call__(self, text: str) -> Spans:
        return regex_split_spans(text, self.split_expression)


def _named(name: str) -> SpanFn:
    from nltk import tokenize as nltk_tokenize  # deferred: importing nltk takes a while

    if name == "treebank":
        return _SpanTokenizer(nltk_tokenize.TreebankWordTokenizer(), "the 'treebank' tokenizer")
    if name == "word":
        return _SpanTokenizer(nltk_tokenize.NLTKWordTokenizer(), "the 'word' tokenizer")
    if name == "regexp":
        return _SpanTokenizer(nltk_tokenize.RegexpTokenizer(REGEXP_PATTERN), "the 'regexp' tokenizer")
    return _SpanTokenizer(nltk_tokenize.TweetTokenizer(), "the 'tweet' tokenizer")


def resolve_tokenizer(tokenizer: Any = None, split_expression: Any = r"\W+", *,
                      caller: str = "IndexedString") -> SpanFn:
    """Turn the ``tokenizer`` / ``split_expression`` parameters into a span function.

    Parameters
    ----------
    tokenizer : {'treebank', 'regexp', 'tweet', 'word'}, callable, nltk tokenizer or None
        ``None`` uses ``split_expression``. A callable ``text -> list of str``
        (lime's contract for ``split_expression``); an object with
        ``span_tokenize`` (any nltk tokenizer) gives exact spans.
    split_expression : str or callable, default=r'\\W+'
        lime's parameter: a regular expression matching separators, or a
        callable ``text -> list of str``.
    caller : str
        For messages.

    Returns
    -------
    callable ``text -> list of (start, end)``

    Examples
    --------
    >>> resolve_tokenizer("treebank")("Don't panic.")
    [(0, 2), (2, 5), (6, 11), (11, 12)]
    >>> resolve_tokenizer(None, r"\\s+")("Don't panic.")
    [(0, 5), (6, 12)]
    """
    if tokenizer is None:
        if isinstance(split_expression, str):
            try:
                re.compile(split_expression)
            except re.error as exc:
                raise ValueError(f"The 'split_expression' parameter of {caller} must be a valid "
                                 f"regular expression; got {split_expression!r} ({exc}).") from exc
            return _RegexSplit(split_expression)
        if callable(split_expression):
            return _SpanTokenizer(split_expression, "split_expression")
        raise TypeError(f"The 'split_expression' parameter of {caller} must be a regular expression "
                        f"(str) or a callable text -> list of str; got "
                        f"{type(split_expression).__name__} ({split_expression!r}).")
    if split_expression != r"\W+":
        raise ValueError(f"{caller} got both tokenizer={tokenizer!r} and split_expression="
                         f"{split_expression!r}; pass only one of them.")
    if isinstance(tokenizer, str):
        if tokenizer not in TOKENIZERS:
            raise ValueError(f"The 'tokenizer' parameter of {caller} must be one of "
                             f"{', '.join(repr(t) for t in TOKENIZERS)}, a callable text -> list of "
                             f"str or an nltk tokenizer; got {tokenizer!r}.")
        return _named(tokenizer)
    if callable(tokenizer) or hasattr(tokenizer, "span_tokenize") or hasattr(tokenizer, "tokenize"):
        return _SpanTokenizer(tokenizer, "tokenizer")
    raise TypeError(f"The 'tokenizer' parameter of {caller} must be one of "
                    f"{', '.join(repr(t) for t in TOKENIZERS)}, a callable text -> list of str or "
                    f"an nltk tokenizer; got {type(tokenizer).__name__} ({tokenizer!r}).")
