"""HTML views of explanations: one self-contained file, escaped, no scripts, no network.

A report is plain HTML with inline CSS and SVG; images are embedded as base64
PNG. It has no ``<script>``, loads no font, and draws text in ``currentColor``
so it reads in JupyterLab's light and dark themes and in a browser that
prefers a dark scheme. Every user-provided string (feature names, class
names, category values, the text itself) goes through :func:`html.escape`.

:meth:`Explanation.as_html`, :meth:`~Explanation.save_to_file`,
:meth:`~Explanation.show_in_notebook` and ``_repr_html_`` call
:func:`explanation_html`; :func:`report_html` and :func:`save_report` put
several explanations in one page.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

from ._report_svg import esc
from ._report_views import STYLE, contents_html, section_html

__all__ = ["explanation_html", "report_html", "save_report"]

#: Options of lime's ``as_html`` that only tuned its JavaScript view; accepted and ignored.
LIME_VIEW_OPTIONS = frozenset({"show_table", "show_all", "text", "max_features"})

#: A page-only rule: the standalone page gets a margin. Nothing here styles ``html`` or ``body``, so a
#: page pasted whole into a notebook (``show_in_notebook``) changes nothing outside the report; the
#: light/dark canvas of a standalone page comes from ``<meta name="color-scheme">``.
_PAGE_STYLE = ".limelight-page{padding:8px 12px}"


def _check_options(kwargs: dict[str, Any], caller: str) -> None:
    unknown = sorted(set(kwargs) - LIME_VIEW_OPTIONS)
    if unknown:
        raise TypeError(f"{caller} got unexpected keyword argument(s) {unknown}; it accepts labels, "
                        f"predict_proba, show_predicted_value, fragment, title and lime's "
                        f"{sorted(LIME_VIEW_OPTIONS)}.")


def _page(body: str, title: str) -> str:
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="color-scheme" content="light dark">'
            f"<title>{esc(title)}</title><style>{_PAGE_STYLE}</style></head>"
            f'<body><div class="limelight-page">{body}</div></body></html>\n')


def explanation_html(explanation: Any, labels: Sequence[int] | None = None, predict_proba: bool = True,
                     show_predicted_value: bool = True, fragment: bool = False,
                     title: str | None = None, **kwargs: Any) -> str:
    """Render one explanation as HTML.

    Parameters
    ----------
    explanation : Explanation
    labels : sequence of int, optional
        Labels to show; default every explained label (ignored for regression).
    predict_proba : bool, default=True
        Show the model's scores (classification).
    show_predicted_value : bool, default=True
        Show the model's value (regression).
    fragment : bool, default=False
        Return a ``<div>`` for embedding (Jupyter) instead of a whole page.
    title : str, optional
        A caption before the prediction in the heading.
    **kwargs
        lime's ``show_table``, ``show_all``, ``text`` and ``max_features`` are
        accepted for compatibility and change nothing: every view is shown.

    Returns
    -------
    str

    Raises
    ------
    KeyError
        When ``labels`` names a label that was not explained.
    TypeError
        For an unknown keyword argument.

    Examples
    --------
    >>> from lime_core import Explanation, FeatureNamesMapper
    >>> exp = Explanation(FeatureNamesMapper(["<b>age</b>"]), local_exp={1: [(0, 0.5)]},
    ...                   intercept={1: 0.1}, score={1: 0.9}, local_pred={1: 0.6})
    >>> page = explanation_html(exp)
    >>> "&lt;b&gt;age&lt;/b&gt;" in page and "<b>age" not in page and "<script" not in page
    True
    """
    _check_options(kwargs, "explanation_html")
    section = section_html(explanation, labels=labels, predict_proba=predict_proba,
                           show_predicted_value=show_predicted_value, caption=title)
    body = f'<div class="limelight"><style>{STYLE}</style>{section}</div>'
    if fragment:
        return body
    return _page(body, title or "Limelight explanation")


def report_html(explanations: Iterable[Any], title: str = "Limelight report",
                captions: Sequence[str | None] | None = None, labels: Sequence[int] | None = None,
                predict_proba: bool = True, show_predicted_value: bool = True,
                fragment: bool = False) -> str:
    """Several explanations (any modalities) in one self-contained page.

    Parameters
    ----------
    explanations : iterable of Explanation
    title : str, default='Limelight report'
    captions : sequence of str, optional
        One heading prefix per explanation (e.g. the data set's name).
    labels : sequence of int, optional
        Labels to show for each classification; default every explained label.
    predict_proba, show_predicted_value, fragment : bool
        As in :func:`explanation_html`.

    Returns
    -------
    str

    Examples
    --------
    >>> from lime_core import Explanation, FeatureNamesMapper
    >>> exp = Explanation(FeatureNamesMapper(["a"]), local_exp={1: [(0, 0.5)]},
    ...                   intercept={1: 0.1}, score={1: 0.9}, local_pred={1: 0.6})
    >>> page = report_html([exp, exp], title="Two rows", captions=["row 1", "row 2"])
    >>> page.count('<section class="ll-exp'), "Two rows" in page
    (2, True)
    """
    explanations = list(explanations)
    if not explanations:
        raise ValueError("The 'explanations' parameter of report_html must hold at least one "
                         "explanation; got none.")
    if captions is not None and len(captions) != len(explanations):
        raise ValueError(f"The 'captions' parameter of report_html must have one entry per explanation "
                         f"({len(explanations)}); got {len(captions)}.")
    captions = list(captions) if captions is not None else [None] * len(explanations)
    anchors = [f"ll-explanation-{i}" for i in range(1, len(explanations) + 1)]
    sections = "".join(
        section_html(exp, labels=labels, predict_proba=predict_proba,
                     show_predicted_value=show_predicted_value, caption=caption, anchor=anchor)
        for exp, caption, anchor in zip(explanations, captions, anchors))
    contents = contents_html(explanations, captions, anchors) if len(explanations) > 1 else ""
    body = f'<div class="limelight"><style>{STYLE}</style><h1>{esc(title)}</h1>{contents}{sections}</div>'
    return body if fragment else _page(body, title)


def save_report(explanations: Iterable[Any], path: str | os.PathLike[str], title: str = "Limelight report",
                captions: Sequence[str | None] | None = None, **kwargs: Any) -> str:
    """Write :func:`report_html` to ``path`` (UTF-8) and return the path as a string.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from lime_core import Explanation, FeatureNamesMapper
    >>> exp = Explanation(FeatureNamesMapper(["a"]), local_exp={1: [(0, 0.5)]},
    ...                   intercept={1: 0.1}, score={1: 0.9}, local_pred={1: 0.6})
    >>> out = save_report([exp], pathlib.Path(tempfile.mkdtemp()) / "r.html")
    >>> out.endswith("r.html")
    True
    """
    page = report_html(explanations, title=title, captions=captions, **kwargs)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(page)
    return os.fspath(path)
