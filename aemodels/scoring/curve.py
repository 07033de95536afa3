"""Is an autoencoder better than PCA? Reconstruction error and kNN accuracy against code size.

The classic figure (Hinton & Salakhutdinov 2006: at 30 numbers a deep autoencoder's error is 3.00
against PCA's 13.87), on the same held-out images: PCA is computed for every size, the
autoencoders come from runs in the store, one run per code size (``sweep`` trains the missing ones).
"""

from __future__ import annotations

import dataclasses

from aemodels.config import TrainConfig
from aemodels.data.datasets import Dataset, to_float

SWEEP_SIZES = (2, 4, 8, 16, 32)


@dataclasses.dataclass(frozen=True)
class CurvePoint:
    """One code size's scores on the held-out images: reconstruction MSE (pixels in [0, 1]) and
    5-NN accuracy (published protocol; None without labels); ``run_id`` of a model's point."""

    code_size: int
    reconstruction_mse: float
    knn_accuracy: float | None
    run_id: str | None = None


def sweep_config(config: TrainConfig, code_size: int) -> TrainConfig:
    """``config`` at another code size, the plain model with a flat code (a sweep compares the
    plain kinds; a shaped code's size is fixed by its shape)."""
    return config.replace(latent_dim=code_size, neighbour_weight=0.0, code_shape="")


def pca_curve(config: TrainConfig, dataset: Dataset, sizes: tuple[int, ...] = SWEEP_SIZES) -> list[CurvePoint]:
    """PCA at each of ``sizes`` components, fitted once on ``config``'s training images and
    scored on its held-out images, as ``evaluation`` scores PCA beside a run."""
    from aemodels.data.splits import Split
    from aemodels.scoring import metrics
    from aemodels.scoring.evaluation import pca_reconstruction
    from aemodels.scoring.projections import PCAProjection

    split = Split.of(config).images(dataset)
    x_test = to_float(split.x_test)
    usable = [size for size in sizes if size <= min(len(split.x_train), x_test[0].size)]
    pca = PCAProjection(max(usable), config.seed).fit(split.x_train)
    train_codes, test_codes = pca.transform(split.x_train), pca.transform(x_test)
    points = []
    for size in usable:
        knn = (metrics.knn_accuracy(train_codes[:, :size], split.y_train, test_codes[:, :size], split.y_test)
               if dataset.is_labelled else None)
        points.append(CurvePoint(size, metrics.mse(x_test, pca_reconstruction(pca, x_test, size)), knn))
    return points


def model_curve(infos, config: TrainConfig) -> list[CurvePoint]:
    """The sound runs of ``infos`` (``RunInfo``) that are ``config`` at some code size (plain
    model, same data, seed and training settings), the newest per size, by size."""
    newest: dict[int, CurvePoint] = {}
    for info in sorted((i for i in infos if i.broken is None), key=lambda i: i.created):
        if info.config == sweep_config(config, info.config.latent_dim):
            model = info.scores.model
            if model.reconstruction_mse is not None:
                newest[info.config.latent_dim] = CurvePoint(info.config.latent_dim, model.reconstruction_mse,
                                                            model.knn_accuracy, info.run_id)
    return [newest[size] for size in sorted(newest)]


def missing_sizes(points: list[CurvePoint], sizes: tuple[int, ...] = SWEEP_SIZES) -> list[int]:
    """The sizes of ``sizes`` with no point yet."""
    have = {point.code_size for point in points}
    return [size for size in sizes if size not in have]


def ratio_text(model: list[CurvePoint], pca: list[CurvePoint]) -> str:
    """One sentence: at the largest size both have, the model's error as a share of PCA's."""
    by_size = {point.code_size: point for point in pca}
    shared = [point for point in model if point.code_size in by_size]
    if not shared:
        return ""
    point = shared[-1]
    ratio = point.reconstruction_mse / max(by_size[point.code_size].reconstruction_mse, 1e-12)
    return (f"At {point.code_size} numbers the model's reconstruction error is {ratio:.0%} of PCA's "
            f"({point.reconstruction_mse:.4f} against {by_size[point.code_size].reconstruction_mse:.4f}).")
