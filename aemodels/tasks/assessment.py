"""Score a trained model on its dataset's held-out split, against its classical counterpart: the
task's ``score``, with what every ``metrics.json`` carries."""

from __future__ import annotations

import dataclasses

from aemodels.data.datasets import Dataset, load_dataset
from aemodels.data.splits import Split
from aemodels.scoring.scoresheet import SCORES_VERSION
from aemodels.scoring.views import EmbeddingViews
from aemodels.tasks.registry import task_of


@dataclasses.dataclass(frozen=True)
class Assessment:
    """What scoring a model gives: ``metrics`` (as ``evaluate`` returns them) and, for embedding
    kinds, the 2-D ``views`` of the same held-out images (None for the other kinds)."""

    metrics: dict
    views: EmbeddingViews | None = None


def evaluate(bundle, dataset: Dataset | None = None) -> dict:
    """Metrics of ``bundle`` on the held-out split of its config's dataset (``assess().metrics``)."""
    return assess(bundle, dataset).metrics


def assess(bundle, dataset: Dataset | None = None) -> Assessment:
    """Metrics of ``bundle`` on the held-out split of its config's dataset, and its 2-D views.

    Returns ``{"model": {...}, "pca": {...}, "train_images": N, "scores_version": 2, ...}``; each
    of ``model`` and ``pca`` has ``knn_accuracy`` and ``knn1_accuracy`` (published protocol: fitted
    on the training codes, scored on the held-out ones), ``trustworthiness`` and ``continuity``
    (dicts keyed by k: "5", "10", "50"), ``silhouette`` (None where the kind has no embedding or
    the data no labels), ``reconstruction_mse`` and ``psnr`` (dB). Denoisers add
    ``denoising`` (per noise level), super-resolution adds ``superres`` (per factor).
    """
    config = bundle.config
    dataset = dataset if dataset is not None else load_dataset(config.dataset)
    # The same split the model trained on: its held-out part, and a training part limited to
    # ``train_images`` so that the PCA baseline sees exactly the images the model saw.
    split = Split.of(config).images(dataset)
    scores, views = task_of(config).score(bundle, split, dataset.is_labelled)
    scores["train_images"] = len(split.x_train)
    scores["scores_version"] = SCORES_VERSION
    return Assessment(scores, views)
