"""The explanation loop, written once for every modality.

    xi(x) = argmin_{g in G} L(f, g, pi_x) + Omega(g)

- ``f`` is ``predict_fn``, called on the model inputs ``z = h(z')`` of a
  neighbourhood (:class:`~lime_core.Neighborhood`) in batches;
- ``pi_x`` is ``kernel`` (default: :class:`~lime_core.ExponentialKernel`);
- ``L`` is the kernel-weighted squared loss, ``Omega`` a ridge penalty ``alpha``
  and ``G`` linear models with at most ``num_features`` non-zero weights, chosen
  by ``feature_selection`` (see :func:`~lime_core.fit_surrogate`).

Every explanation also says how far to trust it: a standard error per weight
(:mod:`lime_core._uncertainty`), the surrogate's fidelity on fresh hold-out
rows and the effective sample size of the kernel weights
(:mod:`lime_core._fidelity`); ``num_samples='auto'`` and ``kernel_width='auto'``
are chosen by the rules of :mod:`lime_core._adaptive`, and the Shapley kernel
(:mod:`lime_core._shapley`) turns the same loop into KernelSHAP.

Reference: M. T. Ribeiro, S. Singh, C. Guestrin, "Why Should I Trust You?":
Explaining the Predictions of Any Classifier, KDD 2016.
"""
from __future__ import annotations

import numbers
import time
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from dataclasses import dataclass, field, is_dataclass

from ._adaptive import (AUTO_CONFIDENCE, AUTO_INITIAL_SAMPLES, DEFAULT_MAX_SAMPLES, UnsettledWarning,
                        auto_kernel_width,
                        concat_neighborhoods, grow_rounds, settle_threshold, top_k_settled)
from ._black_box import call_black_box, warn_if_not_probabilities
from ._domain import DomainMapper, FeatureNamesMapper
from ._feature_selection import FEATURE_SELECTION_METHODS
from ._fidelity import default_holdout_samples, drop_first_row, fidelity_record, rows_of
from ._kernels import DistanceKernel, ExponentialKernel, check_kernel_weights
from ._model_input import joined_model_input
from ._numerics import single_threaded_blas
from ._representation import Neighborhood, Representation
from ._shapley import MAX_ENUMERATED_FEATURES, CoalitionSampler, ShapleyKernel, fit_shapley
from ._ridge import weighted_moments_many
from ._surrogate import fit_surrogate
from ._uncertainty import STD_ERROR_METHODS
from .validation import check_int, check_option, check_positive_float, check_random_state, spawn_seed
from .explanation import REGRESSION_LABEL, Explanation

__all__ = ["explain", "AUTO_LABELS", "DEFAULT_BATCH_SIZE", "UnknownLabelError", "default_kernel_width"]

#: Rows per black-box call when the caller does not choose: large enough that the
#: per-call cost of a scikit-learn model vanishes, small enough to bound memory.
DEFAULT_BATCH_SIZE = 1000
#: lime's default kernel width is this factor times sqrt(number of features).
KERNEL_WIDTH_FACTOR = 0.75


def default_kernel_width(num_features: int) -> float:
    """lime's tabular default kernel width, ``0.75 * sqrt(d')``.

    Examples
    --------
    >>> default_kernel_width(16)
    3.0
    """
    return KERNEL_WIDTH_FACTOR * float(np.sqrt(num_features))


class UnknownLabelError(ValueError):
    """A label asked for (``labels``) that the black box's output has no column for.

    The caller's argument is wrong, not the model: the command line reports it as a
    usage error.

    Examples
    --------
    >>> issubclass(UnknownLabelError, ValueError)
    True
    """


#: ``labels='auto'``: every label of a model with more than two, else label 1 (lime's default).
AUTO_LABELS = "auto"


def _check_labels(labels: Any, caller: str) -> tuple[int, ...] | str | None:
    if labels is None or (isinstance(labels, str) and labels == AUTO_LABELS):
        return labels
    if isinstance(labels, (numbers.Integral, np.integer)):
        labels = (labels,)
    if not isinstance(labels, Iterable) or isinstance(labels, (str, bytes)):
        raise TypeError(f"The 'labels' parameter of {caller} must be a sequence of ints; got {labels!r}.")
    labels = tuple(labels)
    if not labels or not all(isinstance(l, (numbers.Integral, np.integer)) and not isinstance(l, bool)
                             for l in labels):
        raise TypeError(f"The 'labels' parameter of {caller} must be a non-empty sequence of ints; "
                        f"got {labels!r}.")
    return tuple(int(l) for l in labels)


def _check_neighborhood(hood: Any, num_samples: int, num_features: int) -> Neighborhood:
    if not isinstance(hood, Neighborhood):
        raise TypeError(f"representation.sample must return a Neighborhood; got {type(hood).__name__}.")
    if hood.interpretable.shape != (num_samples, num_features):
        raise ValueError(f"representation.sample returned interpretable samples of shape "
                         f"{hood.interpretable.shape}; expected ({num_samples}, {num_features}).")
    if np.shape(hood.distances) != (num_samples,):
        raise ValueError(f"representation.sample returned distances of shape {np.shape(hood.distances)}; "
                         f"expected ({num_samples},).")
    return hood


def _classification_scores(scores: np.ndarray, as_probability: bool | None = None) -> np.ndarray:
    """A single score column is the score of class 1: p -> [1-p, p], s -> [-s, s]."""
    if scores.shape[1] != 1:
        return scores
    column = scores[:, 0]
    if as_probability is None:
        as_probability = bool(column.min() >= 0.0 and column.max() <= 1.0)
    if as_probability:
        return np.column_stack([1.0 - column, column])
    return np.column_stack([-column, column])


def _resolve_labels(scores: np.ndarray, labels: tuple[int, ...] | str | None, top_labels: int | None,
                    name: str) -> tuple[list[int], list[int] | None]:
    k = scores.shape[1]
    if top_labels is not None:
        ranked = [int(l) for l in np.argsort(scores[0], kind="stable")[::-1][:top_labels]]
        return ranked, ranked
    if labels == AUTO_LABELS:
        labels = None if k > 2 else (1,)
    if labels is None:
        return list(range(k)), None
    missing = [l for l in labels if not 0 <= l < k]
    if missing:
        raise UnknownLabelError(f"labels {missing} are not produced by the model: {name} returns {k} "
                                f"column{'s' if k != 1 else ''} (labels 0 to {k - 1}).")
    return list(labels), None


def explain(representation: Representation, predict_fn: Callable[[Any], Any], *,
            labels: Iterable[int] | str | None = (1,), top_labels: int | None = None, num_features: int = 10,
            num_samples: int | str = 5000, kernel: Callable[[Neighborhood], np.ndarray] | None = None,
            kernel_width: float | str | None = None, feature_selection: str = "auto",
            model_regressor: Any = None, alpha: float = 1.0, batch_size: int = DEFAULT_BATCH_SIZE,
            random_state: Any = None, mode: str = "classification",
            class_names: list[str] | None = None, domain_mapper: DomainMapper | None = None,
            predict_fn_name: str = "predict_fn", caller: str = "explain",
            progress: Callable[[int, int], None] | None = None,
            extras: dict[str, Any] | None = None, max_samples: int = DEFAULT_MAX_SAMPLES,
            holdout_samples: int | None = None, std_error: str = "sandwich") -> Explanation:
    """Explain ``predict_fn`` around the instance behind ``representation``.

    Parameters
    ----------
    representation : Representation
        The plugin's interpretable view of the instance.
    predict_fn : callable
        The black box: a batch of model inputs -> scores of shape (n, k) or (n,).
    labels : sequence of int, None or 'auto', default=(1,)
        Columns of the output to explain; ``None`` explains every column; ``'auto'``
        every column of a model with more than two, label 1 of a binary one (decided
        from the first black-box output, so no surrogate is fitted for nothing).
    top_labels : int, optional
        Explain the ``top_labels`` highest-scoring labels at ``x`` instead.
    num_features : int, default=10
        ``K``: the most features with a non-zero weight.
    num_samples : int or 'auto', default=5000
        Size of the neighbourhood, ``x`` included. ``'auto'`` grows it in rounds
        (1000, 2000, 4000, ... up to ``max_samples``) until the top-``K`` set is
        statistically settled (see :mod:`lime_core._adaptive`); the rows used are
        in ``meta['num_samples']`` and the rounds in ``meta['adaptive']``.
    kernel : callable ``Neighborhood -> ndarray of shape (num_samples,)``, optional
        The locality kernel ``pi_x``; default ``ExponentialKernel(kernel_width)``.
        :class:`~lime_core.ShapleyKernel` turns the fit into KernelSHAP
        (coalition sampling, no penalty, efficiency; ``alpha`` and
        ``feature_selection`` are then not used).
    kernel_width : float, 'auto' or None, optional
        Width of the default kernel; default ``0.75 * sqrt(d')``. ``'auto'``
        picks the smallest width on a grid whose weights keep an effective
        sample size of at least half the samples (recorded in
        ``meta['kernel_width_auto']``).
    feature_selection : {'auto', 'none', 'forward_selection', 'highest_weights', 'lasso_path'}, default='auto'
    model_regressor : scikit-learn regressor, optional
        Replaces the closed-form ridge surrogate (no standard errors then).
    alpha : float, default=1.0
        Ridge penalty of the surrogate (lime's ``Ridge(alpha=1)``).
    batch_size : int, default=1000
        Rows per call to ``predict_fn``. Results do not depend on it.
    random_state : int, numpy.random.Generator or None
        Drives all sampling (the neighbourhood, its growth, the hold-out rows);
        an int gives the same explanation every time.
    mode : {'classification', 'regression'}, default='classification'
    class_names : list of str, optional
    domain_mapper : DomainMapper, optional
        Default: names from ``representation.feature_names``.
    predict_fn_name, caller : str
        How the caller names the black box and itself, for messages.
    progress : callable ``(done, total) -> None``, optional
        Called after each black-box batch of the neighbourhood (hold-out rows included).
    extras : dict, optional
        Modality data stored on the explanation.
    max_samples : int, default=20000
        Cap of ``num_samples='auto'``.
    holdout_samples : int, optional
        Fresh neighbourhood rows, not used in the fit, on which the surrogate's
        fidelity is measured (``Explanation.fidelity``). Each is one more
        black-box row, scored in the same calls as the neighbourhood (a model with a
        cost per call pays it once; ``cost['holdout_calls']`` counts calls of their own,
        which only ``num_samples='auto'`` makes): the default
        ``min(ceil(num_samples / 10), 1000)`` costs at most 10% more rows (reported in
        ``cost['holdout_rows']``). ``0`` skips it. With a kernel
        callable other than the built-in ones the default is 0 (a custom kernel
        may weigh a sample relative to the others).
    std_error : {'sandwich', 'homoscedastic'}, default='sandwich'
        Estimate of the weights' standard errors (``Explanation.std_err``);
        see :mod:`lime_core._uncertainty`.

    Returns
    -------
    Explanation

    Examples
    --------
    A toy representation: ``z'`` masks three inputs of a linear model to zero.

    >>> class Masks:
    ...     feature_names = ["a", "b", "c"]
    ...     x = np.array([1.0, 2.0, 3.0])
    ...     def to_model_input(self, z, rng=None):
    ...         return z * self.x
    ...     def sample(self, num_samples, rng):
    ...         z = rng.integers(0, 2, size=(num_samples, 3)).astype(float)
    ...         z[0] = 1
    ...         d = np.sqrt(((1 - z) ** 2).sum(axis=1))
    ...         return Neighborhood(z, d, lambda a, b: self.to_model_input(z[a:b]))
    >>> exp = explain(Masks(), lambda X: X @ [0.5, 0.0, -1.0], mode="regression",
    ...               num_samples=500, alpha=1e-9, random_state=0)
    >>> [(name, round(w, 6)) for name, w in exp.as_list()][:2]
    [('c', -3.0), ('a', 0.5)]
    >>> round(exp.fidelity[1]["holdout_r2"], 6), exp.cost["holdout_rows"]
    (1.0, 50)
    """
    started = time.perf_counter()
    check_option(mode, "mode", caller, ("classification", "regression"))
    labels = _check_labels(labels, caller)
    auto_samples = isinstance(num_samples, str) and num_samples == "auto"
    if auto_samples:
        max_samples = check_int(max_samples, "max_samples", caller, minimum=2)
    else:
        num_samples = check_int(num_samples, "num_samples", caller, minimum=2)
    num_features = check_int(num_features, "num_features", caller, minimum=1)
    batch_size = check_int(batch_size, "batch_size", caller, minimum=1)
    if top_labels is not None:
        top_labels = check_int(top_labels, "top_labels", caller, minimum=1)
    check_option(feature_selection, "feature_selection", caller, FEATURE_SELECTION_METHODS)
    check_option(std_error, "std_error", caller, STD_ERROR_METHODS)
    if holdout_samples is not None:
        holdout_samples = check_int(holdout_samples, "holdout_samples", caller, minimum=0)
    if alpha < 0:
        raise ValueError(f"The 'alpha' parameter of {caller} must be >= 0; got {alpha}.")
    d = len(representation.feature_names)
    if d == 0:
        raise ValueError(f"{caller}: the instance has no interpretable features to explain.")
    builtin_kernel = kernel is None or isinstance(kernel, (ExponentialKernel, DistanceKernel, ShapleyKernel))
    kernel, auto_width = _resolve_kernel(kernel, kernel_width, d, caller)
    shapley = isinstance(kernel, ShapleyKernel)
    if shapley:
        if auto_samples or auto_width:
            raise ValueError(f"{caller}: the Shapley kernel takes an int num_samples and no kernel_width; "
                             f"got num_samples={num_samples!r}, kernel_width={kernel_width!r}.")
        if model_regressor is not None:
            raise ValueError(f"{caller}: the Shapley kernel fits its own constrained least squares; "
                             f"model_regressor must be None.")
        representation = CoalitionSampler(representation)
        if d <= MAX_ENUMERATED_FEATURES and 2 ** d <= num_samples:
            num_samples = 2 ** d
    rng = check_random_state(random_state, caller=caller)
    run = _Run(representation, predict_fn, d, batch_size, predict_fn_name, progress, mode, labels,
               top_labels, num_features, alpha)

    if auto_samples:
        hood, kernel, width_record, adaptive = run.grow(rng, kernel, auto_width, max_samples)
        num_samples = hood.num_samples
    else:
        if holdout_samples is None:
            holdout_samples = default_holdout_samples(num_samples) if builtin_kernel else 0
        with single_threaded_blas():
            if holdout_samples and getattr(representation, "nested_samples", False):
                # the hold-out rows are the neighbourhood's next rows: one draw, the fit's rows unchanged
                total = num_samples + holdout_samples
                every = _check_neighborhood(representation.sample(total, rng), total, d)
                drawn, held = rows_of(every, 0, num_samples), rows_of(every, num_samples, total)
            else:
                drawn = _check_neighborhood(representation.sample(num_samples, rng), num_samples, d)
                held = run.draw_holdout(rng, holdout_samples) if holdout_samples else None
        hood = run.sample(drawn, num_samples, offset=0, total=num_samples, holdout=held)
        adaptive = width_record = None
    if holdout_samples is None:
        holdout_samples = default_holdout_samples(num_samples) if builtin_kernel else 0
    if holdout_samples and run.held is None:  # num_samples='auto': drawn and scored once it is settled
        run.held = run.draw_holdout(rng, holdout_samples)
        run.score_holdout()

    fit_options = (dict(num_features=num_features, exact=bool(getattr(hood, "exact", False))) if shapley else
                   dict(num_features=num_features, feature_selection=feature_selection, alpha=alpha,
                        model_regressor=model_regressor, std_error=std_error))
    with single_threaded_blas():  # from here on the black box is not called
        if not auto_samples:
            kernel, width_record = _final_kernel(kernel, auto_width, hood)
        # Shapley weights are lime_core's own; with one feature there is no partial coalition (all zero)
        weights = np.asarray(kernel(hood), dtype=float) if shapley else check_kernel_weights(kernel(hood), num_samples)
        z = np.asarray(hood.interpretable)  # kept in its own dtype (often int8): the fit works in row blocks
        targets = run.targets()
        if mode == "classification":  # on the raw output: one score column is never a probability vector
            warn_if_not_probabilities(run.raw_scores(), name=predict_fn_name)
        holdout = run.holdout(kernel) if holdout_samples else None
        values = _fit_labels(z, weights, targets, holdout, mode, fit_shapley if shapley else fit_surrogate,
                             fit_options)
    meta = {"num_samples": num_samples, "num_features": num_features,
            "feature_selection": "none" if shapley else feature_selection,
            "alpha": 0.0 if shapley else alpha, "kernel": _describe_kernel(kernel),
            "std_error": std_error, "holdout_samples": holdout_samples}
    for key, value in (("adaptive", adaptive), ("kernel_width_auto", width_record),
                       ("shapley", {"exact": fit_options.get("exact")} if shapley else None)):
        if value is not None:
            meta[key] = value
    cost = run.cost(holdout, started)
    mapper = domain_mapper if domain_mapper is not None else FeatureNamesMapper(representation.feature_names)
    seed = int(random_state) if isinstance(random_state, numbers.Integral) else None
    return Explanation(mapper, mode, None if class_names is None else list(class_names), seed,
                       extras=dict(extras or {}), meta=meta, cost=cost, **values)


def _fit_labels(z: np.ndarray, weights: np.ndarray, targets: _Targets, holdout: _Holdout | None, mode: str,
                fit: Callable[..., Any], fit_options: dict[str, Any]) -> dict[str, Any]:
    """One surrogate per label, its fidelity, and the per-label values of the Explanation."""
    values: dict[str, Any] = {"local_exp": {}, "intercept": {}, "score": {}, "local_pred": {},
                              "std_err": {}, "fidelity": {}}
    shared = None  # with several labels, one pass over z' gives every label's moments
    if fit is fit_surrogate and fit_options.get("model_regressor") is None and len(targets.columns) > 1:
        shared = weighted_moments_many(z, [targets.scores[:, column] for column in targets.columns], weights)
    for i, (label, column) in enumerate(zip(targets.labels, targets.columns)):
        options = fit_options if shared is None else dict(fit_options, moments=shared[i])
        result = fit(z, targets.scores[:, column], weights, **options)
        record = (fidelity_record(None, None, None, weights) if holdout is None else
                  fidelity_record(result.predict(holdout.z), holdout.scores[:, column], holdout.weights, weights))
        keys = [(label, 1.0)] if mode == "classification" else [(REGRESSION_LABEL, 1.0), (0, -1.0)]
        for key, sign in keys:
            _store_fit(values, key, result, record, sign)
    if mode == "classification":
        values.update(predict_proba=targets.scores[0].copy(), top_labels=targets.ranked)
    else:
        y = targets.scores[:, 0]
        values.update(predicted_value=float(y[0]), min_value=float(y.min()), max_value=float(y.max()))
    return values


def _resolve_kernel(kernel: Any, kernel_width: Any, d: int, caller: str) -> tuple[Any, bool]:
    """The kernel to use, and whether its width is still to be chosen ('auto')."""
    auto = isinstance(kernel_width, str)
    if auto and kernel_width != "auto":
        raise ValueError(f"The 'kernel_width' parameter of {caller} must be a float > 0, 'auto' or None; "
                         f"got {kernel_width!r}.")
    if kernel is None:
        if auto:
            return ExponentialKernel(1.0), True
        width = default_kernel_width(d) if kernel_width is None else kernel_width
        return ExponentialKernel(check_positive_float(width, "kernel_width", caller)), False
    auto = auto or getattr(kernel, "kernel_width", None) == "auto"
    if auto:
        if not (is_dataclass(kernel) and hasattr(kernel, "kernel_width")):
            raise ValueError(f"kernel_width='auto' needs the default kernel or a kernel with a "
                             f"kernel_width field (ExponentialKernel, DistanceKernel); got "
                             f"{type(kernel).__name__}.")
        return kernel, True
    if kernel_width is not None:
        check_positive_float(kernel_width, "kernel_width", caller)
    return kernel, False


def _final_kernel(kernel: Any, auto_width: bool, hood: Neighborhood) -> tuple[Any, dict[str, Any] | None]:
    if not auto_width:
        return kernel, None
    return auto_kernel_width(kernel, hood)


@dataclass
class _Targets:
    scores: np.ndarray           # (n, k) after the classification conversion
    labels: list[int]            # the labels to explain
    columns: list[int]           # their columns in scores
    ranked: list[int] | None     # top_labels order


@dataclass
class _Holdout:
    z: np.ndarray
    scores: np.ndarray
    weights: np.ndarray
    calls: int
    seconds: float


@dataclass
class _Run:
    """The black-box side of one explanation: scored rows so far and their cost."""

    representation: Any
    predict_fn: Callable[[Any], Any]
    d: int
    batch_size: int
    name: str
    progress: Callable[[int, int], None] | None
    mode: str
    labels: tuple[int, ...] | None
    top_labels: int | None
    num_features: int
    alpha: float
    hoods: list[Neighborhood] = field(default_factory=list)
    blocks: list[np.ndarray] = field(default_factory=list)
    calls: int = 0
    seconds: float = 0.0
    as_probability: bool | None = None
    held: Neighborhood | None = None        # the hold-out rows, once drawn
    held_scores: np.ndarray | None = None   # their black-box output
    held_calls: int = 0                     # calls of their own (0: scored with the neighbourhood)
    held_seconds: float = 0.0

    def sample(self, hood: Any, num_samples: int, *, offset: int, total: int,
               holdout: Neighborhood | None = None) -> Neighborhood:
        """Check ``hood``, score it, and return every row scored so far as one neighbourhood.

        ``holdout`` rows (from :meth:`draw_holdout`) are scored in the same calls, after
        the neighbourhood's: a black box with a cost per call pays it once.
        """
        hood = _check_neighborhood(hood, num_samples, self.d)
        if offset:
            hood = drop_first_row(hood)
        scored = hood if holdout is None else _rows_to_score([hood, holdout])
        total += scored.num_samples - hood.num_samples  # progress counts the hold-out rows too
        progress = None if self.progress is None else (lambda done, _: self.progress(offset + done, total))
        result = call_black_box(self.predict_fn, scored, self.batch_size, name=self.name, progress=progress)
        scores = result.scores
        if holdout is not None:
            self.held, self.held_scores = holdout, scores[hood.num_samples:]
            scores = scores[:hood.num_samples]
        if self.blocks and scores.shape[1] != self.blocks[0].shape[1]:
            raise ValueError(f"{self.name} returned {scores.shape[1]} columns on new rows but "
                             f"{self.blocks[0].shape[1]} before.")
        self.hoods.append(hood)
        self.blocks.append(scores)
        self.calls += result.calls
        self.seconds += result.seconds
        return concat_neighborhoods(self.hoods)

    def raw_scores(self) -> np.ndarray:
        """Every row's black-box output as returned (before the one-column conversion)."""
        return np.concatenate(self.blocks) if len(self.blocks) > 1 else self.blocks[0]

    def targets(self) -> _Targets:
        raw = self.raw_scores()
        if self.mode == "regression":
            if raw.shape[1] != 1:
                raise ValueError(f"mode='regression' needs one output per row; {self.name} returned "
                                 f"{raw.shape[1]} columns.")
            return _Targets(raw, [REGRESSION_LABEL], [0], None)
        if self.as_probability is None and raw.shape[1] == 1:
            self.as_probability = bool(raw.min() >= 0.0 and raw.max() <= 1.0)
        scores = _classification_scores(raw, self.as_probability)
        fit_labels, ranked = _resolve_labels(scores, self.labels, self.top_labels, self.name)
        return _Targets(scores, fit_labels, fit_labels, ranked)

    def grow(self, rng: np.random.Generator, kernel: Any, auto_width: bool, max_samples: int
             ) -> tuple[Neighborhood, Any, dict[str, Any] | None, dict[str, Any]]:
        """``num_samples='auto'``: grow the neighbourhood until the top-K set is settled."""
        sizes = grow_rounds(AUTO_INITIAL_SAMPLES, max_samples)
        threshold = settle_threshold(len(sizes))
        rounds: list[dict[str, Any]] = []
        previous = 0
        for size in sizes:
            count = size - previous + (1 if previous else 0)
            with single_threaded_blas():
                drawn = self.representation.sample(count, rng if previous == 0 else
                                                   np.random.default_rng(spawn_seed(rng)))
            hood = self.sample(drawn, count, offset=previous, total=size)
            previous = size
            targets = self.targets()
            with single_threaded_blas():
                used, width_record = _final_kernel(kernel, auto_width, hood)
                weights = check_kernel_weights(used(hood), size)
                settled, stat = top_k_settled(np.asarray(hood.interpretable, dtype=float),
                                              targets.scores[:, targets.columns], weights, self.alpha,
                                              self.num_features, threshold=threshold)
            # z is None when the set is settled without a test (K >= d', negligible features)
            rounds.append({"num_samples": size, "z": float(stat) if np.isfinite(stat) else None})
            if settled:
                break
        if not settled:
            warnings.warn(f"num_samples='auto' reached max_samples={max_samples} without settling the "
                          f"top {self.num_features} features: the gap between features number "
                          f"{self.num_features} and {self.num_features + 1} by |weight| is {stat:.2f} standard errors, below {threshold:.2f}. They are "
                          f"close to a tie; increase max_samples or change num_features.",
                          UnsettledWarning, stacklevel=3)
        adaptive = {"settled": bool(settled), "confidence": AUTO_CONFIDENCE, "z_threshold": threshold,
                    "max_samples": max_samples,
                    "initial_samples": sizes[0], "rounds": rounds}
        return hood, used, width_record, adaptive

    def draw_holdout(self, rng: np.random.Generator, num_rows: int) -> Neighborhood:
        """``num_rows`` fresh rows from an independent sub-stream (row 0, ``x'``, is dropped)."""
        sub = np.random.default_rng(spawn_seed(rng))
        with single_threaded_blas():
            drawn = self.representation.sample(num_rows + 1, sub)
        return drop_first_row(_check_neighborhood(drawn, num_rows + 1, self.d))

    def score_holdout(self) -> None:
        """Score the hold-out rows in calls of their own (``num_samples='auto'``)."""
        result = call_black_box(self.predict_fn, self.held, self.batch_size, name=self.name)
        if result.scores.shape[1] != self.blocks[0].shape[1]:
            raise ValueError(f"{self.name} returned {result.scores.shape[1]} columns on the hold-out rows "
                             f"but {self.blocks[0].shape[1]} on the neighbourhood.")
        self.held_scores = result.scores
        self.held_calls, self.held_seconds = result.calls, result.seconds

    def holdout(self, kernel: Any) -> _Holdout:
        """The scored hold-out rows with their kernel weights."""
        hood, scores = self.held, self.held_scores
        if self.mode == "classification":
            scores = _classification_scores(scores, self.as_probability if self.as_probability is not None
                                            else bool(self.blocks[0].min() >= 0 and self.blocks[0].max() <= 1))
        weights = np.asarray(kernel(hood), dtype=float).reshape(-1)
        if weights.shape != (hood.num_samples,) or not np.isfinite(weights).all():
            raise ValueError(f"kernel returned weights of shape {weights.shape} on the hold-out rows; "
                             f"expected ({hood.num_samples},) finite values.")
        return _Holdout(np.asarray(hood.interpretable), scores, weights, self.held_calls,  # in its own dtype
                        self.held_seconds)

    def cost(self, holdout: _Holdout | None, started: float) -> dict[str, Any]:
        rows = sum(h.num_samples for h in self.hoods)
        held_calls = 0 if holdout is None else holdout.calls
        held_rows = 0 if holdout is None else len(holdout.z)
        return {"batch_size": self.batch_size, "black_box_calls": self.calls,
                "black_box_seconds": self.seconds, "black_box_rows": rows,
                "holdout_calls": held_calls, "holdout_rows": held_rows,
                "holdout_seconds": 0.0 if holdout is None else holdout.seconds,
                "total_black_box_calls": self.calls + held_calls,
                "total_black_box_rows": rows + held_rows,
                "seconds": time.perf_counter() - started}


def _rows_to_score(hoods: list[Neighborhood]) -> Neighborhood:
    """The rows of several neighbourhoods, end to end, as the black box sees them (no ``z'``)."""
    total = sum(h.num_samples for h in hoods)
    return Neighborhood(np.empty((total, 0), dtype=np.int8), np.empty(0),
                        joined_model_input([(h.model_input, 0, h.num_samples) for h in hoods]))


def _store_fit(values: dict[str, Any], label: int, fit: Any, fidelity: dict[str, Any],
               sign: float = 1.0) -> None:
    values["local_exp"][label] = [(int(i), sign * float(w)) for i, w in zip(fit.feature_ids, fit.coef)]
    values["intercept"][label] = fit.intercept  # lime keeps these unsigned for label 0 of a regression
    values["score"][label] = fit.score
    values["local_pred"][label] = fit.local_pred
    if fit.std_err is not None:
        values["std_err"][label] = [float(s) for s in fit.std_err]
    values["fidelity"][label] = dict(fidelity)


def _describe_kernel(kernel: Any) -> dict[str, Any]:
    description: dict[str, Any] = {"name": type(kernel).__name__}
    width = getattr(kernel, "kernel_width", None)
    if isinstance(width, numbers.Real):
        description["kernel_width"] = float(width)
    return description
