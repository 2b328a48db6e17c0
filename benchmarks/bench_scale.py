"""Scale: ``explain_many`` rows per second, serial vs 2 workers, and its cost over a plain loop.

Workload: breast_cancer with a 100-tree RandomForest (``n_jobs=1``), the tabular explainer's
defaults (5000 samples, 10 features). Sides: a plain ``for`` loop over the original
``lime.lime_tabular`` (the baseline), a plain loop over Limelight's ``explain_instance``,
``explain_many`` serial, with 2 joblib (loky) workers and on a 2-worker Dask LocalCluster
(when ``distributed`` is installed). Worker start-up is excluded (the same call once first);
every parallel run is checked to equal the serial one, explanation for explanation.
"""
from __future__ import annotations

import os
import time
import warnings
from typing import Any

from ._common import check, optional_import, row

M = "scale"


def _workload() -> tuple[Any, Any, Any]:
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier
    data = load_breast_cancer()
    model = RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1).fit(data.data, data.target)
    return data.data, list(data.feature_names), model


def _seconds(fn: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def _machine_speedup() -> float:
    """Speed-up of 2 joblib processes over 1 on pure Python work: what 2 workers can give here."""
    from joblib import Parallel, delayed
    Parallel(n_jobs=2)(delayed(_burn)(10) for _ in range(2))  # start the workers
    serial, _ = _seconds(lambda: [_burn(2_000_000) for _ in range(4)])
    parallel, _ = _seconds(lambda: Parallel(n_jobs=2)(delayed(_burn)(2_000_000) for _ in range(4)))
    return serial / parallel


def run(quick: bool) -> list[dict[str, Any]]:
    """Rows of the results table (see :mod:`benchmarks`)."""
    import lime.lime_tabular
    import lime_tabular
    from lime_core.batch import explain_many

    X, names, model = _workload()
    load = " ".join(f"{v:.1f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    n_rows, num_samples = (8, 1000) if quick else (40, 5000)
    rows_in = X[:: max(1, len(X) // n_rows)][:n_rows]
    case = f"breast_cancer RF100, {n_rows} rows, {num_samples} samples"
    kw = dict(num_samples=num_samples, num_features=10)
    theirs = lime.lime_tabular.LimeTabularExplainer(X, feature_names=names, random_state=0)
    lime_s, _ = _seconds(lambda: [theirs.explain_instance(x, model.predict_proba, **kw) for x in rows_in])
    out = [row(M, case, "s / row: plain loop", lime=lime_s / n_rows, unit="s",
               note="baseline: for x in rows: lime explain_instance")]
    from threadpoolctl import threadpool_limits
    explainer = lime_tabular.LimeTabularExplainer(X, feature_names=names, random_state=0)
    explainer.explain_instance(rows_in[0], model.predict_proba, **kw)  # warm caches and imports
    loop_s, _ = _seconds(lambda: [explainer.explain_instance(x, model.predict_proba, **kw) for x in rows_in])
    with threadpool_limits(1, user_api="blas"):  # what explain_many does: parallelism is over rows
        loop1_s, _ = _seconds(lambda: [explainer.explain_instance(x, model.predict_proba, **kw) for x in rows_in])
    serial_s, serial = _seconds(lambda: explain_many(explainer, rows_in, model.predict_proba, random_state=0,
                                                     **kw))
    # Warm-up: the same call once, so that both workers have started and imported everything.
    explain_many(explainer, rows_in, model.predict_proba, n_jobs=2, random_state=0, **kw)
    machine = min(_machine_speedup(), 2.0)  # 2 workers cannot do more than twice the work; above is noise
    joblib_s, joblib_run = _seconds(lambda: explain_many(explainer, rows_in, model.predict_proba, n_jobs=2,
                                                         random_state=0, **kw))
    out += [
        row(M, case, "s / row: plain loop", limelight=loop_s / n_rows, lime=lime_s / n_rows, unit="s",
            note="for x in rows: explain_instance"),
        row(M, case, "s / row: plain loop, one BLAS thread", limelight=loop1_s / n_rows, lime=lime_s / n_rows,
            unit="s", note="lime column: its plain loop with default threads"),
        row(M, case, "s / row: explain_many serial", limelight=serial_s / n_rows, lime=lime_s / n_rows,
            unit="s", note="lime column: its plain loop"),
        row(M, case, "explain_many overhead / row vs plain loop (one BLAS thread)",
            limelight=(serial_s - loop1_s) / n_rows, unit="s", target="<= 0.005 s",
            met=check((serial_s - loop1_s) / n_rows, "<=", 0.005), note="seeds, ordering, bookkeeping"),
        row(M, case, "rows / s: explain_many serial", limelight=n_rows / serial_s, lime=n_rows / lime_s,
            unit="rows/s", note="ratio > 1: more rows per second than lime's loop"),
        row(M, case, "rows / s: explain_many 2 joblib workers", limelight=n_rows / joblib_s, lime=n_rows / lime_s,
            unit="rows/s", note="ratio > 1: more rows per second than lime's loop"),
        row(M, "calibration: pure Python work", "speed-up of 2 processes over 1 on this machine",
            limelight=machine, ratio="",
            note="the most 2 workers can give here; about 2 on 2 free cores (capped at 2: more is noise)"),
        row(M, case, "speed-up of 2 joblib workers over serial", limelight=serial_s / joblib_s, ratio="",
            target=">= 0.75 x the calibration", met=check(serial_s / joblib_s, ">=", 0.75 * machine),
            note=f"load average before the run: {load}"),
        row(M, case, "2 joblib workers == serial (bit for bit)", limelight=str(joblib_run == serial), ratio="",
            target="True", met=joblib_run == serial),
    ]
    return out + _dask_rows(case, explainer, rows_in, model, kw, serial, serial_s, lime_s)


def _dask_rows(case: str, explainer: Any, rows_in: Any, model: Any, kw: dict[str, Any], serial: Any,
               serial_s: float, lime_s: float) -> list[dict[str, Any]]:
    distributed = optional_import("distributed")
    if distributed is None:
        return [row(M, case, "rows / s: explain_many Dask 2 workers", limelight="n/a (pip install 'limelight[dask]')")]
    from lime_core.batch import explain_many
    n_rows = len(rows_in)
    with warnings.catch_warnings():  # the scheduler's health endpoint moves off a busy port 8787: fine
        warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                           dashboard_address=None)
    with cluster, distributed.Client(cluster, set_as_default=False) as client:
        explain_many(explainer, rows_in, model.predict_proba, backend=client, random_state=0, **kw)  # warm-up
        dask_s, dask_run = _seconds(lambda: explain_many(explainer, rows_in, model.predict_proba, backend=client,
                                                         random_state=0, **kw))
    return [
        row(M, case, "rows / s: explain_many Dask 2 workers", limelight=n_rows / dask_s, lime=n_rows / lime_s,
            unit="rows/s", note="LocalCluster on loopback; ratio > 1: faster than lime's loop"),
        row(M, case, "speed-up of Dask 2 workers over serial", limelight=serial_s / dask_s, ratio=""),
        row(M, case, "Dask 2 workers == serial (bit for bit)", limelight=str(dask_run == serial), ratio="",
            target="True", met=dask_run == serial),
    ]
