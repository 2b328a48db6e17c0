"""matplotlib figures of explanations (needs the ``plot`` extra)."""
from __future__ import annotations

from typing import Any

__all__ = ["explanation_figure"]


def explanation_figure(explanation: Any, label: int = 1, figsize: tuple[float, float] | None = None,
                       **kwargs: Any) -> Any:
    """A horizontal bar chart of ``explanation.as_list(label)``, largest weight on top.

    Parameters
    ----------
    explanation : Explanation
    label : int, default=1
    figsize : (float, float), optional
    **kwargs
        Passed to :meth:`Explanation.as_list`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("as_pyplot_figure needs matplotlib: pip install 'limelight[plot]'.") from exc
    pairs = explanation.as_list(label=label, **kwargs)[::-1]
    figure, axes = plt.subplots(figsize=figsize or (6, 0.4 * len(pairs) + 1.2))
    weights = [w for _, w in pairs]
    axes.barh([str(n) for n, _ in pairs], weights,
              color=["#1a7f37" if w > 0 else "#cf222e" for w in weights])
    names = explanation.class_names
    title = names[label] if names is not None and explanation.mode == "classification" \
        and 0 <= label < len(names) else label
    axes.set_title(f"Local explanation for {title}")
    figure.tight_layout()
    return figure
