"""Sections of the HTML report: the header, one card per label, one view per modality.

Modalities are read from ``explanation.extras`` (conventions in the lime_core docs):
``"tabular"`` (``feature_values``), ``"text"`` (``text``, ``spans``) and ``"image"``
(``image``, ``segments``). An explanation without a known modality gets the
generic view (header, weights, fit statistics).
"""
from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ._report_svg import esc, fmt, score_bars, weight_chart

__all__ = ["label_name", "section_html", "STYLE"]

#: Most classes listed in the model-output chart (highest scores first).
MAX_SCORE_ROWS = 10
#: Superpixels outlined in the image overlay (lime's get_image_and_mask shows 5 by default).
OVERLAY_SUPERPIXELS = 5
#: Instance tables longer than this start folded.
OPEN_TABLE_ROWS = 15

STYLE = """
.limelight{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:14px;
  line-height:1.45;color:inherit;max-width:100%;overflow:visible}
.limelight *{box-sizing:border-box}
.limelight h1{font-size:1.6em;margin:.2em 0 .6em}
.limelight h2{font-size:1.3em;margin:.2em 0 .5em}
.limelight h3{font-size:1.05em;margin:.1em 0 .5em}
.limelight .ll-exp{border:1px solid rgba(127,127,127,.45);border-radius:8px;padding:14px 18px;
  margin:0 0 22px}
.limelight .ll-grid{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
.limelight .ll-card{border:1px solid rgba(127,127,127,.3);border-radius:6px;padding:10px 12px;
  margin:0 0 12px;max-width:100%}
.limelight .ll-muted,.limelight .ll-meta{opacity:.75}
.limelight .ll-meta{font-size:.85em;margin:.4em 0 0}
.limelight .ll-pred{font-weight:700}
.limelight .ll-chart{display:block;width:100%;height:auto;font-size:13px;overflow:visible}
.limelight svg text{fill:currentColor}
.limelight svg .ll-value,.limelight svg .ll-axis-label{opacity:.7}
.limelight svg .ll-axis-label{font-size:11px}
.limelight svg .ll-axis{stroke:currentColor;stroke-width:1;opacity:.6}
.limelight svg .ll-err{stroke:currentColor;stroke-width:1.2;fill:none;opacity:.55}
.limelight .ll-pos{fill:#2da44e}.limelight .ll-neg{fill:#e5534b}.limelight .ll-zero{fill:#888}
.limelight .ll-top{fill:#3b82f6}.limelight .ll-other{fill:#94a3b8}
.limelight .ll-track{fill:rgba(127,127,127,.18)}
.limelight dl.ll-stats{display:grid;grid-template-columns:max-content auto;gap:2px 14px;margin:.6em 0 0}
.limelight dl.ll-stats dt{opacity:.8}.limelight dl.ll-stats dd{margin:0;font-variant-numeric:tabular-nums}
.limelight table.ll-table{border-collapse:collapse;font-variant-numeric:tabular-nums}
.limelight table.ll-table td,.limelight table.ll-table th{padding:2px 10px;text-align:left;
  border-bottom:1px solid rgba(127,127,127,.25);vertical-align:top}
.limelight .ll-text{white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.9;max-width:60rem;
  margin:.2em 0}
.limelight mark{color:inherit;border-radius:3px;padding:1px 2px}
.limelight mark.ll-pos{background:rgba(45,164,78,var(--a));box-shadow:inset 0 -2px #2da44e}
.limelight mark.ll-neg{background:rgba(229,83,75,var(--a));box-shadow:inset 0 -2px #e5534b}
.limelight .ll-images{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
.limelight figure{margin:0;display:table}
.limelight figure img{display:block;width:auto;max-width:100%;min-width:160px;height:auto;
  image-rendering:auto;border-radius:4px}
.limelight figcaption{display:table-caption;caption-side:bottom;font-size:.85em;opacity:.8;margin-top:3px}
.limelight .ll-legend-pos{color:#2da44e;font-weight:600}
.limelight .ll-legend-neg{color:#e5534b;font-weight:600}
.limelight .ll-toc ol{margin:0 0 16px;padding-left:1.6em}
.limelight .ll-toc a{color:inherit}
.limelight .ll-warn{border-left:3px solid #d29922;padding-left:8px}
"""


def label_name(explanation: Any, label: int) -> str:
    """The class name of ``label``, or the label itself when there are no class names."""
    names = explanation.class_names
    if names is not None and 0 <= label < len(names):
        return str(names[label])
    return str(label)


def _modality(explanation: Any) -> str:
    return str(explanation.extras.get("modality", "")) if isinstance(explanation.extras, Mapping) else ""


def _label_key(explanation: Any, label: int) -> int:
    return label if explanation.mode == "classification" else 1


def _name_of(explanation: Any, feature: int) -> str:
    try:
        return str(explanation.domain_mapper.map_exp_ids([(feature, 0.0)])[0][0])
    except Exception:  # a mapper that cannot name one id alone still gets a readable label
        return str(feature)


def _feature_value(explanation: Any, feature: int) -> str | None:
    values = explanation.extras.get("feature_values")
    if values is None:
        values = getattr(explanation.domain_mapper, "feature_values", None)
    if values is None or not 0 <= int(feature) < len(values):
        return None
    return str(values[int(feature)])


def _predicted(explanation: Any) -> tuple[int | None, float | None]:
    proba = explanation.predict_proba
    if proba is None or len(proba) == 0:
        return None, None
    top = int(np.argmax(proba))
    return top, float(proba[top])


def _title(explanation: Any, caption: str | None, show_value: bool) -> str:
    lead = esc(caption) + ": " if caption else ""
    if explanation.mode == "classification":
        top, score = _predicted(explanation)
        if top is None:
            labels = explanation.available_labels()
            return f"<h2>{lead}explanation of {esc(', '.join(label_name(explanation, l) for l in labels))}</h2>"
        return (f'<h2>{lead}predicted <span class="ll-pred">{esc(label_name(explanation, top))}</span> '
                f'<span class="ll-muted">(score {fmt(score)})</span></h2>')
    if show_value and explanation.predicted_value is not None:
        return (f'<h2>{lead}predicted value <span class="ll-pred">{fmt(explanation.predicted_value, 4)}</span>'
                "</h2>")
    return f"<h2>{lead}explanation of a regression</h2>"


def _output_card(explanation: Any, predict_proba: bool, show_value: bool) -> str:
    if explanation.mode == "classification":
        proba = explanation.predict_proba
        if not predict_proba or proba is None:
            return ""
        order = np.argsort(-np.asarray(proba, dtype=float), kind="stable")[:MAX_SCORE_ROWS]
        top = int(order[0])
        rows = [(label_name(explanation, int(i)), float(proba[i])) for i in order]
        more = (f'<p class="ll-meta">{len(proba) - len(order)} more classes not shown.</p>'
                if len(proba) > len(order) else "")
        return (f'<div class="ll-card ll-output"><h3>Model output</h3>'
                f'{score_bars(rows, highlight=0 if int(order[0]) == top else None, caption="model scores")}'
                f"{more}</div>")
    if not show_value or explanation.predicted_value is None:
        return ""
    stats = [("predicted value", fmt(explanation.predicted_value, 4))]
    if explanation.min_value is not None and explanation.max_value is not None:
        stats.append(("range over the samples",
                      f"{fmt(explanation.min_value, 4)} to {fmt(explanation.max_value, 4)}"))
    return f'<div class="ll-card ll-output"><h3>Model output</h3>{_stats(stats)}</div>'


def _stats(pairs: Sequence[tuple[str, str]]) -> str:
    return '<dl class="ll-stats">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in pairs) + "</dl>"


#: How the report names the fields of ``Explanation.fidelity[label]`` it knows.
FIDELITY_FIELDS = (("holdout_r2", "fidelity on held-out samples (weighted R\u00b2)"),
                   ("holdout_mae", "held-out mean absolute error"))


def _fidelity_rows(explanation: Any, label: int) -> list[tuple[str, str]]:
    """Held-out fidelity and the effective sample size, when the explanation carries them."""
    fidelity = getattr(explanation, "fidelity", None)
    if not isinstance(fidelity, Mapping):
        return []
    record = fidelity.get(_label_key(explanation, label))
    if not isinstance(record, Mapping):
        return []
    rows = []
    samples = record.get("holdout_samples")
    for key, name in FIDELITY_FIELDS:
        value = record.get(key)
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            if key == "holdout_r2" and isinstance(samples, numbers.Real):
                rows.append((name, f"{fmt(value)} <span class=\"ll-muted\">on {int(samples)} samples</span>"))
            else:
                rows.append((name, fmt(value)))
    ess, share = record.get("ess"), record.get("ess_share")
    if isinstance(ess, numbers.Real) and not isinstance(ess, bool):
        extra = f" ({100 * float(share):.0f}% of the samples)" if isinstance(share, numbers.Real) else ""
        rows.append(("effective sample size of the kernel", f"{float(ess):.0f}{extra}"))
    return rows


#: Level of the confidence intervals drawn as whiskers (from ``Explanation.std_err``).
CONFIDENCE = 0.95


def _errors(explanation: Any, key: int, count: int) -> list[float] | None:
    std_err = getattr(explanation, "std_err", None)
    if not isinstance(std_err, Mapping) or key not in std_err or len(std_err[key]) != count:
        return None
    from statistics import NormalDist
    z = NormalDist().inv_cdf(0.5 + CONFIDENCE / 2)
    return [z * float(se) for se in std_err[key]]


def _label_card(explanation: Any, label: int, show_all: bool) -> str:
    key = _label_key(explanation, label)
    pairs = explanation.local_exp[key]
    modality = _modality(explanation)
    rows = [(_name_of(explanation, f), _feature_value(explanation, f) if modality != "text" else None, w)
            for f, w in pairs]
    if explanation.mode == "classification":
        name = label_name(explanation, label)
        heading = f"Why &ldquo;{esc(name)}&rdquo;?"
        legend = (f'<span class="ll-legend-pos">green</span> pushes towards &ldquo;{esc(name)}&rdquo;, '
                  f'<span class="ll-legend-neg">red</span> away from it')
    else:
        heading = "Why this value?"
        legend = ('<span class="ll-legend-pos">green</span> raises the prediction, '
                  '<span class="ll-legend-neg">red</span> lowers it')
    stats: list[tuple[str, str]] = []
    if explanation.mode == "classification" and explanation.predict_proba is not None \
            and 0 <= label < len(explanation.predict_proba):
        stats.append(("model score", fmt(explanation.predict_proba[label])))
    if key in explanation.local_pred:
        stats.append(("surrogate prediction", fmt(explanation.local_pred[key])))
    if key in explanation.intercept:
        stats.append(("intercept", fmt(explanation.intercept[key])))
    if key in explanation.score:
        score = float(explanation.score[key])
        stats.append(("fidelity (weighted R\u00b2 on the samples)", fmt(score)))
    stats.extend(_fidelity_rows(explanation, label))
    view = _modality_view(explanation, label, modality)
    errors = _errors(explanation, key, len(rows))
    chart = weight_chart(rows, caption=f"weights for {label_name(explanation, label)}", errors=errors)
    if errors is not None:
        legend += f"; whiskers: {100 * CONFIDENCE:.0f}% confidence intervals"
    low_fit = ""
    if key in explanation.score and float(explanation.score[key]) < 0.3:
        low_fit = ('<p class="ll-warn">The surrogate fits the model poorly here (weighted R\u00b2 '
                   f"{fmt(explanation.score[key])}); read the weights with care.</p>")
    return (f'<div class="ll-card ll-label" data-label="{int(label)}"><h3>{heading}</h3>'
            f'<p class="ll-muted">Weights of the local linear surrogate: {legend}.</p>'
            f'{view}{chart}{_stats(stats)}{low_fit}</div>')


def _modality_view(explanation: Any, label: int, modality: str) -> str:
    if modality == "text":
        return _text_view(explanation, label)
    if modality == "image":
        return _image_view(explanation, label)
    return ""


def _spans(explanation: Any) -> dict[int, list[tuple[int, int]]]:
    raw = explanation.extras.get("spans") or {}
    out: dict[int, list[tuple[int, int]]] = {}
    for feature, spans in raw.items():
        out[int(feature)] = [(int(s), int(e)) for s, e in spans]
    return out


def _text_view(explanation: Any, label: int) -> str:
    text = explanation.extras.get("text")
    if text is None:
        return ""
    text = str(text)
    spans = _spans(explanation)
    weights = dict(explanation.local_exp[_label_key(explanation, label)])
    scale = max((abs(w) for w in weights.values()), default=0.0) or 1.0
    marks = sorted((start, end, feature, weights[feature]) for feature, ranges in spans.items()
                   if feature in weights and weights[feature] != 0 for start, end in ranges
                   if 0 <= start < end <= len(text))
    parts, cursor = [], 0
    for start, end, feature, weight in marks:
        if start < cursor:  # overlapping spans: the first one wins
            continue
        parts.append(esc(text[cursor:start]))
        kind = "pos" if weight > 0 else "neg"
        alpha = 0.15 + 0.6 * abs(weight) / scale
        parts.append(f'<mark class="ll-{kind}" style="--a:{alpha:.2f}" title="weight {weight:+.4f}">'
                     f"{esc(text[start:end])}</mark>")
        cursor = end
    parts.append(esc(text[cursor:]))
    return f'<p class="ll-text">{"".join(parts)}</p>'


def _image_view(explanation: Any, label: int) -> str:
    image, segments = explanation.extras.get("image"), explanation.extras.get("segments")
    if image is None or segments is None:
        return ""
    from ._report_image import as_rgb_uint8, heatmap_rgb, overlay_rgb, png_data_uri

    pairs = explanation.local_exp[_label_key(explanation, label)]
    name = esc(label_name(explanation, label))
    figures = [(png_data_uri(as_rgb_uint8(image)), "the image"),
               (png_data_uri(heatmap_rgb(image, segments, pairs)),
                "weight of each superpixel (green for, red against)"),
               (png_data_uri(overlay_rgb(image, segments, pairs, num_features=OVERLAY_SUPERPIXELS)),
                f"the {min(OVERLAY_SUPERPIXELS, len(pairs))} strongest superpixels for &ldquo;{name}&rdquo; "
                "(green) and against (red)")]
    height = np.asarray(segments).shape[0]
    width = np.asarray(segments).shape[1]
    size = ' width="{}" height="{}"'.format(*(_display_size(width, height)))
    return '<div class="ll-images">' + "".join(
        f'<figure><img src="{uri}" alt="{caption}"{size}><figcaption>{caption}</figcaption></figure>'
        for uri, caption in figures) + "</div>"


def _display_size(width: int, height: int, target: int = 240) -> tuple[int, int]:
    """Show small images larger and large ones smaller, keeping the aspect ratio."""
    scale = target / max(width, height, 1)
    return max(int(round(width * scale)), 1), max(int(round(height * scale)), 1)


def _instance_table(explanation: Any) -> str:
    if _modality(explanation) != "tabular":
        return ""
    values = explanation.extras.get("feature_values")
    if not values:
        return ""
    names = [_name_of(explanation, i) for i in range(len(values))]
    raw = explanation.extras.get("feature_names")
    if raw is None:  # lime's TableDomainMapper keeps the column names here
        raw = getattr(explanation.domain_mapper, "exp_feature_names", None)
    columns = [str(c) for c in raw] if raw is not None and len(raw) == len(values) else None
    if columns == names:
        columns = None
    head = "<tr><th>feature</th><th>value</th>" + ("<th>condition</th>" if columns else "") + "</tr>"
    body = "".join(
        f"<tr><td>{esc(columns[i] if columns else names[i])}</td><td>{esc(v)}</td>"
        + (f"<td>{esc(names[i])}</td>" if columns else "") + "</tr>"
        for i, v in enumerate(values))
    opened = " open" if len(values) <= OPEN_TABLE_ROWS else ""
    return (f'<details class="ll-card ll-instance"{opened}><summary>The instance: {len(values)} feature '
            f'values</summary><table class="ll-table">{head}{body}</table></details>')


def _meta_line(explanation: Any) -> str:
    meta = explanation.meta if isinstance(explanation.meta, Mapping) else {}
    bits = []
    if _modality(explanation):
        bits.append(esc(_modality(explanation)))
    if "num_samples" in meta:
        bits.append(f"{esc(meta['num_samples'])} samples")
    kernel = meta.get("kernel")
    if isinstance(kernel, Mapping) and "kernel_width" in kernel:
        bits.append(f"kernel width {fmt(kernel['kernel_width'])}")
    if "feature_selection" in meta:
        bits.append(f"feature selection {esc(meta['feature_selection'])}")
    if explanation.random_state is not None:
        bits.append(f"random_state {esc(explanation.random_state)}")
    cost = explanation.cost if isinstance(explanation.cost, Mapping) else {}
    if "seconds" in cost:
        bits.append(f"{fmt(cost['seconds'], 2)} s")
    return '<p class="ll-meta">' + " \u00b7 ".join(bits) + "</p>" if bits else ""


def contents_html(explanations: Sequence[Any], captions: Sequence[str | None], anchors: Sequence[str]) -> str:
    """A list of links to the sections of a report, each with its prediction."""
    items = []
    for i, (exp, caption, anchor) in enumerate(zip(explanations, captions, anchors), start=1):
        name = esc(caption) if caption else f"explanation {i}"
        top, score = _predicted(exp) if exp.mode == "classification" else (None, None)
        if top is not None:
            what = f"{esc(label_name(exp, top))} ({fmt(score)})"
        elif exp.predicted_value is not None:
            what = fmt(exp.predicted_value, 4)
        else:
            what = ""
        items.append(f'<li><a href="#{esc(anchor)}">{name}</a>'
                     + (f' <span class="ll-muted">predicted {what}</span>' if what else "") + "</li>")
    return f'<nav class="ll-toc"><ol>{"".join(items)}</ol></nav>'


def section_html(explanation: Any, *, labels: Sequence[int] | None = None, predict_proba: bool = True,
                 show_predicted_value: bool = True, caption: str | None = None,
                 show_all: bool = False, anchor: str | None = None) -> str:
    """One explanation as a ``<section>``: title, model output, one card per label, instance."""
    if explanation.mode == "classification":
        labels = explanation.available_labels() if labels is None else [int(l) for l in labels]
    else:
        labels = [1]
    for label in labels:
        explanation._label_key(label)  # KeyError naming the explained labels
    cards = "".join(_label_card(explanation, label, show_all) for label in labels)
    output = _output_card(explanation, predict_proba, show_predicted_value)
    modality = _modality(explanation) or "generic"
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return (f'<section class="ll-exp ll-modality-{esc(modality)}"{ident}>'
            f"{_title(explanation, caption, show_predicted_value)}"
            f'<div class="ll-grid">{output}{_instance_table(explanation)}</div>'
            f"{cards}{_meta_line(explanation)}</section>")
