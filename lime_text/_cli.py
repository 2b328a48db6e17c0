"""``limelight text``: explain a text classifier's prediction for one text (and the text demo).

Registered as the ``text`` entry point of ``limelight.modalities``.
"""
from __future__ import annotations

import argparse
import os
from typing import Any

from lime_core.cli import EXIT_INPUT, EXIT_USAGE, CliError, LoadedModel, explain_options

__all__ = ["command", "TextCommand"]

#: Reviews used to train the demo's classifier; the rest are held out.
DEMO_TRAIN_FRACTION = 0.8


def _read_text(args: argparse.Namespace) -> str:
    if args.text is not None:
        return args.text
    path = args.text_file
    if not os.path.isfile(path):
        raise CliError(f"text file {path!r} does not exist.", EXIT_INPUT)
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {path!r} as UTF-8 text: {exc}", EXIT_INPUT) from exc


def _as_lists(model: LoadedModel) -> Any:
    """scikit-learn text pipelines take a list of strings, not a numpy array of them."""
    def predict(texts: Any) -> Any:
        return model.predict_fn(list(texts))
    return predict


class TextCommand:
    """``limelight text --model M --text "..."``."""

    name = "text"
    help = "explain a text classifier's prediction for one text"
    description = ("Explain the model's prediction for one text: which words push it towards the "
                   "predicted class. The model takes a list of strings (e.g. a scikit-learn pipeline "
                   "of TfidfVectorizer and a classifier).")

    def add_arguments(self, parser: Any) -> None:
        """Add ``--text`` / ``--text-file`` and ``--char-level``."""
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--text", default=None, help="the text to explain")
        source.add_argument("--text-file", default=None, metavar="PATH", help="read the text from a UTF-8 file")
        parser.add_argument("--char-level", action="store_true",
                            help="explain characters instead of words")

    def run(self, args: argparse.Namespace, model: LoadedModel) -> list[tuple[str, Any]]:
        """Explain the text with ``model``."""
        from lime_text import LimeTextExplainer

        text = _read_text(args)
        if not text.strip():
            raise CliError("the text to explain is empty.", EXIT_USAGE)
        explainer = LimeTextExplainer(class_names=model.class_names, char_level=args.char_level,
                                      random_state=args.random_state)
        explanation = explainer.explain_instance(text, _as_lists(model), **explain_options(args, model))
        caption = "text" if args.text is not None else os.path.basename(args.text_file)
        return [(caption, explanation)]

    def demo(self, random_state: int = 0) -> list[tuple[str, Any]]:
        """Movie reviews, TF-IDF and logistic regression: explain one held-out review."""
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        from lime_text import LimeTextExplainer
        from lime_text.datasets import load_movie_reviews

        texts, target = load_movie_reviews()
        order = np.random.default_rng(random_state).permutation(len(texts))
        cut = int(DEMO_TRAIN_FRACTION * len(texts))
        train, test = order[:cut], order[cut:]
        pipeline = make_pipeline(TfidfVectorizer(min_df=2, sublinear_tf=True),
                                 LogisticRegression(C=10, max_iter=1000))
        pipeline.fit([texts[i] for i in train], target[train])
        lengths = np.array([len(texts[i]) for i in test])
        pick = int(test[np.argsort(lengths, kind="stable")[len(test) // 2]])  # a review of median length
        names = [str(c) for c in pipeline.classes_]
        explainer = LimeTextExplainer(class_names=names, random_state=random_state)
        explanation = explainer.explain_instance(texts[pick], lambda batch: pipeline.predict_proba(list(batch)),
                                                 num_features=8, top_labels=1)
        return [(f"Movie review {pick} (TF-IDF + logistic regression)", explanation)]


#: The object the ``text`` entry point names.
command = TextCommand()
