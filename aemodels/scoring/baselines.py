"""Classical denoisers, the baseline a denoising autoencoder has to beat.

Four families: Gaussian blur and median (scipy), non-local means and total-variation denoising
(scikit-image). Each has a few settings; ``choose`` picks, per family, the setting with the best
mean PSNR on *validation* images (clean images of the training split, corrupted with their own
noise), never on the images the filters are then scored on.

Every filter maps float32 images (N, H, W, C) in [0, 1] and the noise level to images of the same
shape. Non-local means takes its strength relative to the level: its ``h`` is a multiple of it.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

from aemodels.data.corruption import add_noise

VALIDATION_IMAGES = 100  # training-split images each family's setting is chosen on
GAUSSIAN_SIGMAS = (0.5, 0.75, 1.0, 1.5, 2.0)  # pixels
MEDIAN_SIZES = (3, 5)  # pixels per side
NLM_STRENGTHS = (0.2, 0.3, 0.5, 0.8)  # h as a multiple of the noise level
TV_WEIGHTS = (0.05, 0.1, 0.15, 0.2, 0.3)  # Chambolle's weight, on the [0, 1] pixel scale
NLM_PATCH, NLM_DISTANCE = 5, 6  # pixels: patch side, search radius
MIN_LEVEL = 1e-3  # non-local means needs a positive strength even on clean input


@dataclasses.dataclass(frozen=True)
class Filter:
    """One classical denoiser at one setting: ``apply(images, level) -> images``."""

    family: str
    setting: str
    apply: Callable[[np.ndarray, float], np.ndarray]

    @property
    def name(self) -> str:
        return filter_name(self.family, self.setting)


def filter_name(family: str, setting: str) -> str:
    """What ``by_name`` takes: "median 3×3" for family "median" at setting "3×3"."""
    return f"{family} {setting}"


def gaussian(images: np.ndarray, sigma: float) -> np.ndarray:
    """Each image blurred with a Gaussian of ``sigma`` pixels (height and width only)."""
    from scipy.ndimage import gaussian_filter

    return gaussian_filter(np.asarray(images, np.float32), sigma=(0, sigma, sigma, 0), mode="reflect")


def median(images: np.ndarray, size: int) -> np.ndarray:
    """Each image through a ``size`` × ``size`` median filter."""
    from scipy.ndimage import median_filter

    return median_filter(np.asarray(images, np.float32), size=(1, size, size, 1), mode="reflect")


def non_local_means(images: np.ndarray, level: float, strength: float) -> np.ndarray:
    """Each image through scikit-image's fast non-local means, ``h = strength × level``.

    The noise's standard deviation is given as half the level: the noise is clipped to [0, 1],
    which leaves less variance than the level says (chosen by measurement on validation images).
    """
    from skimage.restoration import denoise_nl_means

    level = max(float(level), MIN_LEVEL)
    return _each_image(images, lambda image, channels: denoise_nl_means(
        image, h=strength * level, sigma=0.5 * level, patch_size=NLM_PATCH, patch_distance=NLM_DISTANCE,
        fast_mode=True, channel_axis=channels))


def total_variation(images: np.ndarray, weight: float) -> np.ndarray:
    """Each image through scikit-image's total-variation denoising (Chambolle) of ``weight``."""
    from skimage.restoration import denoise_tv_chambolle

    return _each_image(images, lambda image, channels: denoise_tv_chambolle(image, weight=weight,
                                                                            channel_axis=channels))


def _each_image(images: np.ndarray, denoise) -> np.ndarray:
    """``denoise(image, channel_axis)`` on every image: (H, W) for grey, (H, W, C) for colour."""
    images = np.asarray(images, np.float32)
    if len(images) == 0:
        return images.copy()
    grey = images.shape[-1] == 1
    out = [denoise(image[..., 0] if grey else image, None if grey else -1) for image in images]
    out = np.stack(out).astype(np.float32)
    return np.clip(out[..., None] if grey else out, 0.0, 1.0)


def candidates() -> tuple[Filter, ...]:
    """Every filter setting a family may choose from, families in ``FAMILIES`` order."""
    return (
        *(Filter("Gaussian", f"σ={s:g} px", lambda x, level, s=s: gaussian(x, s)) for s in GAUSSIAN_SIGMAS),
        *(Filter("median", f"{k}×{k}", lambda x, level, k=k: median(x, k)) for k in MEDIAN_SIZES),
        *(Filter("non-local means", f"h={h:g}×level", lambda x, level, h=h: non_local_means(x, level, h))
          for h in NLM_STRENGTHS),
        *(Filter("total variation", f"weight {w:g}", lambda x, level, w=w: total_variation(x, w)) for w in TV_WEIGHTS),
    )


FAMILIES = ("Gaussian", "median", "non-local means", "total variation")


def by_name(name: str) -> Filter:
    """The filter called ``name`` (as ``Filter.name`` gives it); KeyError if there is none."""
    for candidate in candidates():
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def choose(validation: np.ndarray, kind: str, level: float, seed: int = 0) -> dict[str, Filter]:
    """Family → its setting with the best mean PSNR on ``validation`` (clean float32 (N, H, W, C))
    corrupted with ``kind`` noise at ``level``. The noise seed differs from the scored images'."""
    from aemodels.scoring.metrics import psnr

    clean = np.asarray(validation, np.float32)[:VALIDATION_IMAGES]
    noisy = add_noise(clean, kind, level, seed + 1)
    best: dict[str, tuple[float, Filter]] = {}
    for candidate in candidates():
        score = float(psnr(clean, candidate.apply(noisy, level)).mean())
        if candidate.family not in best or score > best[candidate.family][0]:
            best[candidate.family] = (score, candidate)
    return {family: best[family][1] for family in FAMILIES}
