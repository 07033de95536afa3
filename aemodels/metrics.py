"""Quality measures for embeddings and images.

Embeddings are float arrays (N, D); labels int (N,); images float32 (N, H, W, C) in [0, 1].
"""

from __future__ import annotations

import numpy as np

KNN_NEIGHBOURS = 5
KNN_FOLDS = 5
TRUST_NEIGHBOURS = 10
TRUST_MAX_POINTS = 2000  # trustworthiness is O(N²) in memory and time


def knn_accuracy(embedding: np.ndarray, labels: np.ndarray, seed: int = 0) -> float | None:
    """Mean accuracy of a 5-nearest-neighbour classifier, 5-fold stratified cross-validation.

    Returns None when there are fewer than two classes or too few points per class to fold.
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.neighbors import KNeighborsClassifier

    counts = np.bincount(labels)
    counts = counts[counts > 0]
    if len(counts) < 2:
        return None
    folds = int(min(KNN_FOLDS, counts.min()))
    if folds < 2:
        return None
    k = min(KNN_NEIGHBOURS, len(labels) - len(labels) // folds - 1)
    scores = cross_val_score(
        KNeighborsClassifier(n_neighbors=max(1, k)), embedding, labels,
        cv=StratifiedKFold(folds, shuffle=True, random_state=seed),
    )
    return float(scores.mean())


def trustworthiness(images: np.ndarray, embedding: np.ndarray, seed: int = 0) -> float:
    """How well the embedding keeps each image's 10 nearest neighbours (0.5 random, 1 perfect).

    Computed on at most ``TRUST_MAX_POINTS`` points drawn with ``seed``.
    """
    from sklearn.manifold import trustworthiness as sk_trustworthiness

    flat = images.reshape(len(images), -1)
    if len(flat) > TRUST_MAX_POINTS:
        picked = np.random.default_rng(seed).choice(len(flat), TRUST_MAX_POINTS, replace=False)
        flat, embedding = flat[picked], embedding[picked]
    neighbours = min(TRUST_NEIGHBOURS, (len(flat) - 1) // 2)
    return float(sk_trustworthiness(flat, embedding, n_neighbors=max(1, neighbours)))


def silhouette(embedding: np.ndarray, labels: np.ndarray, seed: int = 0) -> float | None:
    """Mean silhouette of the classes in the embedding (-1 to 1); None without two classes."""
    from sklearn.metrics import silhouette_score

    n_classes = len(np.unique(labels))
    if n_classes < 2 or n_classes >= len(labels):
        return None
    sample = min(len(labels), TRUST_MAX_POINTS)
    return float(silhouette_score(embedding, labels, sample_size=sample, random_state=seed))


def mse(reference: np.ndarray, estimate: np.ndarray) -> float:
    """Mean squared error over all pixels, on the [0, 1] scale."""
    return float(np.mean((np.asarray(reference, np.float64) - np.asarray(estimate, np.float64)) ** 2))


def psnr(reference: np.ndarray, estimate: np.ndarray) -> np.ndarray:
    """Peak signal-to-noise ratio per image, in dB (peak 1.0); shape (N,). Capped at 100 dB."""
    axes = tuple(range(1, np.ndim(reference)))
    error = np.mean((np.asarray(reference, np.float64) - np.asarray(estimate, np.float64)) ** 2, axis=axes)
    return np.minimum(10 * np.log10(1.0 / np.maximum(error, 1e-10)), 100.0)


def ssim(reference: np.ndarray, estimate: np.ndarray, sigma: float = 1.5) -> np.ndarray:
    """Structural similarity per image (Wang et al. 2004, Gaussian window σ = 1.5 px), shape (N,).

    Statistics are local Gaussian-weighted means over height and width, per channel, then
    averaged over the image. 1 means identical.
    """
    from scipy.ndimage import gaussian_filter

    x = np.asarray(reference, np.float64)
    y = np.asarray(estimate, np.float64)
    c1, c2 = (0.01 * 1.0) ** 2, (0.03 * 1.0) ** 2
    window = (0, sigma, sigma, 0)

    def blur(a):
        return gaussian_filter(a, sigma=window, truncate=3.5, mode="reflect")

    mu_x, mu_y = blur(x), blur(y)
    var_x = blur(x * x) - mu_x**2
    var_y = blur(y * y) - mu_y**2
    cov = blur(x * y) - mu_x * mu_y
    index = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / ((mu_x**2 + mu_y**2 + c1) * (var_x + var_y + c2))
    return index.mean(axis=(1, 2, 3))
