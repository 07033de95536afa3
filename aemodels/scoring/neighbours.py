"""One image's nearest neighbours, three ways: in pixel space, in the model's code, in PCA's code.

What trustworthiness and continuity sum over all images, shown for one: which neighbours a map
keeps, which it invents (near in the map, not in pixels) and which it loses.
"""

from __future__ import annotations

import dataclasses

import numpy as np

SHOWN_NEIGHBOURS = 8


def nearest(points: np.ndarray, index: int, k: int = SHOWN_NEIGHBOURS) -> np.ndarray:
    """Row indices of the ``k`` points nearest to row ``index`` of ``points`` (N, ...), nearest
    first, ``index`` itself left out; Euclidean distance, ties in index order."""
    flat = np.asarray(points, np.float64).reshape(len(points), -1)
    distances = ((flat - flat[index]) ** 2).sum(axis=1)
    distances[index] = np.inf
    return np.argsort(distances, kind="stable")[: min(k, len(flat) - 1)]


@dataclasses.dataclass(frozen=True)
class Neighbourhood:
    """The ``k`` nearest neighbours (row indices, nearest first) of image ``index`` three ways:
    in pixels, in the model's code, in PCA's code of the same size."""

    index: int
    pixels: np.ndarray
    code: np.ndarray
    pca: np.ndarray

    def kept(self, found: np.ndarray) -> np.ndarray:
        """For each of ``found`` (a map's neighbours), whether it is also a pixel-space neighbour;
        bool, same shape."""
        return np.isin(found, self.pixels)

    def lost_by(self, found: np.ndarray) -> np.ndarray:
        """For each pixel-space neighbour, whether the map with neighbours ``found`` loses it."""
        return ~np.isin(self.pixels, found)


def neighbourhood(index: int, images: np.ndarray, codes: np.ndarray, pca_codes: np.ndarray,
                  k: int = SHOWN_NEIGHBOURS) -> Neighbourhood:
    """Image ``index``'s neighbours among ``images`` (N, H, W, C), by their ``codes`` (N, D) and
    by PCA's ``pca_codes`` (N, D)."""
    return Neighbourhood(index, nearest(images, index, k), nearest(codes, index, k), nearest(pca_codes, index, k))
