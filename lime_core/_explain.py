"""The explanation loop, written once for every modality.

    xi(x) = argmin_{g in G} L(f, g, pi_x) + Omega(g)

- ``f`` is ``predict_fn``, called on the model inputs ``z = h(z')`` of a
  neighbourhood (:class:`~lime_core.Neighborhood`) in batches;
- ``pi_x`` is ``kernel`` (default: :class:`~lime_core.ExponentialKernel`);
- ``L`` is the kernel-weighted squared loss, ``Omega`` a ridge penalty ``alpha``
  and ``G`` linear models with at most ``num_features`` non-zero weights, chosen
  by ``feature_selection`` (see :func:`~lime_core.fit_surrogate`).

Reference: M. T. Ribeiro, S. Singh, C. Guestrin, "Why Should I Trust You?":
Explaining the Predictions of Any Classifier, KDD 2016.
"""
from __future__ import annotations

import numbers
import time
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ._black_box import call_black_box, warn_if_not_probabilities
from ._domain import DomainMapper, FeatureNamesMapper
from ._feature_selection import FEATURE_SELECTION_METHODS
from ._kernels import ExponentialKernel, check_kernel_weights
from ._representation import Neighborhood, Representation
from ._surrogate import fit_surrogate
from .validation import check_int, check_option, check_positive_float, check_random_state
from .explanation import REGRESSION_LABEL, Explanation

__all__ = ["explain", "DEFAULT_BATCH_SIZE", "default_kernel_width"]

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


def _check_labels(labels: Any, caller: str) -> tuple[int, ...] | None:
    if labels is None:
        return None
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


def _classification_scores(scores: np.ndarray) -> np.ndarray:
    """A single score column is the score of class 1: p -> [1-p, p], s -> [-s, s]."""
    if scores.shape[1] != 1:
        return scores
    column = scores[:, 0]
    if column.min() >= 0.0 and column.max() <= 1.0:
        return np.column_stack([1.0 - column, column])
    return np.column_stack([-column, column])


def _resolve_labels(scores: np.ndarray, labels: tuple[int, ...] | None, top_labels: int | None,
                    name: str) -> tuple[list[int], list[int] | None]:
    k = scores.shape[1]
    if top_labels is not None:
        ranked = [int(l) for l in np.argsort(scores[0], kind="stable")[::-1][:top_labels]]
        return ranked, ranked
    if labels is None:
        return list(range(k)), None
    missing = [l for l in labels if not 0 <= l < k]
    if missing:
        raise ValueError(f"labels {missing} are not produced by the model: {name} returns {k} "
                         f"column{'s' if k != 1 else ''} (labels 0 to {k - 1}).")
    return list(labels), None


def explain(representation: Representation, predict_fn: Callable[[Any], Any], *,
            labels: Iterable[int] | None = (1,), top_labels: int | None = None, num_features: int = 10,
            num_samples: int = 5000, kernel: Callable[[Neighborhood], np.ndarray] | None = None,
            kernel_width: float | None = None, feature_selection: str = "auto",
            model_regressor: Any = None, alpha: float = 1.0, batch_size: int = DEFAULT_BATCH_SIZE,
            random_state: Any = None, mode: str = "classification",
            class_names: list[str] | None = None, domain_mapper: DomainMapper | None = None,
            predict_fn_name: str = "predict_fn", caller: str = "explain",
            progress: Callable[[int, int], None] | None = None,
            extras: dict[str, Any] | None = None) -> Explanation:
    """Explain ``predict_fn`` around the instance behind ``representation``.

    Parameters
    ----------
    representation : Representation
        The plugin's interpretable view of the instance.
    predict_fn : callable
        The black box: a batch of model inputs -> scores of shape (n, k) or (n,).
    labels : sequence of int or None, default=(1,)
        Columns of the output to explain; ``None`` explains every column.
    top_labels : int, optional
        Explain the ``top_labels`` highest-scoring labels at ``x`` instead.
    num_features : int, default=10
        ``K``: the most features with a non-zero weight.
    num_samples : int, default=5000
        Size of the neighbourhood, ``x`` included.
    kernel : callable ``Neighborhood -> ndarray of shape (num_samples,)``, optional
        The locality kernel ``pi_x``; default ``ExponentialKernel(kernel_width)``.
    kernel_width : float, optional
        Width of the default kernel; default ``0.75 * sqrt(d')``.
    feature_selection : {'auto', 'none', 'forward_selection', 'highest_weights', 'lasso_path'}, default='auto'
    model_regressor : scikit-learn regressor, optional
        Replaces the closed-form ridge surrogate.
    alpha : float, default=1.0
        Ridge penalty of the surrogate (lime's ``Ridge(alpha=1)``).
    batch_size : int, default=1000
        Rows per call to ``predict_fn``. Results do not depend on it.
    random_state : int, numpy.random.Generator or None
        Drives all sampling; an int gives the same explanation every time.
    mode : {'classification', 'regression'}, default='classification'
    class_names : list of str, optional
    domain_mapper : DomainMapper, optional
        Default: names from ``representation.feature_names``.
    predict_fn_name, caller : str
        How the caller names the black box and itself, for messages.
    progress : callable ``(done, total) -> None``, optional
        Called after each black-box batch.
    extras : dict, optional
        Modality data stored on the explanation.

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
    """
    started = time.perf_counter()
    check_option(mode, "mode", caller, ("classification", "regression"))
    labels = _check_labels(labels, caller)
    num_samples = check_int(num_samples, "num_samples", caller, minimum=2)
    num_features = check_int(num_features, "num_features", caller, minimum=1)
    batch_size = check_int(batch_size, "batch_size", caller, minimum=1)
    if top_labels is not None:
        top_labels = check_int(top_labels, "top_labels", caller, minimum=1)
    check_option(feature_selection, "feature_selection", caller, FEATURE_SELECTION_METHODS)
    if alpha < 0:
        raise ValueError(f"The 'alpha' parameter of {caller} must be >= 0; got {alpha}.")
    d = len(representation.feature_names)
    if d == 0:
        raise ValueError(f"{caller}: the instance has no interpretable features to explain.")
    if kernel is None:
        width = default_kernel_width(d) if kernel_width is None else kernel_width
        kernel = ExponentialKernel(check_positive_float(width, "kernel_width", caller))
    elif kernel_width is not None:
        check_positive_float(kernel_width, "kernel_width", caller)
    rng = check_random_state(random_state, caller=caller)

    hood = _check_neighborhood(representation.sample(num_samples, rng), num_samples, d)
    result = call_black_box(predict_fn, hood, batch_size, name=predict_fn_name, progress=progress)
    weights = check_kernel_weights(kernel(hood), num_samples)
    z = np.asarray(hood.interpretable, dtype=float)

    fit_kwargs = dict(num_features=num_features, feature_selection=feature_selection, alpha=alpha,
                      model_regressor=model_regressor)
    values: dict[str, Any] = {"local_exp": {}, "intercept": {}, "score": {}, "local_pred": {}}
    if mode == "classification":
        warn_if_not_probabilities(result.scores, name=predict_fn_name)
        scores = _classification_scores(result.scores)
        fit_labels, ranked = _resolve_labels(scores, labels, top_labels, predict_fn_name)
        for label in fit_labels:
            _store_fit(values, label, fit_surrogate(z, scores[:, label], weights, **fit_kwargs))
        values.update(predict_proba=scores[0].copy(), top_labels=ranked)
    else:
        if result.scores.shape[1] != 1:
            raise ValueError(f"mode='regression' needs one output per row; {predict_fn_name} returned "
                             f"{result.scores.shape[1]} columns.")
        y = result.scores[:, 0]
        fit = fit_surrogate(z, y, weights, **fit_kwargs)
        _store_fit(values, REGRESSION_LABEL, fit)
        _store_fit(values, 0, fit, sign=-1.0)
        values.update(predicted_value=float(y[0]), min_value=float(y.min()), max_value=float(y.max()))

    meta = {"num_samples": num_samples, "num_features": num_features,
            "feature_selection": feature_selection, "alpha": alpha, "kernel": _describe_kernel(kernel)}
    cost = {"batch_size": batch_size, "black_box_calls": result.calls,
            "black_box_seconds": result.seconds, "seconds": time.perf_counter() - started}
    mapper = domain_mapper if domain_mapper is not None else FeatureNamesMapper(representation.feature_names)
    seed = int(random_state) if isinstance(random_state, numbers.Integral) else None
    return Explanation(mapper, mode, None if class_names is None else list(class_names), seed,
                       extras=dict(extras or {}), meta=meta, cost=cost, **values)


def _store_fit(values: dict[str, Any], label: int, fit: Any, sign: float = 1.0) -> None:
    values["local_exp"][label] = [(int(i), sign * float(w)) for i, w in zip(fit.feature_ids, fit.coef)]
    values["intercept"][label] = fit.intercept
    values["score"][label] = fit.score
    values["local_pred"][label] = fit.local_pred


def _describe_kernel(kernel: Any) -> dict[str, Any]:
    description: dict[str, Any] = {"name": type(kernel).__name__}
    width = getattr(kernel, "kernel_width", None)
    if isinstance(width, numbers.Real):
        description["kernel_width"] = float(width)
    return description
