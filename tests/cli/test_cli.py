"""`limelight` end to end on files the tests make: CSV + skops/pickle/entry-point models, texts,
pictures; --help, --json, exit codes, and the plugin discovery through entry points."""
from __future__ import annotations

import io
import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lime_core.cli import (EXIT_FAILED, EXIT_INPUT, EXIT_MODEL, EXIT_OK, EXIT_PREDICT, EXIT_USAGE,
                           find_commands, main)

skops_io = pytest.importorskip("skops.io")
FAST = ("--num-samples", "300", "--random-state", "0")


def run(*argv: str, commands=None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), commands=commands, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A temporary current directory whose modules the entry-point loader can import."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    return tmp_path


def _table(n: int = 80) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 3))
    y = (X[:, 0] - 0.5 * X[:, 1] > 0).astype(int)
    return X, y


def write_csv(path: Path, colours: bool = False) -> Path:
    X, y = _table()
    header = "width,height,depth" + (",colour" if colours else "") + ",label"
    lines = [header]
    for i, (row, target) in enumerate(zip(X, y)):
        cells = [f"{v:.4f}" for v in row] + (["red" if i % 3 else "<b>blue</b>"] if colours else [])
        lines.append(",".join(cells + [str(target)]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_skops(path: Path, model) -> Path:
    skops_io.dump(model, path)
    return path


def logistic():
    from sklearn.linear_model import LogisticRegression
    X, y = _table()
    return LogisticRegression().fit(X, y)


# ---------------------------------------------------------------------------------------- help
def test_help_lists_every_command_model_source_and_exit_code(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for word in ("demo", "tabular", "text", "image", ".skops", "module:func", "--allow-pickle",
                 "exit codes", "row index out of range", "the model failed on the data"):
        assert word in text


@pytest.mark.parametrize("command, options", [
    ("tabular", ("--train", "--row", "--target", "--no-discretize")),
    ("text", ("--text", "--text-file", "--char-level")),
    ("image", ("--image", "--max-size", "--hide-color")),
    ("demo", ("--only", "--random-state", "--out", "--json")),
])
def test_each_subcommand_help_is_complete(command, options, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    common = () if command == "demo" else ("--model", "--allow-pickle", "--trust", "--method", "--mode",
                                          "--class-names", "--labels", "--top-labels", "--num-features",
                                          "--num-samples", "--batch-size", "--random-state", "--sobol")
    for option in options + common + ("--out", "--json", "--title"):
        assert option in text, option


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["tabular", "--train", "x.csv"])
    assert exit_info.value.code == EXIT_USAGE
    assert "--model" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["tabular", "--model", "m", "--train", "x.csv", "--num-samples", "0"])
    assert exit_info.value.code == EXIT_USAGE


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("limelight")
    if not script.exists():
        pytest.skip("the limelight console script is not installed in this environment (pip install -e .)")
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "tabular" in done.stdout


def test_plugins_come_from_entry_points_in_order():
    assert list(find_commands())[:3] == ["tabular", "text", "image"]


# ---------------------------------------------------------------------------------------- tabular
def test_tabular_with_a_skops_model_writes_report_and_json(workdir):
    write_csv(workdir / "data.csv")
    write_skops(workdir / "model.skops", logistic())
    code, out, err = run("tabular", "--model", "model.skops", "--train", "data.csv", "--row", "3",
                         "--target", "label", "--out", "report.html", "--json", *FAST)
    assert code == EXIT_OK, err
    payload = json.loads(out)
    (exp,) = payload["explanations"]
    assert exp["modality"] == "tabular" and exp["prediction"]["name"] in ("0", "1")
    assert exp["caption"] == "data.csv, row 3"
    weights = exp["labels"][0]["weights"]
    assert weights and all("value" in w for w in weights)
    assert "width" in weights[0]["feature"] or "height" in weights[0]["feature"]
    page = (workdir / "report.html").read_text(encoding="utf-8")
    assert payload["report"] == "report.html" and "ll-modality-tabular" in page and "<script" not in page


def test_sobol_option_reaches_the_explainer(workdir, monkeypatch):
    import lime_tabular

    seen = []
    real = lime_tabular.LimeTabularExplainer.explain_instance

    def spy(self, *args, **kwargs):
        exp = real(self, *args, **kwargs)
        seen.append(exp.meta["sampling_method"])
        return exp

    monkeypatch.setattr(lime_tabular.LimeTabularExplainer, "explain_instance", spy)
    write_csv(workdir / "data.csv")
    write_skops(workdir / "model.skops", logistic())
    code, _, err = run("tabular", "--model", "model.skops", "--train", "data.csv", "--target", "label",
                       "--sobol", "--json", *FAST)
    assert code == EXIT_OK, err
    assert seen == ["sobol"]


def test_explain_options_pass_sobol_to_any_explainer():
    import argparse

    from lime_core.cli import explain_options

    ns = argparse.Namespace(labels=None, top_labels=None, num_features=5, num_samples=None, batch_size=None,
                            random_state=0, sobol=True)
    assert explain_options(ns)["sampling_method"] == "sobol"


def test_tabular_table_output_is_the_default(workdir):
    write_csv(workdir / "data.csv")
    write_skops(workdir / "model.skops", logistic())
    code, out, _ = run("tabular", "--model", "model.skops", "--train", "data.csv", "--target", "label",
                       "--out", "-", *FAST)
    assert code == EXIT_OK
    assert out.startswith("== data.csv, row 0 ==") and "prediction:" in out and "report:" not in out
    assert not (workdir / "limelight-report.html").exists()


def test_untrusted_skops_types_are_refused_until_trusted(workdir):
    from sklearn.ensemble import RandomForestClassifier
    X, y = _table()
    write_csv(workdir / "data.csv")
    write_skops(workdir / "forest.skops", RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y))
    argv = ("tabular", "--model", "forest.skops", "--train", "data.csv", "--target", "label", "--out", "-",
            *FAST)
    code, _, err = run(*argv)
    assert code == EXIT_MODEL
    assert "--trust sklearn.tree._tree.Tree" in err
    code, _, err = run(*argv, "--trust", "sklearn.tree._tree.Tree")
    assert code == EXIT_OK, err


def test_pickle_needs_allow_pickle_and_warns(workdir):
    write_csv(workdir / "data.csv")
    with open(workdir / "model.pkl", "wb") as handle:
        pickle.dump(logistic(), handle)
    argv = ("tabular", "--model", "model.pkl", "--train", "data.csv", "--target", "label", "--out", "-", *FAST)
    code, _, err = run(*argv)
    assert code == EXIT_MODEL and "--allow-pickle" in err and "runs code" in err
    code, _, err = run(*argv, "--allow-pickle")
    assert code == EXIT_OK
    assert "warning" in err and "runs code from the file" in err


def test_dataframe_model_gets_its_columns_in_its_order(workdir):
    pandas = pytest.importorskip("pandas")
    from sklearn.linear_model import LogisticRegression
    X, y = _table()
    frame = pandas.DataFrame(X[:, ::-1], columns=["depth", "height", "width"])
    write_skops(workdir / "model.skops", LogisticRegression().fit(frame, y))
    write_csv(workdir / "data.csv")
    code, out, err = run("tabular", "--model", "model.skops", "--train", "data.csv", "--target", "label",
                         "--json", "--out", "-", *FAST)
    assert code == EXIT_OK, err
    assert "feature names" not in err  # no scikit-learn warning about missing column names


ENTRY_MODULE = '''
import numpy as np

def build():
    def predict(rows):
        rows = np.asarray(rows, dtype=object)
        score = rows[:, 0].astype(float) + np.where(rows[:, 3] == "red", 1.0, -1.0)
        p = 1 / (1 + np.exp(-score))
        return np.column_stack([1 - p, p])
    return predict

def broken():
    def predict(rows):
        raise ValueError("this model cannot read the data")
    return predict

def not_a_model():
    return 42
'''


def test_entry_point_model_with_a_categorical_column(workdir):
    (workdir / "ll_tab_model.py").write_text(ENTRY_MODULE)
    write_csv(workdir / "data.csv", colours=True)
    code, out, err = run("tabular", "--model", "ll_tab_model:build", "--train", "data.csv", "--target", "label",
                         "--class-names", "no,yes", "--row", "2", "--json", "--out", "r.html", *FAST)
    assert code == EXIT_OK, err
    (exp,) = json.loads(out)["explanations"]
    names = [w["feature"] for w in exp["labels"][0]["weights"]]
    assert any(name.startswith("colour=") for name in names)
    assert exp["class_names"] == ["no", "yes"]
    page = (workdir / "r.html").read_text(encoding="utf-8")
    assert "<b>blue</b>" not in page


@pytest.mark.parametrize("setup, argv, code, message", [
    (None, ("--train", "missing.csv"), EXIT_INPUT, "does not exist"),
    ("ragged", ("--train", "data.csv"), EXIT_INPUT, "line 3 has 2 fields"),
    ("empty", ("--train", "data.csv"), EXIT_INPUT, "header row and at least one data row"),
    ("binary", ("--train", "data.csv"), EXIT_INPUT, "cannot read"),
    ("csv", ("--train", "data.csv", "--row", "80"), EXIT_USAGE, "--row 80 is out of range"),
    ("csv", ("--train", "data.csv", "--target", "nope"), EXIT_INPUT, "--target 'nope' is not a column"),
])
def test_tabular_input_errors(workdir, setup, argv, code, message):
    write_skops(workdir / "model.skops", logistic())
    if setup == "csv":
        write_csv(workdir / "data.csv")
    elif setup == "ragged":
        (workdir / "data.csv").write_text("a,b,c\n1,2,3\n4,5\n")
    elif setup == "empty":
        (workdir / "data.csv").write_text("a,b,c\n")
    elif setup == "binary":
        (workdir / "data.csv").write_bytes(b"\xff\xfe\x00\x81garbage")
    target = () if "--target" in argv else ("--target", "label")
    got, _, err = run("tabular", "--model", "model.skops", *argv, *target, "--out", "-", *FAST)
    assert got == code, err
    assert message in err and err.startswith("limelight: error:")


@pytest.mark.parametrize("model, code, message", [
    ("missing.skops", EXIT_INPUT, "model file 'missing.skops' does not exist"),
    ("model.txt", EXIT_MODEL, "unknown model file type"),
    ("ll_tab_model:broken", EXIT_PREDICT, "this model cannot read the data"),
    ("ll_tab_model:not_a_model", EXIT_MODEL, "neither an estimator"),
    ("ll_tab_model:nothing", EXIT_MODEL, "has no attribute 'nothing'"),
    ("no_such_module_ll:build", EXIT_MODEL, "cannot import module 'no_such_module_ll'"),
])
def test_model_errors(workdir, model, code, message):
    (workdir / "ll_tab_model.py").write_text(ENTRY_MODULE)
    (workdir / "model.txt").write_text("hello")
    write_csv(workdir / "data.csv", colours=True)
    got, _, err = run("tabular", "--model", model, "--train", "data.csv", "--target", "label", "--out", "-",
                      *FAST)
    assert got == code, err
    assert message in err


def test_unwritable_report_path(workdir):
    write_csv(workdir / "data.csv")
    write_skops(workdir / "model.skops", logistic())
    code, _, err = run("tabular", "--model", "model.skops", "--train", "data.csv", "--target", "label",
                       "--out", str(workdir / "no" / "such" / "dir" / "r.html"), *FAST)
    assert code == EXIT_INPUT and "cannot write the report" in err


# ---------------------------------------------------------------------------------------- text
def text_pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    texts = ["good fun movie", "great acting good story", "bad boring movie", "awful bad plot",
             "fun and great", "boring awful acting"] * 3
    labels = ["pos", "pos", "neg", "neg", "pos", "neg"] * 3
    return make_pipeline(TfidfVectorizer(), LogisticRegression(C=10)).fit(texts, labels)


def test_text_with_a_skops_pipeline(workdir):
    write_skops(workdir / "text.skops", text_pipeline())
    code, out, err = run("text", "--model", "text.skops", "--text", "a good movie with <i>boring</i> bits",
                         "--json", "--out", "t.html", *FAST)
    assert code == EXIT_OK, err
    (exp,) = json.loads(out)["explanations"]
    assert exp["modality"] == "text" and exp["class_names"] == ["neg", "pos"]
    weights = {w["feature"]: w["weight"] for w in exp["labels"][0]["weights"]}
    sign = 1 if exp["prediction"]["name"] == "pos" else -1
    assert sign * weights["good"] > 0 and sign * weights["boring"] < 0
    page = (workdir / "t.html").read_text(encoding="utf-8")
    assert "<mark" in page and "&lt;" in page and "<i>" not in page


def test_text_file_and_its_errors(workdir):
    write_skops(workdir / "text.skops", text_pipeline())
    (workdir / "review.txt").write_text("great fun", encoding="utf-8")
    code, out, err = run("text", "--model", "text.skops", "--text-file", "review.txt", "--out", "-", *FAST)
    assert code == EXIT_OK and out.startswith("== review.txt ==")
    code, _, err = run("text", "--model", "text.skops", "--text-file", "nope.txt", "--out", "-", *FAST)
    assert code == EXIT_INPUT and "text file 'nope.txt' does not exist" in err
    code, _, err = run("text", "--model", "text.skops", "--text", "   ", "--out", "-", *FAST)
    assert code == EXIT_USAGE and "empty" in err


# ---------------------------------------------------------------------------------------- image
IMAGE_MODULE = '''
import numpy as np

def build():
    def predict(images):
        images = np.asarray(images, dtype=float)
        red = images[..., 0].mean(axis=(1, 2)) - images[..., 2].mean(axis=(1, 2))
        p = 1 / (1 + np.exp(-red / 20))
        return np.column_stack([1 - p, p])
    return predict
'''


def test_image_with_an_entry_point(workdir):
    from PIL import Image
    pixels = np.full((40, 40, 3), 90, dtype=np.uint8)
    pixels[:20, :20] = (230, 20, 20)
    Image.fromarray(pixels).save(workdir / "photo.png")
    (workdir / "ll_image_model.py").write_text(IMAGE_MODULE)
    code, out, err = run("image", "--model", "ll_image_model:build", "--image", "photo.png",
                         "--class-names", "blue,red", "--hide-color", "0", "--json", "--out", "i.html",
                         "--num-samples", "100", "--random-state", "0")
    assert code == EXIT_OK, err
    (exp,) = json.loads(out)["explanations"]
    assert exp["modality"] == "image" and exp["prediction"]["name"] == "red"
    page = (workdir / "i.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3


def test_image_input_errors(workdir):
    (workdir / "ll_image_model.py").write_text(IMAGE_MODULE)
    (workdir / "fake.png").write_text("not a picture")
    code, _, err = run("image", "--model", "ll_image_model:build", "--image", "none.png", "--out", "-")
    assert code == EXIT_INPUT and "image file 'none.png' does not exist" in err
    code, _, err = run("image", "--model", "ll_image_model:build", "--image", "fake.png", "--out", "-")
    assert code == EXIT_INPUT and "cannot read 'fake.png' as an image" in err


# ---------------------------------------------------------------------------------------- demo
def test_demo_runs_every_modality_and_writes_one_report(workdir):
    code, out, err = run("demo")
    assert code == EXIT_OK, err
    for caption in ("Breast cancer", "Movie review", "Chelsea the cat"):
        assert f"== {caption}" in out
    assert out.count("prediction:") == 3 and "report: limelight-report.html" in out
    page = (workdir / "limelight-report.html").read_text(encoding="utf-8")
    assert page.count('<section class="ll-exp') == 3


def test_demo_only_and_its_errors(workdir):
    code, out, _ = run("demo", "--only", "image", "--json", "--out", "-")
    assert code == EXIT_OK
    assert [e["modality"] for e in json.loads(out)["explanations"]] == ["image"]
    code, _, err = run("demo", "--only", "sound", "--out", "-")
    assert code == EXIT_USAGE and "no demo for ['sound']" in err


class FailingDemo:
    name = "broken"
    help = "a plugin whose demo fails"

    def add_arguments(self, parser):
        parser.add_argument("--series", default="1,2,3")

    def run(self, args, model):
        return []

    def demo(self, random_state=0):
        raise RuntimeError("no data shipped")


def test_a_failing_demo_is_reported_and_the_exit_code_says_so(workdir):
    from lime_image._cli import command as image_command
    code, out, err = run("demo", commands={"broken": FailingDemo(), "image": image_command})
    assert code == EXIT_FAILED
    assert "demo 'broken' failed: RuntimeError: no data shipped" in err
    assert "Chelsea the cat" in out


def test_a_third_party_command_gets_the_common_options(workdir, capsys):
    with pytest.raises(SystemExit):
        main(["broken", "--help"], commands={"broken": FailingDemo()})
    text = capsys.readouterr().out
    assert "--series" in text and "--model" in text and "--json" in text


# ---------------------------------------------------------------------------------------- model kinds
def test_regressor_is_explained_as_a_regression(workdir):
    from sklearn.linear_model import Ridge
    X, _ = _table()
    write_skops(workdir / "reg.skops", Ridge().fit(X, X @ [2.0, -1.0, 0.0]))
    write_csv(workdir / "data.csv")
    code, out, err = run("tabular", "--model", "reg.skops", "--train", "data.csv", "--target", "label",
                         "--json", "--out", "r.html", *FAST)
    assert code == EXIT_OK, err
    (exp,) = json.loads(out)["explanations"]
    assert exp["mode"] == "regression" and isinstance(exp["prediction"]["value"], float)
    assert "predicted value" in (workdir / "r.html").read_text(encoding="utf-8")


def test_classifier_without_probabilities_uses_its_decision_function(workdir):
    from sklearn.svm import LinearSVC
    X, y = _table()
    write_skops(workdir / "svm.skops", LinearSVC().fit(X, y))
    write_csv(workdir / "data.csv")
    code, out, err = run("tabular", "--model", "svm.skops", "--train", "data.csv", "--target", "label",
                         "--json", "--out", "-", *FAST)
    assert code == EXIT_OK, err
    assert json.loads(out)["explanations"][0]["mode"] == "classification"


def test_multiclass_top_labels_and_explicit_labels(workdir):
    from sklearn.linear_model import LogisticRegression
    X, _ = _table()
    y = np.digitize(X[:, 0], [-0.5, 0.5])
    write_skops(workdir / "three.skops", LogisticRegression().fit(X, y))
    write_csv(workdir / "data.csv")
    base = ("tabular", "--model", "three.skops", "--train", "data.csv", "--target", "label", "--json",
            "--out", "-", *FAST)
    code, out, err = run(*base, "--top-labels", "2")
    assert code == EXIT_OK, err
    assert len(json.loads(out)["explanations"][0]["labels"]) == 2
    code, out, err = run(*base, "--labels", "0,2")
    assert code == EXIT_OK, err
    assert [l["label"] for l in json.loads(out)["explanations"][0]["labels"]] == [0, 2]
    code, _, err = run(*base, "--labels", "7")  # the argument is wrong, not the model: a usage error
    assert code == EXIT_USAGE and "--labels: labels [7] are not produced by the model" in err
