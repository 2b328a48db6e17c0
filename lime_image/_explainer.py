"""lime's ``LimeImageExplainer`` on :func:`lime_core.explain`."""
from __future__ import annotations

import logging
import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from lime_core import SAMPLING_DESIGNS, DistanceKernel, ExponentialKernel, call_black_box, explain
from lime_core.validation import check_int, check_option, check_positive_float, check_random_state

from ._explanation import ImageExplanation
from ._image import as_image_array, fill_image, segmentation_view
from ._representation import ImageRepresentation
from ._segmentation import check_segments, default_segmentation, segment

__all__ = ["LimeImageExplainer"]

logger = logging.getLogger("lime_image")

#: Segmentation seeds are drawn below this bound (quickshift takes a C int).
SEED_BOUND = 2**31 - 1
#: Salt that separates the segmentation seed's stream from the sampling stream of an int seed.
_SEGMENTATION_STREAM = 0x5E6


def segmentation_seed(random_state: Any, random_seed: Any = None,
                      caller: str = "LimeImageExplainer.explain_instance") -> tuple[int, Any]:
    """The default segmentation's seed and the ``random_state`` left for sampling.

    ``random_seed`` (lime's) wins when given. Otherwise an int ``random_state``
    seeds an independent stream (so the int itself still drives sampling and is
    recorded on the explanation); a generator gives one draw and is then used
    for sampling; ``None`` draws fresh entropy for both.
    """
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        check_random_state(random_state, caller=caller)  # refuses negative ints
        rng_state: Any = random_state
        derived = np.random.default_rng([int(random_state), _SEGMENTATION_STREAM])
        seed = int(derived.integers(0, SEED_BOUND))
    else:
        rng_state = check_random_state(random_state, caller=caller)
        seed = int(rng_state.integers(0, SEED_BOUND))
    if random_seed is not None:
        if isinstance(random_seed, bool) or not isinstance(random_seed, numbers.Integral) \
                or not 0 <= random_seed < SEED_BOUND:
            raise ValueError(f"The 'random_seed' parameter of {caller} must "
                             f"be None or an int in [0, 2**31 - 1); got {random_seed!r}.")
        seed = int(random_seed)
    return seed, rng_state


class _ProgressBar:
    """A tqdm bar fed by lime_core's ``progress(done, total)`` callback (picklable, no lambdas)."""

    def __init__(self, total: int, extra: Callable[[int, int], None] | None) -> None:
        try:
            from tqdm.auto import tqdm
        except ImportError as exc:  # tqdm is optional
            raise ImportError("progress_bar=True needs tqdm: pip install tqdm (or "
                              "pip install 'limelight[progress]').") from exc
        self.bar = tqdm(total=total, unit="image", desc="lime_image")
        self.extra = extra
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        self.bar.update(done - self.done)
        self.done = done
        if self.extra is not None:
            self.extra(done, total)

    def close(self) -> None:
        self.bar.close()


class LimeImageExplainer:
    """Explain an image classifier's prediction by superpixels (lime's ``LimeImageExplainer``).

    The image is cut into superpixels (quickshift by default); LIME samples
    images with random superpixels hidden, asks the black box about them, and
    fits a weighted linear model per label whose weights say how much each
    superpixel raises the label's score. The objective, kernel and surrogate
    are :func:`lime_core.explain`'s; this class defines the image's
    interpretable view (:meth:`representation`).

    Parameters
    ----------
    kernel_width : float, default=0.25
        Width of the exponential kernel on cosine distances (lime's image default).
    kernel : callable ``(distances, kernel_width) -> weights``, optional
        lime-style similarity kernel; default ``exp(-d^2 / (2 w^2))``, lime's.
    verbose : bool, default=False
        Log (``logging`` at INFO, logger ``'lime_image'``) each label's
        intercept, local and model prediction; lime printed them.
    feature_selection : {'auto', 'none', 'forward_selection', 'highest_weights', 'lasso_path'}, default='auto'
    random_state : int, numpy.random.Generator or None, default=None
        Drives every random step: the default segmentation's seed and the
        samples. An int gives the same explanation on every call.

    Examples
    --------
    A black box that only looks at the top-left quarter of the image:

    >>> from lime_image.wrappers.scikit_image import SegmentationAlgorithm
    >>> image = np.zeros((32, 32, 3), dtype=np.uint8); image[:16, :16] = 200
    >>> def predict(images):
    ...     bright = images[:, :16, :16].mean(axis=(1, 2, 3)) / 255
    ...     return np.column_stack([1 - bright, bright])
    >>> grid = np.arange(4).repeat(8)
    >>> segments = grid[:, None] * 4 + grid[None, :]       # 16 squares of 8 x 8
    >>> explainer = LimeImageExplainer(random_state=0)
    >>> exp = explainer.explain_instance(image, predict, top_labels=None, labels=(1,),
    ...                                  hide_color=0, num_samples=200, segments=segments)
    >>> sorted(f for f, w in exp.local_exp[1][:4])
    [0, 1, 4, 5]
    """

    def __init__(self, kernel_width: float = 0.25, kernel: Callable[[np.ndarray, float], np.ndarray] | None = None,
                 verbose: bool = False, feature_selection: str = "auto", random_state: Any = None) -> None:
        self.kernel_width = kernel_width
        self.kernel = kernel
        self.verbose = verbose
        self.feature_selection = feature_selection
        self.random_state = random_state

    # ------------------------------------------------------------------ the interpretable view
    def representation(self, image: Any, hide_color: Any = None, segmentation_fn: Any = None,
                       random_state: Any = None, *, fill: Any = None, blur_sigma: float | None = None,
                       segments: Any = None, distance_metric: str = "cosine", random_seed: int | None = None,
                       cache_segmentation: bool = True, sampling_method: str = "independent") -> ImageRepresentation:
        """The superpixel view of ``image`` that :meth:`explain_instance` explains.

        Parameters
        ----------
        image, hide_color, segmentation_fn, fill, blur_sigma, segments, distance_metric, random_seed, sampling_method
            As in :meth:`explain_instance`.
        random_state : int, numpy.random.Generator or None
            Seeds the default segmentation (see :meth:`explain_instance`);
            ``None`` uses the explainer's.
        cache_segmentation : bool, default=True

        Returns
        -------
        ImageRepresentation
        """
        caller = "LimeImageExplainer.representation"
        state = self.random_state if random_state is None else random_state
        seed, _ = segmentation_seed(state, random_seed, caller)
        return self._representation(image, hide_color, segmentation_fn, seed, fill=fill,
                                    blur_sigma=blur_sigma, segments=segments,
                                    distance_metric=distance_metric, caller=caller,
                                    cache_segmentation=cache_segmentation, sampling_method=sampling_method)

    def _representation(self, image: Any, hide_color: Any, segmentation_fn: Any, seed: int, *,
                        fill: Any, blur_sigma: float | None, segments: Any, distance_metric: str,
                        caller: str, cache_segmentation: bool,
                        sampling_method: str = "independent") -> ImageRepresentation:
        check_option(sampling_method, "sampling_method", caller, SAMPLING_DESIGNS)
        image = as_image_array(image, caller)
        if not isinstance(distance_metric, str) and not callable(distance_metric):
            raise TypeError(f"The 'distance_metric' parameter of {caller} must be a metric name "
                            f"such as 'cosine'; got {distance_metric!r}.")
        if segments is not None:
            if segmentation_fn is not None:
                raise ValueError(f"{caller}: pass either 'segments' or 'segmentation_fn', not both.")
            seg, num = check_segments(segments, image.shape[:2], caller)
        else:
            view = segmentation_view(image)
            if segmentation_fn is None:
                segmentation_fn = default_segmentation(seed, view.shape[2])
            elif not callable(segmentation_fn):
                raise TypeError(f"The 'segmentation_fn' parameter of {caller} must be a callable "
                                f"image -> (H, W) labels; got {type(segmentation_fn).__name__}.")
            seg, num = segment(view, segmentation_fn, caller, cache=cache_segmentation)
        fudged = fill_image(image, seg, num, hide_color=hide_color, fill=fill, blur_sigma=blur_sigma,
                            caller=caller)
        return ImageRepresentation(image, seg, fudged, distance_metric=distance_metric,
                                   sampling_method=sampling_method)

    # ------------------------------------------------------------------ explain
    def explain_instance(self, image: Any, classifier_fn: Callable[[np.ndarray], Any],
                         labels: Iterable[int] | None = (1,), hide_color: Any = None,
                         top_labels: int | None = 5, num_features: int = 100000,
                         num_samples: int = 1000, batch_size: int = 10, segmentation_fn: Any = None,
                         distance_metric: str = "cosine", model_regressor: Any = None,
                         random_seed: int | None = None, progress_bar: bool = False, *,
                         random_state: Any = None, fill: Any = None, blur_sigma: float | None = None,
                         segments: Any = None, mode: str = "classification",
                         progress: Callable[[int, int], None] | None = None,
                         cache_segmentation: bool = True, sampling_method: str = "independent",
                         **explain_options: Any) -> ImageExplanation:
        """Explain ``classifier_fn``'s prediction on ``image`` by superpixels.

        Parameters
        ----------
        image : ndarray of shape (H, W) or (H, W, C), or PIL.Image.Image
            uint8, uint16, float in [0, 1], grayscale, RGB, RGBA... The black box
            receives perturbed images of the same dtype and layout, stacked:
            ``(batch, H, W)`` or ``(batch, H, W, C)`` (lime turned grayscale
            images into RGB first).
        classifier_fn : callable ``images -> scores``
            Class probabilities of shape (batch, k); or one score per image
            (batch,) such as a detector's confidence (``p`` becomes ``[1 - p, p]``);
            or a value with ``mode='regression'``.
        labels : sequence of int, default=(1,)
            Labels to explain when ``top_labels`` is None.
        hide_color : number or sequence of C numbers, optional
            Colour of hidden superpixels; ``None`` (default) fills each with its
            own mean colour (lime's rule). See also ``fill``.
        top_labels : int or None, default=5
            Explain the ``top_labels`` labels scored highest on ``image``.
        num_features : int, default=100000
            At most this many superpixels with a non-zero weight per label.
        num_samples : int, default=1000
            Images in the neighbourhood, ``image`` itself included (>= 2).
        batch_size : int, default=10
            Images per call to ``classifier_fn`` (lime's default, kept so that a
            model sized for it does not run out of memory). Perturbed images are
            built per batch, so memory does not grow with ``num_samples``;
            results do not depend on it. Raise it for models with a per-call cost.
        segmentation_fn : callable ``image -> (H, W) int labels``, optional
            Default quickshift(kernel_size=4, max_dist=200, ratio=0.2) seeded
            from ``random_state``. It sees grayscale images as RGB and RGBA
            images without alpha. Labels need not start at 0.
        distance_metric : str, default='cosine'
            Distance of each sample's 0/1 vector to the all-ones vector.
        model_regressor : scikit-learn regressor, optional
            Replaces the weighted ridge surrogate.
        random_seed : int, optional
            lime's seed of the default segmentation. It wins over
            ``random_state`` for the segmentation only; samples always come from
            ``random_state``. Leave it None to make one ``random_state`` drive all.
        progress_bar : bool, default=False
            Show a tqdm progress bar (needs tqdm). lime 0.2.0.1 always showed one.
        random_state : int, numpy.random.Generator or None, keyword-only
            Overrides the explainer's ``random_state`` for this call.
        fill : {'mean', 'blur'} or ndarray, keyword-only, optional
            What hidden superpixels show instead of ``hide_color``: ``'mean'``
            colour per superpixel, ``'blur'`` the image blurred by ``blur_sigma``
            pixels (default 5% of the longer side), or a user image of the
            image's shape.
        blur_sigma : float, keyword-only, optional
        segments : ndarray of shape (H, W) of int, keyword-only, optional
            A ready segment map instead of ``segmentation_fn``.
        mode : {'classification', 'regression'}, keyword-only, default='classification'
        progress : callable ``(done, total) -> None``, keyword-only, optional
            Called after each batch.
        cache_segmentation : bool, keyword-only, default=True
            Reuse the segment map of an image already segmented with the same
            algorithm and parameters (see :mod:`lime_image`).
        sampling_method : {'independent', 'sobol'}, keyword-only, default='independent'
            lime's independent 0/1 rows, or rows laid out as a scrambled Sobol'
            sequence: each superpixel is still hidden with probability 1/2 in every
            row, but the weights scatter much less from seed to seed (on chelsea at
            half size the top-5 superpixels of 10 seeds agree exactly at 1000 samples,
            against a Jaccard of 0.82).
        **explain_options
            Keyword-only; any other option of :func:`lime_core.explain`
            (``holdout_samples``, ``alpha``, ``std_error``, ``max_samples``...), and
            ``kernel_width`` or ``feature_selection`` to override the explainer's for this call.

        Returns
        -------
        ImageExplanation

        Raises
        ------
        ValueError, TypeError
            For a bad image (1-D or 4-D, empty, NaN pixels, not numbers), a
            segmentation of the wrong shape, a ``hide_color`` of the wrong
            length, ``num_samples`` < 2, or a black box that returns the wrong
            number of rows (see :func:`lime_core.explain` for the rest).

        Warns
        -----
        SegmentationWarning
            When the segmentation has a single superpixel (explained anyway).
        """
        caller = "LimeImageExplainer.explain_instance"
        state = self.random_state if random_state is None else random_state
        seed, sampling_state = segmentation_seed(state, random_seed, caller)
        representation = self._representation(image, hide_color, segmentation_fn, seed, fill=fill,
                                              blur_sigma=blur_sigma, segments=segments,
                                              distance_metric=distance_metric, caller=caller,
                                              cache_segmentation=cache_segmentation,
                                              sampling_method=sampling_method)
        width = explain_options.pop("kernel_width", self.kernel_width)
        feature_selection = explain_options.pop("feature_selection", self.feature_selection)
        if not (isinstance(width, str) and width == "auto"):  # 'auto' widths are chosen by lime_core
            width = check_positive_float(width, "kernel_width", "LimeImageExplainer")
        kernel = (ExponentialKernel(width) if self.kernel is None and not isinstance(width, str) else
                  None if self.kernel is None else DistanceKernel(self.kernel, width))
        bar = _ProgressBar(num_samples if isinstance(num_samples, int) else 0, progress) \
            if progress_bar else None
        try:
            base = explain(representation, classifier_fn, labels=labels, top_labels=top_labels,
                           num_features=num_features, num_samples=num_samples, kernel=kernel,
                           kernel_width=width if kernel is None else None,
                           feature_selection=feature_selection, model_regressor=model_regressor,
                           batch_size=batch_size, random_state=sampling_state, mode=mode,
                           predict_fn_name="classifier_fn", caller=caller,
                           progress=bar if bar is not None else progress,
                           extras={"image": representation.image, "segments": representation.segments,
                                   "modality": "image"}, **explain_options)
        finally:
            if bar is not None:
                bar.close()
        exp = ImageExplanation.from_explanation(base)
        exp.meta.update(segmentation_seed=seed, num_segments=representation.num_segments,
                        sampling_method=sampling_method,
                        distance_metric=distance_metric if isinstance(distance_metric, str) else "callable",
                        fill=fill if isinstance(fill, str) else ("image" if fill is not None else
                             ("mean" if hide_color is None else "constant")))
        if self.verbose:
            for label in exp.local_exp:
                logger.info("label %s: intercept %s, local prediction %s", label, exp.intercept[label],
                            exp.local_pred[label])
        return exp

    def data_labels(self, image: Any, fudged_image: Any, segments: Any, classifier_fn: Callable[[np.ndarray], Any],
                    num_samples: int, batch_size: int = 10, progress_bar: bool = False, *,
                    random_state: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """lime's neighbourhood: 0/1 rows (row 0 all ones) and the black box's scores on them.

        Kept for code that called lime's ``data_labels`` directly;
        :meth:`explain_instance` does not need it.

        Parameters
        ----------
        image, fudged_image : ndarray of the same shape
            The image and what hidden superpixels show.
        segments : ndarray of shape (H, W) of int
        classifier_fn : callable
        num_samples : int
        batch_size : int, default=10
        progress_bar : bool, default=False
        random_state : int, numpy.random.Generator or None, keyword-only
            Default: the explainer's.

        Returns
        -------
        data : ndarray of shape (num_samples, num_superpixels) of int8
        labels : ndarray of shape (num_samples, k)
        """
        caller = "LimeImageExplainer.data_labels"
        image = as_image_array(image, caller)
        fudged = as_image_array(fudged_image, caller, name="fudged_image")
        if fudged.shape != image.shape:
            raise ValueError(f"The 'fudged_image' parameter of {caller} must have the image's shape "
                             f"{image.shape}; got {fudged.shape}.")
        seg, _ = check_segments(segments, image.shape[:2], caller)
        representation = ImageRepresentation(image, seg, fudged.astype(image.dtype, copy=False))
        state = self.random_state if random_state is None else random_state
        num_samples = check_int(num_samples, "num_samples", caller, minimum=2)
        batch_size = check_int(batch_size, "batch_size", caller, minimum=1)
        hood = representation.sample(num_samples, check_random_state(state, caller=caller))
        bar = _ProgressBar(num_samples, None) if progress_bar else None
        try:
            result = call_black_box(classifier_fn, hood, batch_size, name="classifier_fn", progress=bar)
        finally:
            if bar is not None:
                bar.close()
        return np.asarray(hood.interpretable), result.scores
