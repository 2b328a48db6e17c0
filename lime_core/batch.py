"""Explain many instances: in order, reproducibly, in parallel or on a cluster, resumably.

:func:`explain_many` calls ``explainer.explain_instance(instance, predict_fn,
random_state=<row seed>, **explain_kwargs)`` for every instance. The row seeds
come from one ``random_state`` through :class:`numpy.random.SeedSequence`: row
``i`` gets the ``i``-th child of the root sequence, whatever runs it. So the
explanations are the same, bit for bit, in a serial run, with joblib workers or
on a Dask cluster, for any number of workers and any ``chunk_size``. The
parallelism is over rows: wherever a row is explained, BLAS runs on one thread
(its summation order, and so the last bit of a fit, can change with its thread
count). On a cluster, bit-for-bit equality also needs the same library versions
and CPU kind on every worker.

Running on a cluster
--------------------
Install the extra (``pip install 'limelight[dask]'``) and connect a client
before calling :func:`explain_many`::

    from dask.distributed import Client
    client = Client("tcp://scheduler-host:8786")    # a real scheduler
    # client = Client(n_workers=4)                  # or a local cluster
    explanations = explain_many(explainer, rows, model.predict_proba, random_state=0)

An active client is used automatically; ``backend=client`` picks one
explicitly and ``backend='dask'`` insists on the current one. The explainer and
the black box are sent to every worker once (``client.scatter(...,
broadcast=True)``); rows travel in chunks of ``chunk_size``. The workers must be
able to import Limelight, the plugin and whatever ``predict_fn`` needs.
"""
from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import math
import numbers
import os
import pickle
import socket
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._checkpoint import Checkpoint, CheckpointMismatchError, fingerprint
from .explanation import Explanation
from .validation import check_int, check_option, check_random_state, spawn_seed

__all__ = ["explain_many", "row_seed", "RowError", "RowsSkippedWarning", "CheckpointMismatchError"]

_CALLER = "explain_many"
_ERRORS = ("raise", "skip", "record")
_JOBLIB_BACKENDS = ("loky", "threading", "multiprocessing", "sequential")
#: Default chunks per worker: enough to balance uneven rows, few enough to amortise
#: sending the explainer and model with each joblib task.
_CHUNKS_PER_WORKER = 4
#: Largest default chunk, so that a crash loses little unsaved work per worker.
_MAX_DEFAULT_CHUNK = 64


@dataclass(frozen=True)
class RowError:
    """What :func:`explain_many` returns in place of a row that failed (``errors='record'``).

    Attributes
    ----------
    row : int
        Position of the instance in ``instances``.
    error_type : str
        The exception's class name.
    message : str
        The exception's message.

    Examples
    --------
    >>> RowError(3, "ValueError", "bad row").to_dict()
    {'row': 3, 'error_type': 'ValueError', 'message': 'bad row'}
    """

    row: int
    error_type: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data."""
        return {"row": self.row, "error_type": self.error_type, "message": self.message}


class RowsSkippedWarning(UserWarning):
    """Some rows failed and were left out (``errors='skip'``)."""


def row_seed(root: int, row: int) -> int:
    """The seed of row ``row``: child ``row`` of ``SeedSequence(root)``, as a 63-bit int.

    Equal to the ``row``-th sequence of ``numpy.random.SeedSequence(root).spawn(n)``
    for any ``n > row``, so it does not depend on how the rows are split.

    Examples
    --------
    >>> row_seed(0, 5) == row_seed(0, 5) != row_seed(0, 6)
    True
    >>> child = np.random.SeedSequence(0).spawn(8)[5]
    >>> row_seed(0, 5) == int(child.generate_state(1, np.uint64)[0] >> np.uint64(1))
    True
    """
    state = np.random.SeedSequence(root, spawn_key=(row,)).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


# ---------------------------------------------------------------------- validation
def _as_rows(instances: Any) -> Any:
    if isinstance(instances, (str, bytes)):
        raise TypeError(f"The 'instances' parameter of {_CALLER} must be a sequence of instances; "
                        f"got a single {type(instances).__name__} (wrap one text in a list).")
    if hasattr(instances, "iloc") and hasattr(instances, "columns"):  # a pandas DataFrame
        return instances
    if isinstance(instances, np.ndarray) or (hasattr(instances, "__len__") and hasattr(instances, "__getitem__")):
        return instances
    try:
        return list(instances)
    except TypeError:
        raise TypeError(f"The 'instances' parameter of {_CALLER} must be a sequence of instances "
                        f"(array, list, DataFrame); got {type(instances).__name__}.") from None


def _row(instances: Any, i: int) -> Any:
    return instances.iloc[i] if hasattr(instances, "iloc") and hasattr(instances, "columns") else instances[i]


def _root_seed(random_state: Any) -> tuple[Any, int]:
    """(what the fingerprint records, the root seed of the SeedSequence)."""
    if random_state is None:
        return None, int(np.random.SeedSequence().entropy)
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        check_random_state(random_state, caller=_CALLER)  # non-negative
        return int(random_state), int(random_state)
    seed = spawn_seed(check_random_state(random_state, caller=_CALLER))
    return seed, seed


def _check_takes_random_state(explainer: Any) -> None:
    try:
        params = inspect.signature(explainer.explain_instance).parameters.values()
    except (TypeError, ValueError):  # no signature to read (a builtin): let the call decide
        return
    if not any(p.name == "random_state" or p.kind is p.VAR_KEYWORD for p in params):
        raise TypeError(f"The 'explainer' parameter of {_CALLER} must take a keyword random_state in "
                        f"explain_instance (each row gets its own seed); {type(explainer).__name__}"
                        f".explain_instance does not. The original lime's explainers do not: use "
                        f"lime_tabular, lime_text or lime_image instead.")


def _check_n_jobs(n_jobs: Any) -> int | None:
    if n_jobs is None:
        return None
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral) or n_jobs == 0:
        raise ValueError(f"The 'n_jobs' parameter of {_CALLER} must be None or a non-zero int "
                         f"(-1: all CPUs); got {n_jobs!r}.")
    return int(n_jobs)


def _active_dask_client() -> Any:
    if "distributed" not in sys.modules:  # never import dask just to look
        return None
    try:
        from distributed import default_client
        return default_client()
    except (ImportError, ValueError):  # no dask after all, or no client
        return None


def _resolve_backend(backend: Any, n_jobs: int | None) -> tuple[str, Any]:
    """('serial' | 'joblib' | 'dask', joblib backend name or dask client)."""
    if backend is None:
        client = _active_dask_client()
        if client is not None:
            return "dask", client
    elif isinstance(backend, str):
        check_option(backend, "backend", _CALLER, ("dask",) + _JOBLIB_BACKENDS)
        if backend == "dask":
            try:
                import distributed  # noqa: F401
            except ImportError:
                raise ImportError(f"backend='dask' in {_CALLER} needs dask.distributed: "
                                  f"pip install 'limelight[dask]'.") from None
            client = _active_dask_client()
            if client is None:
                raise ValueError(f"backend='dask' in {_CALLER} needs a running dask.distributed.Client: "
                                 f"client = Client('tcp://scheduler-host:8786') for a cluster, or "
                                 f"Client(n_workers=2) for a local one; or pass backend=client.")
            return "dask", client
        return "joblib", backend
    elif hasattr(backend, "scatter") and hasattr(backend, "submit"):
        return "dask", backend
    else:
        raise TypeError(f"The 'backend' parameter of {_CALLER} must be None, 'dask', a joblib backend "
                        f"name ({', '.join(repr(b) for b in _JOBLIB_BACKENDS)}) or a "
                        f"dask.distributed.Client; got {type(backend).__name__}.")
    from joblib import effective_n_jobs
    if backend is None and effective_n_jobs(n_jobs) == 1:
        return "serial", None
    return "joblib", backend


def _progress_callback(progress: Any, total: int, initial: int) -> tuple[Callable[[int], None], Callable[[], None]]:
    """(update(done), close())."""
    if progress is False or progress is None:
        return (lambda done: None), (lambda: None)
    if progress is True:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            raise ImportError(f"progress=True in {_CALLER} needs tqdm: pip install 'limelight[progress]', "
                              f"or pass a callable progress(done, total).") from None
        bar = tqdm(total=total, initial=initial, desc=_CALLER, unit="row")

        def update(done: int) -> None:
            bar.update(done - bar.n)
        return update, bar.close
    if callable(progress):
        if initial:
            progress(initial, total)
        return (lambda done: progress(done, total)), (lambda: None)
    raise TypeError(f"The 'progress' parameter of {_CALLER} must be a bool or a callable "
                    f"progress(done, total); got {type(progress).__name__}.")


# ---------------------------------------------------------------------- the work
class _Raised:
    """An exception from a worker, carried back to the caller with its type, args and attributes.

    Many exceptions do not unpickle (an ``__init__`` with required keyword arguments),
    so the carrier rebuilds the same class without calling ``__init__``.
    """

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def __reduce__(self) -> tuple[Any, ...]:
        import pickle
        state = dict(getattr(self.exc, "__dict__", {}))
        try:
            pickle.dumps((type(self.exc), self.exc.args))
        except Exception:  # a class the caller cannot import: keep its name and message
            return _rebuild_raised, (RuntimeError, (f"{type(self.exc).__name__}: {self.exc}",), {})
        try:
            pickle.dumps(state)
        except Exception:
            state = {"__notes__": state["__notes__"]} if "__notes__" in state else {}
        return _rebuild_raised, (type(self.exc), self.exc.args, state)


def _rebuild_raised(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> _Raised:
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(state)
    return _Raised(exc)


def _single_thread_blas() -> Any:
    """A context running BLAS on one thread (threadpoolctl comes with scikit-learn).

    Summation order inside BLAS can change with its thread count, and with it the last
    bit of a fit; explain_many's parallelism is over rows, so BLAS runs on one thread
    wherever a row is explained (serial, joblib or Dask) and results match bit for bit.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn depends on it
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


_BLAS_LIMITED_FOR_GOOD = False


def _process_id() -> str:
    """This process on this machine (a worker on another host may have the caller's pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _explain_rows(explainer: Any, predict_fn: Any, rows: Sequence[Any], indices: Sequence[int],
                  root: int, explain_kwargs: dict[str, Any], errors: str,
                  to_json: bool, caller_process: str) -> list[tuple[int, Any, str | None]]:
    """Explain a chunk of rows; runs in the worker. Returns ``(row, result, json or None)``.

    ``result`` is an :class:`Explanation`, a :class:`RowError` or, with
    ``errors='raise'``, the exception in a :class:`_Raised` (and the chunk stops there).
    In the caller's process the caller holds the one-thread BLAS limit; a worker process
    takes it here: for the chunk when on its main thread (loky, multiprocessing), for
    good when tasks run on a pool of threads (Dask; its nannies start workers with
    one BLAS thread already), where a scoped limit would race with the other tasks.
    """
    global _BLAS_LIMITED_FOR_GOOD
    if _process_id() == caller_process:
        return _explain_chunk(explainer, predict_fn, rows, indices, root, explain_kwargs, errors, to_json)
    if threading.current_thread() is threading.main_thread():
        with _single_thread_blas():
            return _explain_chunk(explainer, predict_fn, rows, indices, root, explain_kwargs, errors, to_json)
    if not _BLAS_LIMITED_FOR_GOOD:
        _single_thread_blas()
        _BLAS_LIMITED_FOR_GOOD = True
    return _explain_chunk(explainer, predict_fn, rows, indices, root, explain_kwargs, errors, to_json)


def _explain_chunk(explainer: Any, predict_fn: Any, rows: Sequence[Any], indices: Sequence[int],
                   root: int, explain_kwargs: dict[str, Any], errors: str,
                   to_json: bool) -> list[tuple[int, Any, str | None]]:
    out: list[tuple[int, Any, str | None]] = []
    for instance, index in zip(rows, indices):
        seed = row_seed(root, index)  # here, so the seeds of a million rows are drawn by the workers
        try:
            exp = explainer.explain_instance(instance, predict_fn, random_state=seed, **explain_kwargs)
        except Exception as exc:
            if errors == "raise":
                out.append((index, _Raised(exc), None))
                break
            out.append((index, RowError(int(index), type(exc).__name__, str(exc)), None))
            continue
        out.append((index, exp, _record_json(exp) if to_json else None))
    return out


def _class_path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _record_json(exp: Any) -> str:
    """The checkpoint's JSON for one explanation: its class (a plugin's subclass) and its data."""
    return f'"type": {json.dumps(_class_path(type(exp)))}, "explanation": {exp.to_json()}'


def _explanation_class(path: Any) -> type[Explanation]:
    """The loaded :class:`Explanation` subclass named ``path`` (never imports anything)."""
    pending = [Explanation]
    while pending:
        cls = pending.pop()
        if _class_path(cls) == path:
            return cls
        pending.extend(cls.__subclasses__())
    return Explanation


def _chunks(todo: list[int], chunk_size: int) -> Iterator[list[int]]:
    for start in range(0, len(todo), chunk_size):
        yield todo[start:start + chunk_size]


def _run_serial(work: Callable[..., Any], instances: Any, chunks: list[list[int]], root: int,
                ) -> Iterator[list[tuple[int, Any, str | None]]]:
    for chunk in chunks:
        yield work([_row(instances, i) for i in chunk], chunk, root)


def _run_joblib(work: Callable[..., Any], instances: Any, chunks: list[list[int]], root: int,
                n_jobs: int | None, backend: str | None) -> Iterator[list[tuple[int, Any, str | None]]]:
    from joblib import Parallel, delayed
    tasks = (delayed(work)([_row(instances, i) for i in chunk], chunk, root) for chunk in chunks)
    results = Parallel(n_jobs=n_jobs, backend=backend, return_as="generator_unordered")(tasks)
    try:
        for chunk in results:  # not `yield from`: closing this generator must run the filter below first
            yield chunk
    finally:  # stopped early on errors='raise': the chunks still running are dropped on purpose
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*(executed +but not used|have been cancelled)",
                                    category=UserWarning)
            results.close()


def _run_dask(explainer: Any, predict_fn: Any, client: Any, instances: Any, chunks: list[list[int]],
              root: int, explain_kwargs: dict[str, Any], errors: str,
              to_json: bool) -> Iterator[list[tuple[int, Any, str | None]]]:
    from distributed import as_completed
    # Sent to every worker once, not once per chunk.
    # hash=False: a fresh key per call, so releasing an earlier call's copy cannot race with this one.
    explainer_f = client.scatter(explainer, broadcast=True, hash=False)
    predict_f = client.scatter(predict_fn, broadcast=True, hash=False)
    futures = [client.submit(_explain_rows, explainer_f, predict_f, [_row(instances, i) for i in chunk],
                             chunk, root, explain_kwargs, errors, to_json, _process_id(),
                             pure=False)
               for chunk in chunks]
    try:
        for future in as_completed(futures, loop=client.loop):
            yield future.result()
    finally:  # stopped early (an error, a closed generator): drop the chunks still queued
        pending = [future for future in futures if not future.done()]
        if pending:
            client.cancel(pending)


# ---------------------------------------------------------------------- public
def explain_many(explainer: Any, instances: Any, predict_fn: Callable[[Any], Any], *,
                 n_jobs: int | None = None, backend: Any = None,
                 checkpoint: str | os.PathLike[str] | None = None,
                 progress: bool | Callable[[int, int], None] = False, random_state: Any = None,
                 errors: str = "raise", chunk_size: int | None = None,
                 **explain_kwargs: Any) -> list[Any]:
    """Explain every instance, in input order, serially, with joblib or on a Dask cluster.

    Parameters
    ----------
    explainer : object with ``explain_instance(instance, predict_fn, ..., *, random_state=None)``
        Any Limelight explainer (``LimeTabularExplainer``, ``LimeTextExplainer``,
        ``LimeImageExplainer``) or a third-party one following the same convention.
        It must pickle to run in parallel.
    instances : sequence
        The instances: rows of an array, a list of texts or images, a pandas
        DataFrame (rows by position).
    predict_fn : callable
        The black box, passed to ``explain_instance`` as is.
    n_jobs : int, optional
        joblib workers (``-1``: all CPUs). ``None`` means 1 unless a
        ``joblib.parallel_config`` says otherwise. Ignored on Dask.
    backend : {None, 'loky', 'threading', 'multiprocessing', 'sequential', 'dask'} or dask Client, default=None
        ``None``: the active Dask client when there is one, else joblib's default
        (serial in this process when ``n_jobs`` is 1). See the module docstring for
        pointing at a real scheduler.
    checkpoint : str or path, optional
        A JSON Lines file. Each finished explanation is appended (one atomic
        write, then ``fsync``); a rerun with the same arguments loads the rows
        already done and explains only the rest. A job killed at any point,
        ``SIGKILL`` included, loses nothing already written; a torn last line is
        cut off and redone; no row is written twice. Failed rows are not stored
        and are retried on a rerun. Arguments that differ from the file's raise
        :class:`CheckpointMismatchError`.
    progress : bool or callable ``(done, total) -> None``, default=False
        ``True`` shows a tqdm bar (needs ``tqdm``, the ``progress`` extra); a
        callable is called in this process after each finished chunk of rows.
        (explain_instance's own per-neighbourhood ``progress`` is not used here.)
    random_state : int, numpy.random.Generator or None
        Root of the per-row seeds (row ``i`` gets :func:`row_seed` ``(root, i)``).
        ``None`` draws a fresh root (kept in the checkpoint, so a resumed job
        continues with the same seeds).
    errors : {'raise', 'skip', 'record'}, default='raise'
        What a row that raises does: stop the job (rows finished before it stay
        in the checkpoint), be left out of the result (a :class:`RowsSkippedWarning`
        says which), or be returned as a :class:`RowError`.
    chunk_size : int, optional
        Rows per task sent to a worker. Default: about four chunks per worker, at
        most 64 rows. Results do not depend on it.
    **explain_kwargs
        Passed to every ``explain_instance`` call (``num_features``, ``num_samples``, ...).
        ``predict_fn`` runs with BLAS on one thread too (see the module docstring).

    Returns
    -------
    list
        One :class:`~lime_core.Explanation` per instance in input order
        (:class:`RowError` in place of failed rows with ``errors='record'``,
        failed rows left out with ``errors='skip'``).

    Examples
    --------
    A toy explainer following the convention, over a linear model:

    >>> from lime_core import explain, Neighborhood
    >>> class Masks:
    ...     def __init__(self, x):
    ...         self.x, self.feature_names = np.asarray(x, float), ["a", "b"]
    ...     def to_model_input(self, z, rng=None):
    ...         return z * self.x
    ...     def sample(self, n, rng):
    ...         z = rng.integers(0, 2, size=(n, 2)).astype(float); z[0] = 1
    ...         return Neighborhood(z, np.sqrt(((1 - z) ** 2).sum(1)),
    ...                             lambda a, b: self.to_model_input(z[a:b]))
    >>> class MaskExplainer:
    ...     def explain_instance(self, x, predict_fn, *, random_state=None, **kwargs):
    ...         return explain(Masks(x), predict_fn, mode="regression", random_state=random_state, **kwargs)
    >>> f = lambda X: X @ [2.0, -1.0]
    >>> exps = explain_many(MaskExplainer(), [[1, 1], [3, 1]], f, random_state=0,
    ...                     num_samples=200, alpha=1e-9)
    >>> [(name, round(w, 6)) for name, w in exps[1].as_list()]
    [('a', 6.0), ('b', -1.0)]
    >>> exps == explain_many(MaskExplainer(), [[1, 1], [3, 1]], f, random_state=0, num_samples=200,
    ...                      alpha=1e-9, backend="threading", n_jobs=2, chunk_size=1)
    True
    """
    if not callable(getattr(explainer, "explain_instance", None)):
        raise TypeError(f"The 'explainer' parameter of {_CALLER} must have an explain_instance method; "
                        f"got {type(explainer).__name__}.")
    _check_takes_random_state(explainer)
    if not callable(predict_fn):
        raise TypeError(f"The 'predict_fn' parameter of {_CALLER} must be callable; "
                        f"got {type(predict_fn).__name__}.")
    instances = _as_rows(instances)
    check_option(errors, "errors", _CALLER, _ERRORS)
    n_jobs = _check_n_jobs(n_jobs)
    if chunk_size is not None:
        chunk_size = check_int(chunk_size, "chunk_size", _CALLER, minimum=1)
    if checkpoint is not None and not isinstance(checkpoint, (str, os.PathLike)):
        raise TypeError(f"The 'checkpoint' parameter of {_CALLER} must be a file path; "
                        f"got {type(checkpoint).__name__}.")
    kind, engine = _resolve_backend(backend, n_jobs)
    if progress not in (True, False, None) and not callable(progress):
        _progress_callback(progress, 0, 0)  # raises the TypeError
    total = len(instances)
    recorded_state, root = _root_seed(random_state)

    results: list[Any] = [None] * total
    store: Checkpoint | None = None
    if checkpoint is not None:
        header = {"total": total, "seed": root, "fingerprint": {
            "instances": fingerprint(instances), "explainer": fingerprint(explainer),
            "predict_fn": fingerprint(predict_fn), "explain_kwargs": fingerprint(explain_kwargs),
            "random_state": fingerprint(recorded_state)}}
        store = Checkpoint(checkpoint, header, caller=_CALLER)
        done = store.open()
        root = store.seed
        for row, record in done.items():
            if 0 <= row < total:
                results[row] = _explanation_class(record.get("type")).from_dict(record["explanation"])
    try:
        todo = [i for i in range(total) if store is None or i not in store.done]
        chunks = _plan_chunks(todo, kind, engine, n_jobs, chunk_size)
        to_json = store is not None

        def work(rows: Sequence[Any], indices: Sequence[int], root: int) -> Any:
            return _explain_chunk(explainer, predict_fn, rows, indices, root, explain_kwargs, errors, to_json)

        if kind == "serial":
            stream = _run_serial(work, instances, chunks, root)
        elif kind == "joblib":
            stream = _run_joblib(_WorkerTask(explainer, predict_fn, explain_kwargs, errors, to_json),
                                 instances, chunks, root, n_jobs, engine)
        else:
            stream = _run_dask(explainer, predict_fn, engine, instances, chunks, root, explain_kwargs,
                               errors, to_json)
        with _single_thread_blas():  # see _single_thread_blas: the same bits with any backend
            _collect(stream, results, store, progress, total, total - len(todo))
    finally:
        if store is not None:
            store.close()
    return _finish(results, errors)


#: Explainer and black box unpickled in this (worker) process, by token; see _WorkerTask.
_UNPICKLED: dict[str, tuple[Any, Any]] = {}


class _WorkerTask:
    """The chunk function joblib sends to its workers.

    The explainer and the black box are pickled once, in the caller, to bytes with a
    token; each task carries those bytes (a copy, not a new pickling of the model) and
    a worker process unpickles them once per job, not once per chunk. In threads
    (``backend='threading'``) nothing is pickled and the objects are used as they are.
    """

    def __init__(self, explainer: Any, predict_fn: Any, explain_kwargs: dict[str, Any], errors: str,
                 to_json: bool) -> None:
        self.args: tuple[Any, Any] | None = (explainer, predict_fn)
        self.options = (explain_kwargs, errors, to_json, _process_id())
        self.payload: tuple[str, bytes] | None = None

    def __getstate__(self) -> dict[str, Any]:
        if self.payload is None:
            try:  # functions from __main__ and lambdas too, as joblib's loky does
                import cloudpickle as pickler
            except ImportError:  # pragma: no cover - a dependency of joblib's loky
                pickler = pickle
            data = pickler.dumps(self.args)
            self.payload = (hashlib.sha256(data).hexdigest(), data)
        return {"args": None, "options": self.options, "payload": self.payload}

    def __call__(self, rows: Sequence[Any], indices: Sequence[int], root: int) -> Any:
        args = self.args
        if args is None:
            token, data = self.payload  # type: ignore[misc]
            if token not in _UNPICKLED:
                _UNPICKLED.clear()  # one job's objects at a time
                _UNPICKLED[token] = pickle.loads(data)
            args = _UNPICKLED[token]
        return _explain_rows(*args, rows, indices, root, *self.options)


def _plan_chunks(todo: list[int], kind: str, engine: Any, n_jobs: int | None,
                 chunk_size: int | None) -> list[list[int]]:
    if chunk_size is None:
        if kind == "serial":
            chunk_size = 1
        else:
            if kind == "dask":
                workers = max(1, sum(engine.nthreads().values()))
            else:
                from joblib import effective_n_jobs
                workers = effective_n_jobs(n_jobs)
            chunk_size = max(1, min(_MAX_DEFAULT_CHUNK, math.ceil(len(todo) / (_CHUNKS_PER_WORKER * workers))))
    return list(_chunks(todo, chunk_size))


def _collect(stream: Iterator[list[tuple[int, Any, str | None]]], results: list[Any],
             store: Checkpoint | None, progress: Any, total: int, initial: int) -> None:
    update, close = _progress_callback(progress, total, initial)
    done = initial
    try:
        for chunk in stream:
            failure = None
            for index, result, text in chunk:
                if isinstance(result, _Raised):
                    failure = (index, result.exc)
                else:
                    results[index] = result
            if store is not None:
                store.append([(index, text) for index, _, text in chunk if text is not None])
            done += sum(1 for _, result, _ in chunk if not isinstance(result, _Raised))
            update(done)
            if failure is not None:
                index, exc = failure
                if hasattr(exc, "add_note"):
                    exc.add_note(f"{_CALLER}: while explaining row {index}.")
                raise exc
    finally:
        close()
        getattr(stream, "close", lambda: None)()  # stop the workers' queue now, not at garbage collection


def _finish(results: list[Any], errors: str) -> list[Any]:
    if errors != "skip":
        return results
    failed = [r.row for r in results if isinstance(r, RowError)]
    if failed:
        first = next(r for r in results if isinstance(r, RowError))
        shown = ", ".join(str(i) for i in failed[:10]) + (", ..." if len(failed) > 10 else "")
        warnings.warn(f"{_CALLER}: {len(failed)} of {len(results)} rows failed and were skipped "
                      f"(rows {shown}); the first: {first.error_type}: {first.message}. "
                      f"Use errors='record' to keep their positions.", RowsSkippedWarning, stacklevel=3)
    return [r for r in results if not isinstance(r, RowError)]
