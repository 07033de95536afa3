"""Quality measures for embeddings and images.

Embeddings are float arrays (N, D); labels int (N,); images float32 (N, H, W, C) in [0, 1].
"""

from __future__ import annotations

import numpy as np

KNN_NEIGHBOURS = 5
NEIGHBOUR_KS = (5, 10, 50)  # the k of trustworthiness and continuity
TRUST_MAX_POINTS = 2000  # the neighbour scores rank all pairs: O(N²) in memory and time
MMD_MAX_POINTS = 1000  # codes compared with as many prior draws: a (2N, 2N) kernel matrix


def knn_accuracy(train_codes: np.ndarray, train_labels: np.ndarray, test_codes: np.ndarray,
                 test_labels: np.ndarray, neighbours: int = KNN_NEIGHBOURS) -> float | None:
    """Share of held-out codes (N, D) whose class a k-nearest-neighbour vote among the *training*
    codes (M, D) gets right: the published protocol (the Parametric UMAP paper's, k = 5).

    Returns None when the training labels hold fewer than two classes.
    """
    from sklearn.neighbors import KNeighborsClassifier

    if len(np.unique(train_labels)) < 2 or not len(test_codes):
        return None
    classifier = KNeighborsClassifier(n_neighbors=min(neighbours, len(train_codes)))
    classifier.fit(np.asarray(train_codes, np.float64), train_labels)
    return float(classifier.score(np.asarray(test_codes, np.float64), test_labels))


def prior_mmd(codes: np.ndarray, seed: int = 0) -> float:
    """How far codes (N, D) are from following the standard normal prior N(0, I): the squared
    maximum mean discrepancy (biased estimate, so never negative; 0 for identical samples) between
    at most ``MMD_MAX_POINTS`` of them (a seeded subsample) and as many draws of the prior, with
    an RBF kernel exp(−d² / 2σ²) whose σ is the median distance between all pairs of the pooled
    points. Near 0: the codes fill the prior as a VAE's should; a plain autoencoder's codes,
    spread at a scale of their own, give values up to 2."""
    rng = np.random.default_rng(seed)
    codes = np.asarray(codes, np.float64).reshape(len(codes), -1)
    if len(codes) > MMD_MAX_POINTS:
        codes = codes[rng.choice(len(codes), MMD_MAX_POINTS, replace=False)]
    prior = rng.standard_normal(codes.shape)
    pooled = np.concatenate([codes, prior])
    squared = (pooled**2).sum(axis=1)
    distances = np.maximum(squared[:, None] + squared[None, :] - 2 * pooled @ pooled.T, 0.0)
    bandwidth = np.median(distances[np.triu_indices(len(pooled), k=1)])
    kernel = np.exp(-distances / (2 * max(bandwidth, 1e-12)))
    n = len(codes)
    return float(kernel[:n, :n].mean() + kernel[n:, n:].mean() - 2 * kernel[:n, n:].mean())


class _Neighbours:
    """Each point's neighbours in one space, for the neighbour scores: the distances (N, N) with an
    infinite diagonal, each row of them sorted, and the ``kmax`` nearest other points of every
    point in rank order (N, kmax). Points (N, ...) are flattened; Euclidean distance; ties in index
    order, as scikit-learn. Sorting rows and ranking only the pairs the scores need costs a third
    of ranking all pairs (two stable argsorts of N × N)."""

    def __init__(self, points: np.ndarray, kmax: int):
        flat = np.asarray(points, np.float64).reshape(len(points), -1)
        squared = (flat**2).sum(axis=1)
        self.distances = squared[:, None] + squared[None, :] - 2 * flat @ flat.T
        np.fill_diagonal(self.distances, np.inf)
        self.sorted = np.sort(self.distances, axis=1)
        edge = self.sorted[:, kmax - 1]
        self.nearest = np.empty((len(flat), kmax), np.int64)
        for i, row in enumerate(self.distances):
            candidates = np.flatnonzero(row <= edge[i])
            self.nearest[i] = candidates[np.lexsort((candidates, row[candidates]))[:kmax]]

    def ranks(self, pairs: np.ndarray) -> np.ndarray:
        """The rank here of each pair ``(i, pairs[i, t])`` (N, T): 1 for ``i``'s nearest other
        point, up to N - 1."""
        ranks = np.empty(pairs.shape, np.int64)
        for i, columns in enumerate(pairs):
            row, values = self.distances[i], self.distances[i, columns]
            below = np.searchsorted(self.sorted[i], values, side="left")
            ranks[i] = below + 1
            for t in np.flatnonzero(np.searchsorted(self.sorted[i], values, side="right") - below > 1):
                ranks[i, t] += np.count_nonzero(row[:columns[t]] == values[t])  # ties: lower indices first
        return ranks


def _kept_score(ranks_in_truth: np.ndarray, k: int) -> float:
    """1 minus the normalised sum, over each point's k nearest in the map, of how far beyond k
    the truth ranks them (0 for those among its k nearest in the truth too; Venna & Kaski 2001).
    ``ranks_in_truth`` (N, kmax): the truth's ranks of each point's nearest in the map, in order."""
    n = len(ranks_in_truth)
    penalty = float(np.clip(ranks_in_truth[:, :k] - k, 0, None).sum())
    return 1.0 - 2.0 * penalty / (n * k * (2 * n - 3 * k - 1))


def pointwise_trust(images: np.ndarray, embedding: np.ndarray, k: int = 10) -> np.ndarray:
    """Each point's own trustworthiness at ``k`` (N,): 1 minus its share of the penalty
    ``neighbours_kept`` sums, normalised so that the mean over the points is the trustworthiness
    itself. Only the first ``TRUST_MAX_POINTS`` points are ranked; the others are NaN."""
    flat = np.asarray(images).reshape(len(images), -1)[:TRUST_MAX_POINTS]
    embedding = np.asarray(embedding)[:TRUST_MAX_POINTS]
    values = np.full(len(images), np.nan)
    n = len(flat)
    if not 1 <= k < n / 2:
        return values
    invented = _Neighbours(flat, k).ranks(_Neighbours(embedding, k).nearest)
    penalty = np.clip(invented[:, :k] - k, 0, None).sum(axis=1)
    values[:n] = 1.0 - 2.0 * penalty / (k * (2 * n - 3 * k - 1))
    return values


FORMING_CURVE_FRAMES = 60  # frames scored at most, evenly spread, the last always


def forming_curve(maps: np.ndarray, images: np.ndarray, labels: np.ndarray | None, k: int = KNN_NEIGHBOURS
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How a map formed: for frames of ``maps`` (F, N, 2) of ``images`` (N, ...), each frame's
    leave-one-out ``k``-NN accuracy among its own points (each point voted by its k nearest
    others; NaN without labels) and trustworthiness at ``k``. Returns (frame numbers (S,), accuracy
    (S,), trustworthiness (S,)) for at most ``FORMING_CURVE_FRAMES`` frames."""
    frames = len(maps)
    picked = np.unique(np.r_[np.linspace(0, frames - 1, min(frames, FORMING_CURVE_FRAMES)).round().astype(int), frames - 1])
    pixels = _Neighbours(np.asarray(images).reshape(len(images), -1), k)
    accuracy, trust = np.full(len(picked), np.nan), np.empty(len(picked))
    for row, frame in enumerate(picked):
        codes = _Neighbours(maps[frame], k)
        trust[row] = _kept_score(pixels.ranks(codes.nearest), k)
        if labels is not None:
            votes = labels[codes.nearest]
            counts = np.apply_along_axis(np.bincount, 1, votes, minlength=int(labels.max()) + 1)
            accuracy[row] = float(np.mean(counts.argmax(axis=1) == labels))
    return picked, accuracy, trust


def neighbours_kept(images: np.ndarray, embedding: np.ndarray, ks: tuple[int, ...] = NEIGHBOUR_KS,
                    seed: int = 0) -> dict[str, dict[str, float]]:
    """Trustworthiness and continuity of an embedding at each k of ``ks`` (1 perfect, about 0.5
    for a random map).

    Trustworthiness at k penalises a point's k nearest neighbours in the map that were not among
    its k nearest in pixel space, by how far down the pixel ranking they were: neighbours the map
    invents. Continuity is the same with the roles swapped: neighbours the map loses. Images
    (N, ...) and embedding (N, D) are subsampled to ``TRUST_MAX_POINTS`` rows drawn with
    ``seed``; a k of half the points or more is left out.

    Returns ``{"trustworthiness": {"5": t5, ...}, "continuity": {"5": c5, ...}}``.
    """
    flat = np.asarray(images).reshape(len(images), -1)
    embedding = np.asarray(embedding)
    if len(flat) > TRUST_MAX_POINTS:
        picked = np.sort(np.random.default_rng(seed).choice(len(flat), TRUST_MAX_POINTS, replace=False))
        flat, embedding = flat[picked], embedding[picked]
    usable = [k for k in ks if 1 <= k < len(flat) / 2]
    if not usable:
        return {"trustworthiness": {}, "continuity": {}}
    pixels, codes = _Neighbours(flat, max(usable)), _Neighbours(embedding, max(usable))
    invented, lost = pixels.ranks(codes.nearest), codes.ranks(pixels.nearest)
    return {
        "trustworthiness": {str(k): _kept_score(invented, k) for k in usable},
        "continuity": {str(k): _kept_score(lost, k) for k in usable},
    }


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


SSIM_SIGMA = 1.5  # pixels: the Gaussian window of Wang et al. (2004), 11 × 11 px


def ssim(reference: np.ndarray, estimate: np.ndarray) -> np.ndarray:
    """Structural similarity per image, shape (N,), by scikit-image's ``structural_similarity``
    (Wang et al. 2004: Gaussian window σ = 1.5 px, data range 1). 1 means identical.

    As scikit-image does, the mean leaves out the border where the window does not fit (5 px
    each side). Images under 11 px a side get the largest window that fits (σ just under 1 px).
    """
    from skimage.metrics import structural_similarity

    reference = np.asarray(reference, np.float64)
    estimate = np.asarray(estimate, np.float64)
    sigma = SSIM_SIGMA if min(reference.shape[1:3]) >= 11 else 0.99
    colour = reference.shape[-1] > 1
    return np.array([
        structural_similarity(x if colour else x[..., 0], y if colour else y[..., 0], data_range=1.0,
                              gaussian_weights=True, sigma=sigma, use_sample_covariance=False,
                              channel_axis=-1 if colour else None)
        for x, y in zip(reference, estimate)
    ], dtype=np.float64)
