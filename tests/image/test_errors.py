"""Every bad input gets a clear error naming the argument."""
import numpy as np
import pytest

from lime_core import PredictFnError
from lime_image import ImageExplanation, LimeImageExplainer, SegmentationAlgorithm, SegmentationWarning
from tests.image.conftest import grid_segments

IMAGE = (np.random.default_rng(0).random((16, 16, 3)) * 255).astype(np.uint8)
SEGMENTS = grid_segments(16, 16, 4)


def predict(images):
    share = images.mean(axis=tuple(range(1, images.ndim))) / 255.0
    return np.column_stack([1 - share, share])


def explain(image=IMAGE, fn=predict, **kwargs):
    kwargs.setdefault("segments", SEGMENTS)
    kwargs.setdefault("num_samples", 20)
    return LimeImageExplainer(random_state=0).explain_instance(image, fn, **kwargs)


@pytest.mark.parametrize("image, match", [
    (np.zeros(5), r"'image' parameter .* 2-D \(H, W\) grayscale or 3-D .* got a 1-D array of shape \(5,\)"),
    (np.zeros((2, 8, 8, 3)), r"got a 4-D array .* Pass one image at a time"),
    (np.zeros((0, 8, 3)), r"'image' parameter .* is empty \(shape \(0, 8, 3\)\)"),
    (np.zeros((8, 8, 0)), r"is empty"),
])
def test_bad_image_shapes(image, match):
    with pytest.raises(ValueError, match=match):
        explain(image, segments=None)


def test_nan_pixels():
    image = np.zeros((8, 8, 3))
    image[2, 3, 1] = np.nan
    with pytest.raises(ValueError, match=r"NaN or infinite pixels \(first at index \[2, 3, 1\]\)"):
        explain(image, segments=None)


@pytest.mark.parametrize("image", [np.zeros((4, 4), dtype=bool), np.array([["a", "b"]]),
                                   np.zeros((4, 4), dtype=complex)])
def test_non_numeric_image(image):
    with pytest.raises(TypeError, match=r"'image' parameter .* must hold numbers"):
        explain(image, segments=None)


def test_segmentation_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"segmentation must return one label per pixel, an array of "
                                         r"shape \(16, 16\); got shape \(8, 8\)"):
        explain(segments=None, segmentation_fn=lambda image: np.zeros((8, 8), dtype=int))
    with pytest.raises(ValueError, match=r"shape \(16, 16\); got shape \(16,\)"):
        explain(segments=np.arange(16))


def test_segmentation_with_float_labels():
    with pytest.raises(TypeError, match="segmentation must return integer labels; got dtype float64"):
        explain(segments=np.full((16, 16), 0.5))


def test_single_segment_warns_and_still_explains():
    with pytest.warns(SegmentationWarning, match="single segment for the whole image"):
        exp = explain(segments=np.zeros((16, 16), dtype=int), top_labels=None)
    assert [f for f, _ in exp.local_exp[1]] == [0]


def test_segments_and_segmentation_fn_together():
    with pytest.raises(ValueError, match="pass either 'segments' or 'segmentation_fn', not both"):
        explain(segmentation_fn=lambda image: SEGMENTS)


def test_segmentation_fn_not_callable():
    with pytest.raises(TypeError, match="'segmentation_fn' parameter .* must be a callable"):
        explain(segments=None, segmentation_fn="slic")


@pytest.mark.parametrize("hide_color, match", [
    ((1, 2), r"'hide_color' parameter .* one number or one per channel \(3 for an image of shape "
             r"\(16, 16, 3\)\); got 2 values"),
    ([[1, 2, 3]], r"'hide_color' parameter .* got \(1, 3\) values"),
    (300, r"'hide_color' parameter .* must fit the image's dtype uint8 \(\[0, 255\]\)"),
    (float("nan"), r"'hide_color' parameter .* must be finite"),
])
def test_hide_color_of_the_wrong_length_or_range(hide_color, match):
    with pytest.raises(ValueError, match=match):
        explain(hide_color=hide_color)


def test_hide_color_not_numbers():
    with pytest.raises(TypeError, match=r"'hide_color' parameter .* must be None, a number or a sequence of 3"):
        explain(hide_color="red")


def test_fill_errors():
    with pytest.raises(ValueError, match="pass either 'hide_color' .* or 'fill', not both"):
        explain(hide_color=0, fill="blur")
    with pytest.raises(ValueError, match=r"'fill' parameter .* must be one of 'mean', 'blur' or an image"):
        explain(fill="noise")
    with pytest.raises(ValueError, match=r"'fill' parameter .* same shape as the image, \(16, 16, 3\); "
                                         r"got shape \(8, 8, 3\)"):
        explain(fill=np.zeros((8, 8, 3)))
    with pytest.raises(ValueError, match=r"'blur_sigma' parameter .* must be a float > 0; got -1"):
        explain(fill="blur", blur_sigma=-1)


@pytest.mark.parametrize("num_samples", [1, 0, -5])
def test_num_samples_below_two(num_samples):
    with pytest.raises(ValueError, match=rf"'num_samples' parameter of LimeImageExplainer.explain_instance "
                                         rf"must be an int >= 2; got {num_samples}"):
        explain(num_samples=num_samples)


def test_classifier_returning_the_wrong_number_of_rows():
    with pytest.raises(ValueError, match=r"classifier_fn returned 1 row for a batch of 10 inputs \(rows 0 "
                                         r"to 9 of the neighbourhood\)"):
        explain(fn=lambda images: predict(images)[:1])


def test_classifier_that_raises():
    def broken(images):
        raise RuntimeError("out of memory")
    with pytest.raises(PredictFnError, match="classifier_fn raised RuntimeError on rows 0 to 9"):
        explain(fn=broken)


def test_labels_the_model_does_not_have():
    with pytest.raises(ValueError, match=r"labels \[7\] are not produced by the model"):
        explain(labels=(7,), top_labels=None)


@pytest.mark.parametrize("random_seed", [-1, 2**31, 1.5, True])
def test_bad_random_seed(random_seed):
    with pytest.raises(ValueError, match=r"'random_seed' parameter .* int in \[0, 2\*\*31 - 1\)"):
        explain(random_seed=random_seed)


def test_bad_random_state():
    with pytest.raises(TypeError, match="'random_state' parameter of LimeImageExplainer.explain_instance"):
        explain(random_state="zero")
    with pytest.raises(ValueError, match="must be a non-negative int; got -3"):
        explain(random_state=-3)


def test_bad_kernel_width():
    with pytest.raises(ValueError, match="'kernel_width' parameter of LimeImageExplainer must be a float > 0"):
        LimeImageExplainer(kernel_width=0).explain_instance(IMAGE, predict, segments=SEGMENTS)


def test_get_image_and_mask_errors():
    exp = explain(top_labels=None)
    with pytest.raises(KeyError, match="Label not in explanation: label 0 was not explained"):
        exp.get_image_and_mask(0)
    with pytest.raises(ValueError, match="Positive_only and negative_only cannot be true at the same time"):
        exp.get_image_and_mask(1, positive_only=True, negative_only=True)
    with pytest.raises(ValueError, match="'kind' parameter of ImageExplanation.save_overlay"):
        exp.save_overlay("x.png", 1, kind="jpeg")
    with pytest.raises(ValueError, match="kind='heatmap' needs a label"):
        exp.save_overlay("x.png")
    with pytest.raises(ValueError, match=r"'alpha' parameter of heatmap_overlay must be in \[0, 1\]"):
        exp.heatmap(1, alpha=2)


def test_to_model_input_of_the_wrong_width():
    rep = LimeImageExplainer().representation(IMAGE, segments=SEGMENTS)
    with pytest.raises(ValueError, match=r"z_prime must have shape \(m, 16\), one column per superpixel; "
                                         r"got shape \(2, 3\)"):
        rep.to_model_input(np.ones((2, 3)))


def test_not_an_image_explanation():
    from lime_core import Explanation
    with pytest.raises(ValueError, match=r"explanation.extras lacks \['image', 'segments'\]"):
        ImageExplanation.from_explanation(Explanation())


def test_segmentation_algorithm_errors():
    with pytest.raises(ValueError, match="'algo_type' parameter of SegmentationAlgorithm must be one of "
                                         "'quickshift', 'slic', 'felzenszwalb'; got 'watershed'"):
        SegmentationAlgorithm("watershed")
    fn = SegmentationAlgorithm("slic", n_segments=4)
    with pytest.raises(ValueError, match="bogus is not a valid parameter of slic"):
        fn.set_params(bogus=1)
