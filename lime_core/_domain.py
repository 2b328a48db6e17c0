"""Domain mappers: from interpretable feature ids to what a person reads.

A mapper turns ``[(feature_id, weight), ...]`` into ``[(name, weight), ...]``
and knows how to write itself to JSON. Plugins subclass :class:`DomainMapper`
with a ``kind`` of their own; :meth:`DomainMapper.from_dict` finds a plugin's
class through the ``limelight.modalities`` entry points, so ``lime_core``
never imports a plugin.
"""
from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import entry_points
from typing import Any, ClassVar

__all__ = ["DomainMapper", "FeatureNamesMapper", "load_modalities"]

ENTRY_POINT_GROUP = "limelight.modalities"


def load_modalities() -> dict[str, Any]:
    """Load every plugin registered under the ``limelight.modalities`` entry-point group.

    Returns
    -------
    dict
        Entry-point name to the loaded object.
    """
    return {ep.name: ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)}


class DomainMapper:
    """Base mapper (lime's ``DomainMapper``): feature ids are shown as they are.

    Subclasses set a unique class attribute ``kind`` and implement
    :meth:`to_dict` / :meth:`from_state` when they hold state.
    """

    kind: ClassVar[str] = "ids"
    _registry: ClassVar[dict[str, type[DomainMapper]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            DomainMapper._registry[cls.kind] = cls

    def map_exp_ids(self, exp: Sequence[tuple[int, float]], **kwargs: Any) -> list[tuple[Any, float]]:
        """Map ``[(feature_id, weight), ...]`` to what is shown; here, unchanged."""
        return list(exp)

    def feature_name(self, feature_id: int) -> str:
        """A readable name of one interpretable feature."""
        return str(feature_id)

    def visualize_instance_html(self, exp: Any, label: int, div_name: str, exp_object_name: str,
                                **kwargs: Any) -> str:
        """lime's hook for an instance view in HTML; the report module renders instead."""
        return ""

    def to_dict(self) -> dict[str, Any]:
        """The mapper as JSON-ready data, with its ``kind``."""
        return {"kind": self.kind}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> DomainMapper:
        """Rebuild a mapper of this class from :meth:`to_dict` output (without ``kind``)."""
        return cls()

    @staticmethod
    def from_dict(data: dict[str, Any]) -> DomainMapper:
        """Rebuild any registered mapper from :meth:`to_dict` output.

        Examples
        --------
        >>> mapper = DomainMapper.from_dict(FeatureNamesMapper(["a", "b"]).to_dict())
        >>> mapper.map_exp_ids([(1, 0.5)])
        [('b', 0.5)]
        """
        kind = data.get("kind")
        if kind not in DomainMapper._registry:
            load_modalities()
        if kind not in DomainMapper._registry:
            raise ValueError(f"Unknown domain mapper kind {kind!r}: no installed plugin registers it "
                             f"(known: {sorted(DomainMapper._registry)}).")
        state = {k: v for k, v in data.items() if k != "kind"}
        return DomainMapper._registry[kind].from_state(state)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.to_dict() == other.to_dict()  # type: ignore[union-attr]

    __hash__ = None  # type: ignore[assignment]


DomainMapper._registry["ids"] = DomainMapper


class FeatureNamesMapper(DomainMapper):
    """Name each interpretable feature; optionally show the instance's value of it.

    Parameters
    ----------
    feature_names : sequence of str
        Name of feature ``j`` at position ``j``.
    feature_values : sequence of str, optional
        The instance's value of each feature, shown in reports.

    Examples
    --------
    >>> FeatureNamesMapper(["age", "income"]).map_exp_ids([(1, -0.2), (0, 0.1)])
    [('income', -0.2), ('age', 0.1)]
    """

    kind: ClassVar[str] = "feature_names"

    def __init__(self, feature_names: Sequence[str], feature_values: Sequence[str] | None = None) -> None:
        self.feature_names = [str(n) for n in feature_names]
        self.feature_values = None if feature_values is None else [str(v) for v in feature_values]

    def feature_name(self, feature_id: int) -> str:
        """The name of feature ``feature_id``."""
        return self.feature_names[feature_id]

    def map_exp_ids(self, exp: Sequence[tuple[int, float]], **kwargs: Any) -> list[tuple[Any, float]]:
        """``[(feature_id, weight), ...]`` -> ``[(feature name, weight), ...]``."""
        return [(self.feature_names[i], w) for i, w in exp]

    def to_dict(self) -> dict[str, Any]:
        """The names and values as JSON-ready data, with ``kind``."""
        return {"kind": self.kind, "feature_names": self.feature_names,
                "feature_values": self.feature_values}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> FeatureNamesMapper:
        return cls(state["feature_names"], state.get("feature_values"))
