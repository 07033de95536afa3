"""Super-resolution: bicubic-upscaled images → full resolution, judged against the best classical
interpolation."""

from __future__ import annotations

import numpy as np

from aemodels.config import TrainConfig
from aemodels.data.corruption import superres_inputs
from aemodels.data.datasets import SplitImages, to_float
from aemodels.kinds import ModelKind, Screen, TaskName
from aemodels.models import inference
from aemodels.scoring import metrics
from aemodels.scoring.evaluation import IMAGE_METRIC_LIMIT, PCA_DENOISE_COMPONENTS, no_embedding_scores
from aemodels.scoring.projections import PCAProjection
from aemodels.scoring.scores import Scores
from aemodels.tasks.task import Examples, Task

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


class SuperResolution(Task):
    name = TaskName.SUPER_RESOLUTION
    screen = Screen.SUPER_RESOLUTION
    baseline = "the better of bicubic and Lanczos interpolation"
    step_budget = 1000  # ahead of bicubic by 2.6 dB or more after 125 steps

    def pairs(self, config: TrainConfig, clean: np.ndarray, seed: int, labels: np.ndarray | None = None) -> tuple:
        """Each image shrunk by one of ``config.upscale_factors`` and upscaled back with bicubic
        interpolation, and the full-resolution image."""
        return superres_inputs(clean, config.upscale_factors, seed, evenly=config.image_model_version < 2), clean

    def assemble(self, config, image_shape):
        from aemodels.models import architectures

        return architectures.image_to_image_model(config, image_shape)

    def loss(self, kind: ModelKind) -> str | None:
        return "mse"

    def score(self, bundle, split: SplitImages, labelled: bool) -> tuple[dict, None]:
        """PSNR per factor against every classical upscaler; the summary entries at the middle
        factor, where ``pca`` is PCA's projection of the bicubic image (a linear prior learnt from
        the training images, the linear counterpart)."""
        config = bundle.config
        clean = to_float(split.x_test[:IMAGE_METRIC_LIMIT])
        per_factor = [superres_scores(bundle, clean, f) for f in sorted(config.upscale_factors)]
        factor = sorted(config.upscale_factors)[len(config.upscale_factors) // 2]
        views = inference.super_resolve(bundle, clean, factor)
        pca = PCAProjection(PCA_DENOISE_COMPONENTS, config.seed).fit(split.x_train)
        pca_output = pca.inverse_transform(pca.transform(views["bicubic"]))
        return {
            "model": no_embedding_scores(metrics.mse(clean, views["model"]),
                                         float(metrics.psnr(clean, views["model"]).mean())),
            "pca": no_embedding_scores(metrics.mse(clean, pca_output), float(metrics.psnr(clean, pca_output).mean())),
            "superres": {
                "summary_factor": factor,
                "factors": per_factor,
                # Against the best classical upscaler at each factor (Lanczos, as measured so far).
                "gain_db": float(np.mean([s["model_psnr"] - s["classical_psnr"] for s in per_factor])),
            },
            "test_images": len(clean),
        }, None

    def examples(self, bundle, clean: np.ndarray, labels: np.ndarray, config: TrainConfig, scores: Scores) -> Examples:
        factor = scores.superres.summary_factor or config.upscale_factors[0]
        views = inference.super_resolve(bundle, clean, factor)
        row = next((row for row in scores.superres.factors if row.factor == factor), None)
        classical = "lanczos" if row is None or (row.lanczos_psnr or -1e9) >= row.bicubic_psnr else "bicubic"
        return Examples(views["nearest"], f"images shrunk ×{factor} (shown blocky)", views["model"], views[classical],
                        f"{classical.capitalize()} ×{factor}")

    def gain_db(self, scores: Scores) -> float | None:
        """The mean gain over the best classical upscaler across the trained factors (over bicubic
        for runs scored before Lanczos was compared)."""
        if scores.superres is None:
            return None
        return scores.superres.gain_db if scores.superres.gain_db is not None else scores.superres.bicubic_gain_db

    def baseline_losses(self, config: TrainConfig, scores: Scores) -> list[str]:
        if scores.superres is None:
            return []
        gain = scores.superres.gain_db
        if gain is not None and gain < 0:
            return [f"trails the best classical interpolation (bicubic or Lanczos) by {-gain:.2f} dB on average"]
        gain = scores.superres.bicubic_gain_db  # a run scored before Lanczos was compared
        if gain is not None and gain < 0:
            return [f"trails bicubic interpolation by {-gain:.2f} dB on average"]
        return []


SUPER_RESOLUTION = SuperResolution()
