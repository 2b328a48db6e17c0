"""The global feature report: known values, table, JSON, escaped HTML."""
import json

import numpy as np
import pytest

from lime_core import Explanation, FeatureNamesMapper
from lime_core.batch import RowError, explain_many
from lime_core.global_report import COLUMNS, GlobalReport, global_report
from tests.scale.toy import WindowExplainer, make_series, peak_detector

NAMES = FeatureNamesMapper(["age", "income", "zip", "<b>tag</b>"])


def exp(pairs, **kwargs):
    return Explanation(NAMES, local_exp={1: pairs, 0: [(i, -w) for i, w in pairs]}, **kwargs)


EXPS = [exp([(0, 0.6), (1, -0.2), (2, 0.1)]),
        exp([(1, -0.4), (0, 0.2)]),
        exp([(3, 0.3), (1, 0.1), (0, -0.05)]),
        exp([(2, -0.25)])]


def test_known_values():
    report = global_report(EXPS, top_k=1)
    rows = {r["feature"]: r for r in report.rows}
    assert report.num_explanations == 4 and list(rows) == ["age", "income", "zip", "<b>tag</b>"]
    age, income, zip_, tag = rows["age"], rows["income"], rows["zip"], rows["<b>tag</b>"]
    assert age["mean_abs_weight"] == pytest.approx((0.6 + 0.2 + 0.05) / 4)
    assert age["mean_weight"] == pytest.approx((0.6 + 0.2 - 0.05) / 4)
    assert age["top_k_share"] == 0.25 and age["count"] == 3
    assert age["direction"] == pytest.approx(1 / 3)  # +, +, -
    assert income["mean_abs_weight"] == pytest.approx(0.7 / 4) and income["direction"] == pytest.approx(-1 / 3)
    assert income["top_k_share"] == 0.25
    assert zip_["mean_abs_weight"] == pytest.approx(0.35 / 4) and zip_["mean_weight"] == pytest.approx(-0.15 / 4)
    assert zip_["top_k_share"] == 0.25 and zip_["direction"] == 0.0 and zip_["count"] == 2
    assert tag == {"feature": "<b>tag</b>", "mean_abs_weight": pytest.approx(0.075), "mean_weight":
                   pytest.approx(0.075), "top_k_share": 0.25, "direction": 1.0, "count": 1}
    top2 = {r["feature"]: r["top_k_share"] for r in global_report(EXPS, top_k=2).rows}
    assert top2 == {"age": 0.5, "income": 0.75, "<b>tag</b>": 0.25, "zip": 0.25}


def test_label_choice():
    negated = {r["feature"]: r["direction"] for r in global_report(EXPS, label=0).rows}
    assert negated["<b>tag</b>"] == -1.0
    ranked = [Explanation(NAMES, local_exp={2: [(0, 0.5)]}, top_labels=[2])]
    assert global_report(ranked, label=None).rows[0]["feature"] == "age"
    with pytest.raises(ValueError, match="explanation 0 has no weights for label 1 .*label=None"):
        global_report(ranked)


def test_by_name_versus_feature():
    class Conditions(FeatureNamesMapper):
        kind = "test_conditions"

        def map_exp_ids(self, exp, **kwargs):
            return [(f"{self.feature_names[i]} > 0", w) for i, w in exp]

    mapper = Conditions(["a", "b"])
    exps = [Explanation(mapper, local_exp={1: [(0, 0.5)]}), Explanation(mapper, local_exp={1: [(1, 0.5)]})]
    assert [r["feature"] for r in global_report(exps).rows] == ["a", "b"]
    assert [r["feature"] for r in global_report(exps, by="name").rows] == ["a > 0", "b > 0"]


def test_table_json_and_dataframe():
    report = global_report(EXPS, top_k=2, title="Audit")
    records = report.records()
    assert [list(r) for r in records] == [list(COLUMNS)] * 4
    records[0]["feature"] = "changed"
    assert report.rows[0]["feature"] == "age"  # records are copies
    again = GlobalReport.from_json(report.to_json())
    assert again == report and json.loads(report.to_json())["top_k"] == 2
    pd = pytest.importorskip("pandas")
    frame = report.to_dataframe()
    assert list(frame.columns) == list(COLUMNS) and frame["feature"].tolist() == [r["feature"] for r in report.rows]


def test_html_section_escapes_user_strings():
    page = global_report(EXPS, title="<script>alert(1)</script>").to_html()
    assert page.startswith('<section class="limelight limelight-global">') and page.endswith("</section>")
    assert "<b>tag</b>" not in page and "&lt;b&gt;tag&lt;/b&gt;" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    short = global_report(EXPS).to_html(max_features=2)
    assert short.count("<tr><td>") == 2 and "2 more features not shown" in short
    assert global_report(EXPS)._repr_html_() == global_report(EXPS).to_html()


def test_failed_rows_are_counted_and_left_out():
    report = global_report(EXPS + [RowError(4, "ValueError", "<bad>")])
    assert report.num_explanations == 4 and report.num_skipped == 1
    assert "1 failed row left out" in report.to_html()


def test_from_explain_many_on_the_toy_model():
    exps = explain_many(WindowExplainer(), make_series(12), peak_detector, num_samples=400, num_features=3,
                        random_state=0)
    rows = global_report(exps, top_k=1).rows
    assert rows[0]["feature"] == "t20-t29" and rows[0]["top_k_share"] >= 0.75 and rows[0]["mean_weight"] > 0
    assert sum(r["top_k_share"] for r in rows) == pytest.approx(1.0)


@pytest.mark.parametrize("args, kwargs, error, match", [
    ((EXPS,), dict(top_k=0), ValueError, "'top_k' parameter of global_report must be an int >= 1"),
    ((EXPS,), dict(by="column"), ValueError, "'by' parameter of global_report must be one of 'feature', 'name'"),
    ((EXPS,), dict(label=-1), ValueError, "'label' parameter of global_report must be an int >= 0"),
    (([],), {}, ValueError, "global_report needs at least one explanation"),
    ((["x"],), {}, TypeError, "item 0 is a str"),
    (("abc",), {}, TypeError, "must be an iterable of Explanation"),
])
def test_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        global_report(*args, **kwargs)
    with pytest.raises(ValueError, match="'max_features' parameter of GlobalReport.to_html must be an int >= 1"):
        global_report(EXPS).to_html(max_features=0)


def test_to_dataframe_without_pandas_says_what_to_install(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"to_dataframe needs pandas: pip install 'limelight\[pandas\]'"):
        global_report(EXPS).to_dataframe()
