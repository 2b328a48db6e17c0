"""Feature ids to words, or to words with their positions (lime's ``TextDomainMapper``)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from lime_core import DomainMapper

from ._indexed import IndexedCharacters, IndexedText

__all__ = ["TextDomainMapper"]


class TextDomainMapper(DomainMapper):
    """Map feature ids of a text explanation to words (or ``word_start1-start2``).

    Parameters
    ----------
    indexed_string : IndexedString or IndexedCharacters
        The explained text.

    Examples
    --------
    >>> from lime_text import IndexedString
    >>> mapper = TextDomainMapper(IndexedString("so so good"))
    >>> mapper.map_exp_ids([(1, 0.5), (0, -0.1)])
    [('good', 0.5), ('so', -0.1)]
    >>> mapper.map_exp_ids([(0, -0.1)], positions=True)
    [('so_0-3', -0.1)]
    >>> DomainMapper.from_dict(mapper.to_dict()) == mapper
    True
    """

    kind: ClassVar[str] = "text"

    def __init__(self, indexed_string: IndexedText) -> None:
        self.indexed_string = indexed_string

    def feature_name(self, feature_id: int) -> str:
        """The word (or character) behind feature ``feature_id``."""
        return self.indexed_string.word(feature_id)

    def map_exp_ids(self, exp: Sequence[tuple[int, float]], positions: bool = False,
                    **kwargs: Any) -> list[tuple[Any, float]]:
        """``[(word, weight), ...]``, or ``[('word_3-17', weight), ...]`` with ``positions=True``.

        Parameters
        ----------
        exp : list of (int, float)
        positions : bool, default=False
            Append the character offsets of the word's occurrences, joined by '-'.
        """
        text = self.indexed_string
        if positions:
            return [(f"{text.word(i)}_{'-'.join(map(str, text.string_position(i).tolist()))}", w)
                    for i, w in exp]
        return [(text.word(i), w) for i, w in exp]

    def to_dict(self) -> dict[str, Any]:
        """The indexed text as JSON-ready data, with ``kind``."""
        text = self.indexed_string
        return {"kind": self.kind, "text": text.raw, "token_spans": text.token_spans.tolist(),
                "bow": text.bow, "mask_string": text.mask_string,
                "char_level": isinstance(text, IndexedCharacters)}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> TextDomainMapper:
        if state.get("char_level"):
            return cls(IndexedCharacters(state["text"], state["bow"], state["mask_string"]))
        spans = [tuple(span) for span in state["token_spans"]]
        return cls(IndexedText(state["text"], spans, state["bow"], state["mask_string"]))
