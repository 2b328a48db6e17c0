"""``LimeTextExplainer``: which words made a text model decide as it did."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from lime_core import DEFAULT_BATCH_SIZE, SAMPLING_DESIGNS, DistanceKernel, Explanation, check_option, explain

from ._domain import TextDomainMapper
from ._indexed import IndexedCharacters, IndexedString, IndexedText
from ._representation import TextRepresentation
from ._tokenizers import resolve_tokenizer

__all__ = ["LimeTextExplainer", "DEFAULT_KERNEL_WIDTH"]

#: lime's text kernel width, tuned for cosine distances times 100.
DEFAULT_KERNEL_WIDTH = 25


def _check_distance_metric(distance_metric: Any) -> None:
    """Fail early, naming the argument, on a metric scikit-learn does not know."""
    if isinstance(distance_metric, str) and distance_metric == "cosine":
        return
    if not (isinstance(distance_metric, str) or callable(distance_metric)):
        raise TypeError(f"The 'distance_metric' parameter of LimeTextExplainer.explain_instance must be "
                        f"a metric name or a callable; got {type(distance_metric).__name__}.")
    from sklearn.metrics import pairwise_distances
    try:
        pairwise_distances(np.ones((1, 2)), np.ones((1, 2)), metric=distance_metric)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"The 'distance_metric' parameter of LimeTextExplainer.explain_instance must be "
                         f"a metric of sklearn.metrics.pairwise_distances (lime's default: 'cosine'); got "
                         f"{distance_metric!r} ({exc}).") from exc


class LimeTextExplainer:
    """Explain text classifiers (and regressors) by removing words (lime's ``LimeTextExplainer``).

    The interpretable features of a text are its words (``bow=True``: each
    distinct word, removed everywhere at once), its word positions
    (``bow=False``: an occurrence, replaced by ``mask_string``) or its
    characters (``char_level=True``). A perturbed text removes ``k ~ U{1..d'}``
    of them; it is weighted by ``exp(-D^2 / (2 * kernel_width^2))`` with ``D``
    the cosine distance times 100. The loop itself is :func:`lime_core.explain`.

    Parameters
    ----------
    kernel_width : float, default=25
        Width of the exponential kernel on the distances (0 to 100).
    kernel : callable ``(distances, kernel_width) -> weights``, optional
        Replaces the exponential kernel.
    verbose : bool, default=False
        Kept for compatibility; Limelight never prints. The surrogate's
        intercept, local prediction and score are on the explanation.
    class_names : list of str, optional
        Default: ``'0'``, ``'1'``, ... (on the explanation; the explainer is not changed).
    feature_selection : {'auto', 'none', 'forward_selection', 'highest_weights', 'lasso_path'}, default='auto'
    split_expression : str or callable, default=r'\\W+'
        Separator regular expression, or a callable ``text -> list of str`` of tokens.
    bow : bool, default=True
        Bag of words: a feature is a distinct word. False: a feature is a word
        position, replaced by ``mask_string`` when removed (for models that
        read word order).
    mask_string : str, optional
        Replacement of removed tokens when ``bow=False``: default ``'UNKWORDZ'``
        (``chr(0)`` with ``char_level=True``). It must not be a token of the
        explained text, or masked and kept tokens would look alike: that is an error.
    random_state : int, numpy.random.Generator or None
        An int gives the same explanation on every call.
    char_level : bool, default=False
        Features are characters.
    tokenizer : {'treebank', 'regexp', 'tweet', 'word'}, callable or nltk tokenizer, optional
        Keyword-only. Instead of ``split_expression``: a named nltk tokenizer
        that needs no downloaded data (see :mod:`lime_text`), a callable
        ``text -> list of str``, or any object with nltk's ``span_tokenize``.
    mode : {'classification', 'regression'}, default='classification'
        Keyword-only. ``'regression'`` for a model returning one value per text
        (a sentiment score in [-1, 1]); a classifier returning one score column
        is read as the score of class 1.

    Notes
    -----
    Text that is empty, or that has no token under the chosen tokenizer, raises
    ``ValueError``: there is nothing to attribute the prediction to.

    Examples
    --------
    >>> def positive(texts):  # a "model" that likes the word 'great'
    ...     hits = np.array([t.split().count("great") for t in texts], dtype=float)
    ...     p = 1 / (1 + np.exp(-(2 * hits - 1)))
    ...     return np.column_stack([1 - p, p])
    >>> explainer = LimeTextExplainer(class_names=["neg", "pos"], random_state=0)
    >>> exp = explainer.explain_instance("a great and moving film", positive, num_samples=500)
    >>> exp.as_list()[0][0]
    'great'
    >>> exp.extras["spans"][exp.as_map()[1][0][0]]
    [[2, 7]]
    """

    def __init__(self, kernel_width: float = 25, kernel: Callable[[np.ndarray, float], np.ndarray] | None = None,
                 verbose: bool = False, class_names: list[str] | None = None,
                 feature_selection: str = "auto", split_expression: str | Callable[[str], list[str]] = r"\W+",
                 bow: bool = True, mask_string: str | None = None, random_state: Any = None,
                 char_level: bool = False, *, tokenizer: Any = None,
                 mode: str = "classification") -> None:
        self.kernel_width = kernel_width
        self.kernel = kernel
        self.verbose = verbose
        self.class_names = class_names
        self.feature_selection = feature_selection
        self.split_expression = split_expression
        self.bow = bow
        self.mask_string = mask_string
        self.random_state = random_state
        self.char_level = char_level
        self.tokenizer = tokenizer
        self.mode = mode

    def _indexed_string(self, text_instance: str) -> IndexedText:
        """The text cut into this explainer's features (``IndexedString`` or ``IndexedCharacters``)."""
        caller = "LimeTextExplainer.explain_instance"
        if not isinstance(text_instance, str):
            hint = " Decode bytes first, e.g. text.decode('utf-8')." if isinstance(text_instance, bytes) else ""
            raise TypeError(f"The 'text_instance' parameter of {caller} must be a str; got "
                            f"{type(text_instance).__name__}.{hint}")
        if not text_instance:
            raise ValueError(f"The 'text_instance' parameter of {caller} is an empty string; there "
                             f"are no words to explain the prediction with.")
        if self.char_level:
            if self.tokenizer is not None:
                raise ValueError(f"LimeTextExplainer got tokenizer={self.tokenizer!r} with "
                                 f"char_level=True; characters need no tokenizer, pass one or the other.")
            return IndexedCharacters(text_instance, bow=self.bow, mask_string=self.mask_string)
        resolve_tokenizer(self.tokenizer, self.split_expression, caller="LimeTextExplainer")  # messages
        indexed = IndexedString(text_instance, split_expression=self.split_expression, bow=self.bow,
                                mask_string=self.mask_string, tokenizer=self.tokenizer)
        if indexed.num_words() == 0:
            how = (f"tokenizer={self.tokenizer!r}" if self.tokenizer is not None
                   else f"split_expression={self.split_expression!r}")
            raise ValueError(f"The 'text_instance' parameter of {caller} has no tokens under {how} "
                             f"(text: {text_instance[:60]!r}); there are no words to explain the "
                             f"prediction with.")
        return indexed

    def representation(self, text_instance: str, *, distance_metric: Any = "cosine",
                       sampling_method: str = "independent") -> TextRepresentation:
        """The interpretable view of ``text_instance`` that :meth:`explain_instance` uses.

        Raises
        ------
        TypeError
            ``text_instance`` is not a str.
        ValueError
            The text is empty, has no tokens, or (``bow=False``) one of its tokens
            equals ``mask_string``.
        """
        indexed = self._indexed_string(text_instance)
        if not indexed.bow and indexed.mask_string in set(indexed.inverse_vocab):
            raise ValueError(f"The 'mask_string' parameter of LimeTextExplainer ({indexed.mask_string!r}) "
                             f"is a token of the text: masked and kept tokens would look the same to "
                             f"the model. Pass a mask_string that does not occur in the text.")
        _check_distance_metric(distance_metric)
        check_option(sampling_method, "sampling_method", "LimeTextExplainer.explain_instance", SAMPLING_DESIGNS)
        return TextRepresentation(indexed, distance_metric=distance_metric, sampling_method=sampling_method)

    def explain_instance(self, text_instance: str, classifier_fn: Callable[[list[str]], Any],
                         labels: Iterable[int] | None = (1,), top_labels: int | None = None,
                         num_features: int = 10, num_samples: int = 5000, distance_metric: Any = "cosine",
                         model_regressor: Any = None, *, random_state: Any = None,
                         batch_size: int = DEFAULT_BATCH_SIZE,
                         progress: Callable[[int, int], None] | None = None,
                         sampling_method: str = "independent",
                         **explain_options: Any) -> Explanation:
        """Explain the prediction of ``classifier_fn`` on ``text_instance``.

        Parameters
        ----------
        text_instance : str
        classifier_fn : callable ``list of str -> ndarray of shape (n, k) or (n,)``
            Class probabilities (e.g. a pipeline's ``predict_proba``), one score
            column, or a regression output with ``mode='regression'``.
        labels : sequence of int, default=(1,)
        top_labels : int, optional
            Explain the ``top_labels`` most probable classes instead of ``labels``.
        num_features : int, default=10
        num_samples : int, default=5000
        distance_metric : str or callable, default='cosine'
        model_regressor : scikit-learn regressor, optional
        random_state : int, numpy.random.Generator or None
            Keyword-only; overrides the explainer's ``random_state`` for this call.
        batch_size : int, default=1000
            Texts per call to ``classifier_fn``; results do not depend on it.
        progress : callable ``(done, total) -> None``, optional
        sampling_method : {'independent', 'sobol'}, default='independent'
            Keyword-only. lime's independent perturbed documents, or documents laid
            out as a scrambled Sobol' sequence: each still removes ``k ~ U{1..d'}``
            words, a uniform subset. Text gains little from it (top-10 words of 10 seeds
            on the corpus's three longest reviews at 5000 samples: Jaccard 0.988 with
            either design in ``benchmarks/RESULTS.md``); tables and images gain much more.
        **explain_options
            Keyword-only; any other option of :func:`lime_core.explain`
            (``holdout_samples``, ``alpha``, ``std_error``, ``max_samples``...).

        Returns
        -------
        Explanation
            ``extras`` holds ``modality='text'``, the ``text`` and the character
            ``spans`` of every feature; ``as_list(positions=True)`` names words
            with their offsets.
        """
        representation = self.representation(text_instance, distance_metric=distance_metric,
                                             sampling_method=sampling_method)
        width = explain_options.pop("kernel_width", self.kernel_width)
        width = DEFAULT_KERNEL_WIDTH if width is None else width
        feature_selection = explain_options.pop("feature_selection", self.feature_selection)
        kernel = None if self.kernel is None else DistanceKernel(self.kernel, width)
        exp = explain(representation, classifier_fn, labels=labels, top_labels=top_labels,
                      num_features=num_features, num_samples=num_samples, kernel=kernel,
                      kernel_width=width if kernel is None else None,
                      feature_selection=feature_selection, model_regressor=model_regressor,
                      batch_size=batch_size,
                      random_state=self.random_state if random_state is None else random_state,
                      mode=self.mode, class_names=self.class_names,
                      domain_mapper=TextDomainMapper(representation.indexed_string),
                      predict_fn_name="classifier_fn", caller="LimeTextExplainer.explain_instance",
                      progress=progress, extras=representation.extras(), **explain_options)
        changes: dict[str, Any] = {"meta": dict(exp.meta, sampling_method=sampling_method)}
        if exp.class_names is None and exp.predict_proba is not None:
            changes["class_names"] = [str(i) for i in range(len(exp.predict_proba))]
        return exp.replace(**changes)
