"""PCA behind scikit-learn's projection API: ``fit``, ``transform``, ``inverse_transform``.

Every projection takes images, uint8 or float32 in [0, 1], of shape (N, H, W, C); ``transform``
gives codes (N, n_components) and ``inverse_transform`` gives float32 images (N, H, W, C).
Fitted attributes end in ``_``, as in scikit-learn.
"""

from __future__ import annotations

import numpy as np

from aemodels.data.datasets import to_float


def as_float_images(images: np.ndarray) -> np.ndarray:
    return to_float(images) if images.dtype == np.uint8 else np.asarray(images, dtype=np.float32)


class PCAProjection:
    """scikit-learn PCA on flattened pixels.

    Attributes (after ``fit``):
        pca_: the fitted ``sklearn.decomposition.PCA``.
        image_shape_: (H, W, C) of the images it was fitted on.
    """

    def __init__(self, n_components: int = 2, seed: int = 0):
        self.n_components = n_components
        self.seed = seed

    def fit(self, images: np.ndarray) -> PCAProjection:
        from sklearn.decomposition import PCA

        flat = as_float_images(images).reshape(len(images), -1)
        n_components = min(self.n_components, *flat.shape)
        # Few components of many features: the randomized solver is much faster (seconds on
        # 8000x784) and, with ``random_state``, still deterministic.
        small = n_components <= 64 and n_components < min(flat.shape) // 4
        self.pca_ = PCA(n_components=n_components, svd_solver="randomized" if small else "auto",
                        random_state=self.seed)
        self.pca_.fit(flat)
        self.image_shape_ = tuple(images.shape[1:])
        return self

    def transform(self, images: np.ndarray) -> np.ndarray:
        return self.pca_.transform(as_float_images(images).reshape(len(images), -1)).astype(np.float32)

    def inverse_transform(self, codes: np.ndarray) -> np.ndarray:
        flat = self.pca_.inverse_transform(np.asarray(codes))
        return np.clip(flat, 0, 1).astype(np.float32).reshape(len(codes), *self.image_shape_)
