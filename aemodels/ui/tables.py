"""Metric tables built from a run's ``metrics.json``."""

from __future__ import annotations

import pandas as pd

SIGNIFICANT_DIGITS = 3  # enough to tell model and PCA apart; more is noise of one seed
EMBEDDING_METRICS = {
    "knn_accuracy": "kNN accuracy in the code (higher is better)",
    "trustworthiness": "trustworthiness: neighbours kept (higher is better)",
    "silhouette": "silhouette of the classes (higher is better)",
    "reconstruction_mse": "reconstruction MSE (lower is better)",
    "psnr": "reconstruction PSNR, dB (higher is better)",
}


def model_vs_pca(metrics: dict, model_label: str = "model") -> pd.DataFrame:
    """Rows: the embedding metrics; columns: the model and PCA at the same code size."""
    rows = {}
    for key, label in EMBEDDING_METRICS.items():
        values = [metrics.get(side, {}).get(key) for side in ("model", "pca")]
        if any(v is not None for v in values):
            rows[label] = [None if v is None else float(f"{v:.{SIGNIFICANT_DIGITS}g}") for v in values]
    return pd.DataFrame.from_dict(rows, orient="index", columns=[model_label, "PCA"])
