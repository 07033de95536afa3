"""The scoring pieces the tasks share: the pixel PCA behind every embedding's baseline and maps, the
held-out images' 2-D views, and the summary entries of a model without a code.

Each task scores its own runs (``tasks.task.Task.score``); ``tasks.assessment.assess`` runs it.
"""

from __future__ import annotations

import numpy as np

from aemodels.data.datasets import Dataset, SplitImages, load_dataset, to_float
from aemodels.data.splits import Split
from aemodels.models import inference
from aemodels.scoring.projections import PCAProjection
from aemodels.scoring.views import EmbeddingViews

IMAGE_METRIC_LIMIT = 1000  # held-out images used for PSNR/SSIM curves
PCA_DENOISE_COMPONENTS = 32


def embedding_views(bundle, dataset: Dataset | None = None) -> EmbeddingViews:
    """The held-out images' 2-D views ``assess`` saves with a run, for a run saved without them
    (the training images' maps: ``with_training_maps``, when asked for)."""
    split, pca = _split_and_pca(bundle, dataset)
    x_test = to_float(split.x_test)
    return EmbeddingViews.of(inference.encode(bundle, x_test, split.y_test), pca.transform(x_test), bundle.config.seed)


def with_training_maps(bundle, views: EmbeddingViews, dataset: Dataset | None = None) -> EmbeddingViews:
    """``views`` with the training images' maps, for a run saved before they were saved."""
    split, pca = _split_and_pca(bundle, dataset)
    x_train = to_float(split.x_train)
    return views.with_training(inference.encode(bundle, x_train, split.y_train), pca.transform(x_train),
                               bundle.config.seed)


def _split_and_pca(bundle, dataset: Dataset | None) -> tuple[SplitImages, PCAProjection]:
    """The bundle's split of its dataset (loaded when not given) and the pixel PCA behind its maps."""
    config = bundle.config
    split = Split.of(config).images(dataset if dataset is not None else load_dataset(config.dataset))
    return split, pixel_pca_of_split(config, split)


def pixel_pca_of_split(config, split: SplitImages) -> PCAProjection:
    """PCA of the training pixels with the code's size, and at least two components for the map."""
    return PCAProjection(max(config.latent_dim, 2), config.seed).fit(split.x_train)


def pixel_pca(config, dataset: Dataset | None = None) -> PCAProjection:
    """The PCA baseline of a run's config: fitted on its training images, ``max(latent_dim, 2)``
    components (``pca_reconstruction`` keeps the code's size)."""
    return pixel_pca_of_split(config, Split.of(config).images(dataset))


def pca_reconstruction(pca: PCAProjection, images: np.ndarray, code_size: int) -> np.ndarray:
    """``images`` (N, H, W, C) rebuilt from their first ``code_size`` principal components: the
    linear counterpart of a code of that size. Components are orthogonal, so zeroing the others
    reconstructs from the first ``code_size`` alone."""
    codes = pca.transform(images)
    codes[:, code_size:] = 0
    return pca.inverse_transform(codes)


def no_embedding_scores(mse: float, psnr: float) -> dict:
    """The summary entries of a model without a code: its MSE and PSNR (dB), no embedding scores."""
    return {"knn_accuracy": None, "knn1_accuracy": None, "trustworthiness": None, "continuity": None,
            "silhouette": None, "reconstruction_mse": mse, "psnr": psnr}
