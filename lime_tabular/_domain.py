"""Names of a table row's interpretable features (lime's ``TableDomainMapper``)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from lime_core import DomainMapper

__all__ = ["TableDomainMapper"]


class TableDomainMapper(DomainMapper):
    """Maps feature ids to names and shows the row as a table (lime-compatible).

    Parameters
    ----------
    feature_names : list of str
        Name of each interpretable feature; categorical ones read ``'name=value'``.
    feature_values : list of str
        The row's value of each feature, as text.
    scaled_row : array-like of shape (d',)
        ``x'``, the row in the interpretable space.
    categorical_features : list of int
        Interpretable features that are categorical (all of them when discretized).
    discretized_feature_names : list of str, optional
        Names with bins (``'0.50 < x <= 1.20'``); used by :meth:`map_exp_ids` when given.
    feature_indexes : list of int, optional
        lime's sparse case: the features shown.

    Examples
    --------
    >>> mapper = TableDomainMapper(["age", "income"], ["30.00", "2.00"], [1, 1], [0, 1],
    ...                            discretized_feature_names=["age <= 35.00", "income > 1.50"])
    >>> mapper.map_exp_ids([(1, 0.3), (0, -0.1)])
    [('income > 1.50', 0.3), ('age <= 35.00', -0.1)]
    >>> DomainMapper.from_dict(mapper.to_dict()) == mapper
    True
    """

    kind: ClassVar[str] = "tabular"

    def __init__(self, feature_names: Sequence[str], feature_values: Sequence[str], scaled_row: Any,
                 categorical_features: Sequence[int], discretized_feature_names: Sequence[str] | None = None,
                 feature_indexes: Sequence[int] | None = None) -> None:
        self.exp_feature_names = [str(n) for n in feature_names]
        self.feature_names = self.exp_feature_names
        self.discretized_feature_names = (None if discretized_feature_names is None
                                          else [str(n) for n in discretized_feature_names])
        self.feature_values = [str(v) for v in feature_values]
        self.feature_indexes = None if feature_indexes is None else [int(i) for i in feature_indexes]
        self.scaled_row = np.asarray(scaled_row, dtype=float)
        self.categorical_features = [int(i) for i in categorical_features]
        self.all_categorical = len(self.categorical_features) == len(self.scaled_row)

    @property
    def names(self) -> list[str]:
        """The names :meth:`map_exp_ids` uses."""
        return self.discretized_feature_names if self.discretized_feature_names is not None \
            else self.exp_feature_names

    def feature_name(self, feature_id: int) -> str:
        """The condition shown for feature ``feature_id`` (e.g. ``0.50 < x <= 1.20``)."""
        return self.names[feature_id]

    def map_exp_ids(self, exp: Sequence[tuple[int, float]], **kwargs: Any) -> list[tuple[Any, float]]:
        """``[(id, weight)] -> [(name, weight)]``."""
        names = self.names
        return [(names[i], w) for i, w in exp]

    def visualize_instance_html(self, exp: Any, label: int, div_name: str, exp_object_name: str,
                                show_table: bool = True, show_all: bool = False, **kwargs: Any) -> str:
        """lime's table view of the row (JavaScript calling ``show_raw_tabular``)."""
        if not show_table:
            return ""
        weights = [0.0] * len(self.feature_names)
        for i, w in exp:
            weights[i] = w
        rows = list(zip(self.exp_feature_names, self.feature_values, weights))
        if not show_all:
            rows = [rows[i] for i, _ in exp]
        return (f"\n            {exp_object_name}.show_raw_tabular("
                f"{json.dumps(rows, ensure_ascii=False)}, {label}, {div_name});\n        ")

    def to_dict(self) -> dict[str, Any]:
        """The mapper as JSON-ready data, with ``kind``."""
        return {"kind": self.kind, "feature_names": self.exp_feature_names,
                "feature_values": self.feature_values, "scaled_row": self.scaled_row.tolist(),
                "categorical_features": self.categorical_features,
                "discretized_feature_names": self.discretized_feature_names,
                "feature_indexes": self.feature_indexes}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> TableDomainMapper:
        return cls(state["feature_names"], state["feature_values"], state["scaled_row"],
                   state["categorical_features"], state.get("discretized_feature_names"),
                   state.get("feature_indexes"))
