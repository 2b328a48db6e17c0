import numpy as np
import pytest
import skimage.data
from skimage.transform import resize

from lime_image import SegmentationAlgorithm


@pytest.fixture(scope="session")
def small_cat():
    """chelsea at 1/4 size (75 x 113 RGB uint8)."""
    image = resize(skimage.data.chelsea(), (75, 113), anti_aliasing=True, preserve_range=True)
    return np.rint(image).astype(np.uint8)


@pytest.fixture(scope="session")
def slic40():
    return SegmentationAlgorithm("slic", n_segments=40, compactness=10, start_label=0)


def grid_segments(height, width, cell):
    """Square superpixels of ``cell`` pixels, labelled row by row."""
    rows, cols = np.arange(height) // cell, np.arange(width) // cell
    return rows[:, None] * (cols.max() + 1) + cols[None, :]
