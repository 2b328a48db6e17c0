"""lime_core: the LIME objective, written once for every modality.

    xi(x) = argmin_{g in G} L(f, g, pi_x) + Omega(g)

A plugin (``lime_tabular``, ``lime_text``, ``lime_image``, or your own) gives a
:class:`Representation` of one instance; :func:`explain` samples its
:class:`Neighborhood`, calls the black box ``f`` in batches, weights the samples
with a kernel ``pi_x`` and fits a sparse weighted ridge surrogate ``g`` per label.
"""
from ._buffers import pooled_empty, release_buffers
from ._black_box import BlackBoxResult, PredictFnError, ProbabilityWarning, call_black_box, check_scores
from ._designs import SAMPLING_DESIGNS, UniformStream, scrambled_sobol, sobol_blocks, uniform_float32
from ._domain import DomainMapper, FeatureNamesMapper
from ._explain import AUTO_LABELS, DEFAULT_BATCH_SIZE, UnknownLabelError, default_kernel_width, explain
from ._feature_selection import FEATURE_SELECTION_METHODS
from ._kernels import DistanceKernel, ExponentialKernel, exponential_kernel
from ._representation import Neighborhood, Representation
from ._shapley import CoalitionSampler, ShapleyKernel, explain_shapley
from ._adaptive import UnsettledWarning
from ._surrogate import SurrogateFit, fit_surrogate
from .validation import check_int, check_option, check_positive_float, check_random_state, spawn_seed
from .explanation import Explanation
from .batch import explain_many
from .global_report import global_report

__all__ = [
    "BlackBoxResult", "DEFAULT_BATCH_SIZE", "DistanceKernel", "DomainMapper", "Explanation",
    "ExponentialKernel", "FEATURE_SELECTION_METHODS", "FeatureNamesMapper", "Neighborhood",
    "PredictFnError", "ProbabilityWarning", "Representation", "SurrogateFit", "UnknownLabelError",
    "call_black_box",
    "check_int", "check_option", "check_positive_float", "check_random_state", "check_scores",
    "spawn_seed", "default_kernel_width", "explain", "AUTO_LABELS", "SAMPLING_DESIGNS", "scrambled_sobol",
    "sobol_blocks", "uniform_float32", "UniformStream",
    "exponential_kernel",
    "fit_surrogate", "CoalitionSampler", "ShapleyKernel", "explain_shapley", "UnsettledWarning",
    "explain_many", "global_report", "pooled_empty", "release_buffers",
]
