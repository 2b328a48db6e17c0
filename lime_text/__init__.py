"""lime_text: attribute a text model's decision to words (or characters).

Drop-in for ``lime.lime_text`` 0.2.0.1: :class:`LimeTextExplainer`,
:class:`IndexedString`, :class:`IndexedCharacters`, :class:`TextDomainMapper`,
with the same parameters, defaults and sampling. Beyond lime: nltk tokenizers
that need no downloaded data (``tokenizer='treebank' | 'regexp' | 'tweet' |
'word'``), regression and single-score models, character spans of every word
in ``Explanation.extras["spans"]``, perturbed texts built as array work in
batches (bounded memory for long documents), and a real corpus
(:func:`lime_text.datasets.load_movie_reviews`).
"""
from ._domain import TextDomainMapper
from ._explainer import DEFAULT_KERNEL_WIDTH, LimeTextExplainer
from ._indexed import IndexedCharacters, IndexedString, IndexedText
from ._perturb import TextAssembler
from ._representation import DISTANCE_SCALE, TextRepresentation
from ._tokenizers import REGEXP_PATTERN, TOKENIZERS

__all__ = [
    "DEFAULT_KERNEL_WIDTH", "DISTANCE_SCALE", "IndexedCharacters", "IndexedString", "IndexedText",
    "LimeTextExplainer", "REGEXP_PATTERN", "TOKENIZERS", "TextAssembler", "TextDomainMapper",
    "TextRepresentation",
]
