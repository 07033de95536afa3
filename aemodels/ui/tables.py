"""Metric tables built from a run's ``metrics.json``."""

from __future__ import annotations

import pandas as pd

from aemodels.scoring import scoresheet

SIGNIFICANT_DIGITS = 3  # enough to tell model and PCA apart; more is noise of one seed
EMBEDDING_METRICS = {
    "knn_accuracy": "kNN accuracy, 5 neighbours (higher is better)",
    "knn1_accuracy": "kNN accuracy, 1 neighbour (higher is better)",
    "knn_cv_accuracy": "kNN accuracy, old protocol: 5-fold CV on held-out codes",
    "trustworthiness": "trustworthiness at k = {k}: neighbours not invented (higher is better)",
    "continuity": "continuity at k = {k}: neighbours not lost (higher is better)",
    "silhouette": "silhouette of the classes (higher is better)",
    "reconstruction_mse": "reconstruction MSE (lower is better)",
    "psnr": "reconstruction PSNR, dB (higher is better)",
}


def _cell(value) -> float | None:
    return None if value is None else float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def model_vs_pca(metrics: dict, model_label: str = "model") -> pd.DataFrame:
    """Rows: the embedding metrics (one per k for the by-k scores); columns: the model and PCA
    at the same code size. Scores neither side has are left out."""
    sides = [metrics.get(side, {}) for side in ("model", "pca")]
    rows = {}
    for key, label in EMBEDDING_METRICS.items():
        values = [side.get(key) for side in sides]
        if any(isinstance(v, dict) for v in values):
            per_k = [scoresheet.by_k(v) for v in values]
            for k in sorted({k for scores in per_k for k in scores}, key=int):
                rows[label.format(k=k)] = [_cell(scores.get(k)) for scores in per_k]
        elif any(v is not None for v in values):
            rows[label] = [_cell(v) for v in values]
    return pd.DataFrame.from_dict(rows, orient="index", columns=[model_label, "PCA"])


def reference_table() -> pd.DataFrame:
    """The published 2-D MNIST figures (``scoresheet.REFERENCE``), one row per method."""
    return pd.DataFrame(
        [(score.knn_accuracy, score.trustworthiness_5) for score in scoresheet.REFERENCE],
        index=[score.method for score in scoresheet.REFERENCE],
        columns=["5-NN accuracy", "trustworthiness, k = 5"],
    )
