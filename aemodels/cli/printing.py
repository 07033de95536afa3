"""What the commands print: a run's scores as a table, or as one JSON object."""

from __future__ import annotations

from aemodels.config import TrainConfig
from aemodels.scoring.scoresheet import by_k


def result_json(run_id: str, config: TrainConfig, train_seconds: float, metrics: dict, replicas: int = 1) -> dict:
    return {"run_id": run_id, "dataset": config.dataset, "model": config.model,
            "latent_dim": config.to_dict().get("latent_dim"), "epochs": config.epochs, "replicas": replicas,
            "train_seconds": round(train_seconds, 3), "metrics": metrics}


def figure(value) -> str:
    return "-" if value is None else format(value, ".4f")


def print_metrics(metrics: dict) -> None:
    print(f"{'':<22}{'model':>10}{'pca':>10}")
    for key in ("knn_accuracy", "knn1_accuracy", "trustworthiness", "continuity", "silhouette",
                "reconstruction_mse", "psnr"):
        cells = [metrics[side].get(key) for side in ("model", "pca")]
        if any(isinstance(c, dict) for c in cells):
            per_k = [by_k(c) for c in cells]
            for k in sorted({k for scores in per_k for k in scores}, key=int):
                print(f"{key + ' k=' + k:<22}" + "".join(f"{figure(scores.get(k)):>10}" for scores in per_k))
        elif any(c is not None for c in cells):
            print(f"{key:<22}" + "".join(f"{figure(c):>10}" for c in cells))
    for row in metrics.get("denoising", {}).get("curve", []):
        print(f"noise {row['level']:.1f}: model {row['model_psnr']:.2f} dB, "
              f"best filter {row['filter_psnr']:.2f} dB ({row['filter']}), noisy {row['noisy_psnr']:.2f} dB")
    for row in metrics.get("superres", {}).get("factors", []):
        lanczos = f"Lanczos {row['lanczos_psnr']:.2f} dB, " if "lanczos_psnr" in row else ""
        print(f"factor {row['factor']}: model {row['model_psnr']:.2f} dB, {lanczos}bicubic {row['bicubic_psnr']:.2f} dB, "
              f"nearest {row['nearest_psnr']:.2f} dB")


def curve_scores(scores: dict) -> dict:
    return {key: scores.get(key) for key in ("reconstruction_mse", "knn_accuracy")}
