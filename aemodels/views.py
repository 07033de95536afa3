"""The 2-D maps of a run's held-out images: computed once when the run is scored, saved with it.

The PCA map is the first two components of the same PCA (fitted on the run's own training
images, ``train_images`` included) whose scores are printed beside it, so map and numbers agree.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import numpy as np

VIEWS_FILE = "views.npz"


def map_of(codes: np.ndarray, seed: int = 0) -> np.ndarray:
    """Codes (N, D) as 2-D map points (N, 2) float32: themselves for D = 2, their PCA for a
    longer code, the code beside a zero column for D = 1."""
    codes = np.asarray(codes, np.float32)
    if codes.shape[1] == 2:
        return codes
    if codes.shape[1] == 1:
        return np.c_[codes, np.zeros(len(codes), np.float32)]
    from sklearn.decomposition import PCA

    return PCA(2, random_state=seed).fit_transform(codes).astype(np.float32)


@dataclasses.dataclass(frozen=True)
class EmbeddingViews:
    """Held-out images seen three ways, one row per image of the run's test split.

    Attributes:
        codes: (N, latent_dim) float32, the model's codes (``z_mean`` for a VAE).
        model_2d: (N, 2) float32, the codes themselves for a 2-D code; PCA of the codes for a
            longer one; the code beside a zero column for a 1-D code.
        pca_2d: (N, 2) float32, the first two principal components of the pixels.
    """

    codes: np.ndarray
    model_2d: np.ndarray
    pca_2d: np.ndarray

    @classmethod
    def of(cls, codes: np.ndarray, pca_codes: np.ndarray, seed: int) -> EmbeddingViews:
        """From the model's codes (N, D) and PCA's codes (N, ≥2) of the same images."""
        codes = np.asarray(codes, np.float32)
        return cls(codes, map_of(codes, seed), np.asarray(pca_codes[:, :2], np.float32))

    def save(self, folder: Path) -> None:
        """Write ``views.npz`` into ``folder``."""
        np.savez(folder / VIEWS_FILE, codes=self.codes, model_2d=self.model_2d, pca_2d=self.pca_2d)

    @classmethod
    def load(cls, folder: Path, test_images: int) -> EmbeddingViews | None:
        """The views saved in ``folder``; None when there are none or they do not fit a split of
        ``test_images`` held-out images (a damaged or foreign file is recomputed, never trusted)."""
        path = folder / VIEWS_FILE
        try:
            with np.load(io.BytesIO(path.read_bytes()), allow_pickle=False) as arrays:
                views = cls(*(np.asarray(arrays[name], np.float32) for name in ("codes", "model_2d", "pca_2d")))
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return None
        shapes_fit = (views.codes.ndim == 2 and all(len(a) == test_images for a in (views.codes, views.model_2d, views.pca_2d))
                      and views.model_2d.shape[1:] == (2,) and views.pca_2d.shape[1:] == (2,))
        return views if shapes_fit else None
