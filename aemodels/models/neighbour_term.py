"""The neighbour-keeping term: the code is also pulled towards a t-SNE layout of the training images.

A plain autoencoder learns codes that rebuild the images, and nothing asks it to keep an image's
neighbours near it: on mnist-10k its 2-D map reaches a 5-NN accuracy of about 0.70. Here the loss
is the model's own (reconstruction, plus KL for a VAE) plus ``W × TERM_SCALE`` times the mean
squared distance between each training image's code and its place in a 2-D t-SNE layout of the
training images (PCA to 50 numbers first; axes scaled to unit spread, the scale of a VAE's prior).
t-SNE keeps neighbours well, but maps only the images it was given; the encoder learns to place
any image, held-out ones included, and the decoder still rebuilds them (regressing the code on a
precomputed layout is GRAE's idea, Duque et al. 2022; the code here is ours).

Measured against the other candidates of the issue (``BENCHMARKS.md``): a UMAP-style
cross-entropy over a 15-NN graph of the training images, sampled one neighbour per image per batch
with 5 negatives, lowered the 5-NN accuracy (0.59 → 0.47–0.57 at 10 epochs): with 8,000 images
and a few minutes there are too few edge samples for it.

While training with the term, each batch is shifted by up to ``SHIFT_PIXELS`` in each direction
(the layout target unchanged): the encoder then learns where a digit belongs, not where its pixels
are, which lifted the held-out 5-NN from 0.88 to 0.91 (conv-ae, 30 epochs).
"""

from __future__ import annotations

import numpy as np

LAYOUT_PCA_COMPONENTS = 50
LAYOUT_MAX_IMAGES = 20_000  # t-SNE of more training images takes minutes on 2 cores: refused
TERM_SCALE = 1.0  # per pixel of a plain autoencoder's mean binary cross-entropy; W = 1 is recommended
SHIFT_PIXELS = 1


def target_layout(images: np.ndarray, seed: int) -> np.ndarray:
    """A 2-D t-SNE layout (N, 2) float32 of ``images`` (N, H, W, C), each axis scaled to mean 0
    and standard deviation 1. Seeded: the same images and seed give the same layout."""
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    from aemodels.data.datasets import to_float

    flat = to_float(images).reshape(len(images), -1)
    components = min(LAYOUT_PCA_COMPONENTS, flat.shape[1], len(flat) - 1)
    reduced = PCA(components, random_state=seed).fit_transform(flat)
    perplexity = float(min(30.0, max(2.0, (len(flat) - 1) / 3.5)))
    layout = TSNE(2, perplexity=perplexity, init="pca", random_state=seed).fit_transform(reduced)
    layout = (layout - layout.mean(axis=0)) / (layout.std(axis=0) + 1e-9)
    return layout.astype(np.float32)


def term_scale(variational: bool, image_shape: tuple[int, ...]) -> float:
    """What W multiplies, in the units of the model's own loss: a plain autoencoder's loss is a
    mean per pixel, a VAE's a sum over pixels (nats per image), so the VAE's is scaled by the
    number of pixels to keep W = 1 the same balance."""
    return TERM_SCALE * (float(np.prod(image_shape)) if variational else 1.0)


def layout_keeping(bundle, weight: float):
    """A Keras model that trains ``bundle``'s own layers on its loss plus ``weight`` × the
    layout term; ``fit`` it on ``batches.LayoutBatches``, with held-out ``(images,)`` or
    ``(images, images)`` as validation data (scored on the model's own loss, there being no
    layout for them). Its history keeps ``loss`` as the model's own loss (comparable with a plain
    run's) and adds ``neighbour_loss``: the mean squared distance, in layout units, between the
    training codes and their targets."""
    import keras
    from keras import ops

    variational = bundle.config.is_variational
    scale = weight * term_scale(variational, bundle.image_shape)

    class LayoutKeeping(keras.Model):
        def __init__(self):
            super().__init__(name=f"{bundle.config.model}_neighbour_keeping")
            self.base, self.encoder = bundle.model, bundle.encoder
            names = ["loss", "neighbour_loss"] + (["reconstruction_loss", "kl_loss"] if variational else [])
            self.trackers = {name: keras.metrics.Mean(name=name) for name in names}

        @property
        def metrics(self):
            return list(self.trackers.values())

        def call(self, inputs, training=False):
            """The model's output for images (N, H, W, C), or for the ``(images, targets)`` that
            ``fit`` feeds (Keras builds a distributed model by calling it on a training batch)."""
            images = inputs[0] if isinstance(inputs, (tuple, list)) else inputs
            return self.base(images, training=training)

        def own_loss(self, images, training, codes=None):
            """The model's own loss: {"loss", and for a VAE "reconstruction_loss", "kl_loss"};
            a plain autoencoder decodes ``codes`` when given (the encoder already ran)."""
            if variational:
                total, reconstruction, kl = self.base.losses_of(images, training=training)
                return {"loss": total, "reconstruction_loss": reconstruction, "kl_loss": kl}
            if codes is None:
                codes = self.encoder(images, training=training)
            rebuilt = bundle.decoder(codes, training=training)
            n = ops.shape(images)[0]
            return {"loss": ops.mean(keras.losses.binary_crossentropy(ops.reshape(images, (n, -1)),
                                                                      ops.reshape(rebuilt, (n, -1))))}

        def train_step(self, data):
            import tensorflow as tf

            from aemodels.models.devices import replica_share

            (images, targets), _ = data
            with tf.GradientTape() as tape:
                codes = self.encoder(images, training=True)  # z_mean for a VAE
                losses = self.own_loss(images, True, codes)
                neighbour = ops.mean(ops.sum(ops.square(codes - targets), axis=1))
                total = losses["loss"] + scale * neighbour
                share = replica_share(total)  # per-replica means: the replicas' gradients are summed
                scaled = self.optimizer.scale_loss(share)  # mixed precision's loss scale; else unchanged
            gradients = tape.gradient(scaled, self.trainable_weights)
            self.optimizer.apply_gradients(zip(gradients, self.trainable_weights))
            # "loss" stays the model's own loss, comparable with the held-out one and a plain run's
            return self._track({**losses, "neighbour_loss": neighbour})

        def test_step(self, data):
            images = data[0] if isinstance(data, tuple) else data
            return self._track(self.own_loss(images, False))

        def _track(self, values):
            for name, value in values.items():
                self.trackers[name].update_state(value)
            return {name: tracker.result() for name, tracker in self.trackers.items() if name in values}

    return LayoutKeeping()
