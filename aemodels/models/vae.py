"""The variational autoencoder as a Keras model: the sampling layer and the model's own training step.

Both are registered with Keras under the package name ``aemodels``; a saved run keeps weights
only, and ``architectures`` rebuilds the model from its config.
"""

from __future__ import annotations

import keras
from keras import layers, ops

from aemodels.models.devices import EXACT


@keras.saving.register_keras_serializable(package="aemodels")
class Sampling(layers.Layer):
    """Reparameterised draw z = mean + exp(log_var / 2) · ε, ε ~ N(0, I); inputs (mean, log_var)."""

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


@keras.saving.register_keras_serializable(package="aemodels")
class VAE(keras.Model):
    """A variational autoencoder with its own ``train_step``.

    The encoder maps images (N, H, W, C) to ``[z_mean, z_log_var]``, each (N, latent_dim); the
    decoder maps codes back to images. The loss per image is the summed binary cross-entropy
    over pixels (nats) plus ``beta`` times the KL divergence of N(z_mean, exp(z_log_var)) from
    N(0, I) (``beta`` 1: the negative ELBO), and the three are tracked separately as
    ``reconstruction_loss``, ``kl_loss`` (unweighted) and ``loss``.
    Calling the model reconstructs from ``z_mean`` (no sampling), for plots and metrics.
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, seed: int | None = None, beta: float = 1.0,
                 **kwargs):
        super().__init__(**kwargs)
        self.beta = float(beta)
        self.encoder = encoder
        self.decoder = decoder
        self.sampling = Sampling(seed=seed, dtype=EXACT)
        self.total_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_tracker = keras.metrics.Mean(name="kl_loss")

    def build(self, input_shape):
        code_shape = (None, self.decoder.input_shape[-1])
        self.sampling.build([code_shape, code_shape])
        self.built = True

    @property
    def metrics(self):
        return [self.total_tracker, self.reconstruction_tracker, self.kl_tracker]

    def call(self, images, training=False):
        z_mean, _ = self.encoder(images, training=training)
        return self.decoder(z_mean, training=training)

    def losses_of(self, images, training: bool = False):
        """(total, reconstruction, kl) per-batch means, in nats per image."""
        z_mean, z_log_var = self.encoder(images, training=training)
        z = self.sampling([z_mean, z_log_var])
        reconstruction = self.decoder(z, training=training)
        return self.loss_terms(images, reconstruction, z_mean, z_log_var)

    def loss_terms(self, images, reconstruction, z_mean, z_log_var):
        """(total, reconstruction, kl) per-batch means, in nats per image."""
        per_pixel = keras.losses.binary_crossentropy(
            ops.expand_dims(images, -1), ops.expand_dims(reconstruction, -1)
        )
        reconstruction_loss = ops.mean(ops.sum(per_pixel, axis=(1, 2, 3)))
        kl = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
        kl_loss = ops.mean(ops.sum(kl, axis=1))
        return reconstruction_loss + self.beta * kl_loss, reconstruction_loss, kl_loss

    def _track(self, total, reconstruction, kl):
        self.total_tracker.update_state(total)
        self.reconstruction_tracker.update_state(reconstruction)
        self.kl_tracker.update_state(kl)
        return {m.name: m.result() for m in self.metrics}

    def train_step(self, data):
        import tensorflow as tf

        from aemodels.models.devices import replica_share

        images = keras.utils.unpack_x_y_sample_weight(data)[0]
        with tf.GradientTape() as tape:
            total, reconstruction, kl = self.losses_of(images, training=True)
            share = replica_share(total)  # per-replica means: the replicas' gradients are summed
            scaled = self.optimizer.scale_loss(share)  # mixed precision's loss scale; else unchanged
        gradients = tape.gradient(scaled, self.trainable_weights)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_weights))
        return self._track(total, reconstruction, kl)

    def test_step(self, data):
        images = keras.utils.unpack_x_y_sample_weight(data)[0]
        return self._track(*self.losses_of(images))

    def get_config(self):
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "seed": self.sampling.seed,
            "beta": self.beta,
        }

    @classmethod
    def from_config(cls, config):
        encoder = keras.saving.deserialize_keras_object(config.pop("encoder"))
        decoder = keras.saving.deserialize_keras_object(config.pop("decoder"))
        return cls(encoder, decoder, **config)
