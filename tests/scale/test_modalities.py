"""explain_many with the text and image plugins: same explanations serially and in worker threads.

(Worker processes are covered on the toy and tabular plugins; starting them here would only add
the import time of the plugins to the suite.)
"""
import numpy as np
import pytest

from lime_core.batch import explain_many
from lime_core.global_report import global_report


def keyword_model(texts):
    """P(positive) rises with 'good' and falls with 'bad'."""
    score = np.array([t.split().count("good") - t.split().count("bad") for t in texts], dtype=float)
    p = 1 / (1 + np.exp(-score))
    return np.column_stack([1 - p, p])


def brightness_model(images):
    """P(class 1) from the brightness of the image's left half."""
    images = np.asarray(images, dtype=float)
    p = 1 / (1 + np.exp(-(images[:, :, :8].mean(axis=(1, 2, 3)) - 0.5) * 8))
    return np.column_stack([1 - p, p])


def grid_segments(image):
    """Sixteen 4x4 squares: a fixed, picklable segmentation."""
    rows, cols = np.indices(image.shape[:2])
    return (rows // 4) * 4 + cols // 4


TEXTS = ["a good film with a bad end", "bad bad acting", "good music and good actors", "plain story",
         "good start, bad middle, good end", "nothing bad here"]


def test_text_rows_in_workers_equal_serial():
    lime_text = pytest.importorskip("lime_text")
    explainer = lime_text.LimeTextExplainer(class_names=["neg", "pos"], random_state=0)
    options = dict(num_samples=300, num_features=3, random_state=1)
    serial = explain_many(explainer, TEXTS, keyword_model, **options)
    parallel = explain_many(explainer, TEXTS, keyword_model, n_jobs=2, backend="threading", chunk_size=2,
                            **options)
    assert serial == parallel
    assert [e.extras["modality"] for e in serial] == ["text"] * len(TEXTS)
    words = {r["feature"]: r for r in global_report(serial, top_k=1).rows}
    assert words["good"]["direction"] == 1.0 and words["bad"]["direction"] == -1.0
    assert words["good"]["mean_abs_weight"] > words.get("film", {"mean_abs_weight": 0})["mean_abs_weight"]


def test_image_rows_in_workers_equal_serial():
    lime_image = pytest.importorskip("lime_image")
    rng = np.random.default_rng(0)
    images = rng.random((4, 16, 16, 3))
    images[::2, :, :8] += 0.5
    explainer = lime_image.LimeImageExplainer(random_state=0)
    options = dict(num_samples=60, top_labels=None, labels=(1,), segmentation_fn=grid_segments, random_state=2)
    serial = explain_many(explainer, images, brightness_model, **options)
    parallel = explain_many(explainer, images, brightness_model, n_jobs=2, backend="threading", **options)
    assert serial == parallel
    assert serial[0].extras["modality"] == "image"


def test_image_explanations_come_back_from_a_checkpoint_as_image_explanations(tmp_path):
    lime_image = pytest.importorskip("lime_image")
    images = np.random.default_rng(1).random((3, 16, 16, 3))
    explainer = lime_image.LimeImageExplainer(random_state=0)
    options = dict(num_samples=40, top_labels=None, labels=(1,), segmentation_fn=grid_segments, random_state=0)
    path = tmp_path / "images.jsonl"
    first = explain_many(explainer, images, brightness_model, checkpoint=path, **options)
    loaded = explain_many(explainer, images, brightness_model, checkpoint=path, **options)
    assert loaded == first
    assert all(type(e) is type(f) for e, f in zip(loaded, first)) and hasattr(loaded[0], "get_image_and_mask")
    image, mask = loaded[0].get_image_and_mask(1, positive_only=False, num_features=3)
    assert mask.shape == (16, 16)
