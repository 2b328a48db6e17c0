"""lime_image: explain image classifiers by superpixels, on :mod:`lime_core`.

Drop-in for ``lime.lime_image``: :class:`LimeImageExplainer` and
:class:`ImageExplanation` keep lime 0.2.0.1's signatures, and
``lime_image.wrappers.scikit_image.SegmentationAlgorithm`` its wrapper. Beyond
lime: perturbed images are built per batch with array operations (no copy per
sample, memory flat in ``num_samples``), images keep their dtype and channel
layout (uint8, uint16, float, grayscale, RGBA, PIL), hidden superpixels can
show their mean colour, a constant colour, a blur or a user image, a single
score or a regression output can be explained, overlays are saved as PNG with
pillow, and segment maps are cached (see :func:`clear_segmentation_cache`).
"""
from ._explainer import LimeImageExplainer
from ._explanation import ImageExplanation
from ._image import FILL_MODES, display_rgb
from ._overlay import boundary_overlay, heatmap_overlay
from ._representation import ImageRepresentation, binary_distances
from ._segmentation import SegmentationWarning, clear_segmentation_cache
from .wrappers.scikit_image import SegmentationAlgorithm

__all__ = [
    "FILL_MODES", "ImageExplanation", "ImageRepresentation", "LimeImageExplainer",
    "SegmentationAlgorithm", "SegmentationWarning", "binary_distances", "boundary_overlay",
    "clear_segmentation_cache", "display_rgb", "heatmap_overlay",
]
