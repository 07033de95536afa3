"""The conditional VAE (CVAE): a VAE whose encoder and decoder are both told the image's class.

The class goes in as a one-hot vector of ``CLASSES`` slots. Given the class, the code no longer
needs to say which class an image is, so it keeps what the classes share: the "style" (slant,
stroke width, size). Decoding one style code under each class writes every class in that style.

The decoder takes one packed vector per image, the code then the one-hot class (N, latent_dim +
``CLASSES``), so it runs through the same traced forward pass as any decoder; ``inference``
packs it. The encoder takes ``[images (N, H, W, C), one-hot (N, CLASSES)]``.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from aemodels.kinds import CONDITIONAL_CLASSES as CLASSES
from aemodels.models.vae import VAE


def one_hot(labels: np.ndarray, classes: int = CLASSES) -> np.ndarray:
    """Class indices (N,) → float32 one-hot rows (N, ``classes``)."""
    return np.eye(classes, dtype=np.float32)[np.asarray(labels, np.int64)]


@keras.saving.register_keras_serializable(package="aemodels")
class ConditionalVAE(VAE):
    """A ``VAE`` whose inputs are ``(images, one-hot classes)``; the loss is the VAE's
    (reconstruction + β · KL, nats per image) and so are its trackers."""

    def build(self, input_shape):
        code_shape = (None, self.encoder.output_shape[0][-1])
        self.sampling.build([code_shape, code_shape])
        self.built = True

    def call(self, inputs, training=False):
        images, classes = inputs
        z_mean, _ = self.encoder([images, classes], training=training)
        return self.decoder(ops.concatenate([z_mean, classes], axis=-1), training=training)

    def losses_of(self, inputs, training: bool = False):
        """(total, reconstruction, kl) per-batch means, in nats per image, of ``(images, classes)``."""
        images, classes = inputs
        z_mean, z_log_var = self.encoder([images, classes], training=training)
        z = self.sampling([z_mean, z_log_var])
        reconstruction = self.decoder(ops.concatenate([z, classes], axis=-1), training=training)
        return self.loss_terms(images, reconstruction, z_mean, z_log_var)
