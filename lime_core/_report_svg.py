"""Inline SVG charts for the HTML report: no scripts, no fonts, text in ``currentColor``.

Every string that reaches the markup goes through :func:`html.escape`; the
charts size themselves from their content, so nothing is clipped.
"""
from __future__ import annotations

import html
from collections.abc import Sequence

__all__ = ["weight_chart", "score_bars", "esc", "fmt"]

#: Height of one bar row in pixels.
ROW_HEIGHT = 26
#: Longest label shown in full; longer ones are shortened with an ellipsis (full text in a tooltip).
MAX_LABEL_CHARS = 48
#: Longest feature value shown in a chart (the instance table shows it whole).
MAX_VALUE_CHARS = 20
#: Length in pixels of the longest bar.
BAR_HALF = 150.0


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute.

    Examples
    --------
    >>> esc('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape(str(value), quote=True)


def fmt(value: float, digits: int = 3) -> str:
    """A number for people: fixed digits, scientific when tiny or huge.

    Examples
    --------
    >>> fmt(0.123456), fmt(-2e-7), fmt(12345678.0)
    ('0.123', '-2e-07', '1.2e+07')
    """
    value = float(value)
    if value != 0 and (abs(value) < 10 ** -digits or abs(value) >= 1e6):
        return f"{value:.{max(digits - 1, 1)}g}" if abs(value) >= 1e6 else f"{value:.0e}"
    return f"{value:.{digits}f}"


#: Character widths (px) of DejaVu Sans at 13 px, the widest common sans-serif (Debian's default);
#: other system fonts are narrower, so labels laid out with these never overflow.
_WIDTHS = {**dict.fromkeys("0123456789", 8.3), **dict.fromkeys("<=>+~^", 10.9),
           **dict.fromkeys(" .,:;'|!", 4.2), **dict.fromkeys("()[]{}-/\\", 5.1),
           **dict.fromkeys("ijl", 3.7), **dict.fromkeys("ftr", 5.4), **dict.fromkeys("mMW", 12.8),
           **dict.fromkeys("w@%&", 11.0), "_": 6.5, '"': 6.0}
#: Safety factor on the estimate.
_MARGIN = 1.06


def text_width(text: str) -> float:
    """A generous estimate of the width of ``text`` in the 13 px sans-serif of the charts.

    Examples
    --------
    >>> text_width("iii") < text_width("abc") < text_width("MWM")
    True
    """
    return _MARGIN * sum(_WIDTHS.get(c, 9.9 if c.isupper() else 8.0) for c in text)


def _short(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def weight_chart(rows: Sequence[tuple[str, str | None, float]], *, caption: str = "",
                 errors: Sequence[float] | None = None) -> str:
    """A diverging horizontal bar chart of surrogate weights.

    Parameters
    ----------
    rows : sequence of (name, value or None, weight)
        One bar per row, drawn in the given order. ``value`` is the instance's
        value of the feature, shown next to its name.
    caption : str, default=''
        Accessible name of the chart.
    errors : sequence of float, optional
        Half-width of a confidence interval per row, drawn as a whisker.

    Returns
    -------
    str
        An ``<svg>`` element.

    Examples
    --------
    >>> svg = weight_chart([("age <= 30", "25", 0.4), ("<b>", None, -0.1)])
    >>> "&lt;b&gt;" in svg and "<b>" not in svg
    True
    """
    if not rows:
        return '<p class="ll-muted">No feature has a non-zero weight.</p>'
    names = [_short(str(name)) for name, _, _ in rows]
    values = [None if value is None else _short(str(value), MAX_VALUE_CHARS) for _, value, _ in rows]
    weights = [float(w) for _, _, w in rows]
    has_values = any(v is not None for v in values)
    name_w = max(text_width(n) for n in names) + 12
    value_w = (max(text_width("= " + (v or "")) for v in values) + 12) if has_values else 0
    number_w = max(text_width(f"{w:+.4f}") for w in weights) + 8
    bar_half = BAR_HALF
    height = ROW_HEIGHT * len(rows) + 26
    errs = [0.0] * len(rows) if errors is None else [abs(float(e)) for e in errors]
    scale = max(abs(w) + e for w, e in zip(weights, errs)) or 1.0
    # each side of the axis is as wide as its longest bar (with whisker) and number need
    neg_reach = max([0.0] + [e - w for w, e in zip(weights, errs)]) / scale * bar_half
    pos_reach = max([0.0] + [w + e for w, e in zip(weights, errs)]) / scale * bar_half
    left_half = max(neg_reach + (number_w if any(w < 0 for w in weights) else 0) + 5, 75)
    right_half = max(pos_reach + (number_w if any(w >= 0 for w in weights) else 0) + 5, 60)
    axis = name_w + value_w + left_half
    width = axis + right_half + 8
    parts = [f'<svg class="ll-chart" role="img" aria-label="{esc(caption)}" width="{width:.0f}" '
             f'height="{height}" style="max-width:{width:.0f}px" viewBox="0 0 {width:.0f} {height}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{esc(caption)}</title>",
             f'<text class="ll-axis-label" x="{axis - 6:.1f}" y="13" text-anchor="end">'
             f"\u2190 against</text>",
             f'<text class="ll-axis-label" x="{axis + 6:.1f}" y="13">for \u2192</text>']
    for i, (name, full, value, weight) in enumerate(zip(names, rows, values, weights)):
        y = 20 + i * ROW_HEIGHT
        mid = y + ROW_HEIGHT / 2 + 4.5
        length = abs(weight) / scale * bar_half
        x = axis if weight >= 0 else axis - length
        kind = "pos" if weight > 0 else "neg" if weight < 0 else "zero"
        parts.append(f'<g class="ll-row"><title>{esc(full[0])}'
                     f'{"" if full[1] is None else " = " + esc(full[1])}: weight {weight:+.6g}</title>')
        parts.append(f'<text class="ll-name" x="{name_w - 8:.1f}" y="{mid:.1f}" '
                     f'text-anchor="end">{esc(name)}</text>')
        if value is not None:
            parts.append(f'<text class="ll-value" x="{name_w:.1f}" y="{mid:.1f}">= {esc(value)}</text>')
        parts.append(f'<rect class="ll-bar ll-{kind}" x="{x:.1f}" y="{y + 4}" width="{max(length, 1):.1f}" '
                     f'height="{ROW_HEIGHT - 8}" rx="2"/>')
        err = errs[i] / scale * bar_half
        if err > 0:
            lo, hi = axis + (weight / scale * bar_half) - err, axis + (weight / scale * bar_half) + err
            cy = y + ROW_HEIGHT / 2
            parts.append(f'<path class="ll-err" d="M{lo:.1f} {cy:.1f}H{hi:.1f}M{lo:.1f} {cy - 4:.1f}V{cy + 4:.1f}'
                         f'M{hi:.1f} {cy - 4:.1f}V{cy + 4:.1f}"/>')
        reach = length + (err if (weight >= 0) else err)
        if weight >= 0:
            parts.append(f'<text class="ll-num" x="{axis + reach + 5:.1f}" y="{mid:.1f}">{weight:+.4f}</text>')
        else:
            parts.append(f'<text class="ll-num" x="{axis - reach - 5:.1f}" y="{mid:.1f}" '
                         f'text-anchor="end">{weight:+.4f}</text>')
        parts.append("</g>")
    parts.append(f'<line class="ll-axis" x1="{axis:.1f}" x2="{axis:.1f}" y1="18" y2="{height - 4}"/>')
    parts.append("</svg>")
    return "".join(parts)


def score_bars(rows: Sequence[tuple[str, float]], *, highlight: int | None = None,
               caption: str = "") -> str:
    """Horizontal bars of the model's scores, one per class (values in [0, 1] fill the bar).

    Parameters
    ----------
    rows : sequence of (class name, score)
    highlight : int, optional
        Index of the row to emphasise (the predicted class).
    caption : str, default=''

    Returns
    -------
    str
        An ``<svg>`` element.

    Examples
    --------
    >>> "setosa" in score_bars([("setosa", 0.9), ("virginica", 0.1)], highlight=0)
    True
    """
    names = [_short(str(n), 40) for n, _ in rows]
    scores = [float(s) for _, s in rows]
    name_w = max(text_width(n) for n in names) + 12
    bar_w = 200.0
    top = max([1.0] + [abs(s) for s in scores])
    width = name_w + bar_w + text_width("0.0000") + 14
    height = 22 * len(rows) + 4
    parts = [f'<svg class="ll-chart ll-scores" role="img" aria-label="{esc(caption)}" width="{width:.0f}" '
             f'height="{height}" style="max-width:{width:.0f}px" viewBox="0 0 {width:.0f} {height}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{esc(caption)}</title>"]
    for i, (name, score) in enumerate(zip(names, scores)):
        y = 2 + i * 22
        kind = "ll-top" if i == highlight else "ll-other"
        parts.append(f'<text class="ll-name" x="{name_w - 8:.1f}" y="{y + 15}" text-anchor="end">{esc(name)}</text>'
                     f'<rect class="ll-track" x="{name_w:.1f}" y="{y + 3}" width="{bar_w:.0f}" height="14" rx="2"/>'
                     f'<rect class="ll-bar {kind}" x="{name_w:.1f}" y="{y + 3}" '
                     f'width="{max(abs(score) / top * bar_w, 1):.1f}" height="14" rx="2"/>'
                     f'<text class="ll-num" x="{name_w + bar_w + 6:.1f}" y="{y + 15}">{fmt(score)}</text>')
    parts.append("</svg>")
    return "".join(parts)
