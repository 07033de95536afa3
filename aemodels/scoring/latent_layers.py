"""Where a decoder stretches and where it decodes to nonsense, on a grid over its latent plane.

Both are measured on a ``SIDE`` × ``SIDE`` grid of tile centres over the plane of the first two
code numbers (any others held at the held-out codes' mean, as the Latent explorer's sliders do),
spanning a VAE's prior range (±``PRIOR_RANGE``) or a plain autoencoder's codes' range. One
``decode`` call takes the grid and its two nudged copies:

- **stretch**: how much the decoded image changes per unit step of the code at each tile, the
  mean over the two directions of ``‖D(z + h·e) − D(z)‖ / h`` (the L2 norm of the pixel change,
  intensities 0–1, per code unit; finite differences with ``h`` a tenth of a tile);
- **confidence**: the top class probability an ``image_reader.ImageReader`` gives each decoded
  tile. ``nonsense_share`` is the share of tiles below ``NONSENSE_BELOW``.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

SIDE = 20
PRIOR_RANGE = 3.0
NONSENSE_BELOW = 0.5


@dataclasses.dataclass(frozen=True)
class LatentLayers:
    """The two layers of one run.

    Attributes:
        extent: (x_min, x_max, y_min, y_max) of the tile centres, code units.
        stretch: (SIDE, SIDE) pixel-change norm per code unit; row 0 at the lowest second number.
        confidence: (SIDE, SIDE) top class probability, rows as ``stretch``; None without labels.
    """

    extent: tuple[float, float, float, float]
    stretch: np.ndarray
    confidence: np.ndarray | None

    @property
    def nonsense_share(self) -> float | None:
        return None if self.confidence is None else float(np.mean(self.confidence < NONSENSE_BELOW))

    @property
    def axes(self) -> tuple[np.ndarray, np.ndarray]:
        x0, x1, y0, y1 = self.extent
        return np.linspace(x0, x1, self.stretch.shape[1]), np.linspace(y0, y1, self.stretch.shape[0])

    def arrays(self) -> dict[str, np.ndarray]:
        """As arrays for ``views.npz`` (``layers_…``); ``from_arrays`` reads them back."""
        found = {"layers_extent": np.asarray(self.extent, np.float64), "layers_stretch": self.stretch}
        if self.confidence is not None:
            found["layers_confidence"] = self.confidence
        return found

    @classmethod
    def from_arrays(cls, arrays) -> LatentLayers | None:
        if "layers_extent" not in arrays.files or "layers_stretch" not in arrays.files:
            return None
        extent = tuple(float(v) for v in arrays["layers_extent"])
        stretch = np.asarray(arrays["layers_stretch"], np.float32)
        confidence = np.asarray(arrays["layers_confidence"], np.float32) if "layers_confidence" in arrays.files else None
        if len(extent) != 4 or stretch.ndim != 2 or (confidence is not None and confidence.shape != stretch.shape):
            return None
        return cls(extent, stretch, confidence)


def plane_codes(codes: np.ndarray, xs: np.ndarray, ys: np.ndarray, dims: tuple[int, int] = (0, 1)) -> np.ndarray:
    """Codes (len(ys)·len(xs), D) float32 on the plane of ``dims``: row-major from the lowest
    ``ys``, the other numbers at the mean of ``codes`` (N, D)."""
    grid = np.tile(codes.mean(axis=0), (len(xs) * len(ys), 1)).astype(np.float32)
    yy, xx = np.meshgrid(ys, xs, indexing="ij")
    grid[:, dims[0]], grid[:, dims[1]] = xx.ravel(), yy.ravel()
    return grid


def layer_extent(codes: np.ndarray, has_prior: bool) -> tuple[float, float, float, float]:
    """Where the layers are measured: ±``PRIOR_RANGE`` for a kind that fills the prior N(0, I)
    (a VAE, an AAE); the codes' range on each of the
    first two numbers for a plain autoencoder."""
    if has_prior:
        return (-PRIOR_RANGE, PRIOR_RANGE, -PRIOR_RANGE, PRIOR_RANGE)
    low, high = codes[:, :2].min(axis=0), codes[:, :2].max(axis=0)
    return (float(low[0]), float(high[0]), float(low[1]), float(high[1]))


def measure(decode: Callable[[np.ndarray], np.ndarray], codes: np.ndarray, has_prior: bool,
            read: Callable[[np.ndarray], np.ndarray] | None, side: int = SIDE) -> LatentLayers:
    """Both layers of a decoder ``decode`` (codes (M, D) → images (M, H, W, C) in [0, 1]) whose
    held-out codes are ``codes`` (N, D ≥ 2); ``read`` gives class probabilities of images (None:
    no confidence layer)."""
    extent = layer_extent(codes, has_prior)
    x0, x1, y0, y1 = extent
    xs, ys = np.linspace(x0, x1, side), np.linspace(y0, y1, side)
    grid = plane_codes(codes, xs, ys)
    step = 0.1 * min((x1 - x0), (y1 - y0)) / max(side - 1, 1) or 1e-3
    nudged = [grid.copy() for _ in range(2)]
    nudged[0][:, 0] += step
    nudged[1][:, 1] += step
    images = decode(np.concatenate([grid, *nudged]))
    here, right, up = np.split(images.reshape(3 * side * side, -1), 3)
    stretch = (np.linalg.norm(right - here, axis=1) + np.linalg.norm(up - here, axis=1)) / (2 * step)
    confidence = None
    if read is not None:
        confidence = read(images[:side * side]).max(axis=1).reshape(side, side).astype(np.float32)
    return LatentLayers(extent, stretch.reshape(side, side).astype(np.float32), confidence)
