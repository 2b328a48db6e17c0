"""HTML views of explanations: self-contained, escaped, no scripts.

Every user-provided string goes through :func:`html.escape`.
"""
from __future__ import annotations

import html
from typing import Any

__all__ = ["explanation_html"]

_STYLE = """
.limelight{font-family:system-ui,sans-serif;color:inherit;max-width:60rem}
.limelight table{border-collapse:collapse}
.limelight td,.limelight th{padding:.2rem .6rem;text-align:left}
.limelight .pos{color:#1a7f37}.limelight .neg{color:#cf222e}
"""


def _label_name(explanation: Any, label: int) -> str:
    names = explanation.class_names
    return str(names[label]) if names is not None and 0 <= label < len(names) else str(label)


def _label_section(explanation: Any, label: int) -> str:
    rows = "".join(
        f'<tr><td>{html.escape(str(name))}</td><td class="{"pos" if w > 0 else "neg"}">{w:+.4f}</td></tr>'
        for name, w in explanation.as_list(label=label))
    key = label if explanation.mode == "classification" else 1
    return (f"<h3>{html.escape(_label_name(explanation, label))}</h3>"
            f"<table><tr><th>feature</th><th>weight</th></tr>{rows}</table>"
            f"<p>intercept {explanation.intercept[key]:.4f}; local prediction "
            f"{explanation.local_pred[key]:.4f}; weighted R<sup>2</sup> {explanation.score[key]:.3f}</p>")


def explanation_html(explanation: Any, labels: Any = None, predict_proba: bool = True,
                     show_predicted_value: bool = True, fragment: bool = False, **kwargs: Any) -> str:
    """Render one explanation as HTML.

    Parameters
    ----------
    explanation : Explanation
    labels : sequence of int, optional
        Labels to show; default every explained label.
    predict_proba, show_predicted_value : bool, default=True
        Show the model's scores (classification) or value (regression).
    fragment : bool, default=False
        Return a ``<div>`` for embedding instead of a whole page.
    """
    if explanation.mode == "classification":
        labels = explanation.available_labels() if labels is None else list(labels)
        head = ""
        if predict_proba and explanation.predict_proba is not None:
            head = "<p>model output: " + ", ".join(
                f"{html.escape(_label_name(explanation, i))} {p:.3f}"
                for i, p in enumerate(explanation.predict_proba)) + "</p>"
    else:
        labels = [1]
        head = (f"<p>predicted value {explanation.predicted_value:.4f} (range "
                f"{explanation.min_value:.4f} to {explanation.max_value:.4f})</p>"
                if show_predicted_value else "")
    body = (f'<div class="limelight"><style>{_STYLE}</style><h2>Explanation</h2>{head}'
            + "".join(_label_section(explanation, label) for label in labels) + "</div>")
    if fragment:
        return body
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Limelight explanation</title>'
            f"</head><body>{body}</body></html>")
