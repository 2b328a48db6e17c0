"""lime_tabular: LIME explanations of predictions on tables (arrays or pandas DataFrames).

A drop-in for lime 0.2.0.1's ``lime.lime_tabular``: ``LimeTabularExplainer``,
``RecurrentTabularExplainer``, ``TableDomainMapper`` and the ``discretize`` module
keep their names and signatures; every explanation runs through
:func:`lime_core.explain`.

Examples
--------
>>> import numpy as np
>>> from lime_tabular import LimeTabularExplainer
>>> X = np.random.default_rng(0).normal(size=(200, 3))
>>> explainer = LimeTabularExplainer(X, mode="regression", feature_names=["a", "b", "c"], random_state=0)
>>> exp = explainer.explain_instance(X[0], lambda rows: 3 * rows[:, 1], num_samples=500)
>>> exp.as_list()[0][0].split()[-3:-2] == ["b"] or "b" in exp.as_list()[0][0]
True
"""
from . import discretize
from ._domain import TableDomainMapper
from ._explainer import LimeTabularExplainer, RecurrentTabularExplainer, UnseenCategoryWarning
from ._designs import latin_hypercube
from ._representation import TabularRepresentation

__all__ = ["LimeTabularExplainer", "RecurrentTabularExplainer", "TableDomainMapper", "TabularRepresentation",
           "UnseenCategoryWarning", "discretize", "latin_hypercube"]
