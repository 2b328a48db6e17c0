"""What ``limelight`` prints: a short table per explanation, or JSON for scripts."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["summary", "table"]


def _label_name(explanation: Any, label: int) -> str:
    names = explanation.class_names
    return str(names[label]) if names is not None and 0 <= label < len(names) else str(label)


def _labels(explanation: Any) -> list[int]:
    return explanation.available_labels() if explanation.mode == "classification" else [1]


def _value(explanation: Any, feature: int) -> str | None:
    values = explanation.extras.get("feature_values")
    if values is None or not 0 <= feature < len(values):
        return None
    return str(values[feature])


def summary(explanation: Any, caption: str | None = None) -> dict[str, Any]:
    """JSON-ready summary: the prediction and, per label, the weights with names and values.

    Examples
    --------
    >>> from lime_core import Explanation, FeatureNamesMapper
    >>> exp = Explanation(FeatureNamesMapper(["a"]), local_exp={1: [(0, 0.5)]},
    ...                   intercept={1: 0.1}, score={1: 0.9}, local_pred={1: 0.6})
    >>> summary(exp)["labels"][0]["weights"]
    [{'feature': 'a', 'feature_id': 0, 'weight': 0.5}]
    """
    out: dict[str, Any] = {"caption": caption, "modality": explanation.extras.get("modality"),
                           "mode": explanation.mode, "class_names": explanation.class_names,
                           "random_state": explanation.random_state}
    if explanation.mode == "classification" and explanation.predict_proba is not None:
        proba = np.asarray(explanation.predict_proba, dtype=float)
        top = int(np.argmax(proba))
        out["prediction"] = {"label": top, "name": _label_name(explanation, top), "score": float(proba[top])}
        out["scores"] = proba.tolist()
    elif explanation.mode == "regression":
        out["prediction"] = {"value": explanation.predicted_value}
    labels = []
    for label in _labels(explanation):
        key = label if explanation.mode == "classification" else 1
        names = explanation.as_list(label=label)
        weights = []
        for (feature, weight), (name, _) in zip(explanation.local_exp[key], names):
            row: dict[str, Any] = {"feature": str(name), "feature_id": int(feature), "weight": float(weight)}
            value = _value(explanation, int(feature))
            if value is not None:
                row["value"] = value
            weights.append(row)
        labels.append({"label": label, "name": _label_name(explanation, label),
                       "intercept": explanation.intercept.get(key), "score": explanation.score.get(key),
                       "local_pred": explanation.local_pred.get(key), "weights": weights})
    out["labels"] = labels
    return out


def table(explanation: Any, caption: str | None = None, max_rows: int | None = None) -> str:
    """A short plain-text table of one explanation.

    Examples
    --------
    >>> from lime_core import Explanation, FeatureNamesMapper
    >>> exp = Explanation(FeatureNamesMapper(["age <= 30"]), local_exp={1: [(0, 0.5)]},
    ...                   intercept={1: 0.1}, score={1: 0.9}, local_pred={1: 0.6}, class_names=["no", "yes"])
    >>> print(table(exp, "toy"))
    == toy ==
    why "yes" (fidelity R^2 0.900, intercept 0.100):
      +0.5000  age <= 30
    """
    data = summary(explanation, caption)
    lines = [f"== {caption or data['modality'] or 'explanation'} =="]
    prediction = data.get("prediction")
    if prediction and "name" in prediction:
        lines.append(f"prediction: {prediction['name']} (score {prediction['score']:.3f})")
    elif prediction and prediction.get("value") is not None:
        lines.append(f"prediction: {prediction['value']:.4f}")
    for label in data["labels"]:
        head = f'why "{label["name"]}"' if explanation.mode == "classification" else "why this value"
        lines.append(f"{head} (fidelity R^2 {label['score']:.3f}, intercept {label['intercept']:.3f}):")
        rows = label["weights"][:max_rows] if max_rows else label["weights"]
        for row in rows:
            value = f"  = {row['value']}" if "value" in row else ""
            lines.append(f"  {row['weight']:+.4f}  {row['feature']}{value}")
        if max_rows and len(label["weights"]) > max_rows:
            lines.append(f"  ... {len(label['weights']) - max_rows} more in the report")
    return "\n".join(lines)


def tables(items: Sequence[tuple[str | None, Any]], max_rows: int | None = None) -> str:
    """:func:`table` for several ``(caption, explanation)`` pairs, separated by blank lines."""
    return "\n\n".join(table(exp, caption, max_rows) for caption, exp in items)
