"""``limelight image``: explain an image classifier's prediction for one picture (and the image demo).

Registered as the ``image`` entry point of ``limelight.modalities``.
"""
from __future__ import annotations

import argparse
import os
from typing import Any

import numpy as np

from lime_core.cli import EXIT_INPUT, CliError, LoadedModel, explain_options

__all__ = ["command", "ImageCommand", "read_image", "orange_fur_model"]

#: The demo explains a picture scaled to this many pixels on its longer side (fast, still legible).
DEMO_SIZE = 224


def read_image(path: str, max_size: int | None = None) -> np.ndarray:
    """Read a picture as an RGB ``uint8`` array, optionally scaled down to ``max_size`` pixels.

    Raises
    ------
    CliError
        ``EXIT_INPUT`` when the file is missing or not an image pillow can read.
    """
    from PIL import Image, UnidentifiedImageError

    if not os.path.isfile(path):
        raise CliError(f"image file {path!r} does not exist.", EXIT_INPUT)
    try:
        with Image.open(path) as picture:
            picture = picture.convert("RGB")
            if max_size and max(picture.size) > max_size:
                picture.thumbnail((max_size, max_size))
            return np.asarray(picture)
    except (OSError, UnidentifiedImageError) as exc:
        raise CliError(f"cannot read {path!r} as an image: {exc}", EXIT_INPUT) from exc


def orange_fur_model(batch: np.ndarray) -> np.ndarray:
    """The demo's black box: P("orange cat") grows with the share of orange-fur pixels.

    Parameters
    ----------
    batch : ndarray of shape (n, H, W, 3), uint8

    Returns
    -------
    ndarray of shape (n, 2)
        Columns "something else", "orange cat".

    Examples
    --------
    >>> orange = np.zeros((1, 4, 4, 3), dtype=np.uint8); orange[...] = (200, 120, 60)
    >>> bool(orange_fur_model(orange)[0, 1] > 0.9)
    True
    """
    rgb = np.asarray(batch, dtype=np.float32)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    fur = (r > g) & (g > b) & (r - b > 50)
    share = fur.mean(axis=(1, 2))
    p = 1.0 / (1.0 + np.exp(-12.0 * (share - 0.2)))
    return np.column_stack([1.0 - p, p])


class ImageCommand:
    """``limelight image --model M --image photo.png``."""

    name = "image"
    help = "explain an image classifier's prediction for one picture"
    description = ("Explain the model's prediction for one picture: which superpixels push it towards "
                   "the predicted class. The model takes a batch of RGB uint8 images of shape "
                   "(n, H, W, 3).")

    def add_arguments(self, parser: Any) -> None:
        """Add ``--image``, ``--max-size`` and ``--hide-color``."""
        parser.add_argument("--image", required=True, metavar="PATH", help="the picture (PNG, JPEG, ...)")
        parser.add_argument("--max-size", type=int, default=None, metavar="PIXELS",
                            help="scale the picture down to this many pixels on its longer side first")
        parser.add_argument("--hide-color", type=int, default=None, metavar="V",
                            help="fill hidden superpixels with this grey level (default: their mean colour)")

    def run(self, args: argparse.Namespace, model: LoadedModel) -> list[tuple[str, Any]]:
        """Explain the picture with ``model``."""
        from lime_image import LimeImageExplainer

        image = read_image(args.image, args.max_size)
        explainer = LimeImageExplainer(random_state=args.random_state)
        options = explain_options(args, model)
        explanation = explainer.explain_instance(image, model.predict_fn, hide_color=args.hide_color,
                                                 **options)
        if model.class_names and explanation.class_names is None:
            explanation = explanation.replace(class_names=list(model.class_names))
        return [(os.path.basename(args.image), explanation)]

    def demo(self, random_state: int = 0) -> list[tuple[str, Any]]:
        """Chelsea the cat (scikit-image) and a transparent orange-fur detector."""
        from PIL import Image
        from skimage import data

        from lime_image import LimeImageExplainer

        picture = Image.fromarray(data.chelsea())
        picture.thumbnail((DEMO_SIZE, DEMO_SIZE))
        image = np.asarray(picture)
        explainer = LimeImageExplainer(random_state=random_state)
        explanation = explainer.explain_instance(image, orange_fur_model, top_labels=1, hide_color=0,
                                                 num_features=10, num_samples=1000)
        explanation = explanation.replace(class_names=["something else", "orange cat"])
        return [("Chelsea the cat (orange-fur detector)", explanation)]


#: The object the ``image`` entry point names.
command = ImageCommand()
