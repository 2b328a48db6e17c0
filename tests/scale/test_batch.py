"""explain_many: the same explanations, bit for bit, serially, with joblib and on Dask."""
import warnings

import numpy as np
import pytest

import lime_core
from lime_core.batch import RowError, RowsSkippedWarning, explain_many, row_seed
from tests.scale.toy import FailOnNaN, WindowExplainer, make_series, peak_detector

SERIES = make_series(24)
OPTIONS = dict(num_samples=400, num_features=4, random_state=3)


@pytest.fixture(scope="module")
def serial():
    return explain_many(WindowExplainer(), SERIES, peak_detector, **OPTIONS)


def same_bits(a, b):
    """Equal explanations, and equal JSON text (floats written with repr precision)."""
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert x == y
        dx, dy = x.to_dict(), y.to_dict()
        dx.pop("cost"), dy.pop("cost")
        assert dx == dy
    return True


def test_serial_run_equals_explaining_each_row_with_its_seed(serial):
    explainer = WindowExplainer()
    for i in (0, 7, 23):
        one = explainer.explain_instance(SERIES[i], peak_detector, num_samples=400, num_features=4,
                                         random_state=row_seed(3, i))
        assert serial[i] == one
    assert serial[0].as_list()[0][0] == "t20-t29"


@pytest.mark.parametrize("chunk_size", [None, 1, 5, 24])
def test_joblib_two_workers_is_bit_for_bit_serial(serial, chunk_size):
    out = explain_many(WindowExplainer(), SERIES, peak_detector, n_jobs=2, backend="loky",
                       chunk_size=chunk_size, **OPTIONS)
    assert same_bits(out, serial)


def test_threads_and_joblib_config_are_bit_for_bit_serial(serial):
    from joblib import parallel_config
    out = explain_many(WindowExplainer(), SERIES, peak_detector, n_jobs=2, backend="threading", chunk_size=3,
                       **OPTIONS)
    assert same_bits(out, serial)
    with parallel_config(backend="threading", n_jobs=2):
        assert same_bits(explain_many(WindowExplainer(), SERIES, peak_detector, **OPTIONS), serial)


@pytest.mark.parametrize("chunk_size", [None, 1, 7])
def test_dask_two_workers_is_bit_for_bit_serial(serial, dask_client, chunk_size):
    out = explain_many(WindowExplainer(), SERIES, peak_detector, backend=dask_client, chunk_size=chunk_size,
                       **OPTIONS)
    assert same_bits(out, serial)


def test_an_active_dask_client_is_used(serial, dask_client):
    calls = []
    with dask_client.as_current():
        out = explain_many(WindowExplainer(), SERIES, peak_detector, backend="dask",
                           progress=lambda done, total: calls.append((done, total)), **OPTIONS)
        assert same_bits(out, serial)
        assert same_bits(explain_many(WindowExplainer(), SERIES, peak_detector, **OPTIONS), serial)
    assert calls[-1] == (24, 24)
    assert sum(dask_client.nthreads().values()) == 2


def test_dask_checkpoint_and_errors(tmp_path, serial, dask_client):
    path = tmp_path / "ck.jsonl"
    out = explain_many(WindowExplainer(), SERIES, peak_detector, backend=dask_client, checkpoint=path,
                       **OPTIONS)
    assert same_bits(out, serial)
    assert len(path.read_text().splitlines()) == 1 + len(SERIES)
    broken = SERIES.copy()
    broken[5, 0] = np.nan
    recorded = explain_many(WindowExplainer(), broken, FailOnNaN(), backend=dask_client, errors="record",
                            **OPTIONS)
    assert isinstance(recorded[5], RowError) and recorded[5].row == 5
    assert same_bits(recorded[:5] + recorded[6:], serial[:5] + serial[6:])
    with pytest.raises(lime_core.PredictFnError, match="cannot score NaN"):
        explain_many(WindowExplainer(), broken, FailOnNaN(), backend=dask_client, **OPTIONS)


def test_backend_dask_without_a_client_says_how_to_start_one():
    pytest.importorskip("distributed")
    with pytest.raises(ValueError, match=r"needs a running dask.distributed.Client: .*tcp://"):
        explain_many(WindowExplainer(), SERIES[:2], peak_detector, backend="dask")


def test_generator_and_none_seeds():
    a = explain_many(WindowExplainer(), SERIES[:4], peak_detector, num_samples=200,
                     random_state=np.random.default_rng(5))
    b = explain_many(WindowExplainer(), SERIES[:4], peak_detector, num_samples=200,
                     random_state=np.random.default_rng(5))
    assert a == b
    assert explain_many(WindowExplainer(), SERIES[:4], peak_detector, num_samples=200) != \
        explain_many(WindowExplainer(), SERIES[:4], peak_detector, num_samples=200)


def test_rows_from_a_list_and_a_dataframe():
    pd = pytest.importorskip("pandas")
    from_list = explain_many(WindowExplainer(), list(SERIES[:3]), peak_detector, **OPTIONS)
    from_frame = explain_many(WindowExplainer(), pd.DataFrame(SERIES[:3]), peak_detector, **OPTIONS)
    assert from_list == from_frame == explain_many(WindowExplainer(), SERIES[:3], peak_detector, **OPTIONS)
    assert explain_many(WindowExplainer(), iter(SERIES[:3]), peak_detector, **OPTIONS) == from_list
    assert explain_many(WindowExplainer(), SERIES[:0], peak_detector, **OPTIONS) == []


class TestErrors:
    broken = SERIES[:6].copy()
    broken[1, 3] = np.nan
    broken[4, 0] = np.nan

    def test_raise_names_the_row(self):
        with pytest.raises(lime_core.PredictFnError, match="cannot score NaN") as info:
            explain_many(WindowExplainer(), self.broken, FailOnNaN(), **OPTIONS)
        assert "explain_many: while explaining row 1." in getattr(info.value, "__notes__", [])

    @pytest.mark.parametrize("n_jobs, backend", [(None, None), (2, "loky")])
    def test_record_keeps_positions(self, serial, n_jobs, backend):
        out = explain_many(WindowExplainer(), self.broken, FailOnNaN(), errors="record", n_jobs=n_jobs,
                           backend=backend, **OPTIONS)
        assert [type(r).__name__ for r in out] == ["Explanation", "RowError", "Explanation", "Explanation",
                                                   "RowError", "Explanation"]
        assert out[4] == RowError(4, "PredictFnError", out[4].message)
        assert "the model cannot score NaN" in out[4].message
        assert out[0] == serial[0] and out[5] == serial[5]

    def test_skip_leaves_rows_out_and_warns(self, serial):
        with pytest.warns(RowsSkippedWarning, match=r"2 of 6 rows failed and were skipped \(rows 1, 4\)"):
            out = explain_many(WindowExplainer(), self.broken, FailOnNaN(), errors="skip", **OPTIONS)
        assert out == [serial[i] for i in (0, 2, 3, 5)]

    def test_skip_without_failures_does_not_warn(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            explain_many(WindowExplainer(), SERIES[:2], peak_detector, errors="skip", **OPTIONS)


def test_progress_callback_and_tqdm(capsys):
    calls = []
    explain_many(WindowExplainer(), SERIES[:5], peak_detector, progress=lambda d, t: calls.append((d, t)),
                 **OPTIONS)
    assert calls == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    pytest.importorskip("tqdm")
    explain_many(WindowExplainer(), SERIES[:3], peak_detector, progress=True, **OPTIONS)
    assert "3/3" in capsys.readouterr().err


def test_progress_true_without_tqdm_says_what_to_install(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match=r"progress=True in explain_many needs tqdm: pip install"):
        explain_many(WindowExplainer(), SERIES[:2], peak_detector, progress=True, **OPTIONS)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(explainer=object()), TypeError, "'explainer' parameter of explain_many must have an explain_instance"),
    (dict(predict_fn=3), TypeError, "'predict_fn' parameter of explain_many must be callable; got int"),
    (dict(instances="a text"), TypeError, "got a single str"),
    (dict(instances=5), TypeError, "must be a sequence of instances .*got int"),
    (dict(errors="ignore"), ValueError, "'errors' parameter of explain_many must be one of 'raise', 'skip'"),
    (dict(n_jobs=0), ValueError, "'n_jobs' parameter of explain_many must be None or a non-zero int"),
    (dict(n_jobs=1.5), ValueError, "'n_jobs' parameter of explain_many must be None or a non-zero int"),
    (dict(chunk_size=0), ValueError, "'chunk_size' parameter of explain_many must be an int >= 1; got 0"),
    (dict(backend="spark"), ValueError, "'backend' parameter of explain_many must be one of 'dask', 'loky'"),
    (dict(backend=3), TypeError, "'backend' parameter of explain_many must be None, 'dask'"),
    (dict(progress="yes"), TypeError, "'progress' parameter of explain_many must be a bool or a callable"),
    (dict(random_state=-1), ValueError, "'random_state' parameter of explain_many must be a non-negative int"),
    (dict(random_state="0"), TypeError, "'random_state' parameter of explain_many must be an int"),
])
def test_bad_arguments(kwargs, error, match):
    args = dict(explainer=WindowExplainer(), instances=SERIES[:2], predict_fn=peak_detector)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        explain_many(args.pop("explainer"), args.pop("instances"), args.pop("predict_fn"), **args)


def test_an_explainer_without_random_state_is_refused_up_front():
    class Old:
        def explain_instance(self, data_row, predict_fn, num_features=10):
            raise AssertionError("not called")

    with pytest.raises(TypeError, match="must take a keyword random_state in explain_instance.*Old"):
        explain_many(Old(), SERIES[:2], peak_detector)
    lime_tabular = pytest.importorskip("lime.lime_tabular")
    with pytest.raises(TypeError, match="The original lime's explainers do not"):
        explain_many(lime_tabular.LimeTabularExplainer(SERIES), SERIES[:2], peak_detector)


def test_explain_kwargs_reach_the_explainer():
    with pytest.raises(ValueError, match="'num_samples' parameter of explain_instance must be an int >= 2"):
        explain_many(WindowExplainer(), SERIES[:2], peak_detector, num_samples=1)


@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_raise_in_a_worker_gives_the_same_exception_type(backend):
    broken = SERIES[:4].copy()
    broken[2, 0] = np.nan
    with pytest.raises(lime_core.PredictFnError, match="cannot score NaN") as info:
        explain_many(WindowExplainer(), broken, FailOnNaN(), n_jobs=2, backend=backend, chunk_size=1, **OPTIONS)
    assert info.value.stop == 440  # the exception's attributes came back too (400 rows, 40 hold-out)


def test_joblib_tasks_carry_the_model_pickled_once_and_unpickle_it_once_per_process():
    import pickle

    from lime_core import batch
    task = batch._WorkerTask(WindowExplainer(), peak_detector, dict(num_samples=200), "raise", False)
    first, second = pickle.dumps(task), pickle.dumps(task)
    assert task.__getstate__()["payload"] is task.__getstate__()["payload"]  # pickled once
    a, b = pickle.loads(first), pickle.loads(second)
    batch._UNPICKLED.clear()
    out_a = a(list(SERIES[:1]), [0], 3)
    explainer = next(iter(batch._UNPICKLED.values()))[0]
    out_b = b(list(SERIES[1:2]), [1], 3)
    assert next(iter(batch._UNPICKLED.values()))[0] is explainer and len(batch._UNPICKLED) == 1
    assert out_a[0][1] == explain_many(WindowExplainer(), SERIES[:1], peak_detector, num_samples=200,
                                       random_state=3)[0]
    assert out_b[0][0] == 1


def test_backend_dask_without_dask_installed_says_what_to_install(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"backend='dask' in explain_many needs dask.distributed: pip install"):
        explain_many(WindowExplainer(), SERIES[:2], peak_detector, backend="dask")
