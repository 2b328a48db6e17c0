"""explain_many's checkpoint: resume after SIGKILL, torn lines, mismatched arguments."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lime_core.batch import CheckpointMismatchError, explain_many
from tests.scale.checkpoint_job import JOB
from tests.scale.toy import FailOnNaN, WindowExplainer, make_series, peak_detector

ROOT = Path(__file__).resolve().parents[2]


def rows_in(path):
    lines = Path(path).read_bytes().split(b"\n")
    assert lines[-1] == b""  # ends with a newline: no torn line left
    header = json.loads(lines[0])
    assert header["limelight_checkpoint"] == 1
    return [json.loads(line)["row"] for line in lines[1:-1]]


def test_sigkill_mid_run_then_resume_gives_each_row_exactly_once(tmp_path):
    path, n = tmp_path / "results.jsonl", 60
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-m", "tests.scale.checkpoint_job", str(path), str(n), "12"],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        for line in child.stdout:
            if line.startswith("done") and int(line.split()[1]) >= 12:
                break
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    before = rows_in(path)
    assert 12 <= len(before) < n
    assert len(set(before)) == len(before)

    resumed = explain_many(WindowExplainer(), make_series(n), peak_detector, checkpoint=path, n_jobs=2,
                           backend="loky", **JOB)
    after = rows_in(path)
    assert sorted(after) == list(range(n))  # each row exactly once
    assert after[:len(before)] == before  # nothing written before the kill was lost or rewritten
    assert resumed == explain_many(WindowExplainer(), make_series(n), peak_detector, **JOB)


def test_torn_last_line_is_cut_and_redone(tmp_path):
    path, series = tmp_path / "ck.jsonl", make_series(8)
    full = explain_many(WindowExplainer(), series, peak_detector, checkpoint=path, **JOB)
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(lines[:5]) + b"\n" + lines[5][: len(lines[5]) // 2])  # header + 4 rows + torn
    calls = []
    again = explain_many(WindowExplainer(), series, peak_detector, checkpoint=path,
                         progress=lambda done, total: calls.append((done, total)), **JOB)
    assert again == full
    assert sorted(rows_in(path)) == list(range(8))
    assert calls[0] == (4, 8) and calls[-1] == (8, 8)


def test_a_complete_but_corrupt_last_line_is_redone(tmp_path):
    path, series = tmp_path / "ck.jsonl", make_series(4)
    full = explain_many(WindowExplainer(), series, peak_detector, checkpoint=path, **JOB)
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(lines[:3]) + b"\n" + lines[3][:20] + b"\n")
    assert explain_many(WindowExplainer(), series, peak_detector, checkpoint=path, **JOB) == full
    assert sorted(rows_in(path)) == [0, 1, 2, 3]


def test_a_finished_checkpoint_is_loaded_without_explaining_again(tmp_path):
    path, series = tmp_path / "ck.jsonl", make_series(5)
    full = explain_many(WindowExplainer(), series, peak_detector, checkpoint=path, **JOB)

    def must_not_run(batch):
        raise AssertionError("the model was called")

    explainer = WindowExplainer()
    header = json.loads(path.read_text().splitlines()[0])
    # Same arguments except the model: refused, not silently mixed.
    with pytest.raises(CheckpointMismatchError, match="differing: predict_fn"):
        explain_many(explainer, series, must_not_run, checkpoint=path, **JOB)
    calls = []
    again = explain_many(explainer, series, peak_detector, checkpoint=path,
                         progress=lambda done, total: calls.append(done), **JOB)
    assert again == full
    assert calls == [5]  # all loaded, nothing explained again
    assert json.loads(path.read_text().splitlines()[0]) == header


@pytest.mark.parametrize("change, differing", [
    (dict(random_state=8), "random_state"),
    (dict(num_samples=301), "explain_kwargs"),
    (dict(series=make_series(5, seed=1)), "instances"),
    (dict(series=make_series(6)), "number of instances"),
    (dict(explainer=WindowExplainer(num_windows=5)), "explainer"),
])
def test_other_arguments_are_refused(tmp_path, change, differing):
    path = tmp_path / "ck.jsonl"
    explain_many(WindowExplainer(), make_series(5), peak_detector, checkpoint=path, **JOB)
    kwargs = dict(JOB)
    series = change.pop("series", make_series(5))
    explainer = change.pop("explainer", WindowExplainer())
    kwargs.update(change)
    with pytest.raises(CheckpointMismatchError, match=f"differing: {differing}"):
        explain_many(explainer, series, peak_detector, checkpoint=path, **kwargs)


def test_unseeded_job_resumes_with_the_seeds_in_the_checkpoint(tmp_path):
    path, series = tmp_path / "ck.jsonl", make_series(6)
    kwargs = dict(num_samples=300, num_features=4)
    first = explain_many(WindowExplainer(), series[:3], peak_detector, num_samples=300, num_features=4)
    assert first != explain_many(WindowExplainer(), series[:3], peak_detector, **kwargs)  # fresh seeds
    full = explain_many(WindowExplainer(), series, peak_detector, checkpoint=path, **kwargs)
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(lines[:3]) + b"\n")
    assert explain_many(WindowExplainer(), series, peak_detector, checkpoint=path, **kwargs) == full


def test_failed_rows_are_not_stored_and_are_retried(tmp_path):
    path, series = tmp_path / "ck.jsonl", make_series(5)
    series[2, 0] = np.nan
    out = explain_many(WindowExplainer(), series, FailOnNaN(), checkpoint=path, errors="record", **JOB)
    assert out[2].row == 2 and sorted(rows_in(path)) == [0, 1, 3, 4]
    with pytest.raises(Exception, match="cannot score NaN"):
        explain_many(WindowExplainer(), series, FailOnNaN(), checkpoint=path, **JOB)


def test_errors_raise_keeps_the_rows_finished_before(tmp_path):
    path, series = tmp_path / "ck.jsonl", make_series(5)
    series[3, 0] = np.nan
    with pytest.raises(Exception, match="cannot score NaN"):
        explain_many(WindowExplainer(), series, FailOnNaN(), checkpoint=path, **JOB)
    assert rows_in(path) == [0, 1, 2]


@pytest.mark.parametrize("content", [b'{"hello": 1}\n', b"some notes\n", b"some notes", b"x\ny\n"])
def test_a_file_that_is_not_a_checkpoint_is_refused_and_left_alone(tmp_path, content):
    other = tmp_path / "notes.txt"
    other.write_bytes(content)
    with pytest.raises(ValueError, match="is not an explain_many checkpoint"):
        explain_many(WindowExplainer(), make_series(2), peak_detector, checkpoint=other, **JOB)
    assert other.read_bytes() == content


def test_damaged_files_are_refused(tmp_path):
    path = tmp_path / "ck.jsonl"
    explain_many(WindowExplainer(), make_series(3), peak_detector, checkpoint=path, **JOB)
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], "garbage", *lines[1:]]) + "\n")
    with pytest.raises(ValueError, match="line 2 of the checkpoint .* is damaged"):
        explain_many(WindowExplainer(), make_series(3), peak_detector, checkpoint=path, **JOB)


def test_a_checkpoint_in_use_is_refused(tmp_path):
    from lime_core._checkpoint import Checkpoint
    path = tmp_path / "ck.jsonl"
    header = {"total": 2, "seed": 1, "fingerprint": {"a": "x"}}
    with Checkpoint(path, header):
        with pytest.raises(RuntimeError, match="in use by another running job"):
            Checkpoint(path, header).open()
    with Checkpoint(path, header) as again:  # released on close
        assert again.done == {}


def test_checkpoint_must_be_a_path():
    with pytest.raises(TypeError, match="'checkpoint' parameter of explain_many must be a file path"):
        explain_many(WindowExplainer(), make_series(2), peak_detector, checkpoint=3)


def test_a_torn_header_starts_over(tmp_path):
    path, series = tmp_path / "ck.jsonl", make_series(3)
    path.write_bytes(b'{"limelight_checkpoint": 1, "fing')  # killed while writing the header
    out = explain_many(WindowExplainer(), series, peak_detector, checkpoint=path, **JOB)
    assert out == explain_many(WindowExplainer(), series, peak_detector, **JOB)
    assert sorted(rows_in(path)) == [0, 1, 2]
