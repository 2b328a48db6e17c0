"""Explanations checked against what the black box can see."""
import numpy as np
import pytest
from sklearn.datasets import load_digits

from lime_image import LimeImageExplainer
from tests.image.conftest import grid_segments


def _region(shape):
    """A disc of radius 18 centred left of the middle: the only pixels the black box sees."""
    rows, cols = np.mgrid[:shape[0], :shape[1]]
    return (rows - 35) ** 2 + (cols - 45) ** 2 <= 18 ** 2


@pytest.mark.parametrize("mode", ["regression", "classification"])
def test_region_black_box_gets_the_region_superpixels_on_top(small_cat, slic40, mode):
    region = _region(small_cat.shape[:2])
    hide = np.array([0, 255, 0], dtype=np.uint8)  # a colour chelsea does not have

    def seen_share(images):
        """Share of the region's pixels that are unchanged: one score per image."""
        same = (images == small_cat).all(axis=-1)
        return same[:, region].mean(axis=1)

    exp = LimeImageExplainer(random_state=0).explain_instance(
        small_cat, seen_share, hide_color=hide, segmentation_fn=slic40, num_samples=1000,
        top_labels=None, labels=(1,), mode=mode)
    segments = exp.segments
    covering = np.unique(segments[region])
    top = [f for f, w in exp.local_exp[1][:covering.size]]
    recall = np.isin(segments[region], top).mean()
    assert recall >= 0.97
    # superpixels outside the region get (nearly) nothing
    weights = dict(exp.local_exp[1])
    outside = [abs(weights.get(s, 0.0)) for s in np.unique(segments) if s not in covering]
    assert max(outside) < 0.02 * max(abs(w) for w in weights.values())
    if mode == "regression":
        assert exp.predicted_value == pytest.approx(1.0)


class NearestCentroid:
    """A softmax nearest-centroid classifier trained on load_digits (linear logits, fits instantly)."""

    def __init__(self, data, target, temperature=20.0):
        self.centroids = np.stack([data[target == c].mean(axis=0) for c in range(10)])
        self.coef_ = 2.0 * self.centroids / temperature
        self.intercept_ = -(self.centroids ** 2).sum(axis=1) / temperature

    def decision_function(self, X):
        return X @ self.coef_.T + self.intercept_

    def predict_proba(self, X):
        logits = self.decision_function(X)
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, X):
        return self.decision_function(X).argmax(axis=1)


@pytest.fixture(scope="module")
def digits_model():
    digits = load_digits()
    model = NearestCentroid(digits.data, digits.target)
    assert (model.predict(digits.data) == digits.target).mean() > 0.85
    return digits, model


def test_digits_weights_follow_the_model_logits(digits_model):
    """A linear model's logit is linear in z': LIME must recover each block's exact contribution."""
    digits, model = digits_model
    image = digits.images[7]  # float 0..16, 8 x 8 grayscale
    label = int(model.predict(image.reshape(1, -1))[0])
    segments = grid_segments(8, 8, 2)  # 16 blocks of 2 x 2

    def logit(images):
        return model.decision_function(images.reshape(len(images), -1))[:, label]

    exp = LimeImageExplainer(random_state=1).explain_instance(
        image, logit, hide_color=0, segments=segments, num_samples=2000, mode="regression")
    contribution = np.array([(model.coef_[label] * image.ravel())[segments.ravel() == s].sum()
                             for s in range(16)])
    weights = np.zeros(16)
    for f, w in exp.local_exp[1]:
        weights[f] = w
    assert np.corrcoef(weights, contribution)[0, 1] > 0.99
    assert set(np.argsort(-weights)[:4]) == set(np.argsort(-contribution)[:4])


def test_digits_probabilities_point_at_inked_blocks(digits_model):
    """Blank blocks of a digit cannot change the model's output when hidden with 0: weight 0."""
    digits, model = digits_model
    image = digits.images[3]
    segments = grid_segments(8, 8, 2)
    exp = LimeImageExplainer(random_state=0).explain_instance(
        image, lambda x: model.predict_proba(x.reshape(len(x), -1)), hide_color=0,
        segments=segments, num_samples=1000, top_labels=1)
    label = exp.top_labels[0]
    assert label == int(model.predict(image.reshape(1, -1))[0])
    blank = [s for s in range(16) if not image.ravel()[segments.ravel() == s].any()]
    weights = dict(exp.local_exp[label])
    largest = max(abs(w) for w in weights.values())
    assert blank and all(abs(weights.get(s, 0.0)) < 0.1 * largest for s in blank)
    best, best_weight = exp.local_exp[label][0]
    assert best_weight > 0 and image.ravel()[segments.ravel() == best].sum() > 0


def test_lbp_face_cascade_sees_the_astronauts_face():
    """A real detector (scikit-image's LBP frontal-face cascade): its face is the top superpixel."""
    import skimage.data
    from skimage.color import rgb2gray
    from skimage.feature import Cascade

    cascade = Cascade(skimage.data.lbp_frontal_face_cascade_filename())
    crop = skimage.data.astronaut()[20:200, 120:300]  # 180 x 180 around the face

    def detected(images):
        out = np.empty(len(images))
        for i, picture in enumerate(images):  # the detector takes one image at a time
            found = cascade.detect_multi_scale(rgb2gray(picture), scale_factor=1.2, step_ratio=1,
                                               min_size=(60, 60), max_size=(120, 120))
            out[i] = float(len(found) > 0)
        return out

    assert detected(crop[None])[0] == 1.0
    segments = grid_segments(180, 180, 30)  # 36 squares
    exp = LimeImageExplainer(random_state=0).explain_instance(
        crop, detected, segments=segments, num_samples=150, mode="regression", hide_color=0)
    face = cascade.detect_multi_scale(rgb2gray(crop), scale_factor=1.2, step_ratio=1,
                                      min_size=(60, 60), max_size=(120, 120))[0]
    box = np.zeros(crop.shape[:2], dtype=bool)
    box[face["r"]:face["r"] + face["height"], face["c"]:face["c"] + face["width"]] = True
    positive = sorted((w, f) for f, w in exp.local_exp[1] if w > 0)[::-1]
    top = [f for w, f in positive[:2]]
    assert all(box[segments == f].mean() > 0.5 for f in top)
