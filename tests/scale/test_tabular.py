"""explain_many, SP-LIME and the global report with lime_tabular on breast_cancer + RandomForest."""
import numpy as np
import pytest

from lime_core.batch import explain_many
from lime_core.global_report import global_report
from lime_core.submodular_pick import SubmodularPick

lime_tabular = pytest.importorskip("lime_tabular")
OPTIONS = dict(num_samples=1000, num_features=5, random_state=0)


@pytest.fixture(scope="module")
def case():
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier
    data = load_breast_cancer()
    model = RandomForestClassifier(n_estimators=25, random_state=0, n_jobs=1).fit(data.data, data.target)
    explainer = lime_tabular.LimeTabularExplainer(data.data, feature_names=list(data.feature_names),
                                                  class_names=list(data.target_names), random_state=0)
    return explainer, data.data[::40][:12], model


@pytest.fixture(scope="module")
def serial(case):
    explainer, rows, model = case
    return explain_many(explainer, rows, model.predict_proba, **OPTIONS)


def test_serial_joblib_and_dask_agree_bit_for_bit(case, serial, dask_client):
    explainer, rows, model = case
    joblib_run = explain_many(explainer, rows, model.predict_proba, n_jobs=2, backend="loky", **OPTIONS)
    dask_run = explain_many(explainer, rows, model.predict_proba, backend=dask_client, chunk_size=5, **OPTIONS)
    for a, b, c in zip(serial, joblib_run, dask_run):
        assert a == b == c
        assert a.as_list() == b.as_list() == c.as_list()  # same floats, not just close
    assert [e.extras["modality"] for e in serial] == ["tabular"] * len(rows)


def test_one_row_equals_explain_instance_with_its_seed(case, serial):
    from threadpoolctl import threadpool_limits
    from lime_core.batch import row_seed
    explainer, rows, model = case
    with threadpool_limits(1, user_api="blas"):  # explain_many runs BLAS on one thread
        one = explainer.explain_instance(rows[3], model.predict_proba, num_samples=1000, num_features=5,
                                         random_state=row_seed(0, 3))
    assert one == serial[3]


def test_resume_from_a_checkpoint(case, serial, tmp_path):
    explainer, rows, model = case
    path = tmp_path / "tabular.jsonl"
    first = explain_many(explainer, rows, model.predict_proba, checkpoint=path, **OPTIONS)
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(lines[:6]) + b"\n" + lines[6][:100])
    assert explain_many(explainer, rows, model.predict_proba, checkpoint=path, n_jobs=2, **OPTIONS) == serial
    assert first == serial


def test_global_report_by_column_and_by_condition(serial):
    by_column = global_report(serial, top_k=3)
    names = [r["feature"] for r in by_column.rows]
    assert all(" <= " not in n and " > " not in n for n in names)  # columns, not bins
    assert by_column.rows[0]["mean_abs_weight"] >= by_column.rows[1]["mean_abs_weight"]
    assert sum(r["top_k_share"] for r in by_column.rows) == pytest.approx(3.0)
    by_bin = global_report(serial, by="name")
    assert any("<=" in r["feature"] or ">" in r["feature"] for r in by_bin.rows)
    assert "&lt;=" in by_bin.to_html() or "&gt;" in by_bin.to_html()


def test_submodular_pick_on_the_table(case):
    explainer, rows, model = case
    sp = SubmodularPick(explainer, rows, model.predict_proba, sample_size=8, num_exps_desired=3, num_features=4,
                        num_samples=1000)
    again = SubmodularPick(explainer, rows, model.predict_proba, sample_size=8, num_exps_desired=3, num_features=4,
                           num_samples=1000)
    assert sp.V == again.V and sp.explanations == again.explanations  # the explainer's seed
    assert len(sp.sp_explanations) == 3 and len(set(sp.indices)) == 3
    assert all(len(e.available_labels()) == 1 for e in sp.explanations)  # lime's top_labels=1
