"""Noise in the code (the lesson's Task 2): how much decoding gets worse when Gaussian noise is
added to held-out images' codes.

The noise is sized in units of each code number's own spread: size 1 adds, to code number j, noise
of the standard deviation that number has over the held-out images. Codes of different models
live on different scales (a plain autoencoder's may span hundreds, a VAE's about one), so only a
size relative to the spread compares them fairly.
"""

from __future__ import annotations

import dataclasses

import numpy as np

NOISE_SIZES = (0.0, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0)
CURVE_IMAGES = 500


def noisy_codes(codes: np.ndarray, size: float, seed: int = 0) -> np.ndarray:
    """``codes`` (N, D) plus Gaussian noise of ``size`` times each column's standard deviation."""
    spread = codes.std(axis=0, keepdims=True)
    noise = np.random.default_rng(seed).normal(size=codes.shape).astype(np.float32)
    return (codes + size * spread * noise).astype(np.float32)


@dataclasses.dataclass(frozen=True)
class CodeNoiseCurve:
    """Reconstruction MSE (per pixel, [0, 1] scale) of ``images`` held-out images at each noise
    ``sizes`` (relative to the codes' spread)."""

    sizes: tuple[float, ...]
    mse: tuple[float, ...]
    images: int

    def growth(self, size: float) -> float:
        """How many times the error at ``size`` is the error without noise."""
        return self.mse[self.sizes.index(size)] / max(self.mse[0], 1e-12)


def code_noise_curve(encode, decode, images: np.ndarray, seed: int = 0,
                     sizes: tuple[float, ...] = NOISE_SIZES) -> CodeNoiseCurve:
    """The curve of ``decode(noisy encode(images))`` against ``images`` (float32 (N, H, W, C)).

    ``encode`` maps images to codes (N, D) (a VAE's means) and ``decode`` codes to images."""
    codes = encode(images)
    errors = []
    for size in sizes:
        decoded = decode(noisy_codes(codes, size, seed))
        errors.append(float(np.mean((decoded - images) ** 2)))
    return CodeNoiseCurve(tuple(sizes), tuple(errors), len(images))
