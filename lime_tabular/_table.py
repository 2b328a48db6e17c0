"""Tables as users have them (numpy arrays, pandas DataFrames) <-> one numeric matrix.

Inside the plugin every table is a float matrix: continuous columns hold their
values, categorical columns hold codes into the column's training categories,
and NaN marks a missing value in both. :class:`TableCodec` remembers how to
turn such a matrix back into what the black box takes: a float array for array
input, a DataFrame with the user's columns and dtypes for DataFrame input.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["TableCodec", "is_dataframe", "UNSEEN"]

#: Code of a category the training data never showed (only ever in the explained row).
UNSEEN = -2.0


def is_dataframe(value: Any) -> bool:
    """True for a pandas DataFrame (without importing pandas)."""
    return type(value).__name__ == "DataFrame" and hasattr(value, "iloc") and hasattr(value, "columns")


def _is_series(value: Any) -> bool:
    return type(value).__name__ == "Series" and hasattr(value, "iloc") and hasattr(value, "index")


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """Distinct values, sorted when they can be (mixed types keep first-seen order)."""
    import pandas as pd

    unique = pd.unique(values)
    try:
        return np.asarray(sorted(unique), dtype=object if unique.dtype == object else None)
    except TypeError:
        return np.asarray(unique, dtype=object)


def _is_missing(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype.kind in "biuSU":
        return np.zeros(values.shape, dtype=bool)
    import pandas as pd
    return np.asarray(pd.isna(values), dtype=bool)


@dataclass
class TableCodec:
    """How the columns of the training table are encoded, and how to decode them.

    Attributes
    ----------
    columns : list
        Column labels (DataFrame input) or positions (array input).
    feature_names : list of str
    categorical : ndarray of bool, shape (p,)
    categories : dict of int to ndarray
        Per categorical column, its training values; code ``k`` means ``categories[c][k]``.
    dtypes : list or None
        The DataFrame's dtypes (None for array input).
    integer : ndarray of bool, shape (p,)
        Continuous columns whose values must stay integers.
    """

    columns: list
    feature_names: list[str]
    categorical: np.ndarray
    categories: dict[int, np.ndarray]
    dtypes: list | None
    integer: np.ndarray
    index_name: Any = None
    _object_categories: dict[int, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def is_frame(self) -> bool:
        return self.dtypes is not None

    @property
    def num_columns(self) -> int:
        return len(self.columns)

    # ------------------------------------------------------------------ building
    @classmethod
    def from_training(cls, data: Any, categorical_features: list[int], feature_names: list[str] | None,
                      caller: str) -> tuple[TableCodec, np.ndarray]:
        """Encode ``data`` (2-D array or DataFrame); return the codec and the float matrix."""
        if is_dataframe(data):
            return cls._from_frame(data, categorical_features, feature_names, caller)
        array = np.asarray(data)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"The 'training_data' parameter of {caller} must be numeric; got an array of "
                            f"dtype {array.dtype}. Pass a pandas DataFrame for string or mixed columns.")
        p = array.shape[1]
        names = [str(i) for i in range(p)] if feature_names is None else [str(n) for n in feature_names]
        categorical = np.zeros(p, dtype=bool)
        categorical[list(categorical_features)] = True
        # no copy of a float table without categorical columns: it is only read
        matrix = np.array(array, dtype=float) if categorical.any() else np.asarray(array, dtype=float)
        categories: dict[int, np.ndarray] = {}
        for c in np.flatnonzero(categorical):
            column = matrix[:, c]
            cats = np.unique(column[~np.isnan(column)])
            categories[int(c)] = cats
            codes = np.searchsorted(cats, column).astype(float)
            codes[np.isnan(column)] = np.nan
            matrix[:, c] = codes
        integer = np.zeros(p, dtype=bool)
        return cls(list(range(p)), names, categorical, categories, None, integer), matrix

    @classmethod
    def _from_frame(cls, frame: Any, categorical_features: list[int], feature_names: list[str] | None,
                    caller: str) -> tuple[TableCodec, np.ndarray]:
        import pandas as pd

        p = frame.shape[1]
        columns = list(frame.columns)
        names = [str(c) for c in columns] if feature_names is None else [str(n) for n in feature_names]
        dtypes = list(frame.dtypes)
        categorical = np.array([not _is_numeric(dt) for dt in dtypes], dtype=bool)
        categorical[list(categorical_features)] = True
        integer = np.array([_is_integer(dt) and not categorical[i] for i, dt in enumerate(dtypes)], dtype=bool)
        matrix = np.empty((frame.shape[0], p), dtype=float)
        categories: dict[int, np.ndarray] = {}
        for c, column in enumerate(columns):
            series = frame.iloc[:, c]
            if not categorical[c]:
                matrix[:, c] = series.to_numpy(dtype=float, na_value=np.nan)
                continue
            if isinstance(series.dtype, pd.CategoricalDtype):
                cats = np.asarray(series.cat.categories, dtype=object)
                codes = series.cat.codes.to_numpy().astype(float)
            else:
                values = series.to_numpy(dtype=object)
                missing = _is_missing(values)
                cats = _sorted_unique(values[~missing])
                codes = pd.Categorical(values, categories=cats).codes.astype(float)
            codes[codes < 0] = np.nan
            categories[c] = cats
            matrix[:, c] = codes
        return cls(columns, names, categorical, categories, dtypes, integer), matrix

    # ------------------------------------------------------------------ one row
    def encode_row(self, row: Any, caller: str) -> tuple[np.ndarray, list[Any]]:
        """Encode the explained row; return its float codes and its raw values per column."""
        raw = self._raw_row(row, caller)
        if not self.is_frame and all(type(value) in (float, int) for value in raw):
            return self._encode_numbers(raw, caller), raw
        p = self.num_columns
        encoded = np.empty(p, dtype=float)
        for c in range(p):
            value = raw[c]
            missing = value is None or (isinstance(value, float) and np.isnan(value)) or _scalar_missing(value)
            if not self.categorical[c]:
                if missing:
                    encoded[c] = np.nan
                    continue
                if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.number)):
                    raise TypeError(f"The 'data_row' parameter of {caller} must hold numbers in continuous "
                                    f"column {self.feature_names[c]!r}; got {type(value).__name__} "
                                    f"({value!r}).")
                if not np.isfinite(float(value)):
                    raise ValueError(f"The 'data_row' parameter of {caller} must be finite; column "
                                     f"{self.feature_names[c]!r} is {value!r}. Use NaN for a missing value.")
                encoded[c] = float(value)
                continue
            if missing:
                encoded[c] = np.nan
                continue
            encoded[c] = self._code_of(c, value)
        return encoded, raw

    def _encode_numbers(self, raw: list[float | int], caller: str) -> np.ndarray:
        """:meth:`encode_row` of a row of plain numbers (array input), without a loop over columns."""
        encoded = np.array(raw, dtype=float)
        infinite = np.flatnonzero(np.isinf(encoded) & ~self.categorical)
        if infinite.size:
            c = int(infinite[0])
            raise ValueError(f"The 'data_row' parameter of {caller} must be finite; column "
                             f"{self.feature_names[c]!r} is {raw[c]!r}. Use NaN for a missing value.")
        for c in np.flatnonzero(self.categorical & ~np.isnan(encoded)).tolist():
            encoded[c] = self._code_of(c, raw[c])
        return encoded

    def _code_of(self, c: int, value: Any) -> float:
        cats = self.categories[c]
        if cats.dtype == object:
            hits = [k for k, cat in enumerate(cats) if _same(cat, value)]
            return float(hits[0]) if hits else UNSEEN
        try:
            number = float(value)
        except (TypeError, ValueError):
            return UNSEEN
        k = int(np.searchsorted(cats, number))
        return float(k) if k < cats.size and cats[k] == number else UNSEEN

    def _raw_row(self, row: Any, caller: str) -> list[Any]:
        p = self.num_columns
        if is_dataframe(row):
            if row.shape[0] != 1:
                raise ValueError(f"The 'data_row' parameter of {caller} must be one row; got a DataFrame "
                                 f"with {row.shape[0]} rows.")
            row = row.iloc[0]
        if _is_series(row):
            if self.is_frame:
                missing = [c for c in self.columns if c not in row.index]
                if missing:
                    raise ValueError(f"The 'data_row' parameter of {caller} lacks columns {missing} of the "
                                     f"training data.")
                return [row[c] for c in self.columns]
            row = row.to_numpy()
        array = np.asarray(row)
        if array.ndim != 1 or array.shape[0] != p:
            raise ValueError(f"The 'data_row' parameter of {caller} must be one row of {p} values (the "
                             f"training data's columns); got shape {array.shape}.")
        if not self.is_frame and array.dtype.kind not in "biuf":
            try:
                array = array.astype(float)
            except (TypeError, ValueError) as exc:
                raise TypeError(f"The 'data_row' parameter of {caller} must be numeric like the training "
                                f"data; got an array of dtype {array.dtype}.") from exc
        return list(array.tolist()) if array.dtype != object else list(array)

    # ------------------------------------------------------------------ decoding
    def decode(self, matrix: np.ndarray, raw_row: list[Any] | None = None,
               keep: np.ndarray | None = None, *, copy: bool = True) -> Any:
        """Float codes -> what the black box takes.

        Cells where ``keep`` (bool, same shape) is True take the explained row's raw
        value instead (``raw_row``), so that row 0 is the instance exactly. With
        ``copy=False`` an array result may reuse ``matrix``.
        """
        if not self.is_frame:
            out = matrix.copy() if copy else matrix
            for c, cats in self.categories.items():
                codes = out[:, c]
                ok = ~np.isnan(codes) & (codes >= 0)
                values = np.full(codes.shape, np.nan)
                values[ok] = cats[codes[ok].astype(np.intp)]
                out[:, c] = values
            if keep is not None and raw_row is not None:
                if keep[1:].any():
                    row = np.broadcast_to(np.asarray(raw_row, dtype=float), out.shape)
                    out[keep] = row[keep]
                else:
                    out[0, keep[0]] = np.asarray(raw_row, dtype=float)[keep[0]]
            return out
        import pandas as pd

        data = {}
        for c, column in enumerate(self.columns):
            kept = None if keep is None or raw_row is None else keep[:, c]
            if kept is not None and not kept.any():
                kept = None
            if self.categorical[c]:
                data[column] = self._decode_categorical(c, matrix[:, c], self.dtypes[c], raw_row, kept)
            else:
                data[column] = self._decode_continuous(c, matrix[:, c], raw_row, kept)
        return pd.DataFrame(data, columns=pd.Index(self.columns))

    def _decode_continuous(self, c: int, values: np.ndarray, raw_row: list[Any] | None,
                           kept: np.ndarray | None) -> Any:
        import pandas as pd

        dtype = self.dtypes[c]
        if kept is not None:
            first = raw_row[c]
            values = values.copy()
            values[kept] = np.nan if first is None or _scalar_missing(first) else float(first)
        extension = isinstance(dtype, pd.api.extensions.ExtensionDtype)
        if self.integer[c]:
            rounded = np.rint(values)
            if np.isnan(rounded).any() or extension:
                target = dtype if extension else "Int64"
                return pd.array(np.where(np.isnan(rounded), None, rounded).tolist(), dtype=target)
            return rounded.astype(dtype)
        if extension:
            return pd.array(values, dtype=dtype)
        return values.astype(dtype, copy=False)

    def _decode_categorical(self, c: int, codes: np.ndarray, dtype: Any, raw_row: list[Any] | None,
                            kept: np.ndarray | None) -> Any:
        import pandas as pd

        cats = self.categories[c]
        ok = ~np.isnan(codes) & (codes >= 0)
        int_codes = np.where(ok, np.nan_to_num(codes, nan=-1.0), -1).astype(np.intp)
        if isinstance(dtype, pd.CategoricalDtype):
            if kept is not None:
                first = raw_row[c]
                missing = _scalar_missing(first)
                hits = [] if missing else [k for k, cat in enumerate(cats) if _same(cat, first)]
                if hits:
                    own = hits[0]
                elif missing:
                    own = -1
                else:  # not any training value
                    dtype, own = _with_category(dtype, first)
                int_codes = np.where(kept, own, int_codes)
            return pd.Categorical.from_codes(int_codes, dtype=dtype)
        values = np.empty(codes.shape, dtype=object)
        values[ok] = cats[int_codes[ok]]
        values[~ok] = np.nan
        if kept is not None:
            values[kept] = raw_row[c]
        if dtype == object:
            return pd.Series(values, dtype=object, copy=False)
        try:
            return pd.array(values, dtype=dtype)
        except (TypeError, ValueError):
            return values


def _with_category(dtype: Any, value: Any) -> tuple[Any, int]:
    """``dtype`` with ``value`` appended to its categories (the training ones keep their codes), and its code.

    The explained row's unseen category then reaches the black box as itself, as it would
    when the model scores that row, not as a missing value. ``(dtype, -1)`` (missing) when
    pandas cannot hold the value among those categories.
    """
    import pandas as pd

    try:
        extended = pd.CategoricalDtype([*dtype.categories, value], ordered=dtype.ordered)
    except (TypeError, ValueError):
        return dtype, -1
    return extended, len(dtype.categories)


def _scalar_missing(value: Any) -> bool:
    try:
        import pandas as pd
        result = pd.isna(value)
    except (ImportError, TypeError, ValueError):
        return False
    return bool(result) if np.ndim(result) == 0 else False


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) != isinstance(b, str):
        return False
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _is_numeric(dtype: Any) -> bool:
    import pandas as pd
    return (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
            and not isinstance(dtype, pd.CategoricalDtype))


def _is_integer(dtype: Any) -> bool:
    import pandas as pd
    return pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
