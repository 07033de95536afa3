"""Embedding and image quality measures."""

from __future__ import annotations

import numpy as np
import pytest

from aemodels import metrics
from aemodels.corruption import add_noise
from aemodels.datasets import load_dataset, to_float


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
def test_knn_accuracy_separable_versus_random(seed):
    points, labels = _clusters(seed)
    assert metrics.knn_accuracy(points, labels, seed) == 1.0
    noise = np.random.default_rng(seed).normal(size=points.shape)
    assert metrics.knn_accuracy(noise, labels, seed) < 0.5


def test_knn_accuracy_is_none_without_enough_classes():
    points = np.random.default_rng(0).normal(size=(20, 2))
    assert metrics.knn_accuracy(points, np.zeros(20, np.int64)) is None
    one_of_a_class = np.array([0] * 19 + [1])
    assert metrics.knn_accuracy(points, one_of_a_class) is None
    assert metrics.knn_accuracy(points[:4], np.array([0, 0, 1, 1])) is not None


def test_trustworthiness_of_the_identity_and_of_noise(images):
    flat = images.reshape(len(images), -1)
    assert np.isclose(metrics.trustworthiness(images, flat), 1.0)
    noise = np.random.default_rng(0).normal(size=(len(images), 2))
    assert metrics.trustworthiness(images, noise) < 0.75
    assert metrics.trustworthiness(images[:5], flat[:5, :3]) <= 1.0


def test_trustworthiness_subsamples_large_inputs(monkeypatch):
    monkeypatch.setattr(metrics, "TRUST_MAX_POINTS", 30)
    x = np.random.default_rng(0).random((100, 8, 8, 1))
    score = metrics.trustworthiness(x, x.reshape(100, -1), seed=1)
    assert np.isclose(score, 1.0)


def test_silhouette():
    points, labels = _clusters(0)
    assert metrics.silhouette(points, labels) > 0.9
    noise = np.random.default_rng(0).normal(size=points.shape)
    assert abs(metrics.silhouette(noise, labels)) < 0.1
    assert metrics.silhouette(points, np.zeros(len(points), np.int64)) is None
