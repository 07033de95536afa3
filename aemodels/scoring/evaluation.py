"""Score a trained model on its dataset's held-out split, against its classical counterpart.

Embedding kinds are compared with PCA at the same code size; the denoiser with the best of four
classical filter families, each at its setting chosen on training images (``baselines``); the
super-resolution model with the better of bicubic and Lanczos interpolation. Every result is a
plain JSON-ready dict.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from aemodels.data.corruption import add_noise
from aemodels.data.datasets import Dataset, SplitImages, load_dataset, to_float
from aemodels.data.splits import Split
from aemodels.kinds import Task
from aemodels.models import inference
from aemodels.scoring import baselines, metrics
from aemodels.scoring.projections import PCAProjection
from aemodels.scoring.scoresheet import SCORES_VERSION
from aemodels.scoring.views import EmbeddingViews

IMAGE_METRIC_LIMIT = 1000  # held-out images used for PSNR/SSIM curves
NOISE_LEVELS = (0.1, 0.2, 0.3, 0.4, 0.5)
REPORT_NOISE_LEVEL = 0.3
PCA_DENOISE_COMPONENTS = 32


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
    views = None
    if config.kind.task is Task.EMBEDDING:
        scores, views = _evaluate_embedding(bundle, split, dataset.is_labelled)
    elif config.kind.task is Task.DENOISING:
        scores = _evaluate_denoiser(bundle, split)
    else:
        scores = _evaluate_superres(bundle, split)
    scores["train_images"] = len(split.x_train)
    scores["scores_version"] = SCORES_VERSION
    return Assessment(scores, views)


def embedding_views(bundle, dataset: Dataset | None = None) -> EmbeddingViews:
    """The held-out images' 2-D views ``assess`` saves with a run, for a run saved without them
    (the training images' maps: ``with_training_maps``, when asked for)."""
    split, pca = _split_and_pca(bundle, dataset)
    x_test = to_float(split.x_test)
    return EmbeddingViews.of(inference.encode(bundle, x_test), pca.transform(x_test), bundle.config.seed)


def with_training_maps(bundle, views: EmbeddingViews, dataset: Dataset | None = None) -> EmbeddingViews:
    """``views`` with the training images' maps, for a run saved before they were saved."""
    split, pca = _split_and_pca(bundle, dataset)
    x_train = to_float(split.x_train)
    return views.with_training(inference.encode(bundle, x_train), pca.transform(x_train), bundle.config.seed)


def _split_and_pca(bundle, dataset: Dataset | None) -> tuple[SplitImages, PCAProjection]:
    """The bundle's split of its dataset (loaded when not given) and the pixel PCA behind its maps."""
    config = bundle.config
    split = Split.of(config).images(dataset if dataset is not None else load_dataset(config.dataset))
    return split, _pixel_pca(config, split)


def _pixel_pca(config, split) -> PCAProjection:
    """PCA of the training pixels with the code's size, and at least two components for the map."""
    return PCAProjection(max(config.latent_dim, 2), config.seed).fit(split.x_train)


def pixel_pca(config, dataset: Dataset | None = None) -> PCAProjection:
    """The PCA baseline of a run's config: fitted on its training images, ``max(latent_dim, 2)``
    components (``pca_reconstruction`` keeps the code's size)."""
    return _pixel_pca(config, Split.of(config).images(dataset))


def pca_reconstruction(pca: PCAProjection, images: np.ndarray, code_size: int) -> np.ndarray:
    """``images`` (N, H, W, C) rebuilt from their first ``code_size`` principal components: the
    linear counterpart of a code of that size. Components are orthogonal, so zeroing the others
    reconstructs from the first ``code_size`` alone."""
    codes = pca.transform(images)
    codes[:, code_size:] = 0
    return pca.inverse_transform(codes)


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


def _evaluate_embedding(bundle, split, labelled: bool) -> tuple[dict, EmbeddingViews]:
    config = bundle.config
    x_test, x_train = to_float(split.x_test), to_float(split.x_train)
    codes, train_codes = inference.encode(bundle, x_test), inference.encode(bundle, x_train)
    model = embedding_scores(x_test, codes, inference.decode(bundle, codes), split.y_test,
                             train_codes, split.y_train, labelled, config.seed)
    pca = _pixel_pca(config, split)
    map_codes, train_map_codes = pca.transform(x_test), pca.transform(x_train)
    pca_codes = map_codes[:, :config.latent_dim]
    baseline = embedding_scores(x_test, pca_codes, pca_reconstruction(pca, x_test, config.latent_dim), split.y_test,
                                train_map_codes[:, :config.latent_dim], split.y_train, labelled, config.seed)
    result = {"model": model, "pca": baseline, "test_images": len(x_test)}
    if config.is_variational:
        total, reconstruction, kl = (float(v) for v in bundle.model.losses_of(x_test[:IMAGE_METRIC_LIMIT]))
        result["model"]["negative_elbo"] = total
        result["model"]["reconstruction_nats"] = reconstruction
        result["model"]["kl_nats"] = kl
    views = EmbeddingViews.of(codes, map_codes, config.seed).with_training(train_codes, train_map_codes, config.seed)
    return result, views


def _no_embedding(mse: float, psnr: float) -> dict:
    return {"knn_accuracy": None, "knn1_accuracy": None, "trustworthiness": None, "continuity": None,
            "silhouette": None, "reconstruction_mse": mse, "psnr": psnr}


def denoising_scores(bundle, clean: np.ndarray, validation: np.ndarray | None, kind: str, level: float,
                     seed: int = 0, pca: PCAProjection | None = None,
                     chosen: dict[str, baselines.Filter] | None = None) -> dict:
    """PSNR (dB) and SSIM of the model, of every classical family and of the noisy input, at one level.

    ``clean`` are the float32 images scored (N, H, W, C); ``validation`` clean training-split images
    on which each family's setting is chosen (``baselines.choose``), unless ``chosen`` gives the
    choice already made on them (family → filter). Returns ``level``,
    ``noisy_psnr``, ``model_psnr``, ``model_ssim``, ``filters`` (family → ``setting``, ``psnr``,
    ``ssim``) and ``filter``, ``filter_psnr``, ``filter_ssim`` of the best family here (the
    baseline's best case: the family is picked on these images), plus ``pca_psnr`` given ``pca``.
    """
    noisy = add_noise(clean, kind, level, seed)
    denoised = inference.reconstruct(bundle, noisy)
    filters = {}
    if chosen is None:
        chosen = baselines.choose(validation, kind, level, seed)
    for family, candidate in chosen.items():
        filtered = candidate.apply(noisy, level)
        filters[family] = {"setting": candidate.setting, "psnr": float(metrics.psnr(clean, filtered).mean()),
                           "ssim": float(metrics.ssim(clean, filtered).mean())}
    best = max(filters, key=lambda family: filters[family]["psnr"])
    scores = {
        "level": level,
        "noisy_psnr": float(metrics.psnr(clean, noisy).mean()),
        "model_psnr": float(metrics.psnr(clean, denoised).mean()),
        "model_ssim": float(metrics.ssim(clean, denoised).mean()),
        "filters": filters,
        "filter": f"{best} {filters[best]['setting']}",
        "filter_psnr": filters[best]["psnr"],
        "filter_ssim": filters[best]["ssim"],
    }
    if pca is not None:
        scores["pca_psnr"] = float(metrics.psnr(clean, pca.inverse_transform(pca.transform(noisy))).mean())
    return scores


def _evaluate_denoiser(bundle, split) -> dict:
    config = bundle.config
    clean = to_float(split.x_test[:IMAGE_METRIC_LIMIT])
    pca = PCAProjection(PCA_DENOISE_COMPONENTS, config.seed).fit(split.x_train)
    validation = to_float(split.x_train[-baselines.VALIDATION_IMAGES:])
    curve = [denoising_scores(bundle, clean, validation, config.noise_kind, level, config.seed, pca)
             for level in NOISE_LEVELS]
    at = next(c for c in curve if abs(c["level"] - REPORT_NOISE_LEVEL) < 1e-9)
    noisy = add_noise(clean, config.noise_kind, REPORT_NOISE_LEVEL, config.seed)
    model_mse = metrics.mse(clean, inference.reconstruct(bundle, noisy))
    pca_mse = metrics.mse(clean, pca.inverse_transform(pca.transform(noisy)))
    return {
        "model": _no_embedding(model_mse, at["model_psnr"]),
        "pca": _no_embedding(pca_mse, at["pca_psnr"]),
        "denoising": {"kind": config.noise_kind, "report_level": REPORT_NOISE_LEVEL, "curve": curve,
                      "filters_compared": list(baselines.FAMILIES)},
        "test_images": len(clean),
    }


UPSCALERS = ("nearest", "bicubic", "lanczos")  # the classical views of ``inference.super_resolve``


def superres_scores(bundle, clean: np.ndarray, factor: int) -> dict:
    """Mean PSNR (dB) at ``factor`` of each classical upscaler and of the model: ``nearest_psnr``,
    ``bicubic_psnr``, ``lanczos_psnr``, ``model_psnr``; ``classical_psnr`` is the best of the
    classical ones and ``classical`` its name."""
    views = inference.super_resolve(bundle, clean, factor)
    scores = {"factor": factor, **{f"{name}_psnr": float(metrics.psnr(clean, views[name]).mean())
                                   for name in (*UPSCALERS, "model")}}
    best = max(UPSCALERS, key=lambda name: scores[f"{name}_psnr"])
    return {**scores, "classical": best, "classical_psnr": scores[f"{best}_psnr"]}


def _evaluate_superres(bundle, split) -> dict:
    config = bundle.config
    clean = to_float(split.x_test[:IMAGE_METRIC_LIMIT])
    per_factor = [superres_scores(bundle, clean, f) for f in sorted(config.upscale_factors)]
    # The summary entries are at the middle factor; "pca" is PCA's projection of the bicubic
    # image (a linear prior learnt from the training images), the linear counterpart.
    factor = sorted(config.upscale_factors)[len(config.upscale_factors) // 2]
    views = inference.super_resolve(bundle, clean, factor)
    pca = PCAProjection(PCA_DENOISE_COMPONENTS, config.seed).fit(split.x_train)
    pca_output = pca.inverse_transform(pca.transform(views["bicubic"]))
    return {
        "model": _no_embedding(metrics.mse(clean, views["model"]), float(metrics.psnr(clean, views["model"]).mean())),
        "pca": _no_embedding(metrics.mse(clean, pca_output), float(metrics.psnr(clean, pca_output).mean())),
        "superres": {
            "summary_factor": factor,
            "factors": per_factor,
            # Against the best classical upscaler at each factor (Lanczos, as measured so far).
            "gain_db": float(np.mean([s["model_psnr"] - s["classical_psnr"] for s in per_factor])),
        },
        "test_images": len(clean),
    }
