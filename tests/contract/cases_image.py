"""lime_image's representation under the shared contract: uint8 RGB, float grayscale, fill modes."""
import numpy as np

from lime_image import LimeImageExplainer
from tests.contract.contract import ContractCase

_rng = np.random.default_rng(0)
RGB = (_rng.random((24, 30, 3)) * 255).astype(np.uint8)
GRAY = __import__("skimage.data").data.camera()[::16, ::16] / 255.0
RGBA16 = (_rng.random((16, 18, 4)) * 65535).astype(np.uint16)
_grid = np.arange(24) // 6
SEGMENTS_RGB = (_grid[:, None] * 5 + np.arange(30)[None, :] // 6)
SEGMENTS_SMALL = (np.arange(16)[:, None] // 4) * 5 + np.arange(18)[None, :] // 4


def _make(image, **options):
    return lambda: LimeImageExplainer(random_state=0).representation(image, **options)


CASES = [
    ContractCase("image-uint8-rgb-mean", _make(RGB, segments=SEGMENTS_RGB), RGB[None]),
    ContractCase("image-float-gray-slic",
                 _make(GRAY, segmentation_fn=__import__("lime_image").SegmentationAlgorithm(
                     "slic", n_segments=12, compactness=10, start_label=0)), GRAY[None]),
    ContractCase("image-uint8-rgb-constant", _make(RGB, hide_color=(255, 0, 0), segments=SEGMENTS_RGB),
                 RGB[None]),
    ContractCase("image-uint16-rgba-blur", _make(RGBA16, fill="blur", segments=SEGMENTS_SMALL),
                 RGBA16[None]),
]
