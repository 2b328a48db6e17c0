"""Stability of explanations across random seeds.

LIME samples its neighbourhood at random, so two runs on the same instance can
disagree. :func:`stability` explains one instance ``n_runs`` times with
independent seeds and measures how much the top-``K`` features agree;
:func:`compare_explanations` computes the same measures on explanations you
already have (Limelight's, or the original lime's: anything with ``as_map()``).

Measures, each averaged over all pairs of runs:

- ``jaccard``: ``|A & B| / |A | B|`` of the two top-``K`` sets (1: same set);
- ``sign_agreement``: share of the shared features whose weights have the same sign;
- ``kendall`` and ``spearman``: rank correlation of the shared features' weights
  (pairs sharing fewer than two features are skipped; NaN when none remain).
"""
from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import kendalltau, spearmanr

from .validation import check_int, check_random_state, spawn_seed

__all__ = ["StabilityReport", "stability", "compare_explanations", "stability_of"]


@dataclass(frozen=True)
class StabilityReport:
    """How much ``n_runs`` explanations of one instance agree.

    Attributes
    ----------
    jaccard : float
        Mean pairwise Jaccard index of the top-``num_features`` sets.
    sign_agreement : float
        Mean share of shared features with the same sign.
    kendall, spearman : float
        Mean rank correlation of the shared features' weights.
    num_runs : int
    num_features : int
    label : int
    distinct_features : int
        How many features appear in at least one top-``K`` set.
    feature_frequency : dict of int to float
        Share of runs in which each feature is in the top ``K``.
    black_box_calls, black_box_rows : int
        Calls to and rows scored by the black box over all runs (hold-out rows
        included), when the explanations report them (0 otherwise).
    seeds : list of int
        The per-run seeds (empty when the explanations were given).
    explanations : list
        The explanations compared.
    """

    jaccard: float
    sign_agreement: float
    kendall: float
    spearman: float
    num_runs: int
    num_features: int
    label: int
    distinct_features: int
    feature_frequency: dict[int, float]
    black_box_calls: int
    black_box_rows: int
    seeds: list[int] = field(default_factory=list)
    explanations: list[Any] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The numbers (explanations left out), JSON-ready."""
        return {"jaccard": self.jaccard, "sign_agreement": self.sign_agreement, "kendall": self.kendall,
                "spearman": self.spearman, "num_runs": self.num_runs, "num_features": self.num_features,
                "label": self.label, "distinct_features": self.distinct_features,
                "feature_frequency": {str(k): v for k, v in self.feature_frequency.items()},
                "black_box_calls": self.black_box_calls, "black_box_rows": self.black_box_rows,
                "seeds": list(self.seeds)}


def _top(explanation: Any, label: int, num_features: int) -> dict[int, float]:
    local_exp = explanation.as_map()
    if label not in local_exp:
        if len(local_exp) == 1 or getattr(explanation, "mode", "") == "regression":
            label = 1 if 1 in local_exp else next(iter(local_exp))
        else:
            raise KeyError(f"label {label} was not explained; explained labels: {list(local_exp)}.")
    pairs = sorted(local_exp[label], key=lambda p: -abs(p[1]))[:num_features]
    return {int(i): float(w) for i, w in pairs}


def _cost(explanation: Any) -> tuple[int, int]:
    cost = getattr(explanation, "cost", None) or {}
    calls = cost.get("total_black_box_calls", cost.get("black_box_calls", 0))
    rows = cost.get("total_black_box_rows", cost.get("black_box_rows", 0))
    return int(calls or 0), int(rows or 0)


def compare_explanations(explanations: Sequence[Any], *, num_features: int = 10, label: int = 1
                         ) -> StabilityReport:
    """Agreement of explanations of one instance (see the module docstring).

    Parameters
    ----------
    explanations : sequence of Explanation
        At least two; anything with ``as_map()`` (the original lime's too).
    num_features : int, default=10
        ``K`` of the top-``K`` sets.
    label : int, default=1
        Label compared (ignored for regression).

    Returns
    -------
    StabilityReport

    Examples
    --------
    >>> from lime_core import Explanation
    >>> a = Explanation(local_exp={1: [(0, 0.9), (1, 0.5), (2, -0.1)]})
    >>> b = Explanation(local_exp={1: [(0, 0.8), (2, -0.4), (1, 0.3)]})
    >>> report = compare_explanations([a, b], num_features=2)
    >>> report.jaccard, report.sign_agreement, report.distinct_features
    (0.3333333333333333, 1.0, 3)
    """
    num_features = check_int(num_features, "num_features", "compare_explanations", minimum=1)
    if len(explanations) < 2:
        raise ValueError(f"compare_explanations needs at least 2 explanations; got {len(explanations)}.")
    tops = [_top(e, label, num_features) for e in explanations]
    jaccards, signs, kendalls, spearmans = [], [], [], []
    for a, b in itertools.combinations(tops, 2):
        union = set(a) | set(b)
        shared = sorted(set(a) & set(b))
        jaccards.append(len(shared) / len(union) if union else 1.0)
        if shared:
            signs.append(float(np.mean([np.sign(a[i]) == np.sign(b[i]) for i in shared])))
        if len(shared) >= 2:
            wa, wb = [a[i] for i in shared], [b[i] for i in shared]
            if np.ptp(wa) > 0 and np.ptp(wb) > 0:
                kendalls.append(float(kendalltau(wa, wb).statistic))
                spearmans.append(float(spearmanr(wa, wb).statistic))
    counts = Counter(i for top in tops for i in top)
    costs = [_cost(e) for e in explanations]

    def mean(values: list[float]) -> float:
        return float(np.mean(values)) if values else float("nan")

    return StabilityReport(mean(jaccards), mean(signs), mean(kendalls), mean(spearmans), len(tops),
                           num_features, label, len(counts),
                           {i: c / len(tops) for i, c in sorted(counts.items())},
                           sum(c for c, _ in costs), sum(r for _, r in costs),
                           explanations=list(explanations))


def stability_of(explain_fn: Callable[[int], Any], *, n_runs: int = 10, num_features: int = 10,
                 label: int = 1, random_state: Any = None) -> StabilityReport:
    """Call ``explain_fn(seed)`` for ``n_runs`` independent seeds and compare the results.

    For anything that is not an explainer object: ``lambda seed: explain(rep, f,
    random_state=seed)``, or the original lime with a seeded explainer per run.

    Parameters
    ----------
    explain_fn : callable ``int -> Explanation``
    n_runs : int, default=10
    num_features : int, default=10
    label : int, default=1
    random_state : int, numpy.random.Generator or None
        Draws the per-run seeds.

    Returns
    -------
    StabilityReport

    Examples
    --------
    >>> from lime_core import Neighborhood, explain
    >>> class Masks:
    ...     feature_names = ["a", "b", "c", "d"]
    ...     def to_model_input(self, z, rng=None):
    ...         return np.asarray(z, dtype=float)
    ...     def sample(self, n, rng):
    ...         z = rng.integers(0, 2, size=(n, 4)); z[0] = 1
    ...         return Neighborhood(z, np.sqrt((1 - z).sum(1) / 4), lambda a, b: z[a:b].astype(float))
    >>> f = lambda X: X @ [2.0, -1.0, 0.1, 0.0]
    >>> report = stability_of(lambda seed: explain(Masks(), f, mode="regression", num_samples=200,
    ...                                            num_features=2, random_state=seed),
    ...                       n_runs=3, num_features=2, random_state=0)
    >>> report.jaccard, report.sign_agreement
    (1.0, 1.0)
    """
    n_runs = check_int(n_runs, "n_runs", "stability", minimum=2)
    rng = check_random_state(random_state, caller="stability")
    seeds = [spawn_seed(rng) for _ in range(n_runs)]
    report = compare_explanations([explain_fn(seed) for seed in seeds], num_features=num_features,
                                  label=label)
    return _with_seeds(report, seeds)


def _with_seeds(report: StabilityReport, seeds: list[int]) -> StabilityReport:
    from dataclasses import replace
    return replace(report, seeds=list(seeds))


def stability(explainer: Any, instance: Any, predict_fn: Callable[[Any], Any], *, n_runs: int = 10,
              num_features: int = 10, label: int = 1, random_state: Any = None,
              **explain_kwargs: Any) -> StabilityReport:
    """Explain ``instance`` ``n_runs`` times with independent seeds; how much do the runs agree?

    Calls ``explainer.explain_instance(instance, predict_fn, num_features=num_features,
    random_state=<seed of run i>, **explain_kwargs)`` (the keyword-only
    ``random_state`` every Limelight explainer takes) and compares the top
    ``num_features`` of ``label`` (see the module docstring).

    Parameters
    ----------
    explainer : object with ``explain_instance``
        A ``LimeTabularExplainer``, ``LimeTextExplainer``, ``LimeImageExplainer``...
    instance : object
        What ``explain_instance`` takes first (a row, a string, an image).
    predict_fn : callable
        The black box.
    n_runs : int, default=10
    num_features : int, default=10
    label : int, default=1
        Explained as ``labels=(label,), top_labels=None`` unless ``labels`` or
        ``top_labels`` is given.
    random_state : int, numpy.random.Generator or None
        Draws the per-run seeds: an int gives the same report every time.
    **explain_kwargs
        More options of ``explain_instance`` (``num_samples='auto'``, ``kernel_width``...).

    Returns
    -------
    StabilityReport
        Includes the black-box calls and rows that the runs used.

    Examples
    --------
    >>> from lime_core import Neighborhood, explain
    >>> class Masks:
    ...     feature_names = ["a", "b", "c", "d"]
    ...     def to_model_input(self, z, rng=None):
    ...         return np.asarray(z, dtype=float)
    ...     def sample(self, n, rng):
    ...         z = rng.integers(0, 2, size=(n, 4)); z[0] = 1
    ...         return Neighborhood(z, np.sqrt((1 - z).sum(1) / 4), lambda a, b: z[a:b].astype(float))
    >>> class Explainer:
    ...     def explain_instance(self, x, predict_fn, num_features=10, *, random_state=None, **kw):
    ...         return explain(Masks(), predict_fn, num_features=num_features,
    ...                        random_state=random_state, **kw)
    >>> f = lambda X: 1 / (1 + np.exp(-(X @ [2.0, -1.0, 0.1, 0.0])))
    >>> report = stability(Explainer(), None, f, n_runs=4, num_features=2, random_state=0,
    ...                    num_samples=300)
    >>> report.jaccard, report.num_runs, report.black_box_rows
    (1.0, 4, 1320)
    """
    if not hasattr(explainer, "explain_instance"):
        raise TypeError(f"The 'explainer' parameter of stability must have an explain_instance method; "
                        f"got {type(explainer).__name__}.")
    if "labels" not in explain_kwargs and "top_labels" not in explain_kwargs:
        # top_labels=None too: LimeImageExplainer's default top_labels=5 would override labels
        explain_kwargs.update(labels=(label,), top_labels=None)

    def run(seed: int) -> Any:
        return explainer.explain_instance(instance, predict_fn, num_features=num_features,
                                          random_state=seed, **explain_kwargs)

    return stability_of(run, n_runs=n_runs, num_features=num_features, label=label,
                        random_state=random_state)
