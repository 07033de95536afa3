"""Metric tables built from a run's ``Scores``."""

from __future__ import annotations

import pandas as pd

from aemodels.scoring import scoresheet
from aemodels.scoring.scores import Scores

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
    "prior_mmd": "distance from the N(0, I) prior, MMD² (lower fills the prior)",
}


def _cell(value) -> float | None:
    return None if value is None else float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def model_vs_pca(scores: Scores, model_label: str = "model") -> pd.DataFrame:
    """Rows: the embedding metrics (one per k for the by-k scores); columns: the model and PCA
    at the same code size. Scores neither side has are left out."""
    rows = {}
    for key, label in EMBEDDING_METRICS.items():
        values = [getattr(scores.model, key), getattr(scores.pca, key)]
        if any(isinstance(v, dict) for v in values):
            for k in sorted({k for per_k in values for k in per_k}, key=int):
                rows[label.format(k=k)] = [_cell(per_k.get(k)) for per_k in values]
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
