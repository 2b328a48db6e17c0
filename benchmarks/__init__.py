"""Limelight benchmarks: speed, memory and explanation quality against the original lime.

Run ``python -m benchmarks [--quick] [--only tabular,text,image]`` (or ``make bench``).

Each module ``benchmarks/bench_<name>.py`` exposes ``run(quick: bool) -> list[dict]``; the
harness (:mod:`benchmarks.__main__`) finds every such module, runs the ones asked for, prints
one table and writes ``benchmarks/RESULTS.md``. A row is a dict with the keys of
:data:`benchmarks._common.ROW_KEYS`: ``modality``, ``case``, ``metric`` (required), ``unit``,
``limelight``, ``lime`` (numbers or text), ``ratio`` (limelight / lime, filled in when both are
numbers), ``target`` (text), ``met`` (True / False / None) and ``note``.
"""
