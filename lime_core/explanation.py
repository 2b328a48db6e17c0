"""The result of an explanation: a frozen record of aligned per-label values.

Compatible with lime's ``lime.explanation.Explanation``: the constructor takes
``(domain_mapper, mode, class_names, random_state)`` and the methods
``as_list``, ``as_map``, ``available_labels``, ``as_pyplot_figure``,
``as_html``, ``show_in_notebook`` and ``save_to_file`` keep their names and
parameters. Everything else is keyword-only data.

One deliberate difference: ``score`` and ``local_pred`` are dicts keyed by label
in every modality (lime's image explanations already were). lime's tabular and
text explanations kept only the last label's value in a scalar and silently
dropped the others.
"""
from __future__ import annotations

import json
from dataclasses import KW_ONLY, dataclass, field, fields, replace
from typing import Any

import numpy as np

from ._domain import DomainMapper, FeatureNamesMapper
from ._serialization import from_jsonable, to_jsonable

__all__ = ["Explanation", "DomainMapper", "FeatureNamesMapper"]

#: lime stores regression explanations under this label (and the negated weights under 0).
REGRESSION_LABEL = 1


@dataclass(frozen=True, eq=False)
class Explanation:
    """One explained prediction.

    Parameters
    ----------
    domain_mapper : DomainMapper
        Maps interpretable feature ids to names (and renders the instance).
    mode : {'classification', 'regression'}, default='classification'
    class_names : list of str, optional
    random_state : int or None, optional
        The seed the explanation was made with (``None`` when unseeded or
        when a ``Generator`` was passed).
    local_exp : dict of int to list of (int, float)
        Per label, ``(feature_id, weight)`` pairs by decreasing ``|weight|``.
    intercept, score, local_pred : dict of int to float
        Per label: the surrogate's intercept, its weighted R^2 on the samples,
        and its prediction at ``x'``.
    predict_proba : ndarray of shape (k,), optional
        The black box's scores at ``x`` (classification).
    predicted_value, min_value, max_value : float, optional
        Regression: the black box's value at ``x`` and its range over the samples.
    top_labels : list of int, optional
        Labels by decreasing score, when ``top_labels`` was asked for.
    extras : dict
        Modality-specific data (segments of an image, token spans of a text).
    meta : dict
        The settings that made the explanation (samples, kernel, selection...).
    cost : dict
        How it ran: batch size, black-box calls and rows (``black_box_*`` for the
        neighbourhood, ``holdout_*`` for the hold-out rows, ``total_*`` for both),
        seconds inside the black box and in all. Not part of equality: two
        explanations that differ only in cost are equal.
    std_err : dict of int to list of float
        Per label, the standard error of each weight, aligned with ``local_exp``
        (closed-form ridge and Shapley fits; see :mod:`lime_core._uncertainty`).
        Conditional on the selected features. :meth:`intervals` turns them into
        confidence intervals.
    fidelity : dict of int to dict
        Per label: ``holdout_r2`` and ``holdout_mae`` (weighted R^2 and mean
        absolute error of the surrogate on fresh neighbourhood rows not used in
        the fit), ``holdout_samples``, and ``ess`` / ``ess_share``, the effective
        sample size ``(sum w)^2 / sum w^2`` of the kernel weights (see
        :mod:`lime_core._fidelity`).

    Examples
    --------
    >>> exp = Explanation(FeatureNamesMapper(["a", "b"]), local_exp={1: [(1, 0.5), (0, -0.25)]},
    ...                   intercept={1: 0.1}, score={1: 0.9}, local_pred={1: 0.35})
    >>> exp.as_list(label=1)
    [('b', 0.5), ('a', -0.25)]
    >>> Explanation.from_json(exp.to_json()) == exp
    True
    """

    domain_mapper: DomainMapper = field(default_factory=DomainMapper)
    mode: str = "classification"
    class_names: list[str] | None = None
    random_state: int | None = None
    _: KW_ONLY
    local_exp: dict[int, list[tuple[int, float]]] = field(default_factory=dict)
    intercept: dict[int, float] = field(default_factory=dict)
    score: dict[int, float] = field(default_factory=dict)
    local_pred: dict[int, float] = field(default_factory=dict)
    predict_proba: np.ndarray | None = None
    predicted_value: float | None = None
    min_value: float | None = None
    max_value: float | None = None
    top_labels: list[int] | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    cost: dict[str, Any] = field(default_factory=dict)
    std_err: dict[int, list[float]] = field(default_factory=dict)
    fidelity: dict[int, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.mode not in ("classification", "regression"):
            raise ValueError(f"The 'mode' parameter of Explanation must be 'classification' or "
                             f"'regression'; got {self.mode!r}.")
        if not isinstance(self.domain_mapper, DomainMapper):
            raise TypeError("The 'domain_mapper' parameter of Explanation must be a DomainMapper; "
                            f"got {type(self.domain_mapper).__name__}.")

    # ------------------------------------------------------------------ lime's views
    def available_labels(self) -> list[int]:
        """Labels that were explained (``top_labels`` order when they were asked for).

        Raises
        ------
        NotImplementedError
            For regression explanations, as in lime.
        """
        if self.mode != "classification":
            raise NotImplementedError("available_labels is not supported for regression explanations.")
        return list(self.top_labels) if self.top_labels else list(self.local_exp)

    def _label_key(self, label: int) -> int:
        key = label if self.mode == "classification" else REGRESSION_LABEL
        if key not in self.local_exp:
            raise KeyError(f"label {label} was not explained; explained labels: {list(self.local_exp)}. "
                           f"Pass labels=({label},) or top_labels to explain_instance.")
        return key

    def as_list(self, label: int = 1, **kwargs: Any) -> list[tuple[Any, float]]:
        """``[(feature name, weight), ...]`` for ``label``, by decreasing ``|weight|``.

        Parameters
        ----------
        label : int, default=1
            Ignored for regression (lime's behaviour).
        **kwargs
            Passed to the domain mapper (e.g. ``positions=True`` for text).
        """
        pairs = self.domain_mapper.map_exp_ids(self.local_exp[self._label_key(label)], **kwargs)
        return [(name, float(weight)) for name, weight in pairs]

    def as_map(self) -> dict[int, list[tuple[int, float]]]:
        """``{label: [(feature_id, weight), ...]}`` for every explained label."""
        return self.local_exp

    def intervals(self, label: int = 1, level: float = 0.95) -> list[tuple[Any, float, float, float]]:
        """Normal confidence intervals of the weights: ``[(name, weight, low, high), ...]``.

        ``weight -/+ z * std_err`` with ``z`` the two-sided normal quantile of
        ``level``, in the order of :meth:`as_list`.

        Parameters
        ----------
        label : int, default=1
        level : float, default=0.95
            In (0, 1).

        Examples
        --------
        >>> exp = Explanation(FeatureNamesMapper(["a"]), local_exp={1: [(0, 0.5)]}, std_err={1: [0.1]})
        >>> [(n, round(lo, 3), round(hi, 3)) for n, w, lo, hi in exp.intervals()]
        [('a', 0.304, 0.696)]
        """
        from statistics import NormalDist
        if not 0.0 < level < 1.0:
            raise ValueError(f"The 'level' parameter of Explanation.intervals must be in (0, 1); got {level}.")
        key = self._label_key(label)
        if key not in self.std_err:
            raise KeyError(f"no standard errors for label {label} (a model_regressor fit has none).")
        z = NormalDist().inv_cdf(0.5 + level / 2.0)
        names = [name for name, _ in self.as_list(label=label)]
        return [(name, float(w), float(w - z * se), float(w + z * se))
                for name, (_, w), se in zip(names, self.local_exp[key], self.std_err[key])]

    # ------------------------------------------------------------------ rendering (delegated)
    def as_pyplot_figure(self, label: int = 1, **kwargs: Any) -> Any:
        """A horizontal bar chart of the weights for ``label`` (needs matplotlib)."""
        from . import plotting
        return plotting.explanation_figure(self, label=label, **kwargs)

    def as_html(self, labels: Any = None, predict_proba: bool = True, show_predicted_value: bool = True,
                **kwargs: Any) -> str:
        """A self-contained HTML page of the explanation (see :mod:`lime_core.report`)."""
        from . import report
        return report.explanation_html(self, labels=labels, predict_proba=predict_proba,
                                       show_predicted_value=show_predicted_value, **kwargs)

    def save_to_file(self, file_path: str, labels: Any = None, predict_proba: bool = True,
                     show_predicted_value: bool = True, **kwargs: Any) -> None:
        """Write :meth:`as_html` to ``file_path`` (UTF-8)."""
        html = self.as_html(labels=labels, predict_proba=predict_proba,
                            show_predicted_value=show_predicted_value, **kwargs)
        with open(file_path, "w", encoding="utf-8") as handle:
            handle.write(html)

    def show_in_notebook(self, labels: Any = None, predict_proba: bool = True,
                         show_predicted_value: bool = True, **kwargs: Any) -> None:
        """Display :meth:`as_html` in a Jupyter notebook (needs IPython)."""
        from IPython.display import HTML, display
        display(HTML(self.as_html(labels=labels, predict_proba=predict_proba,
                                  show_predicted_value=show_predicted_value, **kwargs)))

    def _repr_html_(self) -> str:
        from . import report
        return report.explanation_html(self, fragment=True)

    # ------------------------------------------------------------------ data
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data; :meth:`from_dict` rebuilds an equal explanation."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("_", "domain_mapper")}
        data["local_exp"] = {k: [[int(i), float(w)] for i, w in v] for k, v in self.local_exp.items()}
        out = to_jsonable(data)
        out["domain_mapper"] = self.domain_mapper.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Explanation:
        """Rebuild an explanation from :meth:`to_dict` output."""
        values = from_jsonable({k: v for k, v in data.items() if k != "domain_mapper"})
        values["local_exp"] = {k: [(int(i), float(w)) for i, w in v] for k, v in values["local_exp"].items()}
        mapper = DomainMapper.from_dict(data["domain_mapper"])
        positional = [values.pop(name) for name in ("mode", "class_names", "random_state")]
        return cls(mapper, *positional, **values)

    def to_json(self, **kwargs: Any) -> str:
        """The explanation as a JSON string (``kwargs`` go to :func:`json.dumps`)."""
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_json(cls, text: str) -> Explanation:
        """Rebuild an explanation from :meth:`to_json` output."""
        return cls.from_dict(json.loads(text))

    def replace(self, **changes: Any) -> Explanation:
        """A copy with some fields changed (the explanation itself is frozen)."""
        return replace(self, **changes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Explanation):
            return NotImplemented
        mine, theirs = self.to_dict(), other.to_dict()
        mine.pop("cost"), theirs.pop("cost")
        return json.dumps(mine, sort_keys=True) == json.dumps(theirs, sort_keys=True)

    __hash__ = None  # type: ignore[assignment]
