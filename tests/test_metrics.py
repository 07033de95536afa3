"""Embedding and image quality measures."""

from __future__ import annotations

import numpy as np
import pytest

from aemodels.data.corruption import add_noise
from aemodels.data.datasets import load_dataset, to_float
from aemodels.scoring import metrics


@pytest.fixture(scope="module")
def images():
    return to_float(load_dataset("mnist-10k").images[:50])


def _clusters(seed, n=200, classes=4, spread=0.1, dim=3):
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % classes
    centres = rng.normal(0, 10, (classes, dim))
    return centres[labels] + rng.normal(0, spread, (n, dim)), labels


def test_ssim_of_an_image_with_itself_is_one(images):
    assert np.allclose(metrics.ssim(images, images), 1.0)
    colour = np.random.default_rng(0).random((3, 30, 26, 3))
    assert np.allclose(metrics.ssim(colour, colour), 1.0)
    assert metrics.ssim(images, images).shape == (50,)


def test_psnr_and_mse_of_identical_images(images):
    assert metrics.mse(images, images) == 0
    assert np.all(metrics.psnr(images, images) == 100.0)
    assert metrics.psnr(images, images).shape == (50,)


@pytest.mark.parametrize("kind", ["gaussian", "salt-and-pepper"])
def test_quality_falls_as_noise_grows(images, kind):
    levels = (0.05, 0.1, 0.2, 0.4)
    noisy = [add_noise(images, kind, level, seed=1) for level in levels]
    p = [metrics.psnr(images, n).mean() for n in noisy]
    s = [metrics.ssim(images, n).mean() for n in noisy]
    m = [metrics.mse(images, n) for n in noisy]
    assert all(a > b for a, b in zip(p, p[1:])), p
    assert all(a > b for a, b in zip(s, s[1:])), s
    assert all(a < b for a, b in zip(m, m[1:])), m
    assert all(-1 <= v < 1 for v in s)


def test_psnr_matches_its_definition():
    a = np.zeros((2, 8, 8, 1))
    b = a.copy()
    b[0] += 0.1
    b[1] += 0.5
    assert np.allclose(metrics.psnr(a, b), [20.0, 10 * np.log10(4)])
    assert np.isclose(metrics.mse(a, b), (0.01 + 0.25) / 2)


def test_ssim_is_symmetric_and_ranks_a_blur_above_an_inversion(images):
    from scipy.ndimage import gaussian_filter

    blurred = gaussian_filter(images, (0, 1, 1, 0))
    assert np.allclose(metrics.ssim(images, blurred), metrics.ssim(blurred, images))
    assert metrics.ssim(images, blurred).mean() > metrics.ssim(images, 1 - images).mean()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_knn_accuracy_fits_on_training_codes_and_scores_held_out_ones(seed):
    points, labels = _clusters(seed)
    train, held_out = slice(0, 150), slice(150, None)
    assert metrics.knn_accuracy(points[train], labels[train], points[held_out], labels[held_out]) == 1.0
    assert metrics.knn_accuracy(points[train], labels[train], points[held_out], labels[held_out], 1) == 1.0
    noise = np.random.default_rng(seed).normal(size=points.shape)
    assert metrics.knn_accuracy(noise[train], labels[train], noise[held_out], labels[held_out]) < 0.5


def test_knn_accuracy_counts_the_held_out_points_it_gets_right():
    train = np.array([[0.0], [0.1], [0.2], [10.0], [10.1], [10.2]])
    train_labels = np.array([0, 0, 0, 1, 1, 1])
    held_out = np.array([[0.05], [10.05], [9.9], [0.3]])
    assert metrics.knn_accuracy(train, train_labels, held_out, np.array([0, 1, 0, 0]), 3) == 0.75


def test_knn_accuracy_is_none_without_two_training_classes():
    points = np.random.default_rng(0).normal(size=(20, 2))
    assert metrics.knn_accuracy(points, np.zeros(20, np.int64), points, np.zeros(20, np.int64)) is None


@pytest.mark.parametrize("k", metrics.NEIGHBOUR_KS)
def test_neighbour_scores_agree_with_scikit_learn(images, k):
    """Trustworthiness equals scikit-learn's; continuity is trustworthiness with the roles swapped."""
    from sklearn.manifold import trustworthiness

    many = to_float(load_dataset("mnist-10k").images[:150])
    embedding = np.random.default_rng(k).normal(size=(150, 2)) + many.reshape(150, -1)[:, 200:202]
    kept = metrics.neighbours_kept(many, embedding)
    flat = many.reshape(150, -1)
    assert kept["trustworthiness"][str(k)] == pytest.approx(trustworthiness(flat, embedding, n_neighbors=k), abs=1e-12)
    assert kept["continuity"][str(k)] == pytest.approx(trustworthiness(embedding, flat, n_neighbors=k), abs=1e-12)


def test_neighbour_scores_of_the_identity_and_of_noise(images):
    flat = images.reshape(len(images), -1)
    kept = metrics.neighbours_kept(images, flat)
    assert set(kept["trustworthiness"]) == {"5", "10"}  # k = 50 needs more than 100 points
    assert all(np.isclose(v, 1.0) for scores in kept.values() for v in scores.values())
    noise = metrics.neighbours_kept(images, np.random.default_rng(0).normal(size=(len(images), 2)))
    assert noise["trustworthiness"]["5"] < 0.75 and noise["continuity"]["5"] < 0.75


def test_neighbour_scores_subsample_large_inputs(monkeypatch):
    monkeypatch.setattr(metrics, "TRUST_MAX_POINTS", 30)
    x = np.random.default_rng(0).random((100, 8, 8, 1))
    kept = metrics.neighbours_kept(x, x.reshape(100, -1), seed=1)
    assert set(kept["trustworthiness"]) == {"5", "10"}  # 30 points: k = 50 left out
    assert np.isclose(kept["trustworthiness"]["10"], 1.0)


def test_silhouette():
    points, labels = _clusters(0)
    assert metrics.silhouette(points, labels) > 0.9
    noise = np.random.default_rng(0).normal(size=points.shape)
    assert abs(metrics.silhouette(noise, labels)) < 0.1
    assert metrics.silhouette(points, np.zeros(len(points), np.int64)) is None


def test_ssim_is_scikit_images_and_works_on_the_smallest_uploads(images):
    from skimage.metrics import structural_similarity

    noisy = add_noise(images[:3], "gaussian", 0.2, seed=2)
    ours = metrics.ssim(images[:3], noisy)
    theirs = [structural_similarity(a[..., 0], b[..., 0], data_range=1.0, gaussian_weights=True, sigma=1.5,
                                    use_sample_covariance=False) for a, b in zip(images[:3], noisy)]
    assert np.allclose(ours, theirs)
    small = np.random.default_rng(0).random((2, 8, 8, 1))
    assert np.allclose(metrics.ssim(small, small), 1.0)
    assert metrics.ssim(small, 1 - small).mean() < 0.5
