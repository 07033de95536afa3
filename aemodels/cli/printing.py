"""What the commands print: a run's scores as a table, or as one JSON object."""

from __future__ import annotations

from aemodels.config import TrainConfig
from aemodels.scoring.scores import Scores, SideScores


def result_json(run_id: str, config: TrainConfig, train_seconds: float, metrics: dict, replicas: int = 1) -> dict:
    return {"run_id": run_id, "dataset": config.dataset, "model": config.model,
            "latent_dim": config.to_dict().get("latent_dim"), "epochs": config.epochs, "replicas": replicas,
            "train_seconds": round(train_seconds, 3), "metrics": metrics}


def figure(value) -> str:
    return "-" if value is None else format(value, ".4f")


def print_metrics(metrics: dict) -> None:
    """The scores of ``metrics`` (a ``metrics.json`` document) as a table, model beside PCA."""
    scores = Scores.read(metrics)
    print(f"{'':<22}{'model':>10}{'pca':>10}")
    for key in ("knn_accuracy", "knn1_accuracy", "trustworthiness", "continuity", "silhouette",
                "reconstruction_mse", "psnr", "prior_mmd", "rate_nats", "distortion_nats", "conditional_accuracy"):
        cells = [getattr(scores.model, key), getattr(scores.pca, key)]
        if any(isinstance(c, dict) for c in cells):
            for k in sorted({k for per_k in cells for k in per_k}, key=int):
                print(f"{key + ' k=' + k:<22}" + "".join(f"{figure(per_k.get(k)):>10}" for per_k in cells))
        elif any(c is not None for c in cells):
            print(f"{key:<22}" + "".join(f"{figure(c):>10}" for c in cells))
    for row in scores.denoising.curve if scores.denoising else ():
        print(f"noise {row.level:.1f}: model {row.model_psnr:.2f} dB, "
              f"best filter {row.filter_psnr:.2f} dB ({row.filter}), noisy {row.noisy_psnr:.2f} dB")
    for row in scores.superres.factors if scores.superres else ():
        lanczos = f"Lanczos {row.lanczos_psnr:.2f} dB, " if row.lanczos_psnr is not None else ""
        print(f"factor {row.factor}: model {row.model_psnr:.2f} dB, {lanczos}bicubic {row.bicubic_psnr:.2f} dB, "
              f"nearest {row.nearest_psnr:.2f} dB")


def curve_scores(side: SideScores) -> dict:
    """The two figures of the code-size curve, for the JSON of ``sweep``."""
    return {"reconstruction_mse": side.reconstruction_mse, "knn_accuracy": side.knn_accuracy}
