"""``python -m benchmarks [--quick] [--only tabular,text,image] [--output PATH]``."""
from __future__ import annotations

import argparse
import datetime
import importlib
import inspect
import os
import pkgutil
import platform
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from ._common import ROW_KEYS, fmt, row

#: Modules run first, in this order; any other ``bench_*.py`` follows alphabetically.
PREFERRED_ORDER = ("tabular", "text", "image")
HERE = Path(__file__).resolve().parent


def discover() -> list[str]:
    names = sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules([str(HERE)])
                   if m.name.startswith("bench_"))
    return [n for n in PREFERRED_ORDER if n in names] + [n for n in names if n not in PREFERRED_ORDER]


def machine_info() -> dict[str, str]:
    import numpy
    import scipy
    import sklearn
    import skimage
    info = {"date (UTC)": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
            "nproc": str(os.cpu_count()), "python": platform.python_version(),
            "numpy": numpy.__version__, "scipy": scipy.__version__, "scikit-learn": sklearn.__version__,
            "scikit-image": skimage.__version__, "platform": platform.platform()}
    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
        info["cpu"] = model or platform.processor()
    except OSError:
        info["cpu"] = platform.processor()
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
        info["memory"] = f"{kb / 2**20:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    try:
        import lime
        from importlib.metadata import version
        info["lime (original)"] = version("lime")
    except Exception:  # noqa: BLE001
        info["lime (original)"] = "not installed"
    try:
        from threadpoolctl import threadpool_info
        blas = [f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')}, "
                f"{p.get('num_threads')} threads)" for p in threadpool_info() if p.get("user_api") == "blas"]
        info["BLAS"] = "; ".join(blas) or "unknown"
    except Exception:  # noqa: BLE001
        info["BLAS"] = "threadpoolctl not installed"
    info["OPENBLAS_CORETYPE"] = os.environ.get("OPENBLAS_CORETYPE", "(unset)")
    info["OPENBLAS_L2_SIZE"] = os.environ.get("OPENBLAS_L2_SIZE", "(unset)")
    return info


COLUMNS = [("modality", "Modality"), ("case", "Case"), ("metric", "Metric"), ("limelight", "Limelight"),
           ("lime", "lime 0.2.0.1"), ("ratio", "Limelight/lime"), ("target", "Target"), ("met", "Met")]


def _cell(r: dict[str, Any], key: str) -> str:
    value = r.get(key)
    text = fmt(value)
    if key in ("limelight", "lime") and text and r.get("unit") and not isinstance(value, str):
        text = f"{text} {r['unit']}"
    if key == "ratio" and text:
        text = f"{text}x"
    if key == "met" and value is None and r.get("target"):
        text = "n/a"
    return text


def render_text(rows: list[dict[str, Any]]) -> str:
    table = [[h for _, h in COLUMNS]] + [[_cell(r, k) for k, _ in COLUMNS] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render_markdown(rows: list[dict[str, Any]]) -> str:
    out = ["| " + " | ".join(h for _, h in COLUMNS) + " | note |",
           "|" + "---|" * (len(COLUMNS) + 1)]
    for r in rows:
        cells = [_cell(r, k).replace("|", "\\|") for k, _ in COLUMNS] + [str(r.get("note") or "").replace("|", "\\|")]
        if r.get("met") is True:
            cells[-2] = "**met**"
        elif r.get("met") is False:
            cells[-2] = "**NOT met**"
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def write_results(path: Path, rows: list[dict[str, Any]], info: dict[str, str], command: str,
                  seconds: float, errors: list[str], quick: bool,
                  workloads: dict[str, str] | None = None) -> None:
    targets = [r for r in rows if r.get("target")]
    met = sum(r.get("met") is True for r in targets)
    not_met = sum(r.get("met") is False for r in targets)
    parts = [
        "# Limelight vs lime 0.2.0.1: benchmark results",
        "",
        "Written by `python -m benchmarks` (do not edit by hand; re-run `make bench`).",
        "",
        f"- Command: `{command}`",
        f"- Run took {seconds:.0f} s{' (quick smoke run: few repeats, small sizes; not for claims)' if quick else ''}.",
    ]
    parts += [f"- {k}: {v}" for k, v in info.items()]
    parts += [
        "",
        "Both sides run alternately in one process, on the same instances and the same black boxes.",
        "Times are medians over repeats; *black box* is the time inside the predict function "
        "(wrapped with a timer), *overhead* is wall minus black box; ratios are Limelight / lime "
        "(below 1 means Limelight is faster / smaller). Peak memory is the tracemalloc peak of one call "
        "above what was held before it. Jaccard is the mean pairwise Jaccard of the top-k features "
        "(by |weight|) of 10 explanations with seeds 0..9. The machine has 2 cores and may be shared "
        "with other work while the benchmark runs: expect some noise in the timings.",
        "",
        "## Targets (from issues 3, 4, 5, 6 and 9)",
        "",
        f"{met} met, {not_met} not met, {len(targets) - met - not_met} not measurable in this run.",
        "",
        render_markdown(targets),
        "",
        "## All measurements",
        "",
        render_markdown(rows),
        "",
    ]
    if workloads:
        parts += ["## Workloads (from each module's docstring)", ""]
        for name, doc in workloads.items():
            parts += [f"### bench_{name}", "", inspect.cleandoc(doc), ""]
    notes = sorted({n for r in rows for n in [r.get("method_note")] if n})
    if notes:
        parts += ["## Method notes", ""] + [f"- {n}" for n in notes] + [""]
    if errors:
        parts += ["## Errors", "", "```"] + errors + ["```", ""]
    path.write_text("\n".join(parts))


def _load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke run: few repeats, small sizes (< 1 min)")
    parser.add_argument("--only", default="", help="comma-separated modules, e.g. tabular,text")
    parser.add_argument("--blas-threads", type=int, default=1,
                        help="BLAS threads for both sides (default 1: threaded BLAS on a busy 2-core "
                             "machine makes timings erratic; 0 leaves the library default)")
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"),
                        help="where to write the markdown results ('' or '-' to skip)")
    args = parser.parse_args(argv)
    available = discover()
    wanted = [n.strip() for n in args.only.split(",") if n.strip()] or available
    unknown = [n for n in wanted if n not in available]
    if unknown:
        parser.error(f"unknown benchmark module(s) {unknown}; available: {available}")
    limits = None
    if args.blas_threads > 0:
        try:
            import scipy.linalg  # noqa: F401 - load every BLAS before limiting them all
            import sklearn.linear_model  # noqa: F401
            from threadpoolctl import threadpool_limits
            limits = threadpool_limits(limits=args.blas_threads, user_api="blas")
        except ImportError:
            pass
    load_before = _load_average()
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    workloads: dict[str, str] = {}
    for name in wanted:
        t0 = time.perf_counter()
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"benchmarks.bench_{name}")
            workloads[name] = module.__doc__ or ""
            got = module.run(args.quick)
            for r in got:
                full = row(r.get("modality", name), r.get("case", ""), r.get("metric", ""),
                           **{k: r[k] for k in ROW_KEYS[3:] if k in r})
                full["method_note"] = r.get("method_note")
                rows.append(full)
        except Exception:  # noqa: BLE001 - report the crash, run the other modules, fail at the end
            errors.append(f"bench_{name}:\n{traceback.format_exc()}")
            rows.append(row(name, "(crashed)", "see Errors below"))
        print(f"[bench] {name} done in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    info = machine_info()
    info["load average (1, 5, 15 min) before / after the run"] = f"{load_before} / {_load_average()}"
    info["BLAS threads during the run"] = str(args.blas_threads) if args.blas_threads > 0 else "library default"
    if limits is not None:
        limits.restore_original_limits()
    print(render_text(rows))
    targets = [r for r in rows if r.get("target")]
    print(f"\nTargets: {sum(r.get('met') is True for r in targets)} met, "
          f"{sum(r.get('met') is False for r in targets)} not met, "
          f"{sum(r.get('met') is None for r in targets)} not measurable")
    for e in errors:
        print(e, file=sys.stderr)
    if args.output not in ("", "-"):
        command = os.environ.get("BENCH_COMMAND") or " ".join(["python -m benchmarks"] + (argv if argv is not None else sys.argv[1:]))
        write_results(Path(args.output), rows, info, command, seconds, errors, args.quick, workloads)
        print(f"[bench] wrote {args.output}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
