"""lime's scikit-image wrappers and the perturbation plan against a plain reference."""
import numpy as np
import pytest

from lime_image import ImageRepresentation, SegmentationAlgorithm, binary_distances
from lime_image.wrappers.scikit_image import BaseWrapper
from tests.image.conftest import grid_segments


def test_wrappers_filter_params_like_lime():
    lime_wrappers = pytest.importorskip("lime.wrappers.scikit_image")
    params = dict(kernel_size=4, max_dist=200, ratio=0.2, sigma=1, unknown=3)
    for algo in ("quickshift", "slic", "felzenszwalb"):
        ours = SegmentationAlgorithm(algo, **params)
        theirs = lime_wrappers.SegmentationAlgorithm(algo, **params)
        assert ours.target_params == theirs.target_params and ours.target_fn is theirs.target_fn
    wrapper = BaseWrapper(lambda image, a=1: image, a=2, b=3)
    assert wrapper.filter_params(lambda image, a=1: image, override={"c": 4}) == {"a": 2, "c": 4}


def test_random_seed_reaches_quickshift_as_rng():
    fn = SegmentationAlgorithm("quickshift", kernel_size=4, random_seed=7)
    assert fn.target_params == {"kernel_size": 4, "rng": 7}


def test_default_segmentation_equals_lime_quickshift(small_cat):
    from skimage.segmentation import quickshift

    from lime_image import LimeImageExplainer
    rep = LimeImageExplainer(random_state=0).representation(small_cat)
    expected = quickshift(small_cat, kernel_size=4, max_dist=200, ratio=0.2)
    np.testing.assert_array_equal(rep.segments, expected)  # quickshift labels 0..d-1 already


def test_cosine_distances_equal_scikit_learn():
    from sklearn.metrics import pairwise_distances
    z = np.random.default_rng(0).integers(0, 2, (50, 9))
    z[0] = 1
    z[1] = 0
    expected = pairwise_distances(z, np.ones((1, 9)), metric="cosine").ravel()
    np.testing.assert_allclose(binary_distances(z), expected, atol=1e-12)
    np.testing.assert_allclose(binary_distances(z, "euclidean"), np.sqrt((1 - z).sum(axis=1)))


@pytest.mark.parametrize("shape, dtype", [((7, 9), np.uint8), ((7, 9, 3), np.uint8), ((6, 5, 4), np.uint16),
                                          ((5, 7, 3), np.float32), ((5, 7), np.float64), ((3, 3, 1), np.uint8),
                                          ((4, 6, 3), np.int16), ((9, 11, 2), np.float64)])
def test_perturbed_images_equal_the_plain_definition(shape, dtype):
    rng = np.random.default_rng(3)
    image = (rng.random(shape) * 200 - (50 if np.dtype(dtype).kind != "u" else 0)).astype(dtype)
    fill = (rng.random(shape) * 200).astype(dtype)
    segments = rng.integers(0, 6, shape[:2])
    segments[0, 0] = 5
    segments[-1, -1] = 0
    _, segments = np.unique(segments, return_inverse=True)
    segments = segments.reshape(shape[:2])
    rep = ImageRepresentation(image, segments, fill)
    z = rng.integers(0, 2, (17, rep.num_segments))
    keep = z.astype(bool)[:, segments]
    expected = np.where(keep[..., None] if image.ndim == 3 else keep, image, fill)
    got = rep.to_model_input(z)
    assert got.dtype == image.dtype and got.flags.c_contiguous
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(rep.to_model_input(z[3]), expected[3:4])


def test_grid_segments_helper():
    assert grid_segments(4, 6, 2).tolist() == [[0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2],
                                               [3, 3, 4, 4, 5, 5], [3, 3, 4, 4, 5, 5]]


def test_prefetched_batches_equal_direct_rows_in_any_order():
    rng = np.random.default_rng(8)
    image = (rng.random((20, 20, 3)) * 255).astype(np.uint8)
    rep = ImageRepresentation(image, grid_segments(20, 20, 5), np.zeros_like(image))
    hood = rep.sample(50, np.random.default_rng(0))
    whole = rep.to_model_input(hood.interpretable)
    for start, stop in [(0, 10), (10, 20), (30, 40), (20, 30), (40, 50), (0, 50), (5, 6), (6, 7)]:
        np.testing.assert_array_equal(hood.model_input(start, stop), whole[start:stop])
