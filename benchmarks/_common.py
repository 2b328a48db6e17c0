"""Shared tools of the benchmark harness: timed black boxes, alternating runs, memory, quality.

Every benchmark module ``benchmarks/bench_<name>.py`` exposes ``run(quick: bool) -> list[dict]``;
each dict is one row of the results table (see :data:`ROW_KEYS`). Helpers here keep the
modules short and make the two sides (Limelight and the original lime) measured the same way.
"""
from __future__ import annotations

import gc
import importlib
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Keys of a result row. Only ``modality``, ``case`` and ``metric`` are required; ``ratio`` is
#: filled in from ``limelight / lime`` when both are numbers and no ratio was given.
ROW_KEYS = ("modality", "case", "metric", "unit", "limelight", "lime", "ratio", "target", "met", "note")

SIDES = ("limelight", "lime")


def row(modality: str, case: str, metric: str, *, limelight: Any = None, lime: Any = None,
        unit: str = "", ratio: float | None = None, target: str = "", met: bool | None = None,
        note: str = "") -> dict[str, Any]:
    """One result row; the ratio is limelight / lime unless given."""
    if ratio is None and _is_number(limelight) and _is_number(lime) and lime != 0:
        ratio = float(limelight) / float(lime)
    return {"modality": modality, "case": case, "metric": metric, "unit": unit,
            "limelight": limelight, "lime": lime, "ratio": ratio, "target": target, "met": met,
            "note": note}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) \
        and np.isfinite(value)


class TimedBlackBox:
    """Wrap a predict function; count calls and rows and time spent inside it."""

    def __init__(self, fn: Callable[[Any], Any]):
        self.fn = fn
        self.reset()

    def reset(self) -> None:
        self.seconds = 0.0
        self.cpu_seconds = 0.0
        self.calls = 0
        self.rows = 0

    def __call__(self, batch: Any) -> Any:
        started, cpu = time.perf_counter(), time.process_time()
        out = self.fn(batch)
        self.seconds += time.perf_counter() - started
        self.cpu_seconds += time.process_time() - cpu
        self.calls += 1
        self.rows += len(batch)
        return out


@dataclass
class Timing:
    """Per-repeat wall and black-box seconds of one side."""

    wall: list[float] = field(default_factory=list)
    black_box: list[float] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    black_box_cpu: list[float] = field(default_factory=list)

    @property
    def cpu_overhead_median(self) -> float:
        """Process CPU seconds outside the black box: less sensitive to a busy machine."""
        return statistics.median(c - b for c, b in zip(self.cpu, self.black_box_cpu))

    @property
    def rows_median(self) -> float:
        return statistics.median(self.rows)

    @property
    def wall_median(self) -> float:
        return statistics.median(self.wall)

    @property
    def black_box_median(self) -> float:
        return statistics.median(self.black_box)

    @property
    def overhead_median(self) -> float:
        return statistics.median(w - b for w, b in zip(self.wall, self.black_box))

    @property
    def total_per_black_box(self) -> float:
        return statistics.median(w / b for w, b in zip(self.wall, self.black_box) if b > 0)


def alternate(runners: dict[str, Callable[[TimedBlackBox], Any]], predict_fn: Callable[[Any], Any],
              repeats: int, warmup: bool = True) -> dict[str, Timing]:
    """Time each side's ``runner(black_box)`` ``repeats`` times, alternating the sides.

    The order flips every repeat (A B, B A, ...) so that drifts of the machine hit both sides.
    A warm-up call of each side (imports, caches) is not counted.
    """
    box = TimedBlackBox(predict_fn)
    timings = {name: Timing() for name in runners}
    names = list(runners)
    if warmup:
        for name in names:
            runners[name](box)
    for rep in range(repeats):
        for name in (names if rep % 2 == 0 else names[::-1]):
            gc.collect()
            box.reset()
            started, cpu = time.perf_counter(), time.process_time()
            runners[name](box)
            wall = time.perf_counter() - started
            timings[name].cpu.append(time.process_time() - cpu)
            timings[name].black_box_cpu.append(box.cpu_seconds)
            timings[name].wall.append(wall)
            timings[name].black_box.append(box.seconds)
            timings[name].rows.append(box.rows)
    return timings


def peak_memory(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Peak traced memory (MB) above the starting point while ``fn()`` runs, and its result.

    numpy reports its buffers to tracemalloc, so this counts arrays and Python objects that
    the call allocates (not memory held before it started). Limelight's buffer pool
    (:func:`lime_core.release_buffers`) is emptied first, so memory it would reuse from an
    earlier call counts as allocated by this one.
    """
    import lime_core

    lime_core.release_buffers()
    gc.collect()
    already = tracemalloc.is_tracing()
    if not already:
        tracemalloc.start()
    tracemalloc.reset_peak()
    start, _ = tracemalloc.get_traced_memory()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not already:
            tracemalloc.stop()
    return (peak - start) / 2**20, result


def median_seconds(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# --------------------------------------------------------------------------- quality measures

def top_k(explanation: Any, label: int, k: int) -> frozenset[int]:
    """Ids of the ``k`` features of largest absolute weight for ``label``."""
    local_exp = getattr(explanation, "local_exp", None)
    pairs = local_exp[label] if local_exp is not None else explanation.as_map()[label]
    ranked = sorted(pairs, key=lambda p: -abs(p[1]))
    return frozenset(int(i) for i, _ in ranked[:k])


def mean_pairwise_jaccard(sets: Sequence[frozenset[int]]) -> float:
    values = [len(a & b) / len(a | b) if a | b else 1.0
              for i, a in enumerate(sets) for b in sets[i + 1:]]
    return float(np.mean(values)) if values else float("nan")


def recall(found: Iterable[int], gold: Iterable[int]) -> float:
    gold = set(gold)
    return len(set(found) & gold) / len(gold) if gold else float("nan")


def fidelity_of(explanation: Any, label: int) -> float | None:
    """Held-out fidelity (weighted R^2 on fresh samples) if the explanation carries it."""
    fid = getattr(explanation, "fidelity", None)
    if fid is None:
        return None
    try:
        value = fid[label] if isinstance(fid, dict) else fid
        if isinstance(value, dict):
            for key in ("holdout_r2", "heldout_r2", "held_out_r2", "r2"):
                if key in value:
                    return float(value[key])
            return None
        for key in ("holdout_r2", "heldout_r2", "held_out_r2", "r2"):
            if hasattr(value, key):
                return float(getattr(value, key))
        return float(value)
    except (TypeError, ValueError, KeyError):
        return None


def mean_fidelity(explanations: Iterable[Any], label: int) -> float | None:
    """Mean held-out fidelity over explanations, or None when they carry none."""
    values = [v for v in (fidelity_of(e, label) for e in explanations) if v is not None]
    return float(np.mean(values)) if values else None


def rows_needed(grid: Sequence[int], curve: Sequence[float], level: float = 0.95) -> int | str:
    """Smallest grid size from which the Jaccard stays >= level at every larger size."""
    needed: int | str = f"> {grid[-1]}"
    for n, j in zip(reversed(grid), reversed(curve)):
        if j < level:
            break
        needed = n
    return needed


def curve_note(grid: Sequence[int], curves: dict[str, Sequence[float]]) -> str:
    parts = [f"{side}: " + ", ".join(f"{n}: {j:.3f}" for n, j in zip(grid, curve)) for side, curve in curves.items()]
    return "top-5 Jaccard by num_samples; " + "; ".join(parts)


def auto_rows(modality: str, case: str, j5: float, j10: float, rows_used: float, lime_needed: Any,
              rows_cap: int | None = None) -> list[dict[str, Any]]:
    """Rows for num_samples='auto': its Jaccard, and the black-box rows it used vs lime's sweep."""
    lime_rows = lime_needed if isinstance(lime_needed, int) else None
    if lime_rows is not None:
        fewer = rows_used < lime_rows
    elif isinstance(lime_needed, str) and lime_needed.startswith("> "):  # lime never got there
        fewer = True if rows_used <= int(lime_needed[2:]) else None
    else:
        fewer = None
    out = [row(modality, case, "num_samples='auto': top-5 Jaccard", limelight=j5, target=">= 0.95 (issue 9)",
               met=check(j5, ">=", 0.95)),
           row(modality, case, "num_samples='auto': top-10 Jaccard", limelight=j10, target=">= 0.95 (issue 6)",
               met=check(j10, ">=", 0.95)),
           row(modality, case, "num_samples='auto': black-box rows / explanation (incl. hold-out)",
               limelight=rows_used, lime=lime_rows if lime_rows is not None else f"{lime_needed} (sweep)",
               target="fewer than lime needs for top-5 Jaccard 0.95 (issue 9)",
               met=None if fewer is None else bool(fewer and j5 >= 0.95),
               note="lime column: the smallest num_samples of the sweep at which lime stays >= 0.95")]
    if rows_cap is not None:
        out.append(row(modality, case, "num_samples='auto': black-box rows / explanation (incl. hold-out)",
                       limelight=rows_used, target=f"<= {rows_cap:,} with top-10 Jaccard >= 0.95 (issue 6)",
                       met=bool(rows_used <= rows_cap and j10 >= 0.95)))
    return out


def optional_import(name: str) -> Any:
    """Import an optional dependency (e.g. ``distributed``), or None when it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def check(value: float | None, op: str, bound: float) -> bool | None:
    if value is None or not _is_number(value):
        return None
    return bool(value <= bound) if op == "<=" else bool(value >= bound)


def fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if _is_number(value):
        v = float(value)
        if v == 0:
            return "0"
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        if abs(v) >= 100:
            return f"{v:.0f}"
        if abs(v) >= 10:
            return f"{v:.1f}"
        if abs(v) >= 0.01:
            return f"{v:.3f}"
        return f"{v:.2e}"
    return str(value)
