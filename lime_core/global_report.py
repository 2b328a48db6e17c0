"""A global feature report: what many local explanations say together.

For each feature, over ``n`` explanations (a feature absent from an explanation
counts as weight 0):

- ``mean_abs_weight``: mean of ``|w|``, the feature's overall importance;
- ``mean_weight``: mean of ``w``;
- ``top_k_share``: share of explanations where the feature is among the
  ``top_k`` largest ``|w|``;
- ``direction``: mean sign of ``w`` over the explanations that use it, from
  -1 (always pushes the label down) to +1 (always up);
- ``count``: how many explanations use it (non-zero weight).

The report is a table (list of dicts, or a pandas DataFrame), JSON, and an HTML
section in which every user string is escaped.
"""
from __future__ import annotations

import html
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .validation import check_int, check_option

__all__ = ["GlobalReport", "global_report"]

_CALLER = "global_report"
#: The columns of the table, in order.
COLUMNS = ("feature", "mean_abs_weight", "mean_weight", "top_k_share", "direction", "count")


@dataclass(frozen=True)
class GlobalReport:
    """Per-feature summary of many explanations (see :func:`global_report`).

    Attributes
    ----------
    rows : list of dict
        One dict per feature with the keys of ``COLUMNS``, by decreasing
        ``mean_abs_weight`` (ties by name).
    num_explanations : int
        Explanations summarised.
    label : int or None
        The label whose weights were used (``None``: each explanation's first label).
    top_k : int
        ``k`` of ``top_k_share``.
    by : {'feature', 'name'}
        How features were matched across explanations.
    num_skipped : int
        Entries that were not explanations (failed rows) and were left out.
    title : str
        Heading of the HTML section.

    Examples
    --------
    >>> report = GlobalReport(rows=[{"feature": "a<b", "mean_abs_weight": 0.5, "mean_weight": -0.5,
    ...                               "top_k_share": 1.0, "direction": -1.0, "count": 2}],
    ...                       num_explanations=2, top_k=1)
    >>> GlobalReport.from_json(report.to_json()) == report
    True
    >>> "a&lt;b" in report.to_html()
    True
    """

    rows: list[dict[str, Any]]
    num_explanations: int
    label: int | None = 1
    top_k: int = 5
    by: str = "feature"
    num_skipped: int = 0
    title: str = field(default="Global feature importance")

    def records(self) -> list[dict[str, Any]]:
        """The table as a list of dicts (copies)."""
        return [dict(r) for r in self.rows]

    def to_dataframe(self) -> Any:
        """The table as a pandas DataFrame (needs pandas, the ``pandas`` extra)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("GlobalReport.to_dataframe needs pandas: pip install 'limelight[pandas]', "
                              "or use records() for a list of dicts.") from None
        return pd.DataFrame(self.records(), columns=list(COLUMNS))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data; :meth:`from_dict` rebuilds an equal report."""
        return {"title": self.title, "num_explanations": self.num_explanations, "label": self.label,
                "top_k": self.top_k, "by": self.by, "num_skipped": self.num_skipped,
                "rows": self.records()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GlobalReport:
        """Rebuild a report from :meth:`to_dict` output."""
        return cls(rows=[dict(r) for r in data["rows"]], num_explanations=data["num_explanations"],
                   label=data["label"], top_k=data["top_k"], by=data["by"],
                   num_skipped=data.get("num_skipped", 0), title=data.get("title", cls.title))

    def to_json(self, **kwargs: Any) -> str:
        """The report as JSON (``kwargs`` go to :func:`json.dumps`)."""
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_json(cls, text: str) -> GlobalReport:
        """Rebuild a report from :meth:`to_json` output."""
        return cls.from_dict(json.loads(text))

    def to_html(self, max_features: int | None = 20) -> str:
        """An HTML ``<section>`` (no script, no external resource) to embed in a page or report.

        Parameters
        ----------
        max_features : int or None, default=20
            Rows shown (the most important first); ``None`` shows every feature.
        """
        shown = self.rows if max_features is None else self.rows[:check_int(
            max_features, "max_features", "GlobalReport.to_html", minimum=1)]
        top = max((r["mean_abs_weight"] for r in shown), default=0.0) or 1.0
        body = []
        for r in shown:
            width = 100.0 * r["mean_abs_weight"] / top
            sign = "pos" if r["direction"] > 0 else "neg" if r["direction"] < 0 else "zero"
            body.append(
                f'<tr><td>{html.escape(str(r["feature"]))}</td>'
                f'<td><span class="bar {sign}" style="display:inline-block;height:.8em;'
                f'width:{width:.1f}px"></span> {r["mean_abs_weight"]:.4g}</td>'
                f'<td>{r["mean_weight"]:+.4g}</td><td>{100 * r["top_k_share"]:.0f}%</td>'
                f'<td class="{sign}">{r["direction"]:+.2f}</td><td>{r["count"]}</td></tr>')
        label = "each explanation's first label" if self.label is None else f"label {self.label}"
        hidden = len(self.rows) - len(shown)
        note = f"<p>{hidden} more feature{'s' if hidden != 1 else ''} not shown.</p>" if hidden else ""
        skipped = (f" ({self.num_skipped} failed row{'s' if self.num_skipped != 1 else ''} left out)"
                   if self.num_skipped else "")
        return (f'<section class="limelight limelight-global">'
                f"<style>.limelight-global .bar.pos{{background:#1a7f37}}"
                f".limelight-global .bar.neg{{background:#cf222e}}.limelight-global .bar.zero"
                f"{{background:#888}}.limelight-global .pos{{color:#1a7f37}}.limelight-global .neg"
                f"{{color:#cf222e}}.limelight-global td,.limelight-global th{{padding:.2rem .6rem;"
                f"text-align:left}}</style>"
                f"<h2>{html.escape(self.title)}</h2>"
                f"<p>{self.num_explanations} explanations{html.escape(skipped)}, weights of "
                f"{html.escape(label)}; top-k share with k = {self.top_k}.</p>"
                f"<table><thead><tr><th>feature</th><th>mean |weight|</th><th>mean weight</th>"
                f"<th>in top {self.top_k}</th><th>direction</th><th>rows</th></tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table>{note}</section>")

    def _repr_html_(self) -> str:
        return self.to_html()


def _weights(exp: Any, label: int | None, by: str, position: int) -> dict[str, float]:
    """Feature key -> weight (summed when one key appears more than once)."""
    if label is None:
        label = exp.available_labels()[0] if exp.mode == "classification" else 1
    if exp.mode == "classification" and label not in exp.local_exp:
        raise ValueError(f"{_CALLER}: explanation {position} has no weights for label {label} "
                         f"(explained labels: {list(exp.local_exp)}); pass label=None to use each "
                         f"explanation's first label, or explain label {label}.")
    out: dict[str, float] = {}
    if by == "name":
        pairs = exp.as_list(label=label)
    else:
        key = label if exp.mode == "classification" else 1
        mapper = exp.domain_mapper
        columns = getattr(mapper, "exp_feature_names", None)  # tables: the column, without its bin
        name_of = columns.__getitem__ if isinstance(columns, list) else mapper.feature_name
        pairs = [(name_of(i), w) for i, w in exp.local_exp[key]]
    for name, w in pairs:
        name = str(name)
        out[name] = out.get(name, 0.0) + float(w)
    return out


def global_report(explanations: Iterable[Any], *, label: int | None = 1, top_k: int = 5,
                  by: str = "feature", title: str = "Global feature importance") -> GlobalReport:
    """Summarise many explanations feature by feature.

    Parameters
    ----------
    explanations : iterable of Explanation
        For instance the output of :func:`~lime_core.batch.explain_many`;
        :class:`~lime_core.batch.RowError` entries are left out and counted.
    label : int or None, default=1
        Label whose weights are summarised (ignored for regression); ``None`` uses
        each explanation's first label (its top label when ``top_labels`` was used).
    top_k : int, default=5
        ``top_k_share`` counts the explanations where a feature is among the
        ``top_k`` largest ``|weight|``.
    by : {'feature', 'name'}, default='feature'
        ``'feature'`` matches the features themselves: for tables the column (the
        mapper's ``exp_feature_names``, as lime calls them), otherwise
        ``domain_mapper.feature_name(id)`` (the word of a text); ``'name'`` matches
        the names of ``as_list`` (for tables, a condition such as ``x <= 1.5``, so
        rows in different bins of one column count apart).
    title : str, default='Global feature importance'
        Heading of the HTML section.

    Returns
    -------
    GlobalReport

    Examples
    --------
    >>> from lime_core import Explanation, FeatureNamesMapper
    >>> names = FeatureNamesMapper(["age", "income", "zip"])
    >>> exps = [Explanation(names, local_exp={1: [(0, 0.6), (1, -0.2)]}),
    ...         Explanation(names, local_exp={1: [(1, -0.4), (2, 0.1)]})]
    >>> report = global_report(exps, top_k=1)
    >>> [(r["feature"], r["mean_abs_weight"], r["top_k_share"], r["direction"]) for r in report.rows]
    [('income', 0.3, 0.5, -1.0), ('age', 0.3, 0.5, 1.0), ('zip', 0.05, 0.0, 1.0)]
    """
    top_k = check_int(top_k, "top_k", _CALLER, minimum=1)
    check_option(by, "by", _CALLER, ("feature", "name"))
    if label is not None:
        label = check_int(label, "label", _CALLER, minimum=0)
    if isinstance(explanations, (str, bytes)):
        raise TypeError(f"The 'explanations' parameter of {_CALLER} must be an iterable of Explanation; "
                        f"got {type(explanations).__name__}.")
    index: dict[str, int] = {}
    sums: list[np.ndarray] = []  # per explanation: (keys, weights)
    keys_of: list[np.ndarray] = []
    n = skipped = 0
    for position, exp in enumerate(explanations):
        if not hasattr(exp, "local_exp"):
            if type(exp).__name__ == "RowError":
                skipped += 1
                continue
            raise TypeError(f"The 'explanations' parameter of {_CALLER} must hold Explanation objects; "
                            f"item {position} is a {type(exp).__name__}.")
        weights = _weights(exp, label, by, position)
        keys_of.append(np.array([index.setdefault(k, len(index)) for k in weights], dtype=np.intp))
        sums.append(np.array(list(weights.values()), dtype=float))
        n += 1
    if n == 0:
        raise ValueError(f"{_CALLER} needs at least one explanation; got none.")
    num = len(index)
    abs_sum, weight_sum, sign_sum = np.zeros(num), np.zeros(num), np.zeros(num)
    count, in_top = np.zeros(num, dtype=int), np.zeros(num, dtype=int)
    for keys, w in zip(keys_of, sums):
        np.add.at(abs_sum, keys, np.abs(w))
        np.add.at(weight_sum, keys, w)
        np.add.at(sign_sum, keys, np.sign(w))
        np.add.at(count, keys, w != 0)
        order = np.argsort(-np.abs(w), kind="stable")[:top_k]
        np.add.at(in_top, keys[order[w[order] != 0]], 1)
    names = list(index)
    rows = [{"feature": names[j], "mean_abs_weight": float(abs_sum[j] / n),
             "mean_weight": float(weight_sum[j] / n), "top_k_share": float(in_top[j] / n),
             "direction": float(sign_sum[j] / count[j]) if count[j] else 0.0, "count": int(count[j])}
            for j in range(num)]
    rows.sort(key=lambda r: (-r["mean_abs_weight"], r["feature"]))
    return GlobalReport(rows=rows, num_explanations=n, label=label, top_k=top_k, by=by,
                        num_skipped=skipped, title=title)
