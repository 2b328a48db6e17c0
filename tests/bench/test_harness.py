"""Smoke test of the benchmark harness: it runs, compares both sides and writes its table.

No timing is asserted: benchmarks report, they do not fail on speed.
"""
import numpy as np
import pytest

from benchmarks import _common
from benchmarks.__main__ import discover, main, render_markdown, render_text, write_results
from benchmarks.bench_tabular import _speed_rows


def test_discover_lists_the_modality_modules_first():
    names = discover()
    assert names[:3] == ["tabular", "text", "image"]


def test_alternate_times_each_side_and_counts_black_box_rows():
    calls = []

    def predict_fn(batch):
        return np.zeros((len(batch), 2))

    runners = {"limelight": lambda box: (calls.append("a"), box(np.zeros((5, 2)))),
               "lime": lambda box: (calls.append("b"), box(np.zeros((7, 2))), box(np.zeros((3, 2))))}
    t = _common.alternate(runners, predict_fn, repeats=3)
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b"]  # warm-up, then alternating order
    assert t["limelight"].rows == [5, 5, 5] and t["lime"].rows == [10, 10, 10]
    assert all(w >= b for w, b in zip(t["lime"].wall, t["lime"].black_box))


def test_quality_helpers_have_known_answers():
    assert _common.mean_pairwise_jaccard([frozenset({1, 2}), frozenset({1, 2}), frozenset({1, 3})]) == \
        pytest.approx((1 + 1 / 3 + 1 / 3) / 3)
    assert _common.recall([1, 2, 9], [1, 2, 3, 4]) == 0.5
    r = _common.row("m", "c", "x", limelight=1.0, lime=4.0)
    assert r["ratio"] == 0.25
    mb, out = _common.peak_memory(lambda: np.ones(2**20))  # 8 MB
    assert out.shape == (2**20,) and mb >= 7.9


def test_tabular_speed_case_runs_on_a_toy_and_renders(tmp_path):
    pytest.importorskip("lime")
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    from benchmarks.bench_tabular import _sides
    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(max_iter=500).fit(X, y)
    rows = _speed_rows("iris", _sides(), X, X[0], model.predict_proba, repeats=1, num_samples=200,
                       num_features=2, costly=True)
    assert [r["metric"] for r in rows][:3] == ["wall s / explanation", "black-box s",
                                               "overhead s (wall - black box)"]
    assert all(isinstance(r["lime"], float) and r["lime"] >= 0 for r in rows[:3])
    assert "iris" in render_text(rows) and "| tabular | iris |" in render_markdown(rows)
    out = tmp_path / "RESULTS.md"
    write_results(out, rows, {"nproc": "2"}, "python -m benchmarks --quick", 1.0, [], quick=True)
    text = out.read_text()
    assert "python -m benchmarks --quick" in text and "## Targets" in text


def test_unknown_module_is_refused():
    with pytest.raises(SystemExit):
        main(["--only", "no_such_modality", "--output", "-"])
