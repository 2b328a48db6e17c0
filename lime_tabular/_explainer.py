"""lime's tabular explainers, on the one explanation loop of lime_core."""
from __future__ import annotations

import logging
import numbers
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

import lime_core
from lime_core import DEFAULT_BATCH_SIZE, DistanceKernel, Explanation, default_kernel_width
from lime_core.validation import check_option

from ._domain import TableDomainMapper
from ._fit import CONTINUOUS, TableModel, fit_table
from ._representation import SAMPLING_METHODS, TabularRepresentation
from ._table import UNSEEN, TableCodec, is_dataframe
from .discretize import BaseDiscretizer

__all__ = ["LimeTabularExplainer", "RecurrentTabularExplainer", "UnseenCategoryWarning"]

logger = logging.getLogger(__name__)

DISCRETIZERS = ("quartile", "decile", "entropy")
STATS_KEYS = ("means", "mins", "maxs", "stds", "feature_values", "feature_frequencies")
_CLASS = "LimeTabularExplainer"
#: Default batch: about this many values of model input per call to the black box (16 MB as floats).
BATCH_VALUES = 2 ** 21


class UnseenCategoryWarning(UserWarning):
    """The explained row holds a category the training data never showed.

    The row is still explained: its value becomes a state of its own, "not any
    training value", never drawn in the neighbourhood.

    Examples
    --------
    >>> import warnings
    >>> X = np.array([[0.0, 1.0], [1.0, 2.0], [2.0, 1.0]])
    >>> explainer = LimeTabularExplainer(X, categorical_features=[1], mode="regression")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     names = explainer.representation(np.array([0.5, 9.0])).feature_names
    >>> caught[0].category.__name__, names[1]
    ('UnseenCategoryWarning', '1=9 (not any training value)')
    """


class _DefaultLabels(tuple):
    """lime's default ``labels=(1,)``, told apart from a ``(1,)`` the user passes.

    Its repr is ``(1,)``, so signatures read exactly like lime's. Left as the
    default (and without ``top_labels``), a model with more than two classes is
    explained for every class; a binary model for class 1, as in lime.
    """

    __slots__ = ()


DEFAULT_LABELS = _DefaultLabels((1,))


class LimeTabularExplainer:
    """Explains predictions on tabular data (lime's ``LimeTabularExplainer``).

    Each interpretable feature of a row is "this column is in the same quartile
    (or category) as the row's" (``discretize_continuous=True``, the default) or,
    for continuous columns left as they are, the value in training standard
    deviations. The neighbourhood is drawn from the training distribution:
    categories and bins at their training frequencies, values within a bin from a
    normal truncated to the bin, undiscretized values from ``Normal(mean, std)``.
    Samples are weighted by ``exp(-d^2 / (2 w^2))`` of their euclidean distance
    ``d`` to the row in that space, with ``w = 0.75 * sqrt(d')`` by default
    (see :mod:`lime_core` for the objective).

    Parameters
    ----------
    training_data : ndarray of shape (n_samples, n_columns) or pandas.DataFrame
        At least 2 rows. NaN is a missing value: its own state, sampled at its
        training rate. With a DataFrame, column names become feature names,
        ``category``/``object``/``string``/``bool`` columns are categorical, and the
        black box receives DataFrames with the same columns and dtypes.
    mode : {'classification', 'regression'}, default='classification'
    training_labels : array-like of shape (n_samples,), optional
        Needed by ``discretizer='entropy'``.
    feature_names : list of str, optional
        Default: the DataFrame's column names, else ``'0'``, ``'1'``, ...
    categorical_features : list of int (or column names for a DataFrame), optional
        Columns treated as categorical (in addition to a DataFrame's non-numeric ones).
    categorical_names : dict of int to list of str, optional
        ``categorical_names[c][v]`` is the name of value ``v`` of column ``c``.
    kernel_width : float, optional
        Default ``0.75 * sqrt(d')`` (``d'`` = number of interpretable features,
        the number of columns unless ``feature_groups`` merge some).
    kernel : callable ``(distances, kernel_width) -> weights``, optional
        Default: lime's exponential kernel.
    verbose : bool, default=False
        Log (``logging``, level INFO) the surrogate's intercept and local prediction;
        library code never prints.
    class_names : list of str, optional
    feature_selection : {'auto', 'none', 'forward_selection', 'highest_weights', 'lasso_path'}, default='auto'
    discretize_continuous : bool, default=True
    discretizer : {'quartile', 'decile', 'entropy'} or BaseDiscretizer, default='quartile'
    sample_around_instance : bool, default=False
        Center undiscretized continuous samples on the row instead of the training mean.
    random_state : int, numpy.random.Generator, numpy.random.RandomState or None
        An int gives the same explanation on every call.
    training_data_stats : dict, optional
        lime's precomputed statistics: ``'means'``, ``'mins'``, ``'maxs'``, ``'stds'``,
        ``'feature_values'``, ``'feature_frequencies'`` (and ``'bins'``).
    feature_groups : dict of str to list of columns, optional
        Keyword-only. Columns perturbed and reported together as one feature, e.g.
        a one-hot block ``{'colour': ['colour_red', 'colour_blue']}`` (names or indices).

    Notes
    -----
    Differences from lime 0.2.0.1, on purpose:

    - Parameters are stored as given; the sampling tables are fitted on first use,
      not in ``__init__``, so building an explainer on a large table is cheap.
      lime's fitted ``explainer.discretizer`` is ``explainer.discretizer_`` here,
      its scaler ``scaler_mean_`` / ``scaler_scale_``. The explainer never changes
      while explaining (lime set ``class_names`` on itself; here the explanation
      gets ``'0'``, ``'1'``, ... when none were given).
    - ``explain_instance`` adds ``sampling_method`` (lime's later versions) and
      keyword-only ``random_state``, ``batch_size``, ``progress`` and options of
      :func:`lime_core.explain`. ``'lhs'`` is seeded (lime ignored the seed) and
      stratifies every uniform draw; an unknown ``sampling_method`` raises (lime warned
      and used ``'gaussian'``).
    - Left at its default, ``labels`` explains every class of a model with more than
      two classes (lime explained class 1 only).
    - Missing values, unseen categories and DataFrames are handled (see above);
      scipy sparse input is not supported (lime's sparse path).
    - Weights of undiscretized continuous features are per training standard
      deviation, as in lime; ``exp.extras['coef_original_units']`` gives them per
      unit of the column.
    - ``verbose`` logs instead of printing; incomplete ``training_data_stats`` raise
      ``ValueError`` (lime: a bare ``Exception``).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> X, y = load_iris(return_X_y=True)
    >>> model = LogisticRegression(max_iter=500).fit(X, y)
    >>> explainer = LimeTabularExplainer(X, feature_names=["sl", "sw", "pl", "pw"], random_state=0)
    >>> exp = explainer.explain_instance(X[0], model.predict_proba, num_samples=500, num_features=2)
    >>> sorted(exp.local_exp)  # three classes, no labels given: every class
    [0, 1, 2]
    >>> len(exp.as_list(label=0))
    2
    """

    def __init__(self, training_data: Any, mode: str = "classification", training_labels: Any = None,
                 feature_names: Sequence[str] | None = None, categorical_features: Sequence[Any] | None = None,
                 categorical_names: Mapping[int, Sequence[str]] | None = None, kernel_width: float | None = None,
                 kernel: Callable[[np.ndarray, float], np.ndarray] | None = None, verbose: bool = False,
                 class_names: Sequence[str] | None = None, feature_selection: str = "auto",
                 discretize_continuous: bool = True, discretizer: str | BaseDiscretizer = "quartile",
                 sample_around_instance: bool = False, random_state: Any = None,
                 training_data_stats: dict | None = None, *,
                 feature_groups: Mapping[str, Sequence[Any]] | None = None) -> None:
        self.training_data = training_data
        self.mode = mode
        self.training_labels = training_labels
        self.feature_names = feature_names
        self.categorical_features = categorical_features
        self.categorical_names = categorical_names
        self.kernel_width = kernel_width
        self.kernel = kernel
        self.verbose = verbose
        self.class_names = class_names
        self.feature_selection = feature_selection
        self.discretize_continuous = discretize_continuous
        self.discretizer = discretizer
        self.sample_around_instance = sample_around_instance
        self.random_state = random_state
        self.training_data_stats = training_data_stats
        self.feature_groups = feature_groups
        self._caller = type(self).__name__
        self._columns, self._categorical_idx, self._groups = self._validate()
        self._model: TableModel | None = None

    # ------------------------------------------------------------------ validation
    def _validate(self) -> tuple[list, list[int], dict[str, list[int]]]:
        caller = self._caller
        check_option(self.mode, "mode", caller, ("classification", "regression"))
        check_option(self.feature_selection, "feature_selection", caller, lime_core.FEATURE_SELECTION_METHODS)
        data = self.training_data
        if is_dataframe(data):
            shape, columns = data.shape, list(data.columns)
        elif hasattr(data, "tocsr") and hasattr(data, "nnz"):
            raise TypeError(f"The 'training_data' parameter of {caller} must be dense; got a scipy sparse "
                            f"matrix, which Limelight does not support yet. Pass training_data.toarray().")
        else:
            try:
                array = np.asarray(data)
            except Exception as exc:
                raise TypeError(f"The 'training_data' parameter of {caller} must be a 2-D array or a pandas "
                                f"DataFrame; got {type(data).__name__}.") from exc
            if array.ndim != 2:
                raise ValueError(f"The 'training_data' parameter of {caller} must be 2-D (rows x columns); "
                                 f"got shape {array.shape}.")
            if array.dtype.kind not in "biuf":
                raise TypeError(f"The 'training_data' parameter of {caller} must be numeric; got an array of "
                                f"dtype {array.dtype}. Pass a pandas DataFrame for string or mixed columns.")
            # a finite sum (one pass, no temporary) rules out infinities; otherwise look closer
            if array.dtype.kind == "f" and not np.isfinite(array.sum()) and np.isinf(array).any():
                bad = np.argwhere(np.isinf(array))[0]
                raise ValueError(f"The 'training_data' parameter of {caller} must not hold infinite values; "
                                 f"row {bad[0]}, column {bad[1]} is {array[bad[0], bad[1]]}. Use NaN for "
                                 f"missing values.")
            shape, columns = array.shape, list(range(array.shape[1]))
        if shape[0] < 2:
            raise ValueError(f"The 'training_data' parameter of {caller} must have at least 2 rows; got "
                             f"{shape[0]}.")
        if shape[1] < 1:
            raise ValueError(f"The 'training_data' parameter of {caller} must have at least 1 column.")
        p = shape[1]
        if self.feature_names is not None and len(self.feature_names) != p:
            raise ValueError(f"The 'feature_names' parameter of {caller} must have one name per column "
                             f"({p}); got {len(self.feature_names)}.")
        categorical = [self._column_index(c, columns, "categorical_features") for c in
                       (self.categorical_features or [])]
        if self.training_labels is not None and len(self.training_labels) != shape[0]:
            raise ValueError(f"The 'training_labels' parameter of {caller} must have one label per training "
                             f"row ({shape[0]}); got {len(self.training_labels)}.")
        if self.discretize_continuous:
            if not isinstance(self.discretizer, BaseDiscretizer) and self.discretizer not in DISCRETIZERS:
                raise ValueError(f"The 'discretizer' parameter of {caller} must be 'quartile', 'decile', "
                                 f"'entropy' or a BaseDiscretizer instance; got {self.discretizer!r}.")
            if self.discretizer == "entropy" and self.training_labels is None and not self.training_data_stats:
                raise ValueError(f"The 'training_labels' parameter of {caller} is required with "
                                 f"discretizer='entropy' (the bins separate the labels); got None.")
        if self.training_data_stats is not None:
            self.validate_training_data_stats(self.training_data_stats)
        if self.kernel is not None and not callable(self.kernel):
            raise TypeError(f"The 'kernel' parameter of {caller} must be a callable (distances, "
                            f"kernel_width) -> weights; got {type(self.kernel).__name__}.")
        groups: dict[str, list[int]] = {}
        seen: dict[int, str] = {}
        for name, members in (self.feature_groups or {}).items():
            if isinstance(members, (str, bytes)) or not isinstance(members, Sequence) or not members:
                raise ValueError(f"The 'feature_groups' parameter of {caller} must map each group name to a "
                                 f"non-empty list of columns; group {name!r} is {members!r}.")
            cols = [self._column_index(c, columns, "feature_groups") for c in members]
            for c in cols:
                if c in seen:
                    raise ValueError(f"The 'feature_groups' parameter of {caller}: column {columns[c]!r} is in "
                                     f"both group {seen[c]!r} and group {name!r}.")
                seen[c] = str(name)
            groups[str(name)] = cols
        return columns, categorical, groups

    def _column_index(self, column: Any, columns: list, name: str) -> int:
        p = len(columns)
        if isinstance(column, (numbers.Integral, np.integer)) and not isinstance(column, bool) and (
                column not in columns or not is_dataframe(self.training_data)):
            if not -p <= int(column) < p:
                raise ValueError(f"The '{name}' parameter of {self._caller} refers to column {column}, out of "
                                 f"range for {p} columns (0 to {p - 1}).")
            return int(column) % p
        if column in columns:
            return columns.index(column)
        if self.feature_names is not None and column in list(self.feature_names):
            return list(self.feature_names).index(column)
        raise ValueError(f"The '{name}' parameter of {self._caller} refers to column {column!r}, which the "
                         f"training data does not have (columns: {columns[:10]}{'...' if p > 10 else ''}).")

    @staticmethod
    def validate_training_data_stats(training_data_stats: dict) -> None:
        """Check that ``training_data_stats`` has every key lime needs.

        Raises
        ------
        ValueError
            Naming the missing keys.

        Examples
        --------
        >>> LimeTabularExplainer.validate_training_data_stats({"means": {}})
        Traceback (most recent call last):
        ...
        ValueError: Missing keys in training_data_stats: ['feature_frequencies', 'feature_values', 'maxs', 'mins', 'stds']. It needs 'means', 'mins', 'maxs', 'stds', 'feature_values', 'feature_frequencies'.
        """
        if not isinstance(training_data_stats, Mapping):
            raise TypeError(f"The 'training_data_stats' parameter of {_CLASS} must be a dict; got "
                            f"{type(training_data_stats).__name__}.")
        missing = sorted(set(STATS_KEYS) - set(training_data_stats))
        if missing:
            raise ValueError(f"Missing keys in training_data_stats: {missing}. It needs "
                             f"{', '.join(repr(k) for k in STATS_KEYS)}.")

    @staticmethod
    def convert_and_round(values: Any) -> list[str]:
        """lime's helper: numbers as text with two decimals."""
        return ["%.2f" % v for v in values]

    # ------------------------------------------------------------------ fitted tables
    def _fitted(self) -> TableModel:
        """The sampling tables, computed from the training data on first use (deterministic)."""
        model = self._model
        if model is None:
            codec, matrix = TableCodec.from_training(self.training_data, self._categorical_idx,
                                                     self.feature_names, self._caller)
            if is_dataframe(self.training_data):
                numeric = ~codec.categorical
                if np.isinf(matrix[:, numeric]).any():
                    bad = np.argwhere(np.isinf(matrix[:, numeric]))[0]
                    raise ValueError(f"The 'training_data' parameter of {self._caller} must not hold infinite "
                                     f"values; column {codec.feature_names[np.flatnonzero(numeric)[bad[1]]]!r} "
                                     f"does (row {bad[0]}).")
            model = fit_table(codec, matrix, groups=self._groups,
                              discretize_continuous=bool(self.discretize_continuous),
                              discretizer=self.discretizer, training_labels=self.training_labels,
                              random_state=self.random_state, stats=self.training_data_stats)
            self._model = model
        return model

    @property
    def discretizer_(self) -> BaseDiscretizer | None:
        """The fitted discretizer (lime's ``explainer.discretizer``); None without discretization."""
        return self._fitted().discretizer

    @property
    def scaler_mean_(self) -> np.ndarray:
        """Per column: training mean of continuous columns, 0 for categorical ones (lime's scaler)."""
        return self._fitted().scaler_mean

    @property
    def scaler_scale_(self) -> np.ndarray:
        """Per column: training standard deviation of continuous columns (1 if constant or categorical)."""
        return self._fitted().scaler_scale

    # ------------------------------------------------------------------ explaining
    def representation(self, data_row: Any, *, distance_metric: str = "euclidean",
                       sampling_method: str = "gaussian") -> TabularRepresentation:
        """The interpretable view of ``data_row`` that :meth:`explain_instance` uses.

        Parameters
        ----------
        data_row : ndarray of shape (n_columns,), pandas.Series or one-row DataFrame
        distance_metric : str, default='euclidean'
            Any metric of :func:`sklearn.metrics.pairwise_distances`.
        sampling_method : {'gaussian', 'lhs', 'sobol'}, default='gaussian'

        Returns
        -------
        TabularRepresentation
        """
        caller = f"{self._caller}.explain_instance"
        check_option(sampling_method, "sampling_method", caller, SAMPLING_METHODS)
        if not isinstance(distance_metric, str) and not callable(distance_metric):
            raise TypeError(f"The 'distance_metric' parameter of {caller} must be a metric name such as "
                            f"'euclidean'; got {type(distance_metric).__name__}.")
        model = self._fitted()
        encoded, raw = model.codec.encode_row(data_row, caller)
        unseen = [model.codec.feature_names[c] for c in np.flatnonzero(encoded == UNSEEN)]
        if unseen:
            warnings.warn(f"data_row holds values the training data never showed in categorical columns "
                          f"{unseen}; each is explained as 'not any training value' (never sampled).",
                          UnseenCategoryWarning, stacklevel=3)
        return TabularRepresentation(model, encoded, raw, sample_around_instance=bool(self.sample_around_instance),
                                     sampling_method=sampling_method, distance_metric=distance_metric,
                                     categorical_names=dict(self.categorical_names or {}))

    def explain_instance(self, data_row: Any, predict_fn: Callable[[Any], Any], labels: Any = DEFAULT_LABELS,
                         top_labels: int | None = None, num_features: int = 10, num_samples: int = 5000,
                         distance_metric: str = "euclidean", model_regressor: Any = None,
                         sampling_method: str = "gaussian", *, random_state: Any = None,
                         batch_size: int | None = None,
                         progress: Callable[[int, int], None] | None = None,
                         **explain_options: Any) -> Explanation:
        """Explain ``predict_fn``'s output for one row.

        Parameters
        ----------
        data_row : ndarray of shape (n_columns,), pandas.Series or one-row DataFrame
        predict_fn : callable
            Batch of rows (an array, or a DataFrame for DataFrame training data) ->
            class probabilities (n, k); or one column (n,) / (n, 1): a probability of
            class 1 or a ``decision_function`` score (explained as ``[-s, s]``);
            regression: the predictions (n,).
        labels : sequence of int, default=(1,)
            Classes to explain. Left at its default and without ``top_labels``, a
            model with more than two classes is explained for every class.
        top_labels : int, optional
            Explain the ``top_labels`` most probable classes instead.
        num_features : int, default=10
        num_samples : int, default=5000
        distance_metric : str, default='euclidean'
        model_regressor : scikit-learn regressor, optional
            Default: closed-form weighted ridge (alpha=1), as lime's ``Ridge``.
        sampling_method : {'gaussian', 'lhs', 'sobol'}, default='gaussian'
            The design of the uniform draws behind every sample (each row keeps lime's
            distribution; see :mod:`lime_tabular._designs`): ``'gaussian'``, lime's
            independent rows; ``'lhs'``, a Latin hypercube (seeded; no pyDOE2);
            ``'sobol'``, a scrambled Sobol' sequence over all of a row's draws, which
            lowers the seed-to-seed scatter of the weights about as much as four times
            the samples would (the top-10 features of a forest on breast_cancer agree
            across seeds with a Jaccard of about 0.96 within 5000 samples, against 0.90).
        random_state : int, numpy.random.Generator or None, optional
            Keyword-only; overrides the explainer's ``random_state`` for this call.
        batch_size : int, optional
            Rows per call to ``predict_fn``; results do not depend on it. Default:
            as many rows as hold about 2 million values (at least 1000; all 5000
            samples of a 30-column table in one call, 10000 rows at 200 columns), which
            spares models with a cost per call (forests) without unbounded memory.
        progress : callable ``(done, total) -> None``, optional
        **explain_options
            Keyword-only; any other option of :func:`lime_core.explain`
            (``holdout_samples``, ``alpha``, ``std_error``, ``max_samples``...).

        Returns
        -------
        lime_core.Explanation
            ``extras``: ``'modality'`` (``'tabular'``), ``'feature_values'`` (the row's
            values as text), and ``'coef_original_units'`` when some continuous
            features are not discretized (their weights per unit of the column).
        """
        caller = f"{self._caller}.explain_instance"
        representation = self.representation(data_row, distance_metric=distance_metric,
                                             sampling_method=sampling_method)
        return self._explain(representation, predict_fn, labels, top_labels, num_features, num_samples,
                             model_regressor, random_state=random_state, batch_size=batch_size,
                             progress=progress, caller=caller, predict_fn_name="predict_fn", **explain_options)

    def _explain(self, representation: TabularRepresentation, predict_fn: Any, labels: Any, top_labels: Any,
                 num_features: Any, num_samples: Any, model_regressor: Any, *, random_state: Any,
                 batch_size: Any, progress: Any, caller: str, predict_fn_name: str,
                 **explain_options: Any) -> Explanation:
        model = representation.model
        d = model.num_features
        if batch_size is None:
            batch_size = max(DEFAULT_BATCH_SIZE, BATCH_VALUES // max(model.codec.num_columns, 1))
        kernel = None
        width = explain_options.pop("kernel_width", self.kernel_width)
        feature_selection = explain_options.pop("feature_selection", self.feature_selection)
        if self.kernel is not None:  # lime's kernel(d, kernel_width); 'auto' widths are chosen by the core
            kernel = DistanceKernel(self.kernel, default_kernel_width(d) if width is None
                                    else width if isinstance(width, str) else float(width))
            width = None
        elif width is None:
            width = default_kernel_width(d)
        every_class = (isinstance(labels, _DefaultLabels) and top_labels is None
                       and self.mode == "classification")
        core_labels = labels
        if every_class:  # decided by the core from the first output when the class count is unknown
            known = self._known_classes(predict_fn)
            core_labels = lime_core.AUTO_LABELS if known is None else None if known > 2 else (1,)
        exp = lime_core.explain(
            representation, predict_fn, labels=core_labels, top_labels=top_labels, num_features=num_features,
            num_samples=num_samples, kernel=kernel, kernel_width=width, feature_selection=feature_selection,
            model_regressor=model_regressor, batch_size=batch_size,
            random_state=self.random_state if random_state is None else random_state, mode=self.mode,
            class_names=None if self.class_names is None else list(self.class_names),
            domain_mapper=self._mapper(representation), predict_fn_name=predict_fn_name, caller=caller,
            progress=progress, extras={"modality": "tabular",
                                       "feature_values": list(representation.feature_values)},
            **explain_options)
        return self._finish(exp, representation)

    def _known_classes(self, predict_fn: Any) -> int | None:
        """Number of classes when known before calling the model.

        From ``class_names``, a scikit-learn model's ``classes_`` (``predict_fn`` is its
        bound ``predict_proba`` or ``decision_function``) or ``training_labels``; when
        unknown, every label is fitted and, for a binary model, only class 1 is kept.
        """
        if self.class_names is not None:
            return len(self.class_names)
        classes = getattr(getattr(predict_fn, "__self__", None), "classes_", None)
        if classes is not None and np.ndim(classes) == 1:
            return len(classes)
        if self.training_labels is not None:
            return int(np.unique(np.asarray(self.training_labels)).size)
        return None

    def _mapper(self, representation: TabularRepresentation) -> TableDomainMapper:
        model = representation.model
        if model.discretizer is not None:
            return TableDomainMapper(representation.plain_names, representation.feature_values,
                                     representation.row_scaled, list(range(model.num_features)),
                                     discretized_feature_names=representation.feature_names)
        categorical = [j for j, kind in enumerate(model.kinds) if kind != CONTINUOUS]
        return TableDomainMapper(representation.feature_names, representation.feature_values,
                                 representation.row_scaled, categorical)

    def _finish(self, exp: Explanation, representation: TabularRepresentation) -> Explanation:
        changes: dict[str, Any] = {"meta": dict(exp.meta, sampling_method=representation.sampling_method)}
        model = representation.model
        if exp.mode == "classification" and exp.class_names is None and exp.predict_proba is not None:
            changes["class_names"] = [str(i) for i in range(len(exp.predict_proba))]
        if model.cont_ids.size:
            per_unit = np.ones(model.num_features)
            per_unit[model.cont_ids] = 1.0 / model.cont_scale
            local_exp = changes.get("local_exp", exp.local_exp)
            extras = dict(exp.extras)
            extras["coef_original_units"] = {label: [(i, float(w * per_unit[i])) for i, w in pairs]
                                             for label, pairs in local_exp.items()}
            extras["scale"] = model.scaler_scale.tolist()
            changes["extras"] = extras
        exp = exp.replace(**changes)
        if self.verbose:
            for label in exp.local_exp:
                logger.info("label %s: intercept %s, local prediction %s, score %s", label,
                            exp.intercept[label], exp.local_pred[label], exp.score[label])
        return exp


class _RecurrentPredict:
    """Reshape flat rows back to (n, timesteps, features) before calling the model (picklable)."""

    def __init__(self, func: Callable[[Any], Any], n_features: int, n_timesteps: int) -> None:
        self.func = func
        self.n_features = n_features
        self.n_timesteps = n_timesteps

    def __call__(self, X: np.ndarray) -> Any:
        X = np.asarray(X)
        return self.func(np.transpose(X.reshape(X.shape[0], self.n_features, self.n_timesteps), axes=(0, 2, 1)))


class RecurrentTabularExplainer(LimeTabularExplainer):
    """Explains a keras-style recurrent model on ``(n_samples, n_timesteps, n_features)`` data.

    The data are flattened so that each (feature, timestep) pair is one column
    named ``'<name>_t-<k>'`` (``k`` steps before the last); the model still
    receives 3-D batches. Parameters as :class:`LimeTabularExplainer`.

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(50, 3, 2))
    >>> explainer = RecurrentTabularExplainer(X, mode="regression", feature_names=["a", "b"], random_state=0)
    >>> explainer.representation(X[0].T.reshape(-1)).plain_names[:3]
    ['a_t-2', 'a_t-1', 'a_t-0']
    >>> exp = explainer.explain_instance(X[0], lambda b: b[:, -1, 0], num_samples=1000)
    >>> "a_t-0" in exp.as_list()[0][0]
    True
    """

    def __init__(self, training_data: Any, mode: str = "classification", training_labels: Any = None,
                 feature_names: Sequence[str] | None = None, categorical_features: Sequence[Any] | None = None,
                 categorical_names: Mapping[int, Sequence[str]] | None = None, kernel_width: float | None = None,
                 kernel: Callable[[np.ndarray, float], np.ndarray] | None = None, verbose: bool = False,
                 class_names: Sequence[str] | None = None, feature_selection: str = "auto",
                 discretize_continuous: bool = True, discretizer: str | BaseDiscretizer = "quartile",
                 random_state: Any = None) -> None:
        data = np.asarray(training_data)
        if data.ndim != 3:
            raise ValueError(f"The 'training_data' parameter of RecurrentTabularExplainer must be 3-D "
                             f"(samples, timesteps, features); got shape {data.shape}.")
        n_samples, n_timesteps, n_features = data.shape
        if feature_names is None:
            feature_names = [str(i) for i in range(n_features)]
        if len(feature_names) != n_features:
            raise ValueError(f"The 'feature_names' parameter of RecurrentTabularExplainer must have one name "
                             f"per feature ({n_features}); got {len(feature_names)}.")
        self.n_timesteps = n_timesteps
        self.n_features = n_features
        flat = np.transpose(data, axes=(0, 2, 1)).reshape(n_samples, n_timesteps * n_features)
        names = [f"{n}_t-{n_timesteps - (i + 1)}" for n in feature_names for i in range(n_timesteps)]
        super().__init__(flat, mode=mode, training_labels=training_labels, feature_names=names,
                         categorical_features=categorical_features, categorical_names=categorical_names,
                         kernel_width=kernel_width, kernel=kernel, verbose=verbose, class_names=class_names,
                         feature_selection=feature_selection, discretize_continuous=discretize_continuous,
                         discretizer=discretizer, random_state=random_state)

    def _make_predict_proba(self, func: Callable[[Any], Any]) -> _RecurrentPredict:
        """Wrap ``func`` so it receives 3-D batches (lime's helper)."""
        return _RecurrentPredict(func, self.n_features, self.n_timesteps)

    def explain_instance(self, data_row: Any, classifier_fn: Callable[[Any], Any], labels: Any = DEFAULT_LABELS,
                         top_labels: int | None = None, num_features: int = 10, num_samples: int = 5000,
                         distance_metric: str = "euclidean", model_regressor: Any = None,
                         sampling_method: str = "gaussian", *, random_state: Any = None,
                         batch_size: int | None = None,
                         progress: Callable[[int, int], None] | None = None,
                         **explain_options: Any) -> Explanation:
        """Explain ``classifier_fn`` for one ``(n_timesteps, n_features)`` row.

        Parameters as :meth:`LimeTabularExplainer.explain_instance`; ``classifier_fn``
        takes batches of shape ``(n, n_timesteps, n_features)``.
        """
        caller = "RecurrentTabularExplainer.explain_instance"
        row = np.asarray(data_row)
        if row.shape != (self.n_timesteps, self.n_features):
            raise ValueError(f"The 'data_row' parameter of {caller} must have shape (n_timesteps, "
                             f"n_features) = ({self.n_timesteps}, {self.n_features}); got {row.shape}.")
        representation = self.representation(row.T.reshape(self.n_timesteps * self.n_features),
                                             distance_metric=distance_metric, sampling_method=sampling_method)
        return self._explain(representation, self._make_predict_proba(classifier_fn), labels, top_labels,
                             num_features, num_samples, model_regressor, random_state=random_state,
                             batch_size=batch_size, progress=progress, caller=caller,
                             predict_fn_name="classifier_fn", **explain_options)
