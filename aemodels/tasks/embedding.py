"""Embedding: images → a small code → images, judged against PCA with as many components."""

from __future__ import annotations

from typing import Callable

import numpy as np

from aemodels.config import TrainConfig
from aemodels.data.datasets import SplitImages, to_float
from aemodels.data.splits import Split
from aemodels.home import home_dir
from aemodels.kinds import ModelKind, Screen, TaskName
from aemodels.models import inference
from aemodels.scoring import image_reader, latent_layers, metrics
from aemodels.scoring.evaluation import (
    IMAGE_METRIC_LIMIT,
    no_embedding_scores,
    pca_reconstruction,
    pixel_pca_of_split,
)
from aemodels.scoring.image_reader import reader_for
from aemodels.scoring.scores import Scores
from aemodels.scoring.scoresheet import DEFAULT_K
from aemodels.scoring.views import POINT_TRUST_K, EmbeddingViews
from aemodels.tasks.task import LARGE_DATA, Examples, Task


def embedding_scores(images: np.ndarray, codes: np.ndarray, reconstructions: np.ndarray, labels: np.ndarray,
                     train_codes: np.ndarray, train_labels: np.ndarray, labelled: bool, seed: int = 0) -> dict:
    """The embedding scores of held-out codes (N, D) of float images (N, H, W, C).

    ``knn_accuracy`` / ``knn1_accuracy``: 5-NN / 1-NN classifiers fitted on the training codes
    (M, D) with their labels (M,), scored on the held-out codes (None without labels);
    ``trustworthiness`` and ``continuity``: dicts keyed by k (``metrics.NEIGHBOUR_KS``).
    """
    kept = metrics.neighbours_kept(images, codes, seed=seed)
    return {
        "knn_accuracy": metrics.knn_accuracy(train_codes, train_labels, codes, labels) if labelled else None,
        "knn1_accuracy": metrics.knn_accuracy(train_codes, train_labels, codes, labels, 1) if labelled else None,
        "trustworthiness": kept["trustworthiness"],
        "continuity": kept["continuity"],
        "silhouette": metrics.silhouette(codes, labels, seed) if labelled else None,
        "reconstruction_mse": metrics.mse(images, reconstructions),
        "psnr": float(metrics.psnr(images, reconstructions).mean()),
    }


CONDITIONAL_SAMPLES = 100  # random style codes decoded per class for ``conditional_accuracy``


def conditional_accuracy(bundle, reader, classes: np.ndarray, seed: int) -> float:
    """The share of decoded images that ``reader`` (a classifier fitted on the training images'
    pixels) assigns to the class they were decoded for: ``CONDITIONAL_SAMPLES`` style codes drawn
    from the prior N(0, I), each decoded under every class in ``classes`` (the same codes for all)."""
    styles = np.random.default_rng(seed).standard_normal((CONDITIONAL_SAMPLES, bundle.config.latent_dim))
    wanted = np.repeat(classes, CONDITIONAL_SAMPLES)
    images = inference.decode(bundle, np.tile(styles, (len(classes), 1)).astype(np.float32), wanted)
    read = classes[reader.probabilities(images).argmax(axis=1)]  # the reader's columns are the classes, sorted
    return float((read == wanted).mean())


class Embedding(Task):
    name = TaskName.EMBEDDING
    screen = Screen.EMBEDDING
    baseline = "PCA with as many components as the code"
    step_budget = 1500  # a VAE on 500 images was level with PCA at 960 steps and ahead at 1,280

    def pairs(self, config: TrainConfig, clean: np.ndarray, seed: int, labels: np.ndarray | None = None) -> tuple:
        if config.kind.conditional:
            from aemodels.models.conditional import one_hot

            return ((clean, one_hot(labels)),)
        return (clean,) if config.kind.adds_own_loss else (clean, clean)

    def assemble(self, config, image_shape):
        from aemodels.models import architectures

        return architectures.embedding_model(config, image_shape)

    def loss(self, kind: ModelKind) -> str | None:
        return None if kind.adds_own_loss else "binary_crossentropy"

    def loss_measured(self, kind: ModelKind) -> str | None:
        return "binary_crossentropy" if kind.adversarial else self.loss(kind)

    def learning_rate(self, kind: ModelKind, train_images: int) -> float:
        """2e-3 for the convolutional VAE (architecture 2, mnist-10k, 30 epochs, seed 0: 5-NN .731
        against .681 at 1e-3; architecture 1 had done better at 1e-3 on large data, .622 against
        .572); 3e-3 for the other conv kinds and for everything on large data (conv-ae .667 against
        .635 at 2e-3 with architecture 1, .759 with architecture 2), 2e-3 otherwise."""
        if kind.variational and kind.layout == "conv":
            return 2e-3
        if kind.layout == "conv" or train_images >= LARGE_DATA:
            return 3e-3
        return 2e-3

    def score(self, bundle, split: SplitImages, labelled: bool) -> tuple[dict, EmbeddingViews]:
        """The model's codes and PCA's, each scored by ``embedding_scores``; the model's codes also
        by how far they are from the standard normal prior (``prior_mmd``), and a VAE adds its
        negative ELBO and its two terms (rate and distortion, nats per image); the views hold the held-out and the
        training images' maps."""
        config = bundle.config
        x_test, x_train = to_float(split.x_test), to_float(split.x_train)
        codes, train_codes = inference.encode(bundle, x_test, split.y_test), inference.encode(bundle, x_train, split.y_train)
        model = embedding_scores(x_test, codes, inference.decode(bundle, codes, split.y_test), split.y_test,
                                 train_codes, split.y_train, labelled, config.seed)
        pca = pixel_pca_of_split(config, split)
        map_codes, train_map_codes = pca.transform(x_test), pca.transform(x_train)
        baseline = embedding_scores(x_test, map_codes[:, :config.latent_dim],
                                    pca_reconstruction(pca, x_test, config.latent_dim), split.y_test,
                                    train_map_codes[:, :config.latent_dim], split.y_train, labelled, config.seed)
        model["prior_mmd"] = metrics.prior_mmd(codes, config.seed)
        result = {"model": model, "pca": baseline, "test_images": len(x_test)}
        if config.is_variational:
            scored = x_test[:IMAGE_METRIC_LIMIT]
            if config.kind.conditional:
                from aemodels.models.conditional import one_hot

                scored = (scored, one_hot(split.y_test[:IMAGE_METRIC_LIMIT]))
            total, reconstruction, kl = (float(v) for v in bundle.model.losses_of(scored))
            model.update(negative_elbo=total, distortion_nats=reconstruction, rate_nats=kl)
        reader = reader_for(Split.of(config), split, home_dir() / "cache" / "readers") if labelled else None
        if config.kind.conditional:
            model["conditional_accuracy"] = conditional_accuracy(bundle, reader, np.unique(split.y_train), config.seed)
            result["reader"] = {"name": image_reader.NAME, "held_out_accuracy": reader.accuracy}
        layers = None
        if config.latent_dim >= 2 and not config.kind.conditional:
            layers = latent_layers.measure(lambda z: inference.decode(bundle, z), codes, config.fills_prior,
                                           reader.probabilities if reader is not None else None)
            if reader is not None:
                model["nonsense_share"] = layers.nonsense_share
                result["reader"] = {"name": image_reader.NAME, "held_out_accuracy": reader.accuracy,
                                    "nonsense_below": latent_layers.NONSENSE_BELOW, "grid_side": latent_layers.SIDE}
        trust_model = metrics.pointwise_trust(x_test, codes, POINT_TRUST_K)
        trust_pca = metrics.pointwise_trust(x_test, map_codes[:, :config.latent_dim], POINT_TRUST_K)
        views = (EmbeddingViews.of(codes, map_codes, config.seed)
                 .with_training(train_codes, train_map_codes, config.seed)
                 .with_insight(trust_model, trust_pca, layers))
        return result, views

    def examples(self, bundle, clean: np.ndarray, labels: np.ndarray, config: TrainConfig, scores: Scores) -> Examples:
        from aemodels.scoring.evaluation import pixel_pca

        pca = pca_reconstruction(pixel_pca(config), clean, config.latent_dim)
        return Examples(None, "", inference.reconstruct(bundle, clean, labels), np.clip(pca, 0.0, 1.0),
                        f"PCA, {config.latent_dim} component{'s' if config.latent_dim > 1 else ''}")

    def score_elsewhere(self, bundle, split: SplitImages, own: Callable[[], SplitImages]) -> dict:
        """Reconstruction only: the model's (a conditional one told each image's class) against
        PCA's of the same code size, PCA fitted on the run's own training images, as the model was
        (both learnt from the run's data)."""
        config = bundle.config
        clean = to_float(split.x_test[:IMAGE_METRIC_LIMIT])
        output = inference.reconstruct(bundle, clean, split.y_test[:IMAGE_METRIC_LIMIT])
        pca = pca_reconstruction(pixel_pca_of_split(config, own()), clean, config.latent_dim)
        return {"model": no_embedding_scores(metrics.mse(clean, output), float(metrics.psnr(clean, output).mean())),
                "pca": no_embedding_scores(metrics.mse(clean, pca), float(metrics.psnr(clean, pca).mean())),
                "test_images": len(clean)}

    def gain_db(self, scores: Scores) -> float | None:
        """How much closer to the image the model's reconstruction is than PCA's of its code size."""
        if scores.model.psnr is None or scores.pca.psnr is None:
            return None
        return scores.model.psnr - scores.pca.psnr

    def baseline_losses(self, config: TrainConfig, scores: Scores) -> list[str]:
        """Where the codes separate the classes or keep neighbours worse than PCA's. A conditional
        kind is not judged so: it is told the class, and its codes are meant to leave it out."""
        if config.kind.conditional:
            return []
        lost = []
        for key, name, words in (("knn_accuracy", "5-NN accuracy", "separates the classes"),
                                 ("trustworthiness", f"trustworthiness at k = {DEFAULT_K}", "keeps neighbours")):
            mine, theirs = scores.model.at(key), scores.pca.at(key)
            if mine is not None and theirs is not None and mine < theirs:
                lost.append(f"{words} worse than PCA ({name} {mine:.3f} vs {theirs:.3f})")
        return lost


EMBEDDING = Embedding()
