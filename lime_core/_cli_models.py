"""Loading a model for the command line, safely by default.

Three sources, tried in this order:

1. a ``.skops`` file, through skops' safe loader: only types skops trusts by
   default load, others must be named with ``--trust TYPE`` after review;
2. a pickle or joblib file (``.pkl``, ``.pickle``, ``.joblib``), only with
   ``--allow-pickle``, because unpickling runs code from the file;
3. a Python entry point ``package.module:function``: the function is called
   with no arguments and returns a predict function or a fitted estimator.
   The current directory is importable, as with ``python -m``.
"""
from __future__ import annotations

import importlib
import os
import re
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CliError", "LoadedModel", "load_model", "EXIT_OK", "EXIT_FAILED", "EXIT_USAGE",
           "EXIT_INPUT", "EXIT_MODEL", "EXIT_PREDICT", "PickleWarning"]

#: Exit codes of ``limelight`` (also listed in ``limelight --help``).
EXIT_OK = 0
EXIT_FAILED = 1      # some demos failed, or an unexpected error
EXIT_USAGE = 2       # bad arguments (argparse's code), e.g. a row index out of range
EXIT_INPUT = 3       # an input file is missing or unreadable (CSV, image, model file)
EXIT_MODEL = 4       # the model cannot be loaded safely (untrusted types, pickle without --allow-pickle)
EXIT_PREDICT = 5     # the model failed on the data

PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib")
ENTRY_POINT = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


class CliError(Exception):
    """An error the command line reports in one line, with its exit code.

    Examples
    --------
    >>> CliError("no such file", EXIT_INPUT).exit_code
    3
    """

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class PickleWarning(UserWarning):
    """A pickle file was loaded: it could run any code."""


@dataclass
class LoadedModel:
    """A black box ready for an explainer.

    Attributes
    ----------
    predict_fn : callable
        Batch of model inputs -> scores.
    mode : {'classification', 'regression'}
    class_names : list of str or None
    source : str
        What was loaded, for messages.
    estimator : object or None
        The fitted estimator, when the model is one.
    """

    predict_fn: Callable[[Any], Any]
    mode: str
    class_names: list[str] | None
    source: str
    estimator: Any = None
    notes: list[str] = field(default_factory=list)


def _load_skops(path: str, trust: Sequence[str]) -> Any:
    try:
        import skops.io as sio
    except ImportError as exc:
        raise CliError("loading a .skops model needs skops: pip install 'limelight[skops]'.",
                       EXIT_MODEL) from exc
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:
        raise CliError(f"cannot read the model file {path!r} as skops: {exc}", EXIT_INPUT) from exc
    missing = [name for name in untrusted if name not in set(trust)]
    if missing:
        flags = " ".join(f"--trust {name}" for name in missing)
        raise CliError(f"the model file {path!r} holds types that skops does not trust by default: "
                       f"{', '.join(missing)}. Review them (skops.io.get_untrusted_types) and, if you "
                       f"trust the file, add: {flags}", EXIT_MODEL)
    try:
        return sio.load(path, trusted=[name for name in untrusted])
    except Exception as exc:
        raise CliError(f"skops could not load {path!r}: {exc}", EXIT_MODEL) from exc


def _load_pickle(path: str, allow_pickle: bool) -> Any:
    if not allow_pickle:
        raise CliError(f"refusing to load {path!r}: unpickling runs code stored in the file. Save the "
                       "model with skops (skops.io.dump) instead, or pass --allow-pickle if you made "
                       "the file yourself or trust its source.", EXIT_MODEL)
    warnings.warn(f"loading the pickle {path!r} runs code from the file; only do this with files "
                  "you trust.", PickleWarning, stacklevel=3)
    try:
        if path.endswith(".joblib"):
            import joblib
            return joblib.load(path)
        import pickle
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except Exception as exc:
        raise CliError(f"could not unpickle {path!r}: {type(exc).__name__}: {exc}", EXIT_MODEL) from exc


def _load_entry_point(spec: str) -> Any:
    module_name, _, attribute = spec.partition(":")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        target: Any = importlib.import_module(module_name)
    except Exception as exc:
        raise CliError(f"cannot import module {module_name!r} of the model entry point {spec!r}: "
                       f"{type(exc).__name__}: {exc}", EXIT_MODEL) from exc
    try:
        for part in attribute.split("."):
            target = getattr(target, part)
    except AttributeError as exc:
        raise CliError(f"module {module_name!r} has no attribute {attribute!r} (model entry point "
                       f"{spec!r}).", EXIT_MODEL) from exc
    if not callable(target):
        raise CliError(f"the model entry point {spec!r} must be a function returning a predict "
                       f"function or an estimator; got {type(target).__name__}.", EXIT_MODEL)
    try:
        return target()
    except Exception as exc:
        raise CliError(f"the model entry point {spec!r} failed: {type(exc).__name__}: {exc}",
                       EXIT_MODEL) from exc


def _from_object(model: Any, source: str, method: str, mode: str | None,
                 class_names: Sequence[str] | None) -> LoadedModel:
    is_estimator = hasattr(model, "predict") or hasattr(model, "predict_proba")
    if not is_estimator:
        if not callable(model):
            raise CliError(f"{source} gave a {type(model).__name__}, which is neither an estimator "
                           "(with predict or predict_proba) nor a predict function.", EXIT_MODEL)
        return LoadedModel(model, mode or "classification", list(class_names) if class_names else None,
                           source)
    if method == "auto":
        classifier = getattr(model, "_estimator_type", None) == "classifier" or hasattr(model, "classes_")
        if mode == "regression":
            method = "predict"
        elif hasattr(model, "predict_proba"):
            method = "predict_proba"
        elif classifier and hasattr(model, "decision_function"):
            method = "decision_function"
        elif classifier or mode == "classification":
            raise CliError(f"{source} ({type(model).__name__}) is a classifier without predict_proba or "
                           "decision_function: its predicted labels cannot be explained. Refit it with "
                           "probabilities (e.g. SVC(probability=True)).", EXIT_MODEL)
        else:
            method = "predict"
    if not hasattr(model, method):
        raise CliError(f"{source} ({type(model).__name__}) has no method {method!r}.", EXIT_MODEL)
    if mode is None:
        mode = "classification" if method in ("predict_proba", "decision_function") else "regression"
    names = list(class_names) if class_names else None
    if names is None and mode == "classification" and hasattr(model, "classes_"):
        names = [str(c) for c in model.classes_]
    return LoadedModel(getattr(model, method), mode, names, source, estimator=model)


def load_model(spec: str, *, allow_pickle: bool = False, trust: Sequence[str] = (), method: str = "auto",
               mode: str | None = None, class_names: Sequence[str] | None = None) -> LoadedModel:
    """Load the model named on the command line.

    Parameters
    ----------
    spec : str
        A ``.skops`` file, a pickle/joblib file, or ``package.module:function``.
    allow_pickle : bool, default=False
        Allow pickle and joblib files (they run code when loaded).
    trust : sequence of str, default=()
        Types to trust in a ``.skops`` file beyond skops' defaults.
    method : {'auto', 'predict_proba', 'predict', 'decision_function'}, default='auto'
        The estimator's method to explain; 'auto' is ``predict_proba`` when the
        model has it, else ``decision_function`` for a classifier (classification),
        else ``predict`` (regression).
    mode : {'classification', 'regression'}, optional
        Default: from the method (a predict function: classification).
    class_names : sequence of str, optional
        Default: the estimator's ``classes_``.

    Returns
    -------
    LoadedModel

    Raises
    ------
    CliError
        With ``EXIT_INPUT`` for a missing or unreadable file and ``EXIT_MODEL`` for a
        model that cannot be loaded safely.

    Examples
    --------
    >>> load_model("operator:itemgetter")
    Traceback (most recent call last):
    ...
    lime_core._cli_models.CliError: the model entry point 'operator:itemgetter' failed: ...
    """
    if os.path.isfile(spec):
        lowered = spec.lower()
        if lowered.endswith(".skops"):
            model = _load_skops(spec, trust)
        elif lowered.endswith(PICKLE_SUFFIXES):
            model = _load_pickle(spec, allow_pickle)
        else:
            raise CliError(f"unknown model file type {spec!r}: use a .skops file (safe), a .pkl/.joblib "
                           "file with --allow-pickle, or a Python entry point module:function.", EXIT_MODEL)
        source = f"model file {spec!r}"
    elif ENTRY_POINT.match(spec) and not os.path.exists(spec):
        model = _load_entry_point(spec)
        source = f"entry point {spec!r}"
    else:
        raise CliError(f"model file {spec!r} does not exist (give a .skops file, a pickle with "
                       "--allow-pickle, or a Python entry point module:function).", EXIT_INPUT)
    return _from_object(model, source, method, mode, class_names)
