"""Behaviour of LimeImageExplainer: seeds, batches, input types, fills, modes, cache, memory."""
import pickle
import tracemalloc

import numpy as np
import pytest
from PIL import Image

import lime_image
from lime_core import Explanation
from lime_image import ImageExplanation, LimeImageExplainer, SegmentationAlgorithm
from tests.image.conftest import grid_segments


def brightness(images):
    """Two-class scores from the mean of the first channel (any dtype, any layout)."""
    x = images.astype(float)
    first = x[..., 0] if x.ndim == 4 else x
    top = np.maximum(first.reshape(len(x), -1).max(axis=1), 1e-9)  # row by row
    share = first[:, : x.shape[1] // 2].mean(axis=(1, 2)) / top
    return np.column_stack([1 - share, share])


def test_same_seed_same_explanation_across_batch_sizes(small_cat, slic40):
    explainer = LimeImageExplainer(random_state=3)
    runs = [explainer.explain_instance(small_cat, brightness, segmentation_fn=slic40, num_samples=120,
                                       batch_size=size) for size in (1, 7, 10, 1000)]
    assert all(run == runs[0] for run in runs[1:])
    assert runs[0].random_state == 3
    other = explainer.explain_instance(small_cat, brightness, segmentation_fn=slic40, num_samples=120,
                                       random_state=4)
    assert other != runs[0]


def test_default_quickshift_is_seeded_from_random_state(small_cat):
    lime_image.clear_segmentation_cache()
    a = LimeImageExplainer(random_state=0).explain_instance(small_cat, brightness, num_samples=30)
    b = LimeImageExplainer(random_state=0).explain_instance(small_cat, brightness, num_samples=30)
    assert a == b
    assert a.meta["segmentation_seed"] == b.meta["segmentation_seed"]
    assert a.meta["num_segments"] == int(a.segments.max()) + 1 > 5
    c = LimeImageExplainer(random_state=0).explain_instance(small_cat, brightness, num_samples=30,
                                                            random_seed=5)
    assert c.meta["segmentation_seed"] == 5


def test_generator_random_state_is_consumed(small_cat, slic40):
    rng = np.random.default_rng(0)
    explainer = LimeImageExplainer(random_state=rng)
    a = explainer.explain_instance(small_cat, brightness, segmentation_fn=slic40, num_samples=30)
    b = explainer.explain_instance(small_cat, brightness, segmentation_fn=slic40, num_samples=30)
    assert a != b and a.random_state is None


def _layouts():
    import skimage.data
    rgb = np.ascontiguousarray(skimage.data.astronaut()[::25, ::21][:20, :24])
    return {
        "uint8-rgb": rgb,
        "float-rgb": rgb / 255.0,
        "float32-rgb": (rgb / 255.0).astype(np.float32),
        "uint16-rgb": rgb.astype(np.uint16) * 257,
        "gray-2d": rgb[..., 0],
        "gray-1ch": rgb[..., :1],
        "rgba": np.concatenate([rgb, np.full((20, 24, 1), 255, np.uint8)], axis=2),
        "float-gray": rgb[..., 0] / 255.0,
    }


@pytest.mark.parametrize("name", list(_layouts()))
def test_black_box_receives_the_dtype_and_layout_it_was_given(name):
    image = _layouts()[name]
    seen = []

    def spy(images):
        seen.append(images)
        return brightness(images)

    exp = LimeImageExplainer(random_state=0).explain_instance(
        image, spy, segmentation_fn=SegmentationAlgorithm("slic", n_segments=12, start_label=0),
        num_samples=25, batch_size=10)
    assert all(b.dtype == image.dtype and b.shape[1:] == image.shape for b in seen)
    np.testing.assert_array_equal(seen[0][0], image)  # row 0 is the image itself
    assert exp.image.dtype == image.dtype and exp.image.shape == image.shape
    assert exp.segments.shape == image.shape[:2]
    assert exp.extras["modality"] == "image"


def test_pil_images():
    rgb = (np.random.default_rng(2).random((12, 14, 3)) * 255).astype(np.uint8)
    for picture, expected in [(Image.fromarray(rgb), rgb), (Image.fromarray(rgb).convert("L"), None)]:
        seen = []
        exp = LimeImageExplainer(random_state=0).explain_instance(
            picture, lambda b: (seen.append(b), brightness(b))[1], segments=grid_segments(12, 14, 4),
            num_samples=10)
        assert isinstance(seen[0], np.ndarray) and seen[0].dtype == np.uint8
        np.testing.assert_array_equal(seen[0][0], np.asarray(picture))
        if expected is not None:
            np.testing.assert_array_equal(exp.image, expected)
    palette = Image.fromarray(rgb).convert("P")
    rep = LimeImageExplainer().representation(palette, segments=grid_segments(12, 14, 4))
    assert rep.image.shape == (12, 14, 3)


def _hidden(rep):
    return rep.to_model_input(np.zeros((1, rep.num_segments)))[0]


def test_fill_modes(small_cat):
    segments = grid_segments(75, 113, 15)
    explainer = LimeImageExplainer()
    mean = _hidden(explainer.representation(small_cat, segments=segments))
    block = small_cat[:15, :15].reshape(-1, 3).astype(float).mean(axis=0)
    np.testing.assert_array_equal(mean[:15, :15], np.broadcast_to(block.astype(np.uint8), (15, 15, 3)))
    np.testing.assert_array_equal(mean, _hidden(explainer.representation(small_cat, segments=segments,
                                                                         fill="mean")))
    red = _hidden(explainer.representation(small_cat, hide_color=(255, 0, 0), segments=segments))
    assert (red == [255, 0, 0]).all()
    gray = _hidden(explainer.representation(small_cat, hide_color=0, segments=segments))
    assert (gray == 0).all()
    blur = _hidden(explainer.representation(small_cat, fill="blur", blur_sigma=4, segments=segments))
    assert blur.dtype == np.uint8 and blur.std() < small_cat.std()
    baseline = np.full_like(small_cat, 17)
    user = _hidden(explainer.representation(small_cat, fill=baseline, segments=segments))
    np.testing.assert_array_equal(user, baseline)
    # half hidden: the kept superpixels keep their exact pixels
    rep = explainer.representation(small_cat, hide_color=0, segments=segments)
    z = np.zeros((1, rep.num_segments)); z[0, ::2] = 1
    mixed = rep.to_model_input(z)[0]
    keep = np.isin(segments, np.flatnonzero(z[0]))
    np.testing.assert_array_equal(mixed[keep], small_cat[keep])
    assert (mixed[~keep] == 0).all()


def test_mean_fill_matches_lime():
    lime = pytest.importorskip("lime.lime_image")
    rng = np.random.default_rng(4)
    image = (rng.random((30, 40, 3)) * 255).astype(np.uint8)
    segments = grid_segments(30, 40, 7)
    fudged = image.copy()  # lime's loop, verbatim
    for x in np.unique(segments):
        fudged[segments == x] = (np.mean(image[segments == x][:, 0]), np.mean(image[segments == x][:, 1]),
                                 np.mean(image[segments == x][:, 2]))
    assert lime  # imported for the comparison's sake
    np.testing.assert_array_equal(_hidden(LimeImageExplainer().representation(image, segments=segments)),
                                  fudged)


def test_segment_labels_need_not_start_at_zero():
    """slic labels from 1: lime never hid the last superpixel; here every label is a feature."""
    image = (np.random.default_rng(5).random((12, 12, 3)) * 255).astype(np.uint8)
    segments = grid_segments(12, 12, 4) + 1
    rep = LimeImageExplainer().representation(image, segments=segments)
    assert rep.num_segments == 9 and rep.segments.min() == 0
    assert (_hidden(rep) != image).any(axis=-1)[segments == 9].all()


def test_single_score_and_regression_black_boxes(small_cat, slic40):
    def confidence(images):
        return brightness(images)[:, 1]

    explainer = LimeImageExplainer(random_state=0)
    cls = explainer.explain_instance(small_cat, confidence, segmentation_fn=slic40, num_samples=60,
                                     top_labels=None)
    assert cls.predict_proba.shape == (2,) and 1 in cls.local_exp
    reg = explainer.explain_instance(small_cat, lambda b: 100 * confidence(b), segmentation_fn=slic40,
                                     num_samples=60, mode="regression")
    assert reg.mode == "regression" and reg.predicted_value == pytest.approx(100 * confidence(small_cat[None])[0])
    assert [w for _, w in reg.local_exp[0]] == [-w for _, w in reg.local_exp[1]]


def test_top_labels_and_lime_attributes(small_cat, slic40):
    def three(images):
        p = brightness(images)
        return np.column_stack([p[:, 0] * 0.5, p[:, 0] * 0.5, p[:, 1]])

    exp = LimeImageExplainer(random_state=0).explain_instance(small_cat, three, segmentation_fn=slic40,
                                                              num_samples=60, top_labels=2)
    assert len(exp.top_labels) == 2 and set(exp.local_exp) == set(exp.top_labels)
    for label in exp.top_labels:
        assert isinstance(exp.intercept[label], float) and isinstance(exp.score[label], float)
        assert isinstance(exp.local_pred[label], float)
    assert isinstance(exp, Explanation) and isinstance(exp, ImageExplanation)


def test_custom_kernel_and_progress(small_cat, slic40):
    calls = []
    exp = LimeImageExplainer(kernel=lambda d, w: np.ones_like(d), random_state=0).explain_instance(
        small_cat, brightness, segmentation_fn=slic40, num_samples=30, progress=lambda *a: calls.append(a))
    assert exp.meta["kernel"]["name"] == "DistanceKernel"
    assert calls[-1][0] == 33 and len(calls) >= 3  # 30 samples and 3 hold-out rows


def test_progress_bar_goes_to_tqdm_only(small_cat, slic40, capsys):
    pytest.importorskip("tqdm")
    LimeImageExplainer(random_state=0).explain_instance(small_cat, brightness, segmentation_fn=slic40,
                                                        num_samples=20, progress_bar=True)
    LimeImageExplainer(random_state=0).explain_instance(small_cat, brightness, segmentation_fn=slic40,
                                                        num_samples=20)
    assert capsys.readouterr().out == ""


def test_segmentation_cache(small_cat):
    calls = []
    fn = SegmentationAlgorithm("slic", n_segments=30, start_label=0)
    inner = fn.target_fn
    fn.target_fn = lambda image, **kw: (calls.append(1), inner(image, **kw))[1]
    lime_image.clear_segmentation_cache()
    explainer = LimeImageExplainer(random_state=0)
    a = explainer.explain_instance(small_cat, brightness, segmentation_fn=fn, num_samples=20, labels=(0,),
                                   top_labels=None)
    b = explainer.explain_instance(small_cat, brightness, segmentation_fn=fn, num_samples=20, labels=(1,),
                                   top_labels=None, random_state=9)
    assert len(calls) == 1
    np.testing.assert_array_equal(a.segments, b.segments)
    explainer.explain_instance(small_cat, brightness, segmentation_fn=fn, num_samples=20,
                               cache_segmentation=False)
    assert len(calls) == 2
    explainer.explain_instance(small_cat[::-1], brightness, segmentation_fn=fn, num_samples=20)
    assert len(calls) == 3
    # a plain function is never cached
    plain = []
    for _ in range(2):
        explainer.explain_instance(small_cat, brightness, num_samples=20,
                                   segmentation_fn=lambda image: (plain.append(1), fn(image))[1])
    assert len(plain) == 2


def test_explainer_pickles_and_does_not_change(small_cat, slic40):
    explainer = LimeImageExplainer(random_state=0)
    before = dict(vars(explainer))
    exp = explainer.explain_instance(small_cat, brightness, segmentation_fn=slic40, num_samples=20)
    assert vars(explainer) == before
    again = pickle.loads(pickle.dumps(explainer))
    assert again.explain_instance(small_cat, brightness, segmentation_fn=slic40, num_samples=20) == exp
    rep = explainer.representation(small_cat, segmentation_fn=slic40)
    z = np.random.default_rng(0).integers(0, 2, (3, rep.num_segments))
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(rep)).to_model_input(z), rep.to_model_input(z))


def test_peak_memory_does_not_grow_with_num_samples():
    image = (np.random.default_rng(6).random((192, 256, 3)) * 255).astype(np.uint8)
    segments = grid_segments(192, 256, 32)
    explainer = LimeImageExplainer(random_state=0)

    def peak(num_samples):
        tracemalloc.start()
        explainer.explain_instance(image, brightness, segments=segments, num_samples=num_samples,
                                   batch_size=10, top_labels=None)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(200), peak(2000)
    # 1,800 more samples add only their rows of z' and scores (lime_core's design matrix),
    # less than 1% of an image each: perturbed images never pile up.
    assert (large - small) / 1800 < image.nbytes / 100
    assert large < small + 10 * image.nbytes


def test_data_labels_like_lime():
    image = (np.random.default_rng(7).random((12, 12, 3)) * 255).astype(np.uint8)
    segments = grid_segments(12, 12, 4)
    explainer = LimeImageExplainer(random_state=0)
    data, labels = explainer.data_labels(image, np.zeros_like(image), segments, brightness, 30, batch_size=7)
    assert data.shape == (30, 9) and (data[0] == 1).all() and set(np.unique(data)) <= {0, 1}
    assert labels.shape == (30, 2)
    np.testing.assert_allclose(labels[0], brightness(image[None])[0])
    again = explainer.data_labels(image, np.zeros_like(image), segments, brightness, 30)
    np.testing.assert_array_equal(again[0], data)
    np.testing.assert_allclose(again[1], labels)
    with pytest.raises(ValueError, match=r"'fudged_image' parameter .* must have the image's shape"):
        explainer.data_labels(image, np.zeros((3, 3, 3)), segments, brightness, 30)
    with pytest.raises(ValueError, match=r"'num_samples' parameter of LimeImageExplainer.data_labels"):
        explainer.data_labels(image, image, segments, brightness, 1)


def test_sobol_rows_keep_every_superpixel_at_one_half_and_follow_the_seed():
    image = np.zeros((16, 16), dtype=np.uint8)
    rep = LimeImageExplainer().representation(image, segments=grid_segments(16, 16, 4), sampling_method="sobol")
    hood = rep.sample(4096, np.random.default_rng(0))
    z = np.asarray(hood.interpretable)
    assert z[0].tolist() == [1] * 16 and set(np.unique(z).tolist()) == {0, 1}
    np.testing.assert_allclose(z[1:].mean(axis=0), 0.5, atol=0.001)  # independent coins: +-0.008 is 1 sd
    np.testing.assert_array_equal(z, rep.sample(4096, np.random.default_rng(0)).interpretable)
    assert not np.array_equal(z, rep.sample(4096, np.random.default_rng(1)).interpretable)


def test_sobol_rows_scatter_the_weights_less_across_seeds():
    image = np.full((16, 16), 200, dtype=np.uint8)
    segments = grid_segments(16, 16, 4)
    coef = np.linspace(-1.5, 2.0, 16)

    def score(images):  # a non-linear score of the visible superpixels
        shown = np.stack([(images[:, segments == s] > 0).mean(axis=1) for s in range(16)], axis=1)
        return 1 / (1 + np.exp(-(shown @ coef) / 2))

    def weights(method, seed):
        exp = LimeImageExplainer(random_state=seed).explain_instance(
            image, score, segments=segments, hide_color=0, num_samples=512, mode="regression",
            sampling_method=method, holdout_samples=0)
        return np.array([w for _, w in sorted(exp.local_exp[1])])

    runs = {m: np.array([weights(m, s) for s in range(10)]) for m in ("independent", "sobol")}
    spread = {m: w.std(axis=0).mean() for m, w in runs.items()}
    assert spread["sobol"] < 0.6 * spread["independent"], spread
    np.testing.assert_allclose(runs["sobol"].mean(0), runs["independent"].mean(0),
                               atol=4 * spread["independent"] / np.sqrt(10))


def test_unknown_sampling_method_names_the_options():
    with pytest.raises(ValueError, match="'sampling_method' parameter.*'independent', 'sobol'; got 'lhs'"):
        LimeImageExplainer().explain_instance(np.zeros((8, 8), dtype=np.uint8), lambda x: np.ones(len(x)),
                                              segments=grid_segments(8, 8, 4), sampling_method="lhs")
