"""A crash-safe, append-only JSON Lines checkpoint for :func:`lime_core.batch.explain_many`.

File layout (one JSON document per line, UTF-8)::

    {"limelight_checkpoint": 1, "total": 3, "seed": 42, "fingerprint": {...}}
    {"row": 2, "type": "lime_core.explanation.Explanation", "explanation": {...}}
    {"row": 0, "type": "lime_core.explanation.Explanation", "explanation": {...}}

Rows appear in the order they finished. Guarantees:

- every row line is written by a single ``os.write`` on a file opened with
  ``O_APPEND`` and then ``fsync``-ed, so a process killed at any point (``SIGKILL``
  included) leaves every finished line intact; at worst the last line is torn;
- on reopening, a torn last line (no final newline, or not valid JSON) is cut off
  with ``ftruncate`` and its row is explained again;
- a row already in the file is never written again, and an exclusive
  ``flock`` keeps two processes from appending to one checkpoint at once;
- the header carries a fingerprint of the arguments: a rerun with different
  instances, explainer, black box, options or seed is refused instead of mixing
  two jobs in one file.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

try:  # POSIX only; elsewhere the checkpoint works without the inter-process lock.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["Checkpoint", "CheckpointMismatchError", "fingerprint"]

#: Format version written in the header line.
FORMAT_VERSION = 1
_HEADER_KEY = "limelight_checkpoint"
#: Every checkpoint starts with these bytes (the header's first key), torn or not.
_MAGIC = f'{{"{_HEADER_KEY}": {FORMAT_VERSION}'.encode()


class CheckpointMismatchError(ValueError):
    """The checkpoint file was written by a job with different arguments."""


def _feed(h: Any, value: Any) -> None:
    """Feed a canonical byte form of ``value`` into the hash ``h``."""
    if value is None or isinstance(value, (bool, int, float, complex, str)):
        h.update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        h.update(f"bytes:{len(data)}:".encode())
        h.update(data)
    elif isinstance(value, np.ndarray):
        h.update(f"ndarray:{value.dtype.str}:{value.shape}:".encode())
        if value.dtype.hasobject:
            for item in value.ravel():
                _feed(h, item)
        else:
            h.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, np.generic):
        h.update(f"{value.dtype.str}:".encode())
        _feed(h, value.item())
    elif isinstance(value, (list, tuple)):
        h.update(f"{type(value).__name__}:{len(value)}[".encode())
        for item in value:
            _feed(h, item)
        h.update(b"]")
    elif isinstance(value, Mapping):
        h.update(f"map:{len(value)}{{".encode())
        for key in sorted(value, key=repr):
            _feed(h, key)
            _feed(h, value[key])
        h.update(b"}")
    elif hasattr(value, "to_numpy") and hasattr(value, "index"):  # pandas Series / DataFrame
        h.update(f"{type(value).__name__}:".encode())
        _feed(h, [str(c) for c in getattr(value, "columns", [getattr(value, "name", None)])])
        _feed(h, value.to_numpy())
    else:
        try:
            data = pickle.dumps(value, protocol=4)
        except Exception:  # unpicklable (a lambda, a live connection): fall back to its name
            data = f"{type(value).__module__}.{type(value).__qualname__}:" \
                   f"{getattr(value, '__qualname__', '')}".encode()
        h.update(f"obj:{len(data)}:".encode())
        h.update(data)


def fingerprint(value: Any) -> str:
    """A SHA-256 hex digest of ``value`` that is stable across processes.

    Arrays are hashed by dtype, shape and bytes, containers element by element,
    other objects by their pickle (or, when they cannot be pickled, their name).

    Examples
    --------
    >>> fingerprint([1, np.arange(3)]) == fingerprint([1, np.arange(3)])
    True
    >>> fingerprint(np.arange(3)) == fingerprint(np.arange(3.0))
    False
    """
    h = hashlib.sha256()
    _feed(h, value)
    return h.hexdigest()


class Checkpoint:
    """An append-only JSON Lines file of finished rows; see the module docstring.

    Parameters
    ----------
    path : str or os.PathLike
        The file; created when missing.
    header : dict
        ``{"total": int, "fingerprint": dict, "seed": int or None}``. When the file
        exists, its header's ``total`` and ``fingerprint`` must match.
    caller : str, default='explain_many'
        Used in error messages.

    Examples
    --------
    >>> import tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "ck.jsonl")
    >>> with Checkpoint(path, {"total": 2, "fingerprint": {"a": "1"}, "seed": 7}) as ck:
    ...     ck.append([(1, '"explanation": {"x": 1}')])
    >>> with Checkpoint(path, {"total": 2, "fingerprint": {"a": "1"}, "seed": None}) as ck:
    ...     sorted(ck.done), ck.seed
    ([1], 7)
    """

    def __init__(self, path: str | os.PathLike[str], header: dict[str, Any], *,
                 caller: str = "explain_many") -> None:
        self.path = os.fspath(path)
        self.header = header
        self.caller = caller
        self.done: dict[int, dict[str, Any]] = {}
        self.seed = header.get("seed")
        self._fd: int | None = None

    # ------------------------------------------------------------------ opening
    def __enter__(self) -> Checkpoint:
        self.open()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def open(self) -> dict[int, dict[str, Any]]:
        """Open (or create) the file, lock it, repair a torn tail; return the finished rows.

        Returns
        -------
        dict of int to dict
            Row index to the JSON object stored for it (``{"row", "explanation"}``).
        """
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    raise RuntimeError(f"{self.caller}: the checkpoint {self.path!r} is in use by another "
                                       f"running job; wait for it or choose another path.") from None
            self._fd = fd
            self._read()
        except BaseException:
            os.close(fd)
            self._fd = None
            raise
        return self.done

    def _read(self) -> None:
        """Read the file line by line (never whole: it may hold millions of rows)."""
        good_end, header = 0, None
        with open(self.path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                complete = line.endswith(b"\n")
                try:
                    record = json.loads(line) if complete else None
                except ValueError:
                    record = None
                if record is None:
                    if number == 1 and not _MAGIC.startswith(line[:len(_MAGIC)]):
                        self._refuse_foreign()
                    if handle.read(1):  # a broken line before the end is not a torn write
                        raise ValueError(f"{self.caller}: line {number} of the checkpoint {self.path!r} is "
                                         f"damaged; delete the file to start over.")
                    break  # the torn (or half-flushed) last line: cut off below and redone
                if number == 1:
                    header = record
                    self._check_header(record)
                else:
                    try:
                        row = int(record["row"])
                        record["explanation"]
                    except (KeyError, TypeError, ValueError):
                        raise ValueError(f"{self.caller}: line {number} of the checkpoint {self.path!r} is "
                                         f"damaged; delete the file to start over.") from None
                    self.done.setdefault(row, record)
                good_end += len(line)
        if os.fstat(self._fd).st_size > good_end:  # type: ignore[arg-type]
            os.ftruncate(self._fd, good_end)  # type: ignore[arg-type]
        if header is None:
            self._write([json.dumps({_HEADER_KEY: FORMAT_VERSION, **self.header})])

    def _refuse_foreign(self) -> None:
        raise ValueError(f"{self.caller}: {self.path!r} is not an explain_many checkpoint "
                         f"(format {FORMAT_VERSION}); choose another path.")

    def _check_header(self, header: Any) -> None:
        if not isinstance(header, dict) or header.get(_HEADER_KEY) != FORMAT_VERSION:
            self._refuse_foreign()
        want = self.header
        differ = [key for key in sorted(want["fingerprint"])
                  if header.get("fingerprint", {}).get(key) != want["fingerprint"][key]]
        if header.get("total") != want["total"]:
            differ.insert(0, f"number of instances ({header.get('total')} then, {want['total']} now)")
        if differ:
            raise CheckpointMismatchError(
                f"{self.caller}: the checkpoint {self.path!r} was written with different arguments "
                f"(differing: {', '.join(differ)}); rerun with the same arguments to resume, or pass "
                f"another checkpoint path (or delete the file) to start over.")
        self.seed = header.get("seed")

    # ------------------------------------------------------------------ writing
    def _write(self, lines: Iterable[str]) -> None:
        for line in lines:
            payload = (line + "\n").encode("utf-8")
            while payload:  # one write for a regular file; loop only on a short write
                written = os.write(self._fd, payload)  # type: ignore[arg-type]
                payload = payload[written:]
        os.fsync(self._fd)  # type: ignore[arg-type]

    def append(self, rows: Iterable[tuple[int, str]]) -> None:
        """Append finished rows ``(row, fields)``; rows already stored are ignored.

        ``fields`` is the rest of the line's JSON object after its ``"row"`` key,
        such as ``'"explanation": {...}'``.
        """
        lines = []
        for row, fields in rows:
            if row in self.done:
                continue
            self.done[row] = {"row": row}
            lines.append(f'{{"row": {int(row)}, {fields}}}')
        if lines:
            self._write(lines)

    def close(self) -> None:
        """Release the lock and close the file."""
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None
