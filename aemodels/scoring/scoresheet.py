"""What a run's ``metrics.json`` scores mean, across versions of this app.

Version 2 scores an embedding by the published protocol: ``knn_accuracy`` is a 5-NN
classifier fitted on the *training* codes and scored on the held-out codes (``knn1_accuracy`` the
same with 1 neighbour), and ``trustworthiness`` and ``continuity`` are objects keyed by k
(``{"5": ..., "10": ..., "50": ...}``). Version 1 runs had a 5-fold cross-validated kNN on the
held-out codes and one trustworthiness at k = 10: ``upgrade`` renames the first
``knn_cv_accuracy`` (so it is never compared with the new figure) and keys the second by "10".

Version 3 makes the image-to-image baselines strong: a denoiser is compared with the
best of Gaussian, median, non-local means and total variation, each at its setting chosen on
training images (``denoising.filters_compared`` lists them), and SSIM is scikit-image's (the mean
leaves out a 5-pixel border); super-resolution's ``gain_db`` is over the better of bicubic and
Lanczos at each factor. ``upgrade`` keeps an older run's figures under names that say what they
were: ``denoising.filters_compared`` = Gaussian and median, SSIM as ``*_ssim_with_border``, and
the gain over bicubic alone as ``bicubic_gain_db``.

Version 4 (this one) names a VAE's two loss terms as the rate–distortion view reads them:
``rate_nats`` (the KL divergence of the codes from the prior, nats per held-out image; version 3's
``kl_nats``) and ``distortion_nats`` (the reconstruction's summed binary cross-entropy, nats per
image; version 3's ``reconstruction_nats``); and adds ``prior_mmd`` to every embedding run.

``REFERENCE`` holds published figures of 2-D MNIST embeddings, to read a run's scores against.
"""

from __future__ import annotations

import dataclasses

SCORES_VERSION = 4
DEFAULT_K = 10  # the k shown where one figure must stand for the neighbour scores


def upgrade(metrics: dict) -> dict:
    """``metrics`` as this version reads them (a new dict; current metrics come back unchanged)."""
    if not isinstance(metrics, dict):
        return metrics
    version = metrics.get("scores_version")
    version = version if isinstance(version, int) and not isinstance(version, bool) else 1
    if version >= SCORES_VERSION:
        return metrics
    upgraded = _upgrade_embedding(metrics) if version < 2 else dict(metrics)
    if version < 3:
        upgraded = _upgrade_image_to_image(upgraded)
    return _upgrade_loss_terms(upgraded)


def _upgrade_loss_terms(metrics: dict) -> dict:
    """Version 3 → 4: a VAE's loss terms under their rate–distortion names."""
    upgraded = dict(metrics)
    if isinstance(metrics.get("model"), dict):
        upgraded["model"] = _renamed(metrics["model"], {"kl_nats": "rate_nats", "reconstruction_nats": "distortion_nats"})
    return upgraded


def _upgrade_image_to_image(metrics: dict) -> dict:
    """Version 2 → 3: the weak baselines' figures renamed, never compared with the strong ones."""
    upgraded = dict(metrics)
    denoising = metrics.get("denoising")
    if isinstance(denoising, dict):
        curve = [_renamed(row, {"model_ssim": "model_ssim_with_border", "filter_ssim": "filter_ssim_with_border"})
                 for row in denoising.get("curve", []) if isinstance(row, dict)]
        upgraded["denoising"] = {**denoising, "curve": curve, "filters_compared": ["Gaussian", "median"]}
    superres = metrics.get("superres")
    if isinstance(superres, dict):
        upgraded["superres"] = _renamed(superres, {"gain_db": "bicubic_gain_db"})
    return upgraded


def _renamed(row: dict, names: dict[str, str]) -> dict:
    return {names.get(key, key): value for key, value in row.items()}


def _upgrade_embedding(metrics: dict) -> dict:
    """Version 1 → 2: the cross-validated kNN renamed, trustworthiness keyed by k."""
    upgraded = dict(metrics)
    for side in ("model", "pca"):
        scores = metrics.get(side)
        if not isinstance(scores, dict):
            continue
        scores = dict(scores)
        if "knn_accuracy" in scores:
            scores["knn_cv_accuracy"] = scores.pop("knn_accuracy")
        trust = scores.get("trustworthiness")
        if isinstance(trust, (int, float)):
            scores["trustworthiness"] = {str(DEFAULT_K): float(trust)}
        upgraded[side] = scores
    return upgraded


def at_k(value, k: int = DEFAULT_K) -> float | None:
    """One k's figure of a by-k score (None when missing)."""
    return by_k(value).get(str(k))


def by_k(value) -> dict[str, float]:
    """A by-k score as ``{"5": ..., ...}`` with float values (empty when missing)."""
    if not isinstance(value, dict):
        return {}
    return {str(k): float(v) for k, v in value.items() if isinstance(v, (int, float))}


@dataclasses.dataclass(frozen=True)
class PublishedScore:
    """A 2-D embedding of MNIST as published: 5-NN accuracy and trustworthiness at k = 5."""

    method: str
    knn_accuracy: float
    trustworthiness_5: float


REFERENCE_SOURCE = ("Sainburg, McInnes & Gentner (2021), Parametric UMAP embeddings for representation and "
                    "semisupervised learning, Neural Computation 33(11); the figures of its notebooks")
REFERENCE_PROTOCOL = ("2-D embeddings of MNIST: fitted on 50,000 training images, scored on the 10,000 test "
                      "images; 5-NN classifier fitted on the training embedding; trustworthiness at k = 5.")
REFERENCE = (
    PublishedScore("PCA", 0.420, 0.743),
    PublishedScore("plain conv AE", 0.793, 0.966),
    PublishedScore("conv VAE (z_mean)", 0.765, 0.951),
    PublishedScore("UMAP", 0.954, 0.960),
    PublishedScore("Parametric UMAP", 0.961, 0.957),
    PublishedScore("t-SNE", 0.950, 0.987),
)
