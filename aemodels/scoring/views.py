"""The 2-D maps of a run's images: computed once when the run is scored, saved with it.

The held-out images are the maps' points; the training images can be drawn beneath them (70,000
points on the full MNIST), so their maps are saved too. The PCA map is the first two components
of the same PCA (fitted on the run's own training images, ``train_images`` included) whose scores
are printed beside it, so map and numbers agree.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path
from typing import Callable

import numpy as np

from aemodels.scoring.latent_layers import LatentLayers

VIEWS_FILE = "views.npz"


POINT_TRUST_K = 10


def _no_points() -> np.ndarray:
    return np.zeros((0, 2), np.float32)


def _no_values() -> np.ndarray:
    return np.zeros((0,), np.float32)


def map_fitted(codes: np.ndarray, seed: int = 0) -> Callable[[np.ndarray], np.ndarray]:
    """What turns codes (M, D) into 2-D map points (M, 2) float32, fitted on ``codes`` (N, D):
    the codes themselves for D = 2, their PCA (fitted on ``codes``) for a longer code, the code
    beside a zero column for D = 1."""
    width = np.asarray(codes).shape[1]
    if width == 2:
        return lambda c: np.asarray(c, np.float32)
    if width == 1:
        return lambda c: np.c_[np.asarray(c, np.float32), np.zeros(len(c), np.float32)]
    from sklearn.decomposition import PCA

    pca = PCA(2, random_state=seed).fit(np.asarray(codes, np.float32))
    return lambda c: pca.transform(np.asarray(c, np.float32)).astype(np.float32)


def map_of(codes: np.ndarray, seed: int = 0) -> np.ndarray:
    """Codes (N, D) as 2-D map points (N, 2) float32 (``map_fitted`` on themselves)."""
    return map_fitted(codes, seed)(codes)


@dataclasses.dataclass(frozen=True)
class EmbeddingViews:
    """Held-out images seen three ways, one row per image of the run's test split, and the
    training images' two maps.

    Attributes:
        codes: (N, latent_dim) float32, the model's codes (``z_mean`` for a VAE).
        model_2d: (N, 2) float32, the codes themselves for a 2-D code; PCA of the codes for a
            longer one; the code beside a zero column for a 1-D code.
        pca_2d: (N, 2) float32, the first two principal components of the pixels.
        train_model_2d, train_pca_2d: (M, 2) float32, the same two maps of the M training images
            (the same projections); (0, 2) for a run saved without them.
        trust_model, trust_pca: (N,) each held-out image's own trustworthiness at k =
            ``POINT_TRUST_K`` in the model's code and in PCA's code of the same size
            (``metrics.pointwise_trust``; NaN past its first 2,000 images); (0,) for a run saved
            without them.
        layers: the decoder's stretch and the decodings' confidence over its latent plane
            (``latent_layers.LatentLayers``); None for a 1-number code or a run saved without them.
    """

    codes: np.ndarray
    model_2d: np.ndarray
    pca_2d: np.ndarray
    train_model_2d: np.ndarray = dataclasses.field(default_factory=_no_points)
    train_pca_2d: np.ndarray = dataclasses.field(default_factory=_no_points)
    trust_model: np.ndarray = dataclasses.field(default_factory=_no_values)
    trust_pca: np.ndarray = dataclasses.field(default_factory=_no_values)
    layers: LatentLayers | None = None

    @classmethod
    def of(cls, codes: np.ndarray, pca_codes: np.ndarray, seed: int) -> EmbeddingViews:
        """From the model's codes (N, D) and PCA's codes (N, ≥2) of the same images."""
        codes = np.asarray(codes, np.float32)
        return cls(codes, map_of(codes, seed), np.asarray(pca_codes[:, :2], np.float32))

    def with_training(self, train_codes: np.ndarray, train_pca_codes: np.ndarray, seed: int) -> EmbeddingViews:
        """These views plus the training images' maps, from their codes (M, D) and PCA codes
        (M, ≥2): the model map's projection is the one fitted on the held-out codes."""
        to_map = map_fitted(self.codes, seed)
        return dataclasses.replace(self, train_model_2d=to_map(train_codes),
                                   train_pca_2d=np.asarray(train_pca_codes[:, :2], np.float32))

    def with_insight(self, trust_model: np.ndarray, trust_pca: np.ndarray, layers: LatentLayers | None) -> EmbeddingViews:
        """These views plus each image's own trustworthiness (N,) in both codes and the layers."""
        return dataclasses.replace(self, trust_model=np.asarray(trust_model, np.float32),
                                   trust_pca=np.asarray(trust_pca, np.float32), layers=layers)

    @property
    def has_training(self) -> bool:
        return len(self.train_model_2d) > 0

    @property
    def has_point_trust(self) -> bool:
        return len(self.trust_model) == len(self.codes) > 0

    def save(self, folder: Path) -> None:
        """Write ``views.npz`` into ``folder``."""
        np.savez(folder / VIEWS_FILE, codes=self.codes, model_2d=self.model_2d, pca_2d=self.pca_2d,
                 train_model_2d=self.train_model_2d, train_pca_2d=self.train_pca_2d,
                 trust_model=self.trust_model, trust_pca=self.trust_pca,
                 **(self.layers.arrays() if self.layers is not None else {}))

    @classmethod
    def load(cls, folder: Path, test_images: int) -> EmbeddingViews | None:
        """The views saved in ``folder``; None when there are none or they do not fit a split of
        ``test_images`` held-out images (a damaged or foreign file is recomputed, never trusted).
        Training maps of the wrong shape are dropped, the held-out views kept."""
        path = folder / VIEWS_FILE
        try:
            with np.load(io.BytesIO(path.read_bytes()), allow_pickle=False) as arrays:
                views = cls(*(np.asarray(arrays[name], np.float32) for name in ("codes", "model_2d", "pca_2d")))
                training = [np.asarray(arrays[name], np.float32) for name in ("train_model_2d", "train_pca_2d")
                            if name in arrays.files]
                trust = [np.asarray(arrays[name], np.float32) for name in ("trust_model", "trust_pca")
                         if name in arrays.files]
                layers = LatentLayers.from_arrays(arrays)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return None
        shapes_fit = (views.codes.ndim == 2 and all(len(a) == test_images for a in (views.codes, views.model_2d, views.pca_2d))
                      and views.model_2d.shape[1:] == (2,) and views.pca_2d.shape[1:] == (2,))
        if not shapes_fit:
            return None
        if len(training) == 2 and training[0].ndim == 2 and training[0].shape[1:] == (2,) and training[0].shape == training[1].shape:
            views = dataclasses.replace(views, train_model_2d=training[0], train_pca_2d=training[1])
        if len(trust) == 2 and all(t.shape == (test_images,) for t in trust):
            views = dataclasses.replace(views, trust_model=trust[0], trust_pca=trust[1])
        return dataclasses.replace(views, layers=layers)
