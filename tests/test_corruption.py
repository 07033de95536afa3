"""Noise and loss of resolution."""

from __future__ import annotations

import numpy as np
import pytest

from aemodels.data.corruption import add_noise, degrade, downscale, low_resolution_size, upscale
from aemodels.data.datasets import load_dataset, to_float
from aemodels.errors import ConfigError
from aemodels.scoring.metrics import psnr


@pytest.fixture(scope="module")
def digits():
    return to_float(load_dataset("mnist-10k").images[:64])


@pytest.fixture(scope="module")
def colour():
    return np.random.default_rng(0).random((6, 30, 26, 3), dtype=np.float32)


KINDS = ("gaussian", "salt-and-pepper")


@pytest.mark.parametrize("kind", KINDS)
def test_noise_keeps_shape_type_and_range(kind, digits, colour):
    for images in (digits, colour):
        noisy = add_noise(images, kind, 0.4, seed=1)
        assert noisy.shape == images.shape and noisy.dtype == np.float32
        assert noisy.min() >= 0 and noisy.max() <= 1
        assert not np.array_equal(noisy, images)


@pytest.mark.parametrize("kind", KINDS)
def test_level_zero_is_identity(kind, digits):
    assert np.array_equal(add_noise(digits, kind, 0.0), digits)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", [0, 5])
def test_noise_is_seeded(kind, seed, digits):
    a = add_noise(digits, kind, 0.3, seed)
    assert np.array_equal(a, add_noise(digits, kind, 0.3, seed))
    assert not np.array_equal(a, add_noise(digits, kind, 0.3, seed + 1))


def test_input_is_not_modified(digits):
    before = digits.copy()
    add_noise(digits, "salt-and-pepper", 0.5)
    add_noise(digits, "gaussian", 0.5)
    assert np.array_equal(digits, before)


@pytest.mark.parametrize("kind", KINDS)
def test_more_noise_lowers_psnr(kind, digits):
    scores = [psnr(digits, add_noise(digits, kind, level, seed=3)).mean() for level in (0.05, 0.1, 0.2, 0.4, 0.8)]
    assert all(a > b for a, b in zip(scores, scores[1:])), scores


@pytest.mark.parametrize("level", [0.1, 0.3, 0.7])
def test_salt_and_pepper_hits_about_the_level_share_of_pixels(level):
    grey = np.full((20, 32, 32, 3), 0.5, np.float32)
    noisy = add_noise(grey, "salt-and-pepper", level, seed=2)
    hit = (noisy != 0.5).any(axis=-1)
    assert abs(hit.mean() - level) < 0.02
    # Whole pixels are replaced (all channels at once), by black or white in about equal shares.
    assert set(np.unique(noisy[hit])) == {0.0, 1.0}
    assert np.all(noisy[hit] == noisy[hit][:, :1])
    assert abs((noisy[hit][:, 0] == 1.0).mean() - 0.5) < 0.05


def test_gaussian_level_is_the_standard_deviation():
    grey = np.full((10, 64, 64, 1), 0.5, np.float32)
    noisy = add_noise(grey, "gaussian", 0.1, seed=0)
    assert abs(float(np.std(noisy - grey)) - 0.1) < 0.005


@pytest.mark.parametrize("level", [-0.1, 1.01, float("nan")])
def test_bad_level(level, digits):
    with pytest.raises(ConfigError):
        add_noise(digits, "gaussian", level)


def test_bad_kind(digits):
    with pytest.raises(ConfigError, match="poisson"):
        add_noise(digits, "poisson", 0.1)


@pytest.mark.parametrize("side,factor,expected", [(28, 2, 14), (28, 3, 10), (28, 7, 4), (8, 8, 1), (8, 3, 3), (1, 4, 1)])
def test_low_resolution_size(side, factor, expected):
    assert low_resolution_size(side, side, factor) == (expected, expected)


@pytest.mark.parametrize("shape", [(4, 28, 28, 1), (3, 30, 26, 3), (2, 8, 8, 1)])
@pytest.mark.parametrize("factor", [2, 3, 4, 7])
def test_down_and_up_shapes(shape, factor):
    images = np.random.default_rng(0).random(shape, dtype=np.float32)
    small = downscale(images, factor)
    assert small.shape == (shape[0], *low_resolution_size(shape[1], shape[2], factor), shape[3])
    assert small.dtype == np.float32 and small.min() >= 0 and small.max() <= 1
    for method in ("nearest", "bicubic"):
        big = upscale(small, shape[1:3], method)
        assert big.shape == shape and big.min() >= 0 and big.max() <= 1
    assert degrade(images, factor).shape == shape


def test_downscale_averages_areas():
    images = np.zeros((1, 8, 8, 1), np.float32)
    images[0, :4, :4] = 1.0
    small = downscale(images, 4)
    assert np.allclose(small[0, ..., 0], [[1, 0], [0, 0]], atol=1e-6)
    flat = np.full((2, 12, 12, 1), 0.25, np.float32)
    assert np.allclose(degrade(flat, 3), 0.25, atol=1e-5)


def test_larger_factors_lose_more(digits):
    scores = [psnr(digits, degrade(digits, f)).mean() for f in (2, 3, 4, 7)]
    assert all(a > b for a, b in zip(scores, scores[1:])), scores
    nearest = upscale(downscale(digits, 2), (28, 28), "nearest")
    assert psnr(digits, degrade(digits, 2)).mean() > psnr(digits, nearest).mean()
