"""Explanations of every modality made through lime_core.explain with toy representations.

They follow the extras conventions of the plugins, so the report and its browser
test need no plugin.
"""
from __future__ import annotations

import numpy as np

import lime_core

HOSTILE_FEATURE = "<script>window.__pwned = 1; alert(1)</script>"
HOSTILE_CLASS = '<img src=x onerror="window.__pwned = 2">'
HOSTILE_VALUE = "<svg onload=\"window.__pwned = 3\">"


class Masks:
    """Interpretable feature j keeps input j; hidden inputs become ``fill``."""

    def __init__(self, x: np.ndarray, feature_names: list[str], fill: float = 0.0) -> None:
        self.x = np.asarray(x, dtype=float)
        self.feature_names = feature_names
        self.fill = fill

    def to_model_input(self, z: np.ndarray, rng=None) -> np.ndarray:
        return np.where(np.asarray(z, dtype=bool), self.x, self.fill)

    def sample(self, num_samples: int, rng: np.random.Generator) -> lime_core.Neighborhood:
        z = rng.integers(0, 2, size=(num_samples, len(self.x))).astype(float)
        z[0] = 1
        d = np.sqrt((1 - z).sum(axis=1) / len(self.x))
        return lime_core.Neighborhood(z, d, lambda a, b: self.to_model_input(z[a:b]))


def _sigmoid(t: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-t))


def tabular_explanation(hostile: bool = True) -> lime_core.Explanation:
    names = ["mean radius <= 13.10", "texture > 21.5", "smoothness=high", "area <= 551.0",
             HOSTILE_FEATURE if hostile else "symmetry > 0.2", "age <= 40"]
    values = ["12.40", "23.10", HOSTILE_VALUE if hostile else "high", "480.2", "0.25", "37"]
    coef = np.array([1.2, -0.8, 0.5, 0.9, -0.3, 0.05])
    predict = lambda X: (lambda p: np.column_stack([1 - p, p]))(_sigmoid(X @ coef - 0.6))
    rep = Masks(np.ones(6), names)
    return lime_core.explain(rep, predict, num_samples=400, num_features=6, random_state=0,
                             class_names=["benign", HOSTILE_CLASS if hostile else "malignant"],
                             extras={"modality": "tabular", "feature_values": values})


def text_explanation(hostile: bool = True) -> lime_core.Explanation:
    text = ("A wonderful film <b>with</b> a terrible ending & great acting."
            if hostile else "A wonderful film with a terrible ending and great acting.")
    words, spans = [], {}
    for start, end, word in _words(text):
        if word not in words:
            words.append(word)
            spans[len(words) - 1] = []
        spans[words.index(word)].append([start, end])
    good = {"wonderful": 2.0, "great": 1.5, "terrible": -2.5}
    coef = np.array([good.get(w, 0.0) for w in words])
    predict = lambda X: (lambda p: np.column_stack([1 - p, p]))(_sigmoid(X @ coef - 0.5))
    return lime_core.explain(Masks(np.ones(len(words)), words), predict, num_samples=400,
                             num_features=6, random_state=0, kernel_width=25.0,
                             class_names=["negative", "positive"],
                             extras={"modality": "text", "text": text, "spans": spans})


def _words(text: str):
    import re
    for match in re.finditer(r"\w+", text):
        yield match.start(), match.end(), match.group()


class _Superpixels(Masks):
    def __init__(self, image: np.ndarray, segments: np.ndarray) -> None:
        self.image, self.segments = image, segments
        n = int(segments.max()) + 1
        super().__init__(np.ones(n), [str(i) for i in range(n)])

    def to_model_input(self, z, rng=None):
        keep = np.asarray(z, dtype=bool)[:, self.segments]
        return np.where(keep[..., None], self.image[None], 0.5)


def image_explanation() -> lime_core.Explanation:
    """A 48x64 picture in 12 square superpixels; the model looks for red in the top-left."""
    rng = np.random.default_rng(0)
    image = rng.uniform(0.2, 0.6, size=(48, 64, 3))
    image[:16, :16] = [0.9, 0.1, 0.1]
    segments = (np.arange(48)[:, None] // 16) * 4 + np.arange(64)[None, :] // 16
    predict = lambda batch: (lambda p: np.column_stack([1 - p, p]))(
        _sigmoid(8 * (batch[:, :, :, 0].mean(axis=(1, 2)) - batch[:, :, :, 1].mean(axis=(1, 2)) - 0.2)))
    return lime_core.explain(_Superpixels(image, segments), predict, num_samples=300, num_features=5,
                             kernel_width=0.25, random_state=0, class_names=["other", "red corner"],
                             extras={"modality": "image", "image": image, "segments": segments})


def regression_explanation() -> lime_core.Explanation:
    predict = lambda X: X @ np.array([3.0, -1.0, 0.5]) + 10
    return lime_core.explain(Masks(np.ones(3), ["rooms", "distance", "age"]), predict,
                             mode="regression", num_samples=200, random_state=0,
                             extras={"modality": "tabular", "feature_values": ["6", "2.5 km", "40"]})
