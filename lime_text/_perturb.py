"""``h(z')``: perturbed documents built as array work.

The text is cut once into pieces: tokens and the text between them. Each piece
is gated by one column of a boolean "gate" matrix built from ``z'``:

- a token of feature ``j`` is kept where ``z'_j = 1``;
- with a mask string (``bow=False``) a copy of the mask follows each token and
  is kept where ``z'_j = 0``;
- the text between tokens is always kept.

The pieces' UTF-8 bytes are laid end to end once; a batch of documents is one
pass over the pieces that copies the kept ones (compiled: ``lime_text._compiled``),
one decode, and a slice per document at offsets computed by a matrix product. When
the package was built without a C compiler the same bytes come from NumPy: one
boolean gather of the gate matrix over the bytes and one boolean selection, in
chunks so that the byte mask never exceeds :data:`MAX_MASK_BYTES`, whatever the
document's length. No Python loop runs over tokens.
"""
from __future__ import annotations

import codecs
from collections.abc import Sequence

import numpy as np

try:
    from . import _compiled
except ImportError:  # built without a C compiler: the NumPy path builds the same documents
    _compiled = None

__all__ = ["TextAssembler", "MAX_MASK_BYTES"]

#: Upper bound on the (rows x bytes) mask built at once: bounds memory for long documents.
MAX_MASK_BYTES = 1 << 23
_ENCODING = "utf-8"
_ERRORS = "surrogatepass"  # lone surrogates in the text survive the round trip
#: Bytes the compiled pass may read or write past a piece (it copies short pieces whole).
_PAD = 16


class TextAssembler:
    """Build documents from rows of ``z'`` over a text cut into pieces.

    Parameters
    ----------
    pieces : sequence of str
        The text, cut into consecutive pieces (their concatenation is the text).
    feature_of_piece : ndarray of shape (len(pieces),)
        The feature id gating each piece, or -1 for pieces always kept.
    num_features : int
        ``d'``, the number of columns of ``z'``.
    mask_string : str, optional
        When given, a removed token is replaced by it instead of deleted.

    Examples
    --------
    >>> assembler = TextAssembler(["good", " ", "movie", "!"], np.array([0, -1, 1, -1]), 2)
    >>> assembler.build(np.array([[1, 1], [1, 0], [0, 1]]))
    ['good movie!', 'good !', ' movie!']
    >>> TextAssembler(["a", " ", "b"], np.array([0, -1, 1]), 2, "X").build(np.array([[0, 1]]))
    ['X b']
    """

    def __init__(self, pieces: Sequence[str], feature_of_piece: np.ndarray, num_features: int,
                 mask_string: str | None = None) -> None:
        feature_of_piece = np.asarray(feature_of_piece, dtype=np.int64)
        d = int(num_features)
        masked = mask_string is not None
        # gate columns: [keep feature 0..d-1 | removed feature 0..d-1 (masking only) | always]
        self.num_features = d
        self.masked = masked
        self.always = 2 * d if masked else d
        gated_pieces: list[str] = []
        columns: list[int] = []
        for piece, feature in zip(pieces, feature_of_piece.tolist()):
            if feature < 0:
                gated_pieces.append(piece)
                columns.append(self.always)
                continue
            gated_pieces.append(piece)
            columns.append(feature)
            if masked and mask_string:
                gated_pieces.append(mask_string)
                columns.append(d + feature)
        encoded = [piece.encode(_ENCODING, _ERRORS) for piece in gated_pieces]
        column_array = np.asarray(columns, dtype=np.int64)
        byte_lengths = np.fromiter((len(e) for e in encoded), dtype=np.intp, count=len(encoded))
        joined = b"".join(encoded)
        self.source = np.frombuffer(joined, dtype=np.uint8)
        self.padded_source = joined + bytes(_PAD)
        self.piece_column = column_array.astype(np.intp)
        self.piece_bytes = byte_lengths
        self.piece_start = np.concatenate(([0], np.cumsum(byte_lengths)[:-1])).astype(np.int64)
        char_lengths = np.fromiter((len(p) for p in gated_pieces), dtype=np.int64, count=len(gated_pieces))
        self.column_chars = np.bincount(column_array, weights=char_lengths,
                                        minlength=self.always + 1).astype(np.int64)
        self.column_bytes = np.bincount(column_array, weights=byte_lengths,
                                        minlength=self.always + 1).astype(np.int64)

    def _gates(self, z: np.ndarray) -> np.ndarray:
        keep = np.asarray(z) != 0
        gates = np.ones((keep.shape[0], self.always + 1), dtype=bool)
        gates[:, :self.num_features] = keep
        if self.masked:
            np.logical_not(keep, out=gates[:, self.num_features:2 * self.num_features])
        return gates

    def build(self, z: np.ndarray) -> list[str]:
        """The documents for rows of ``z'``.

        Parameters
        ----------
        z : ndarray of shape (m, num_features)
            1 (or True) keeps a feature's tokens; 0 removes (or masks) them.

        Returns
        -------
        list of str, length m
        """
        z = np.asarray(z)
        if z.ndim != 2 or z.shape[1] != self.num_features:
            raise ValueError(f"z' must have shape (m, {self.num_features}); got shape {z.shape}.")
        gates = self._gates(z)
        kept = gates.astype(np.int64)
        lengths = kept @ self.column_chars
        if _compiled is not None:
            return self._build_compiled(gates, lengths, int((kept @ self.column_bytes).sum()))
        num_bytes = max(1, self.source.shape[0])
        chunk = max(1, MAX_MASK_BYTES // num_bytes)
        documents: list[str] = []
        for start in range(0, gates.shape[0], chunk):
            stop = min(start + chunk, gates.shape[0])
            mask = np.repeat(gates[start:stop][:, self.piece_column], self.piece_bytes, axis=1)
            kept = np.broadcast_to(self.source, mask.shape)[mask]
            text = kept.tobytes().decode(_ENCODING, _ERRORS)
            offsets = np.concatenate(([0], np.cumsum(lengths[start:stop]))).tolist()
            documents.extend([text[offsets[i]:offsets[i + 1]] for i in range(stop - start)])
        return documents

    def _build_compiled(self, gates: np.ndarray, lengths: np.ndarray, kept_bytes: int) -> list[str]:
        """:meth:`build` in one compiled pass over the pieces (the same documents)."""
        out = bytearray(kept_bytes + _PAD)
        row_bytes = np.empty(gates.shape[0], dtype=np.int64)
        written = _compiled.gather_pieces(gates.view(np.uint8), self.piece_column.astype(np.int64, copy=False),
                                          self.piece_start, self.piece_bytes.astype(np.int64, copy=False),
                                          self.padded_source, out, row_bytes)
        text = codecs.decode(memoryview(out)[:written], _ENCODING, _ERRORS)
        offsets = np.concatenate(([0], np.cumsum(lengths))).tolist()
        return [text[offsets[i]:offsets[i + 1]] for i in range(gates.shape[0])]
