"""PCA and the autoencoders behind one API: ``fit``, ``transform``, ``inverse_transform``.

Every projection takes images, uint8 or float32 in [0, 1], of shape (N, H, W, C); ``transform``
gives codes (N, n_components) and ``inverse_transform`` gives float32 images (N, H, W, C).
Fitted attributes end in ``_``, as in scikit-learn.
"""

from __future__ import annotations

import numpy as np

from aemodels.config import TrainConfig
from aemodels.data.datasets import to_float

PREDICT_BATCH = 512


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


class AutoencoderProjection:
    """An embedding autoencoder (``dense-ae``, ``conv-ae``, ``vae``, ``dense-vae``).

    Build it from a config (``fit`` trains), or from an already trained ``ModelBundle`` with
    ``from_bundle``. ``transform`` gives the encoder's code (``z_mean`` for a VAE).

    Attributes (after ``fit``):
        bundle_: the trained ``architectures.ModelBundle``.
        history_: loss name → one value per epoch (empty when made from a bundle).
    """

    def __init__(self, config: TrainConfig):
        if not config.has_embedding:
            raise ValueError(f"{config.model} has no latent code to project to.")
        self.config = config
        self.n_components = config.latent_dim

    @classmethod
    def from_bundle(cls, bundle) -> AutoencoderProjection:
        projection = cls(bundle.config)
        projection.bundle_ = bundle
        projection.history_ = {}
        return projection

    def fit(self, images: np.ndarray, labels: np.ndarray | None = None) -> AutoencoderProjection:
        """Train on ``images`` (all of them: the caller holds out test data)."""
        from aemodels.data.datasets import Dataset
        from aemodels.models.training import train

        labels = np.zeros(len(images), np.int64) if labels is None else labels
        uint8 = images if images.dtype == np.uint8 else np.clip(np.rint(images * 255), 0, 255).astype(np.uint8)
        # Everything is training data here; a tiny held-out part only feeds the loss curve.
        dataset = Dataset("fit", uint8, labels, ("all",))
        result = train(self.config.replace(test_fraction=0.05, train_images=None), dataset)
        self.bundle_ = result.bundle
        self.history_ = result.history
        return self

    def transform(self, images: np.ndarray) -> np.ndarray:
        return np.asarray(self.bundle_.encoder.predict(as_float_images(images), batch_size=PREDICT_BATCH, verbose=0))

    def inverse_transform(self, codes: np.ndarray) -> np.ndarray:
        decoded = self.bundle_.decoder.predict(np.asarray(codes, np.float32), batch_size=PREDICT_BATCH, verbose=0)
        return np.clip(np.asarray(decoded), 0, 1).astype(np.float32)
