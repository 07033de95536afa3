"""The table of runs: one row per run, settings and main scores."""

from __future__ import annotations

import datetime

import pandas as pd

from aemodels.runs import RunInfo


def _row(info: RunInfo) -> dict:
    created = datetime.datetime.fromtimestamp(info.created).strftime("%Y-%m-%d %H:%M") if info.created else ""
    if info.broken:
        return {"run": info.run_id, "status": f"broken: {info.broken}", "created": created}
    config, model, pca = info.config, info.metrics.get("model", {}), info.metrics.get("pca", {})
    row = {"run": info.run_id, "status": "ok", "created": created, "model": config.model,
           "dataset": config.dataset, "latent": config.latent_dim if config.has_embedding else None,
           "epochs": config.epochs, "batch": config.batch_size, "lr": config.learning_rate,
           "seed": config.seed, "train s": round(float(info.meta.get("train_seconds", 0.0)), 1),
           "kNN acc": model.get("knn_accuracy"), "PCA kNN acc": pca.get("knn_accuracy"),
           "trust": model.get("trustworthiness"), "MSE": model.get("reconstruction_mse"),
           "PSNR dB": model.get("psnr"), "PCA PSNR dB": pca.get("psnr")}
    if "superres" in info.metrics:
        row["gain vs bicubic dB"] = info.metrics["superres"].get("gain_db")
    return row


def runs_table(infos: list[RunInfo]) -> pd.DataFrame:
    """All runs, newest first; broken runs keep their id and reason."""
    return pd.DataFrame([_row(info) for info in infos])
