"""Corruptions shared by training and the dashboard's sliders: noise and loss of resolution.

All functions take and return float32 images in [0, 1] of shape (N, H, W, C).
"""

from __future__ import annotations

import numpy as np

from aemodels.errors import ConfigError

NOISE_LEVEL_RANGE = (0.0, 1.0)


def add_noise(images: np.ndarray, kind: str, level: float, seed: int = 0) -> np.ndarray:
    """Noisy copies of ``images``.

    Args:
        images: float32 (N, H, W, C) in [0, 1].
        kind: ``gaussian`` (``level`` is the standard deviation, in pixel units of the [0, 1]
            scale) or ``salt-and-pepper`` (``level`` is the fraction of pixels set to 0 or 1).
        level: from 0 (no noise) to 1.
        seed: the same seed gives the same noise.

    Returns:
        float32 (N, H, W, C), clipped to [0, 1].
    """
    if not 0.0 <= level <= 1.0:
        raise ConfigError(f"Noise level {level} is outside 0 to 1.")
    rng = np.random.default_rng(seed)
    images = np.asarray(images, dtype=np.float32)
    if kind == "gaussian":
        noisy = images + rng.normal(0.0, 1.0, images.shape).astype(np.float32) * np.float32(level)
    elif kind == "salt-and-pepper":
        noisy = images.copy()
        hit = rng.random(images.shape[:3]) < level
        salt = rng.random(images.shape[:3]) < 0.5
        noisy[hit & salt] = 1.0
        noisy[hit & ~salt] = 0.0
    else:
        raise ConfigError(f"Unknown noise kind {kind!r}: use 'gaussian' or 'salt-and-pepper'.")
    return np.clip(noisy, 0.0, 1.0)


def low_resolution_size(height: int, width: int, factor: int) -> tuple[int, int]:
    """Size after dividing each side by ``factor`` (rounded up, at least 1 pixel)."""
    return max(1, -(-height // factor)), max(1, -(-width // factor))


def downscale(images: np.ndarray, factor: int) -> np.ndarray:
    """Low-resolution images: each side divided by ``factor`` with area averaging.

    Returns float32 (N, ceil(H/factor), ceil(W/factor), C) in [0, 1].
    """
    from keras import ops

    _, h, w, _ = images.shape
    small = ops.image.resize(
        np.asarray(images, dtype=np.float32), low_resolution_size(h, w, factor),
        interpolation="area",
    )
    return np.clip(ops.convert_to_numpy(small), 0.0, 1.0)


def upscale(images: np.ndarray, size: tuple[int, int], method: str = "bicubic") -> np.ndarray:
    """Resize low-resolution images back to ``size`` (H, W) with ``method``: ``nearest``,
    ``bicubic`` or ``lanczos5`` (any of ``keras.ops.image.resize``'s interpolations).

    Returns float32 (N, H, W, C) clipped to [0, 1] (bicubic and Lanczos overshoot at edges).
    """
    from keras import ops

    big = ops.image.resize(np.asarray(images, dtype=np.float32), size, interpolation=method)
    return np.clip(ops.convert_to_numpy(big), 0.0, 1.0)


def degrade(images: np.ndarray, factor: int) -> np.ndarray:
    """What the super-resolution model sees: downscaled by ``factor``, then bicubic back up.

    Returns float32 of the same shape as ``images``.
    """
    _, h, w, _ = images.shape
    return upscale(downscale(images, factor), (h, w), "bicubic")


# --- the training inputs of the image-to-image tasks ---------------------------------------


def superres_inputs(images: np.ndarray, factors: tuple[int, ...], seed: int, evenly: bool = False) -> np.ndarray:
    """Each image degraded at one of ``factors``, drawn with ``seed`` in proportion to 1/factor²
    (a dB of PSNR at ×2 is a far smaller error than at ×7: drawn evenly, the large factors' errors
    drive training), or ``evenly`` (image model version 1); float32, same shape."""
    share = np.ones(len(factors)) if evenly else 1.0 / np.asarray(factors, np.float64) ** 2
    chosen = np.random.default_rng(seed).choice(np.asarray(factors), size=len(images), p=share / share.sum())
    degraded = np.empty_like(images)
    for factor in factors:
        picked = chosen == factor
        if picked.any():
            degraded[picked] = degrade(images[picked], int(factor))
    return degraded


def denoise_inputs(images: np.ndarray, kind: str, noise_max: float, seed: int) -> np.ndarray:
    """Each image with noise at a level drawn uniformly from [0, noise_max]; float32."""
    rng = np.random.default_rng(seed)
    levels = rng.uniform(0.0, noise_max, size=len(images))
    noisy = np.empty_like(images)
    # Noise is drawn in groups of similar level so that one call serves many images.
    bins = np.minimum((levels / noise_max * 20).astype(int), 19)
    for b in np.unique(bins):
        picked = bins == b
        noisy[picked] = add_noise(images[picked], kind, float(levels[picked].mean()),
                                  seed=int(rng.integers(2**31)))
    return noisy
