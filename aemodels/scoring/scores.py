"""``Scores``: a run's scores as this version reads them, from any version of ``metrics.json``.

This is the only code that knows the file's layout. ``scoresheet.upgrade`` first brings an older
file to this version's names; ``Scores.read`` then turns it into typed fields. A score the run's
kind does not have, or that the version that saved it did not measure, is None (or empty).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from aemodels.scoring.scoresheet import DEFAULT_K, by_k, upgrade


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _whole(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _object(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


@dataclasses.dataclass(frozen=True)
class SideScores:
    """One side of the comparison on the held-out images: the model's, or PCA's at the same code size.

    Attributes:
        knn_accuracy, knn1_accuracy: a 5-NN (1-NN) classifier fitted on the training codes,
            scored on the held-out codes (version 2 on).
        knn_cv_accuracy: version 1's 5-fold cross-validated kNN on the held-out codes (another
            experiment: never set beside the others).
        trustworthiness, continuity: by k ("5", "10", "50").
        silhouette: of the classes in the code.
        reconstruction_mse: per pixel, on the [0, 1] scale; psnr: dB.
        rate_nats: a VAE's mean KL divergence of the codes from the prior, nats per image (the rate).
        distortion_nats: a VAE's reconstruction term, summed binary cross-entropy in nats per image.
        prior_mmd: the squared maximum mean discrepancy between held-out codes and draws of the
            standard normal (``metrics.prior_mmd``); 0 when the codes follow the prior.
        conditional_accuracy: a conditional model's share of images decoded for a requested class
            (random style codes) that a classifier of the data reads as that class.
        nonsense_share: the share of a grid over the latent plane whose decoded tiles the split's
            image reader gives a top class probability below one half (``latent_layers``).
    """

    knn_accuracy: float | None = None
    knn1_accuracy: float | None = None
    knn_cv_accuracy: float | None = None
    trustworthiness: dict[str, float] = dataclasses.field(default_factory=dict)
    continuity: dict[str, float] = dataclasses.field(default_factory=dict)
    silhouette: float | None = None
    reconstruction_mse: float | None = None
    psnr: float | None = None
    rate_nats: float | None = None
    distortion_nats: float | None = None
    prior_mmd: float | None = None
    conditional_accuracy: float | None = None
    nonsense_share: float | None = None

    @classmethod
    def read(cls, side: Any) -> SideScores:
        side = _object(side)
        by_k_names = ("trustworthiness", "continuity")
        return cls(**{field.name: by_k(side.get(field.name)) if field.name in by_k_names
                      else _number(side.get(field.name)) for field in dataclasses.fields(cls)})

    def at(self, name: str, k: int = DEFAULT_K) -> float | None:
        """The score ``name``; for a by-k score, its figure at ``k``."""
        value = getattr(self, name)
        return value.get(str(k)) if isinstance(value, dict) else value


@dataclasses.dataclass(frozen=True)
class DenoisingLevel:
    """Scores at one noise level: PSNR (dB) and SSIM of the model, of the best classical filter
    (``filter`` names it with its setting) and of the noisy input. ``filters``: each family's
    setting, PSNR and SSIM (version 3 on). SSIM is None for a run scored before version 3."""

    level: float
    model_psnr: float
    filter_psnr: float
    noisy_psnr: float | None
    filter: str
    model_ssim: float | None = None
    filter_ssim: float | None = None
    filters: dict = dataclasses.field(default_factory=dict)

    @classmethod
    def read(cls, row: dict) -> DenoisingLevel:
        """One level's scores, from a curve row of ``metrics.json`` or ``tasks.denoising.denoising_scores``."""
        return cls(float(row["level"]), _number(row.get("model_psnr")), _number(row.get("filter_psnr")),
                   _number(row.get("noisy_psnr")), str(row.get("filter", "")), _number(row.get("model_ssim")),
                   _number(row.get("filter_ssim")), _object(row.get("filters")))


@dataclasses.dataclass(frozen=True)
class DenoisingScores:
    """A denoiser's scores: the noise ``kind`` it was scored on, the ``curve`` (one
    ``DenoisingLevel`` per level), the level the summary columns report, the filters compared."""

    kind: str
    report_level: float
    curve: tuple[DenoisingLevel, ...]
    filters_compared: tuple[str, ...]

    def at(self, level: float) -> DenoisingLevel | None:
        """The curve's point at ``level``, if it has one."""
        return next((point for point in self.curve if abs(point.level - level) < 1e-9), None)


@dataclasses.dataclass(frozen=True)
class SuperresFactor:
    """PSNR (dB) at one upscale factor: the model's and each interpolation's (``lanczos_psnr`` is
    None for a run scored before Lanczos was compared)."""

    factor: int
    model_psnr: float
    bicubic_psnr: float
    nearest_psnr: float | None = None
    lanczos_psnr: float | None = None


@dataclasses.dataclass(frozen=True)
class SuperresScores:
    """A super-resolution model's scores: one ``SuperresFactor`` per trained factor, the factor the
    summary columns report, and the mean gain in dB over the better of bicubic and Lanczos
    (``gain_db``) or, for a run scored before Lanczos, over bicubic alone (``bicubic_gain_db``)."""

    factors: tuple[SuperresFactor, ...]
    summary_factor: int | None
    gain_db: float | None
    bicubic_gain_db: float | None


@dataclasses.dataclass(frozen=True)
class Scores:
    """A run's scores.

    Attributes:
        model, pca: the two sides of the comparison.
        train_images, test_images: how many images it trained on and was scored on.
        denoising, superres: the image-to-image tasks' scores (None for other kinds).
        document: the scores as a JSON object of this version (what exports write).
    """

    model: SideScores
    pca: SideScores
    train_images: int | None
    test_images: int | None
    denoising: DenoisingScores | None
    superres: SuperresScores | None
    document: dict

    @classmethod
    def read(cls, metrics: Any) -> Scores:
        """The scores in ``metrics`` (a parsed ``metrics.json`` of any version, or ``assess``'s)."""
        document = upgrade(_object(metrics))
        return cls(SideScores.read(document.get("model")), SideScores.read(document.get("pca")),
                   _whole(document.get("train_images")), _whole(document.get("test_images")),
                   _denoising(document.get("denoising")), _superres(document.get("superres")), document)


def _denoising(raw: Any) -> DenoisingScores | None:
    if not isinstance(raw, dict):
        return None
    curve = [DenoisingLevel.read(row) for row in raw.get("curve") or []
             if isinstance(row, dict) and _number(row.get("level")) is not None]
    return DenoisingScores(str(raw.get("kind", "gaussian")), _number(raw.get("report_level")) or 0.3,
                           tuple(curve), tuple(raw.get("filters_compared") or ()))


def _superres(raw: Any) -> SuperresScores | None:
    if not isinstance(raw, dict):
        return None
    factors = tuple(SuperresFactor(int(row["factor"]), _number(row.get("model_psnr")), _number(row.get("bicubic_psnr")),
                                   _number(row.get("nearest_psnr")), _number(row.get("lanczos_psnr")))
                    for row in raw.get("factors") or [] if isinstance(row, dict) and _whole(row.get("factor")))
    return SuperresScores(factors, _whole(raw.get("summary_factor")), _number(raw.get("gain_db")),
                          _number(raw.get("bicubic_gain_db")))


def flat_scores(metrics: dict, prefix: str = "") -> dict[str, float | str]:
    """Every number and text in a run's ``metrics.json`` under a dotted name that follows the
    file's keys (``model.knn_accuracy``, ``model.trustworthiness.5``,
    ``denoising.curve.level_0.3.model_psnr``, ``denoising.curve.level_0.3.filter``,
    ``superres.factors.x2.model_psnr``); rows of a list are named by their level or factor.
    None and booleans are left out."""
    flat: dict[str, float | str] = {}
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (int, float)):
            flat[name] = float(value)
        elif isinstance(value, str):
            flat[name] = value
        elif isinstance(value, dict):
            flat.update(flat_scores(value, name + "."))
        elif isinstance(value, list):
            for i, row in enumerate(value):
                if isinstance(row, dict):
                    label = (f"level_{row['level']:g}" if isinstance(row.get("level"), (int, float))
                             else f"x{row['factor']}" if isinstance(row.get("factor"), int) else str(i))
                    flat.update(flat_scores({k: v for k, v in row.items() if k not in ("level", "factor")},
                                            f"{name}.{label}."))
    return flat
