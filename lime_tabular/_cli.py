"""``limelight tabular``: explain one row of a CSV file (and the tabular demo).

Registered as the ``tabular`` entry point of ``limelight.modalities``; the
command line finds it there, ``lime_core`` never imports this module.
"""
from __future__ import annotations

import argparse
import csv
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from lime_core.cli import EXIT_INPUT, EXIT_USAGE, CliError, LoadedModel, explain_options

__all__ = ["command", "TabularCommand", "read_csv", "Table"]


@dataclass
class Table:
    """A CSV file as the explainer needs it.

    Attributes
    ----------
    columns : list of str
        Feature columns, in model order.
    data : ndarray of shape (n_rows, n_columns), float
        Numeric values; categorical columns hold category codes.
    categories : dict of int to list of str
        Category values (by code) of each categorical column.
    target : list of str or None
        The ``--target`` column, when given.
    """

    columns: list[str]
    data: np.ndarray
    categories: dict[int, list[str]]
    target: list[str] | None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def read_csv(path: str, target: str | None = None, columns: list[str] | None = None) -> Table:
    """Read a CSV file with a header row; non-numeric columns become categorical.

    Parameters
    ----------
    path : str
    target : str, optional
        A column to leave out of the features (the label).
    columns : list of str, optional
        The feature columns in the model's order (an estimator's ``feature_names_in_``);
        default every column but the target.

    Returns
    -------
    Table

    Raises
    ------
    CliError
        ``EXIT_INPUT`` for a missing, empty, ragged or unreadable file, a missing
        column or an empty cell.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "d.csv"
    >>> _ = path.write_text("size,colour,y\\n1.5,red,0\\n2,blue,1\\n")
    >>> table = read_csv(str(path), target="y")
    >>> table.columns, table.data.tolist(), table.categories, table.target
    (['size', 'colour'], [[1.5, 1.0], [2.0, 0.0]], {1: ['blue', 'red']}, ['0', '1'])
    """
    if not os.path.isfile(path):
        raise CliError(f"training data file {path!r} does not exist.", EXIT_INPUT)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CliError(f"cannot read {path!r} as a UTF-8 CSV file: {exc}", EXIT_INPUT) from exc
    rows = [row for row in rows if row]
    if len(rows) < 2:
        raise CliError(f"{path!r} must hold a header row and at least one data row; it has {len(rows)} "
                       "non-empty line(s).", EXIT_INPUT)
    header = [name.strip() for name in rows[0]]
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise CliError(f"{path!r} line {number} has {len(row)} fields; the header has {len(header)}.",
                           EXIT_INPUT)
    if target is not None and target not in header:
        raise CliError(f"--target {target!r} is not a column of {path!r} (columns: {header}).", EXIT_INPUT)
    wanted = columns if columns is not None else [c for c in header if c != target]
    missing = [c for c in wanted if c not in header]
    if missing:
        raise CliError(f"the model needs columns {missing}, which {path!r} does not have "
                       f"(columns: {header}).", EXIT_INPUT)
    if not wanted:
        raise CliError(f"{path!r} has no feature columns besides the target.", EXIT_INPUT)
    body = rows[1:]
    data = np.empty((len(body), len(wanted)))
    categories: dict[int, list[str]] = {}
    for j, name in enumerate(wanted):
        index = header.index(name)
        cells = [row[index].strip() for row in body]
        empty = [i for i, cell in enumerate(cells) if cell == ""]
        if empty:
            raise CliError(f"column {name!r} of {path!r} has an empty cell on line {empty[0] + 2}; fill "
                           "or drop missing values first.", EXIT_INPUT)
        numbers = [_number(cell) for cell in cells]
        if all(n is not None for n in numbers):
            data[:, j] = numbers
        else:
            values = sorted(set(cells))
            lookup = {v: k for k, v in enumerate(values)}
            data[:, j] = [lookup[cell] for cell in cells]
            categories[j] = values
    labels = [row[header.index(target)] for row in body] if target is not None else None
    return Table(wanted, data, categories, labels)


class _TablePredict:
    """The model's predict function on rows of category codes: decodes them back to what it was fit on."""

    def __init__(self, model: LoadedModel, table: Table) -> None:
        self.model, self.table = model, table
        try:
            import pandas
            self.pandas = pandas if model.estimator is not None and hasattr(model.estimator, "feature_names_in_") \
                else None
        except ImportError:
            self.pandas = None

    def __call__(self, rows: np.ndarray) -> Any:
        rows = np.asarray(rows, dtype=float)
        if not self.table.categories and self.pandas is None:
            return self.model.predict_fn(rows)
        columns: list[Any] = []
        for j in range(rows.shape[1]):
            if j in self.table.categories:
                values = np.asarray(self.table.categories[j], dtype=object)
                columns.append(values[np.clip(rows[:, j].round().astype(int), 0, len(values) - 1)])
            else:
                columns.append(rows[:, j])
        if self.pandas is not None:
            return self.model.predict_fn(self.pandas.DataFrame(dict(zip(self.table.columns, columns))))
        out = np.empty(rows.shape, dtype=object)
        for j, column in enumerate(columns):
            out[:, j] = column
        return self.model.predict_fn(out)


class TabularCommand:
    """``limelight tabular --model M --train data.csv --row 17 [--target col]``."""

    name = "tabular"
    help = "explain one row of a CSV file"
    description = ("Explain the model's prediction for one row of a CSV file. The file (with a header "
                   "row) is also the training data whose statistics drive the sampling, as in lime; "
                   "non-numeric columns are categorical.")

    def add_arguments(self, parser: Any) -> None:
        """Add ``--train``, ``--row``, ``--target`` and ``--no-discretize``."""
        parser.add_argument("--train", required=True, metavar="CSV",
                            help="CSV file with a header row: the training data and the row to explain")
        parser.add_argument("--row", type=int, default=0, metavar="N",
                            help="index of the row to explain, 0 = first data row (default: 0)")
        parser.add_argument("--target", default=None, metavar="COLUMN",
                            help="a label column to leave out of the features")
        parser.add_argument("--no-discretize", action="store_true",
                            help="explain with scaled values instead of quartile bins")

    def run(self, args: argparse.Namespace, model: LoadedModel) -> list[tuple[str, Any]]:
        """Explain ``--row`` of ``--train`` with ``model``."""
        from lime_tabular import LimeTabularExplainer

        columns = None
        if model.estimator is not None and hasattr(model.estimator, "feature_names_in_"):
            columns = [str(c) for c in model.estimator.feature_names_in_]
        table = read_csv(args.train, args.target, columns)
        n = table.data.shape[0]
        if not -n <= args.row < n:
            raise CliError(f"--row {args.row} is out of range: {args.train!r} has {n} data rows "
                           f"(0 to {n - 1}).", EXIT_USAGE)
        explainer = LimeTabularExplainer(
            table.data, mode=model.mode, feature_names=table.columns,
            categorical_features=sorted(table.categories), categorical_names=table.categories,
            class_names=model.class_names, discretize_continuous=not args.no_discretize,
            random_state=args.random_state)
        explanation = explainer.explain_instance(table.data[args.row], _TablePredict(model, table),
                                                 **explain_options(args, model))
        return [(f"{os.path.basename(args.train)}, row {args.row}", explanation)]

    def demo(self, random_state: int = 0) -> list[tuple[str, Any]]:
        """Breast-cancer data (scikit-learn) and a random forest: explain one held-out row."""
        from sklearn.datasets import load_breast_cancer
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.model_selection import train_test_split

        from lime_tabular import LimeTabularExplainer

        data = load_breast_cancer()
        X_train, X_test, y_train, _ = train_test_split(data.data, data.target, test_size=0.2,
                                                       random_state=random_state)
        forest = RandomForestClassifier(n_estimators=100, random_state=random_state).fit(X_train, y_train)
        explainer = LimeTabularExplainer(X_train, feature_names=list(data.feature_names),
                                         class_names=list(data.target_names), discretize_continuous=True,
                                         random_state=random_state)
        explanation = explainer.explain_instance(X_test[0], forest.predict_proba, num_features=8,
                                                 top_labels=1)
        return [("Breast cancer (random forest), held-out patient 0", explanation)]


#: The object the ``tabular`` entry point names.
command = TabularCommand()
