"""KernelSHAP through LIME's loop: another kernel, another sampler, no penalty.

Lundberg and Lee ("A Unified Approach to Interpreting Model Predictions",
NeurIPS 2017) show that the LIME objective with

- ``G`` additive models ``g(z') = phi_0 + sum_i phi_i z'_i`` over coalitions
  ``z' in {0, 1}^M`` (``1``: feature ``i`` keeps the instance's value),
- the Shapley kernel ``pi(z') = (M - 1) / (C(M, |z'|) |z'| (M - |z'|))``,
- no penalty (``Omega = 0``),

has the Shapley values as its solution. The kernel is infinite on the empty
and the full coalition: here those two become constraints,
``phi_0 = f(h(0))`` and ``sum_i phi_i = f(x) - f(h(0))`` (efficiency), and the
constrained weighted least squares is solved by eliminating the last feature.

:class:`CoalitionSampler` wraps any :class:`~lime_core.Representation` and draws
coalitions instead of the plugin's own neighbourhood: every coalition when
``2^M <= num_samples`` (the values are then exact), otherwise coalition sizes
from the Shapley kernel's size distribution and complementary pairs (``z'`` and
``1 - z'``). Coalitions map to model inputs with ``to_model_input``, so the
plugin decides what a missing feature is (mean colour, removed word, a draw
from the training data).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._model_input import blockwise_model_input
from ._representation import Neighborhood
from ._ridge import weighted_r2
from ._surrogate import SurrogateFit
from ._uncertainty import effective_sample_size

__all__ = ["ShapleyKernel", "CoalitionSampler", "CoalitionNeighborhood", "fit_shapley",
           "shapley_kernel_weights"]

#: Largest number of features whose 2^M coalitions are enumerated.
MAX_ENUMERATED_FEATURES = 24


def _binomial(n: int, k: int) -> float:
    try:
        return float(math.comb(n, k))
    except OverflowError:
        return math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1))


def shapley_kernel_weights(sizes: np.ndarray, num_features: int) -> np.ndarray:
    """``(M - 1) / (C(M, s) s (M - s))`` for coalition sizes ``s``; 0 for ``s`` = 0 or ``M``.

    Examples
    --------
    >>> shapley_kernel_weights(np.array([0, 1, 2, 3]), 3).tolist()
    [0.0, 0.3333333333333333, 0.3333333333333333, 0.0]
    """
    sizes = np.asarray(sizes, dtype=int)
    out = np.zeros(len(sizes))
    inner = (sizes > 0) & (sizes < num_features)
    unique, inverse = np.unique(sizes[inner], return_inverse=True)
    binom = np.array([_binomial(num_features, int(v)) for v in unique])
    out[inner] = ((num_features - 1) / (binom * unique * (num_features - unique)))[inverse]
    return out


@dataclass(frozen=True)
class CoalitionNeighborhood(Neighborhood):
    """A :class:`~lime_core.Neighborhood` of coalitions that knows how it was drawn.

    Parameters
    ----------
    shapley_weights : ndarray of shape (num_samples,)
        ``pi(z') / q(z')``: the Shapley kernel over the sampling law (0 on the
        empty and the full coalition, which enter as constraints).
    exact : bool
        Every coalition was enumerated once: the fit gives the exact Shapley values.
    """

    shapley_weights: np.ndarray = None  # type: ignore[assignment]
    exact: bool = False


@dataclass(frozen=True)
class ShapleyKernel:
    """The Shapley kernel: passed as ``kernel`` to :func:`~lime_core.explain`, it turns LIME into KernelSHAP.

    :func:`~lime_core.explain` then samples coalitions with :class:`CoalitionSampler`,
    fits without penalty or feature selection and enforces efficiency
    (``sum(phi) = f(x) - f(baseline)``). On a neighbourhood that is not a
    :class:`CoalitionNeighborhood` it returns the kernel on the sizes of the
    binary rows (correct for uniformly drawn coalitions).

    Examples
    --------
    >>> hood = Neighborhood(np.array([[1, 1], [0, 1], [0, 0]]), np.zeros(3), lambda a, b: None)
    >>> ShapleyKernel()(hood).tolist()
    [0.0, 0.5, 0.0]
    """

    def __call__(self, neighborhood: Neighborhood) -> np.ndarray:
        given = getattr(neighborhood, "shapley_weights", None)
        if given is not None:
            return np.asarray(given, dtype=float)
        z = np.asarray(neighborhood.interpretable)
        return shapley_kernel_weights((z != 0).sum(axis=1), z.shape[1])


class CoalitionSampler:
    """Wrap a :class:`~lime_core.Representation` so that ``sample`` draws Shapley coalitions.

    Parameters
    ----------
    representation : Representation
        Its ``to_model_input`` maps coalitions (binary ``z'``) to model inputs.

    Examples
    --------
    >>> class Masks:
    ...     feature_names = ["a", "b", "c"]
    ...     def to_model_input(self, z, rng=None):
    ...         return np.asarray(z, dtype=float)
    >>> hood = CoalitionSampler(Masks()).sample(8, np.random.default_rng(0))
    >>> hood.exact, hood.interpretable[:2].tolist()
    (True, [[1, 1, 1], [0, 0, 0]])
    """

    def __init__(self, representation: Any) -> None:
        self.representation = representation
        self.feature_names = list(representation.feature_names)

    def to_model_input(self, z_prime: np.ndarray, rng: np.random.Generator) -> Any:
        """Delegate to the wrapped representation."""
        return self.representation.to_model_input(z_prime, rng)

    def sample(self, num_samples: int, rng: np.random.Generator) -> CoalitionNeighborhood:
        """Row 0 the full coalition, row 1 the empty one, then partial coalitions."""
        m = len(self.feature_names)
        exact = m <= MAX_ENUMERATED_FEATURES and num_samples == 2 ** m
        if exact:
            codes = np.arange(2 ** m)[::-1]  # all ones first, all zeros last
            z = ((codes[:, None] >> np.arange(m)[::-1]) & 1).astype(np.int8)
            z = np.concatenate([z[:1], z[-1:], z[1:-1]])
            weights = shapley_kernel_weights(z.sum(axis=1), m)
        else:
            z = np.ones((num_samples, m), dtype=np.int8)
            if num_samples > 1:
                z[1] = 0
            z[2:] = self._draw(num_samples - 2, m, rng)
            sizes = z.sum(axis=1)
            weights = ((sizes > 0) & (sizes < m)).astype(float)
        distances = np.sqrt((1 - z).sum(axis=1) / m)
        return CoalitionNeighborhood(z, distances, blockwise_model_input(self, z, rng),
                                     shapley_weights=weights, exact=exact)

    @staticmethod
    def _draw(count: int, m: int, rng: np.random.Generator) -> np.ndarray:
        """``count`` coalitions: sizes by the Shapley kernel's size law, in complementary pairs."""
        if count <= 0 or m < 2:
            return np.ones((max(count, 0), m), dtype=np.int8)
        sizes = np.arange(1, m)
        law = 1.0 / (sizes * (m - sizes))
        half = -(-count // 2)
        drawn = rng.choice(sizes, size=half, p=law / law.sum())
        ranks = np.argsort(np.argsort(rng.random((half, m)), axis=1), axis=1)
        first = (ranks < drawn[:, None]).astype(np.int8)
        return np.concatenate([first, 1 - first])[:count] if count > 1 else first[:count]


def fit_shapley(z: np.ndarray, y: np.ndarray, weights: np.ndarray, *, num_features: int,
                exact: bool = False) -> SurrogateFit:
    """Kernel-weighted least squares with ``phi_0 = f(empty)`` and efficiency.

    Parameters
    ----------
    z : ndarray of shape (n, M)
        Binary coalitions; row 0 the full coalition; at least one empty row.
    y : ndarray of shape (n,)
        The black box's score for one label.
    weights : ndarray of shape (n,)
        Shapley kernel weights (the empty and full rows are ignored).
    num_features : int
        How many values to keep, by decreasing ``|phi|``.
    exact : bool, default=False
        Every coalition was enumerated: standard errors are zero.

    Returns
    -------
    SurrogateFit
        ``intercept`` is ``phi_0``; ``local_pred`` is ``f(x)``.

    Examples
    --------
    A game with an interaction: ``v(S) = [0 in S] + 2 [1 in S and 2 in S]``.

    >>> z = ((np.arange(8)[:, None] >> np.arange(3)) & 1)[::-1].astype(float)
    >>> y = z[:, 0] + 2 * z[:, 1] * z[:, 2]
    >>> fit = fit_shapley(z, y, shapley_kernel_weights(z.sum(1).astype(int), 3), num_features=3)
    >>> sorted(zip(fit.feature_ids.tolist(), fit.coef.round(6).tolist()))
    [(0, 1.0), (1, 1.0), (2, 1.0)]
    """
    z = np.asarray(z, dtype=float)
    y = np.asarray(y, dtype=float)
    m = z.shape[1]
    sizes = z.sum(axis=1)
    empty, full = sizes == 0, sizes == m
    if not empty.any():
        raise ValueError("The Shapley fit needs the empty coalition among the samples; sample "
                         "coalitions with CoalitionSampler (explain does so with kernel=ShapleyKernel()).")
    v_empty, v_full = float(y[empty].mean()), float(y[full].mean() if full.any() else y[0])
    total = v_full - v_empty
    inner = ~(empty | full) & (weights > 0)
    zi, wi = z[inner], weights[inner]
    reduced = zi[:, :-1] - zi[:, -1:]
    target = y[inner] - v_empty - zi[:, -1] * total
    if m == 1 or not inner.any():
        phi_r, covariance_r = np.zeros(m - 1), np.zeros((m - 1, m - 1))
    else:
        root = np.sqrt(wi)
        phi_r = np.linalg.lstsq(reduced * root[:, None], target * root, rcond=None)[0]
        bread = np.linalg.pinv(reduced.T @ (reduced * wi[:, None]))
        score_rows = reduced * (wi * (target - reduced @ phi_r))[:, None]
        ess = effective_sample_size(wi)
        scale = ess / (ess - m) if ess > m else np.nan
        covariance_r = np.zeros((m - 1, m - 1)) if exact else scale * bread @ (score_rows.T @ score_rows) @ bread
    phi = np.append(phi_r, total - phi_r.sum())
    # phi = T phi_r + e_M total, so Cov(phi) = T Cov(phi_r) T' with T = [I; -1']
    transform = np.vstack([np.eye(m - 1), -np.ones((1, m - 1))])
    covariance = transform @ covariance_r @ transform.T
    prediction = v_empty + z @ phi
    score = weighted_r2(y[inner], prediction[inner], wi) if inner.any() else 1.0
    order = np.argsort(-np.abs(phi), kind="stable")[:num_features]
    return SurrogateFit(order, phi[order], v_empty, score, v_empty + float(phi.sum()),
                        np.sqrt(np.clip(np.diag(covariance)[order], 0.0, None)),
                        covariance[np.ix_(order, order)])


def explain_shapley(representation: Any, predict_fn: Any, *, num_samples: int = 2048,
                    num_features: int | None = None, **kwargs: Any) -> Any:
    """KernelSHAP values of ``predict_fn`` at the instance behind ``representation``.

    ``explain(representation, predict_fn, kernel=ShapleyKernel(), ...)``: the same
    loop as LIME with coalitions for the neighbourhood, the Shapley kernel, no
    penalty and the efficiency constraint. With ``2^M <= num_samples`` every
    coalition is enumerated once and the values are exact (``meta['shapley']``).

    Parameters
    ----------
    representation : Representation
        Its ``to_model_input`` maps binary coalitions to model inputs.
    predict_fn : callable
    num_samples : int, default=2048
        Coalitions scored, the full and empty ones included (at most ``2^M``).
    num_features : int, optional
        How many values to report, by decreasing ``|phi|``; default all ``M``.
    **kwargs
        Passed to :func:`~lime_core.explain` (``labels``, ``mode``, ``random_state``...).

    Returns
    -------
    Explanation
        ``local_exp`` holds the Shapley values, ``intercept`` the value of the
        empty coalition, ``local_pred`` the model's value at ``x``.

    Examples
    --------
    >>> from lime_core import Neighborhood
    >>> class Masks:
    ...     feature_names = ["a", "b", "c"]
    ...     def to_model_input(self, z, rng=None):
    ...         return np.asarray(z, dtype=float)
    ...     def sample(self, n, rng):
    ...         raise NotImplementedError  # not needed: coalitions are sampled by lime_core
    >>> exp = explain_shapley(Masks(), lambda X: X[:, 0] * X[:, 1] + X[:, 2], mode="regression",
    ...                       random_state=0)
    >>> sorted((i, round(w, 6)) for i, w in exp.local_exp[1])
    [(0, 0.5), (1, 0.5), (2, 1.0)]
    """
    from ._explain import explain
    if num_features is None:
        num_features = len(representation.feature_names)
    return explain(representation, predict_fn, kernel=ShapleyKernel(), num_samples=num_samples,
                   num_features=num_features, **kwargs)
