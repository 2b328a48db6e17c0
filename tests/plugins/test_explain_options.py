"""Every plugin passes lime_core.explain's options through, and lets a call override its
explainer's kernel_width and feature_selection."""
import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

import lime_image
import lime_tabular
import lime_text


def text_model(texts):
    p = np.array([0.9 if "good" in t else 0.2 for t in texts])
    return np.column_stack([1 - p, p])


def image_model(images):
    p = np.asarray(images, dtype=float)[:, :8, :8].mean(axis=(1, 2, 3)) / 255.0
    return np.column_stack([1 - p, p])


def tabular_case():
    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(max_iter=500).fit(X, y)
    return lime_tabular.LimeTabularExplainer(X, random_state=0), X[0], model.predict_proba


def text_case():
    return lime_text.LimeTextExplainer(random_state=0), "a good film with a good cast", text_model


def image_case():
    image = np.zeros((16, 16, 3), dtype=np.uint8)
    image[:8, :8] = 200
    segments = (np.arange(16)[:, None] // 8) * 2 + np.arange(16)[None, :] // 8
    return lime_image.LimeImageExplainer(random_state=0), image, image_model, {"segments": segments,
                                                                              "top_labels": None}


CASES = {"tabular": tabular_case, "text": lambda: (*text_case(), {}), "image": image_case}


def build(name):
    case = CASES[name]()
    if len(case) == 3:
        case = (*case, {})
    return case


@pytest.mark.parametrize("name", ["tabular", "text", "image"])
def test_kernel_width_and_feature_selection_per_call(name):
    explainer, instance, model, extra = build(name)
    exp = explainer.explain_instance(instance, model, num_samples=300, kernel_width=0.5,
                                     feature_selection="none", **extra)
    assert exp.meta["kernel"]["kernel_width"] == 0.5
    assert exp.meta["feature_selection"] == "none"


@pytest.mark.parametrize("name", ["tabular", "text", "image"])
def test_core_options_pass_through(name):
    explainer, instance, model, extra = build(name)
    exp = explainer.explain_instance(instance, model, num_samples=300, holdout_samples=0,
                                     std_error="homoscedastic", **extra)
    assert exp.meta["holdout_samples"] == 0 and exp.meta["std_error"] == "homoscedastic"
    auto = explainer.explain_instance(instance, model, num_samples=300, kernel_width="auto", **extra)
    assert "kernel_width_auto" in auto.meta


def test_image_explainer_with_auto_kernel_width():
    _, image, model, extra = image_case()
    exp = lime_image.LimeImageExplainer(kernel_width="auto", random_state=0).explain_instance(
        image, model, num_samples=200, **extra)
    assert exp.meta["kernel_width_auto"]["kernel_width"] > 0


@pytest.mark.parametrize("name", ["tabular", "text", "image"])
def test_bad_per_call_kernel_width_is_named(name):
    explainer, instance, model, extra = build(name)
    with pytest.raises(ValueError, match="kernel_width"):
        explainer.explain_instance(instance, model, num_samples=300, kernel_width=-1.0, **extra)
