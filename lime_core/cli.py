"""The ``limelight`` command: explain a prediction from the shell and write an HTML report.

Subcommands come from plugins: every entry point of the group
``limelight.modalities`` whose object has ``add_arguments`` and ``run`` adds
one (``tabular``, ``text``, ``image``, or a third party's), so ``lime_core``
imports no plugin. ``limelight demo`` runs each plugin's ``demo``.

A modality command is an object (or a class, instantiated without arguments) with

- ``name`` (str): the subcommand; ``help`` (str): one line for ``limelight --help``;
- ``add_arguments(parser)``: adds its own options (the input to explain);
- ``run(args, model) -> list of (caption, Explanation)``: explains with the
  :class:`~lime_core._cli_models.LoadedModel` the core loaded from ``--model``;
  ``explain_options(args)`` gives the common explainer keywords;
- optionally ``demo(random_state) -> list of (caption, Explanation)`` on data it ships.

Errors are :class:`CliError` with an exit code (see ``limelight --help``).
"""
from __future__ import annotations

import argparse
import json
import sys
import textwrap
import time
import warnings
from collections.abc import Sequence
from importlib.metadata import entry_points
from typing import Any

from ._black_box import PredictFnError
from ._explain import UnknownLabelError
from ._cli_models import (EXIT_FAILED, EXIT_INPUT, EXIT_MODEL, EXIT_OK, EXIT_PREDICT, EXIT_USAGE,
                          CliError, LoadedModel, PickleWarning, load_model)
from ._cli_output import summary, tables
from ._domain import ENTRY_POINT_GROUP

__all__ = ["main", "build_parser", "find_commands", "explain_options", "CliError", "LoadedModel",
           "load_model", "PickleWarning", "EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "EXIT_INPUT",
           "EXIT_MODEL", "EXIT_PREDICT", "DEFAULT_REPORT"]

#: Where the report goes unless ``--out`` says otherwise.
DEFAULT_REPORT = "limelight-report.html"
#: Rows per label in the demo's printed tables (the report shows all).
DEMO_ROWS = 5
#: Built-in modalities first, in this order; third-party ones follow by name.
ORDER = ("tabular", "text", "image")

EPILOG = f"""\
models (--model):
  FILE.skops             loaded with skops' safe loader; types skops does not trust by
                         default are refused unless named with --trust TYPE
  package.module:func    a Python function called with no arguments that returns a
                         predict function or a fitted estimator (the current directory
                         is importable)
  FILE.pkl / .joblib     only with --allow-pickle: unpickling runs code from the file

exit codes:
  {EXIT_OK}  success
  {EXIT_FAILED}  a demo failed or an unexpected error
  {EXIT_USAGE}  bad arguments (unknown option, row index out of range, a label the model lacks, ...)
  {EXIT_INPUT}  an input file is missing or unreadable (CSV, image, text, model file)
  {EXIT_MODEL}  the model cannot be loaded safely or is not a model
  {EXIT_PREDICT}  the model failed on the data
"""


def find_commands() -> dict[str, Any]:
    """Modality commands registered under the ``limelight.modalities`` entry points.

    Returns
    -------
    dict
        Subcommand name to command object, built-in modalities first.
    """
    found: dict[str, Any] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
        except Exception as exc:  # a broken third-party plugin must not break the command
            warnings.warn(f"plugin {ep.name!r} ({ep.value}) failed to load: {type(exc).__name__}: {exc}",
                          RuntimeWarning, stacklevel=2)
            continue
        if isinstance(obj, type):
            obj = obj()
        if hasattr(obj, "add_arguments") and hasattr(obj, "run"):
            found[str(getattr(obj, "name", ep.name))] = obj
    return _ordered(found)


def _ordered(commands: dict[str, Any]) -> dict[str, Any]:
    rank = {name: i for i, name in enumerate(ORDER)}
    return dict(sorted(commands.items(), key=lambda item: (rank.get(item[0], len(ORDER)), item[0])))


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer; got {value}")
    return value


def _int_list(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers such as 0,2; got {text!r}") from None


def _name_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",")]


def _add_output_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("output")
    group.add_argument("--out", default=DEFAULT_REPORT, metavar="PATH",
                       help=f"write the HTML report here (default: {DEFAULT_REPORT}); '-' writes none")
    group.add_argument("--title", default=None, help="title of the report")
    group.add_argument("--json", action="store_true",
                       help="print a JSON summary (prediction, weights per label) instead of tables")


def _add_model_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("model")
    group.add_argument("--model", required=True, metavar="M",
                       help="a .skops file, a package.module:function entry point, or a pickle "
                            "(with --allow-pickle); see 'limelight --help'")
    group.add_argument("--allow-pickle", action="store_true",
                       help="allow .pkl/.pickle/.joblib models: loading them runs code from the file")
    group.add_argument("--trust", action="append", default=[], metavar="TYPE",
                       help="trust this type in a .skops file after reviewing it (repeatable)")
    group.add_argument("--method", default="auto",
                       choices=("auto", "predict_proba", "predict", "decision_function"),
                       help="estimator method to explain (default: predict_proba when there is one)")
    group.add_argument("--mode", choices=("classification", "regression"), default=None,
                       help="default: classification for predict_proba/decision_function, "
                            "regression for predict")
    group.add_argument("--class-names", type=_name_list, default=None, metavar="A,B,...",
                       help="names of the model's output columns (default: the estimator's classes_)")


def _add_explain_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("explanation")
    group.add_argument("--labels", type=_int_list, default=None, metavar="I,J",
                       help="output columns to explain (default: the predicted class)")
    group.add_argument("--top-labels", type=_positive_int, default=None, metavar="K",
                       help="explain the K highest-scoring classes instead")
    group.add_argument("--num-features", type=_positive_int, default=10, metavar="K",
                       help="most features in the explanation (default: 10)")
    group.add_argument("--num-samples", type=_positive_int, default=None, metavar="N",
                       help="neighbourhood size (default: the modality's, as in lime)")
    group.add_argument("--batch-size", type=_positive_int, default=None, metavar="B",
                       help="rows per call to the model (results do not depend on it)")
    group.add_argument("--random-state", type=int, default=0, metavar="SEED",
                       help="seed of the sampling; the same seed gives the same explanation (default: 0)")
    group.add_argument("--sobol", action="store_true",
                       help="lay the samples out as a scrambled Sobol' sequence (sampling_method='sobol'): "
                            "the same distribution, weights that vary less from seed to seed")


def explain_options(args: argparse.Namespace, model: LoadedModel | None = None,
                    predicted_label: int | None = None) -> dict[str, Any]:
    """The common explainer keywords from the parsed arguments (unset ones left out).

    Parameters
    ----------
    args : argparse.Namespace
    model : LoadedModel, optional
    predicted_label : int, optional
        Explained when neither ``--labels`` nor ``--top-labels`` is given.

    Examples
    --------
    >>> ns = argparse.Namespace(labels=None, top_labels=None, num_features=5, num_samples=None,
    ...                         batch_size=None, random_state=0)
    >>> explain_options(ns)
    {'num_features': 5, 'random_state': 0, 'top_labels': 1}
    """
    options: dict[str, Any] = {"num_features": args.num_features, "random_state": args.random_state}
    if getattr(args, "sobol", False):
        options["sampling_method"] = "sobol"
    if args.num_samples is not None:
        options["num_samples"] = args.num_samples
    if args.batch_size is not None:
        options["batch_size"] = args.batch_size
    if args.labels:
        options["labels"] = tuple(args.labels)
    elif args.top_labels is not None:
        options["top_labels"] = args.top_labels
    elif model is None or model.mode == "classification":
        if predicted_label is None:
            options["top_labels"] = 1
        else:
            options["labels"] = (predicted_label,)
    return options


def build_parser(commands: dict[str, Any] | None = None) -> argparse.ArgumentParser:
    """The ``limelight`` argument parser with one subcommand per modality, plus ``demo``."""
    commands = find_commands() if commands is None else commands
    parser = argparse.ArgumentParser(
        prog="limelight", formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG,
        description="Explain single predictions of any model with LIME and write a self-contained "
                    "HTML report (one file, no network).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    demo = sub.add_parser("demo", formatter_class=argparse.RawDescriptionHelpFormatter,
                          help="explain a table, a movie review and a picture with shipped data "
                               "and models; print tables and write one report",
                          description="Run every installed modality's demo (" +
                                      (", ".join(n for n, c in commands.items() if hasattr(c, "demo"))
                                       or "none installed") + ") and write one report.",
                          epilog=EPILOG)
    demo.add_argument("--only", type=_name_list, default=None, metavar="NAMES",
                      help="comma-separated modalities to run (default: all)")
    demo.add_argument("--random-state", type=int, default=0, metavar="SEED",
                      help="seed of the demos (default: 0)")
    _add_output_arguments(demo)
    for name, command in commands.items():
        child = sub.add_parser(name, help=getattr(command, "help", None),
                               description=textwrap.fill(str(getattr(command, "description", None)
                                                             or getattr(command, "help", "")), 79),
                               formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG)
        group = child.add_argument_group(f"{name} input")
        command.add_arguments(group)
        _add_model_arguments(child)
        _add_explain_arguments(child)
        _add_output_arguments(child)
    return parser


def _run_demo(args: argparse.Namespace, commands: dict[str, Any], err: Any) -> tuple[list, int]:
    names = [n for n, c in commands.items() if hasattr(c, "demo")]
    if args.only:
        unknown = [n for n in args.only if n not in names]
        if unknown:
            raise CliError(f"no demo for {unknown}; installed: {names}", EXIT_USAGE)
        names = [n for n in names if n in args.only]
    if not names:
        raise CliError("no modality plugin with a demo is installed (entry points "
                       f"{ENTRY_POINT_GROUP!r}); reinstall limelight: pip install -e .", EXIT_FAILED)
    items, failed = [], []
    for name in names:
        started = time.perf_counter()
        try:
            produced = list(commands[name].demo(args.random_state))
        except Exception as exc:  # one failing demo must not hide the others
            failed.append(name)
            print(f"limelight: demo {name!r} failed: {type(exc).__name__}: {exc}", file=err)
            continue
        for caption, explanation in produced:
            items.append((caption, explanation))
        print(f"limelight: {name} demo took {time.perf_counter() - started:.1f} s", file=err)
    return items, EXIT_FAILED if failed else EXIT_OK


def _emit(items: list, args: argparse.Namespace, out: Any, err: Any, max_rows: int | None) -> None:
    report = None
    if args.out and args.out != "-":
        from .report import save_report
        title = args.title or ("Limelight demo" if args.command == "demo" else f"Limelight: {args.command}")
        try:
            report = save_report([e for _, e in items], args.out, title=title, captions=[c for c, _ in items])
        except OSError as exc:
            raise CliError(f"cannot write the report to {args.out!r}: {exc.strerror or exc}", EXIT_INPUT) from exc
    if args.json:
        payload = {"explanations": [summary(e, c) for c, e in items], "report": report}
        out.write(json.dumps(payload, indent=2) + "\n")
    else:
        out.write(tables(items, max_rows) + "\n")
        if report:
            out.write(f"\nreport: {report}\n")


def main(argv: Sequence[str] | None = None, *, commands: dict[str, Any] | None = None,
         stdout: Any = None, stderr: Any = None) -> int:
    """Run ``limelight`` with ``argv`` (default ``sys.argv[1:]``) and return the exit code.

    Parameters
    ----------
    argv : sequence of str, optional
    commands : dict, optional
        Modality commands to use instead of the installed entry points (tests, embedding).
    stdout, stderr : file-like, optional

    Returns
    -------
    int
        See ``limelight --help`` for the codes. ``--help`` and argument errors exit
        through :class:`SystemExit` (codes 0 and 2), as with any argparse program.
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = lambda message, category, *a, **k: print(
            f"limelight: warning: {message}", file=err)
        commands = find_commands() if commands is None else _ordered(dict(commands))
        args = build_parser(commands).parse_args(argv)
        try:
            if args.command == "demo":
                items, code = _run_demo(args, commands, err)
                if items:
                    _emit(items, args, out, err, DEMO_ROWS)
                return code
            command = commands[args.command]
            model = load_model(args.model, allow_pickle=args.allow_pickle, trust=args.trust,
                               method=args.method, mode=args.mode, class_names=args.class_names)
            try:
                items = list(command.run(args, model))
            except (CliError, PredictFnError):
                raise
            except UnknownLabelError as exc:  # --labels names a column the model does not return
                raise CliError(f"--labels: {exc}", EXIT_USAGE) from exc
            except (ValueError, TypeError) as exc:  # the core's checks of what the model returned
                raise CliError(f"explaining with {model.source} failed: {exc}", EXIT_PREDICT) from exc
            _emit(items, args, out, err, None)
            return EXIT_OK
        except CliError as exc:
            print(f"limelight: error: {exc}", file=err)
            return exc.exit_code
        except PredictFnError as exc:
            print(f"limelight: error: the model failed on the data: {exc}", file=err)
            return EXIT_PREDICT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
