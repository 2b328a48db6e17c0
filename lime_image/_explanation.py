"""The result of an image explanation: lime's ``ImageExplanation`` as a :class:`lime_core.Explanation`."""
from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np

from lime_core import Explanation, FeatureNamesMapper

__all__ = ["ImageExplanation"]


def _superpixel_names(segments: np.ndarray) -> list[str]:
    num = int(segments.max()) + 1 if segments.size else 0
    return [f"superpixel {i}" for i in range(num)]


class ImageExplanation(Explanation):
    """Superpixel weights of one explained image (lime's ``ImageExplanation``).

    It is a :class:`lime_core.Explanation` (frozen, comparable, JSON
    round-trip) whose ``extras`` hold ``image`` (the image as given),
    ``segments`` (the superpixel of each pixel; label ``i`` is feature ``i``)
    and ``modality='image'``. Feature ids in ``local_exp`` are superpixel labels.

    Parameters
    ----------
    image : ndarray of shape (H, W) or (H, W, C)
    segments : ndarray of shape (H, W) of int
    domain_mapper, mode, class_names, random_state, **values
        Keyword-only; as :class:`lime_core.Explanation` (``local_exp``,
        ``intercept``, ``score``, ``local_pred``, ``top_labels``, ...). lime's
        constructor ``ImageExplanation(image, segments)`` gives an empty one.

    Attributes
    ----------
    image, segments : ndarray
        Views of ``extras["image"]`` and ``extras["segments"]``.

    Examples
    --------
    >>> image = np.zeros((2, 4), dtype=np.uint8) + 9
    >>> segments = np.array([[0, 0, 1, 1], [0, 0, 1, 1]])
    >>> exp = ImageExplanation(image, segments, local_exp={1: [(1, 0.5), (0, -0.2)]})
    >>> exp.get_image_and_mask(1)[1].tolist()
    [[0, 0, 1, 1], [0, 0, 1, 1]]
    >>> ImageExplanation.from_json(exp.to_json()) == exp
    True
    """

    def __init__(self, image: Any, segments: Any, *, domain_mapper: Any = None,
                 mode: str = "classification", class_names: list[str] | None = None,
                 random_state: int | None = None, **values: Any) -> None:
        image = np.asarray(image)
        segments = np.asarray(segments)
        extras = dict(values.pop("extras", None) or {})
        extras.update(image=image, segments=segments, modality="image")
        if domain_mapper is None:
            domain_mapper = FeatureNamesMapper(_superpixel_names(segments))
        Explanation.__init__(self, domain_mapper, mode, class_names, random_state,  # type: ignore[misc]
                             extras=extras, **values)

    @property
    def image(self) -> np.ndarray:
        """The explained image, as given (lime's ``image``)."""
        return self.extras["image"]

    @property
    def segments(self) -> np.ndarray:
        """The superpixel of each pixel (lime's ``segments``)."""
        return self.extras["segments"]

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_explanation(cls, explanation: Explanation) -> ImageExplanation:
        """An :class:`ImageExplanation` with the fields of ``explanation`` (whose extras hold the image).

        Raises
        ------
        ValueError
            When ``explanation.extras`` has no ``image`` or ``segments``.
        """
        extras = dict(explanation.extras)
        missing = [k for k in ("image", "segments") if k not in extras]
        if missing:
            raise ValueError(f"explanation.extras lacks {missing}: not an image explanation.")
        values = {f.name: getattr(explanation, f.name) for f in fields(explanation)
                  if f.init and f.name not in ("domain_mapper", "mode", "class_names", "random_state")}
        values["extras"] = extras
        return cls(extras["image"], extras["segments"], domain_mapper=explanation.domain_mapper,
                   mode=explanation.mode, class_names=explanation.class_names,
                   random_state=explanation.random_state, **values)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImageExplanation:
        """Rebuild an image explanation from :meth:`to_dict` output."""
        return cls.from_explanation(Explanation.from_dict(data))

    def replace(self, **changes: Any) -> ImageExplanation:
        """A copy with some fields changed (the explanation itself is frozen)."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.init}
        values.update(changes)
        base = Explanation(values.pop("domain_mapper"), values.pop("mode"), values.pop("class_names"),
                           values.pop("random_state"), **values)
        return type(self).from_explanation(base)

    # ------------------------------------------------------------------ lime's view
    def get_image_and_mask(self, label: int, positive_only: bool = True, negative_only: bool = False,
                           hide_rest: bool = False, num_features: int = 5,
                           min_weight: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """The image with the explanation's superpixels, and their mask (lime's method).

        Parameters
        ----------
        label : int
            Label to show.
        positive_only : bool, default=True
            Only superpixels whose weight is > ``min_weight``.
        negative_only : bool, default=False
            Only superpixels whose weight is < ``-min_weight``. With both False,
            the top ``num_features`` by ``|weight|`` (at least ``min_weight``):
            positive ones tinted green, negative ones red, mask +1 / -1.
        hide_rest : bool, default=False
            Zero the pixels of every other superpixel.
        num_features : int, default=5
            At most this many superpixels.
        min_weight : float, default=0.0

        Returns
        -------
        image : ndarray
            Same dtype as the explained image (lime returned float64 zeros when
            ``hide_rest``, which ``imshow`` shows wrongly for uint8 pictures).
            RGB when both signs are shown on a grayscale image.
        mask : ndarray of shape (H, W)
            For :func:`skimage.segmentation.mark_boundaries`.

        Raises
        ------
        KeyError
            When ``label`` was not explained.
        ValueError
            When ``positive_only`` and ``negative_only`` are both True.
        """
        if label not in self.local_exp:
            raise KeyError(f"Label not in explanation: label {label} was not explained "
                           f"(explained: {list(self.local_exp)}).")
        if positive_only and negative_only:
            raise ValueError("Positive_only and negative_only cannot be true at the same time.")
        segments, image = self.segments, self.image
        exp = self.local_exp[label]
        temp = np.zeros_like(image) if hide_rest else image.copy()
        lookup = np.zeros(int(segments.max()) + 1, dtype=segments.dtype)
        if positive_only or negative_only:
            if positive_only:
                chosen = [f for f, w in exp if w > 0 and w > min_weight][:num_features]
            else:
                chosen = [f for f, w in exp if w < 0 and abs(w) > min_weight][:num_features]
            lookup[np.asarray(chosen, dtype=int)] = 1
            mask = lookup[segments]
            shown = mask != 0
            temp[shown] = image[shown]
            return temp, mask
        for f, w in exp[:num_features]:
            if abs(w) >= min_weight:
                lookup[f] = -1 if w < 0 else 1
        mask = lookup[segments]
        shown = mask != 0
        temp[shown] = image[shown]
        if temp.ndim == 2 or temp.shape[2] < 2:
            temp = np.repeat(temp.reshape(temp.shape[:2] + (1,)), 3, axis=2)
        top = np.max(image)
        temp[mask < 0, 0] = top
        temp[mask > 0, 1] = top
        return temp, mask

    # ------------------------------------------------------------------ overlays
    def heatmap(self, label: int, **kwargs: Any) -> Any:
        """The image with each superpixel tinted by its weight (a PIL image).

        See :func:`lime_image.heatmap_overlay` for the options.
        """
        from ._overlay import heatmap_overlay
        return heatmap_overlay(self, label, **kwargs)

    def boundaries(self, label: int | None = None, **kwargs: Any) -> Any:
        """The image with superpixel boundaries drawn (a PIL image).

        See :func:`lime_image.boundary_overlay` for the options.
        """
        from ._overlay import boundary_overlay
        return boundary_overlay(self, label, **kwargs)

    def save_overlay(self, path: Any, label: int | None = None, kind: str = "heatmap",
                     **kwargs: Any) -> None:
        """Save the ``'heatmap'`` or ``'boundaries'`` overlay of ``label`` as a PNG file."""
        from ._overlay import save_png
        if kind not in ("heatmap", "boundaries"):
            raise ValueError(f"The 'kind' parameter of ImageExplanation.save_overlay must be "
                             f"'heatmap' or 'boundaries'; got {kind!r}.")
        if kind == "heatmap":
            if label is None:
                raise ValueError("ImageExplanation.save_overlay: kind='heatmap' needs a label.")
            picture = self.heatmap(label, **kwargs)
        else:
            picture = self.boundaries(label, **kwargs)
        save_png(picture, path)
