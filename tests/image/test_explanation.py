"""ImageExplanation: lime's views, data round-trips and overlays."""
import pickle

import numpy as np
import pytest
from PIL import Image

from lime_core import Explanation
from lime_image import ImageExplanation, LimeImageExplainer, boundary_overlay, heatmap_overlay
from tests.image.conftest import grid_segments

RNG = np.random.default_rng(0)
IMAGE = (RNG.random((24, 24, 3)) * 255).astype(np.uint8)
SEGMENTS = grid_segments(24, 24, 6)
LOCAL_EXP = {1: [(5, 0.4), (2, -0.3), (9, 0.2), (0, -0.1), (7, 0.05), (3, 0.01)],
             0: [(2, 0.3), (5, -0.4)]}


def _ours(image=IMAGE):
    return ImageExplanation(image, SEGMENTS, local_exp=LOCAL_EXP, intercept={1: 0.1, 0: 0.2},
                            score={1: 0.5, 0: 0.4}, local_pred={1: 0.6, 0: 0.3})


OPTIONS = [dict(), dict(positive_only=False), dict(negative_only=True, positive_only=False),
           dict(hide_rest=True), dict(num_features=2), dict(min_weight=0.15),
           dict(positive_only=False, min_weight=0.15, num_features=4),
           dict(positive_only=False, hide_rest=True)]


@pytest.mark.parametrize("options", OPTIONS, ids=[str(o) for o in OPTIONS])
def test_get_image_and_mask_matches_lime(options):
    lime_image = pytest.importorskip("lime.lime_image")
    theirs = lime_image.ImageExplanation(IMAGE, SEGMENTS)
    theirs.local_exp = LOCAL_EXP
    image, mask = _ours().get_image_and_mask(1, **options)
    their_image, their_mask = theirs.get_image_and_mask(1, **options)
    np.testing.assert_array_equal(mask, their_mask)
    np.testing.assert_array_equal(image, their_image)  # values equal; our dtype stays uint8
    assert image.dtype == np.uint8


def test_get_image_and_mask_on_grayscale_shows_colours():
    gray = IMAGE[..., 0]
    image, mask = _ours(gray).get_image_and_mask(1, positive_only=False)
    assert image.shape == (24, 24, 3) and set(np.unique(mask)) == {-1, 0, 1}
    assert (image[mask > 0, 1] == gray.max()).all() and (image[mask < 0, 0] == gray.max()).all()
    image, mask = _ours(gray).get_image_and_mask(1)
    assert image.shape == (24, 24)


def test_lime_constructor_gives_an_empty_explanation():
    exp = ImageExplanation(IMAGE, SEGMENTS)
    assert exp.local_exp == {} and exp.intercept == {} and exp.image is exp.extras["image"]
    assert exp.extras["modality"] == "image" and exp.segments is exp.extras["segments"]
    assert exp.as_map() == {}


def test_json_round_trip_and_equality():
    exp = _ours()
    back = ImageExplanation.from_json(exp.to_json())
    assert isinstance(back, ImageExplanation) and back == exp
    np.testing.assert_array_equal(back.image, IMAGE)
    assert back.image.dtype == np.uint8 and back.segments.dtype == SEGMENTS.dtype
    generic = Explanation.from_json(exp.to_json())
    assert generic == exp and ImageExplanation.from_explanation(generic) == exp
    assert exp.as_list(1)[0] == ("superpixel 5", 0.4)


def test_real_explanation_round_trips(small_cat, slic40):
    exp = LimeImageExplainer(random_state=0).explain_instance(
        small_cat, lambda b: b[..., 0].mean(axis=(1, 2)) / 255.0, segmentation_fn=slic40, num_samples=40)
    back = ImageExplanation.from_json(exp.to_json())
    assert back == exp and back.top_labels == exp.top_labels
    assert pickle.loads(pickle.dumps(exp)) == exp


def test_replace_keeps_the_class():
    exp = _ours()
    changed = exp.replace(score={1: 0.9})
    assert isinstance(changed, ImageExplanation) and changed.score == {1: 0.9}
    assert changed.local_exp == exp.local_exp and exp.score[1] == 0.5
    with pytest.raises(Exception):
        exp.score = {}  # frozen, as every Explanation


def test_overlays_are_pngs(tmp_path):
    exp = _ours()
    heat = heatmap_overlay(exp, 1)
    assert heat.size == (24, 24) and heat.mode == "RGB"
    pixels = np.asarray(heat).astype(int)
    assert pixels[SEGMENTS == 5][:, 1].mean() > IMAGE[SEGMENTS == 5][:, 1].mean()  # greener
    assert pixels[SEGMENTS == 2][:, 0].mean() > IMAGE[SEGMENTS == 2][:, 0].mean()  # redder
    untouched = ~np.isin(SEGMENTS, [f for f, _ in LOCAL_EXP[1]])
    np.testing.assert_array_equal(pixels[untouched], IMAGE[untouched])
    edges = np.asarray(boundary_overlay(exp))
    assert (edges == [255, 255, 0]).all(axis=-1).any()
    chosen = np.asarray(boundary_overlay(exp, 1, num_features=1))
    assert (chosen == [255, 255, 0]).all(axis=-1).sum() < (edges == [255, 255, 0]).all(axis=-1).sum()
    for kind, label in (("heatmap", 1), ("boundaries", None), ("boundaries", 1)):
        path = tmp_path / f"{kind}-{label}.png"
        exp.save_overlay(path, label, kind=kind)
        with Image.open(path) as saved:
            assert saved.format == "PNG" and saved.size == (24, 24)


@pytest.mark.parametrize("image", [IMAGE / 255.0, IMAGE.astype(np.uint16) * 257, IMAGE[..., 0],
                                   np.concatenate([IMAGE, IMAGE[..., :1]], axis=2)])
def test_overlays_of_other_dtypes(image):
    exp = _ours(image)
    assert np.asarray(exp.heatmap(1)).dtype == np.uint8
    assert exp.boundaries().size == (24, 24)
