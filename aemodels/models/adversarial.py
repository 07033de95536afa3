"""The adversarial autoencoder (AAE) as a Keras model with its own training step.

Where a VAE pulls its codes towards the prior N(0, I) with a KL term, an AAE has a discriminator
learn to tell its codes from draws of the prior, and the encoder learn to fool it. Each batch takes
three updates, each with its own Adam, the two adversarial ones at ``ADVERSARY_SHARE`` of the
reconstruction's learning rate:

1. reconstruction: encoder and decoder, on the binary cross-entropy per pixel (the plain
   autoencoder's loss, so the two kinds' ``loss`` are the same quantity);
2. discriminator: prior draws labelled real, codes labelled fake (binary cross-entropy on logits);
3. generator: the encoder, on the discriminator calling its codes real.

The PyTorch notebook's AAE has a discriminator with 500 outputs and a discriminator step that
updates the decoder's optimizer; here the discriminator has one logit and each step moves only its
own weights. A saved run keeps weights only; ``architectures`` rebuilds the model from its config.
"""

from __future__ import annotations

import dataclasses

import keras
from keras import layers, ops

from aemodels.models.devices import EXACT

DISCRIMINATOR_UNITS = (256, 256)
# The adversarial updates' learning rate as a share of the reconstruction's. Measured on mnist-10k,
# 2-D codes, 30 epochs, batch 64, rate 2e-3, seed 0 (5-NN / MSE / prior MMD²): at 1 the game wins and
# the codes stop carrying the images (0.25 / 0.066 / 0.009), at 0.1 too (0.17 / 0.067 / 0.053); at
# 0.05 both hold (0.66 / 0.044 / 0.014); at 0.02 the discriminator wins and the codes fill the prior
# less (0.73 / 0.040 / 0.136; a plain dense-ae: 0.73 / 0.040 / 0.31).
ADVERSARY_SHARE = 0.05


def discriminator_model(latent_dim: int) -> keras.Model:
    """Codes (N, latent_dim) → one logit each (N, 1): positive for "a draw of the prior"."""
    codes = keras.Input((latent_dim,), name="code")
    x = codes
    for units in DISCRIMINATOR_UNITS:
        x = layers.LeakyReLU(0.2)(layers.Dense(units)(x))
    return keras.Model(codes, layers.Dense(1, dtype=EXACT)(x), name="discriminator")


@dataclasses.dataclass(eq=False)
class _Adversaries:
    """The optimizers of the adversarial game, held outside Keras's tracking so that a run's
    weights file holds the model's layers only (as a plain or variational run's does)."""

    discriminator: keras.optimizers.Optimizer
    generator: keras.optimizers.Optimizer


@keras.saving.register_keras_serializable(package="aemodels")
class AdversarialAutoencoder(keras.Model):
    """Encoder (images (N, H, W, C) → codes (N, latent_dim)), decoder (codes → images) and
    discriminator (codes → logits (N, 1)).

    Tracks ``loss`` (reconstruction, binary cross-entropy per pixel), ``discriminator_loss`` and
    ``generator_loss`` (binary cross-entropy per code, ln 2 ≈ 0.693 when the discriminator cannot
    tell). Calling the model reconstructs.
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, discriminator: keras.Model, learning_rate: float,
                 seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder, self.discriminator = encoder, decoder, discriminator
        self.learning_rate = float(learning_rate)
        self.prior_seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        adversary_rate = learning_rate * ADVERSARY_SHARE
        self.adversaries = _Adversaries(keras.optimizers.Adam(adversary_rate, beta_1=0.5),
                                        keras.optimizers.Adam(adversary_rate, beta_1=0.5))
        self.trackers = [keras.metrics.Mean(name=name) for name in ("loss", "discriminator_loss", "generator_loss")]

    @property
    def metrics(self):
        return list(self.trackers)

    def call(self, images, training=False):
        return self.decoder(self.encoder(images, training=training), training=training)

    def compile(self, *args, **kwargs):
        super().compile(*args, **kwargs)
        self.adversaries.discriminator.build(self.discriminator.trainable_variables)
        self.adversaries.generator.build(self.encoder.trainable_variables)

    def reconstruction_loss(self, images, training: bool = False):
        """Mean binary cross-entropy per pixel of the reconstructions (a scalar)."""
        n = ops.shape(images)[0]
        rebuilt = self(images, training=training)
        return ops.mean(keras.losses.binary_crossentropy(ops.reshape(images, (n, -1)), ops.reshape(rebuilt, (n, -1))))

    def _adversarial_losses(self, images, training: bool):
        """(discriminator loss, generator loss), binary cross-entropy per code on logits."""
        codes = self.encoder(images, training=training)
        prior = keras.random.normal(ops.shape(codes), seed=self.seed_generator)
        fake, real = self.discriminator(codes, training=training), self.discriminator(prior, training=training)
        bce = keras.losses.binary_crossentropy
        telling = 0.5 * (ops.mean(bce(ops.ones_like(real), real, from_logits=True))
                         + ops.mean(bce(ops.zeros_like(fake), fake, from_logits=True)))
        fooling = ops.mean(bce(ops.ones_like(fake), fake, from_logits=True))
        return telling, fooling

    def _step(self, loss_of, variables, optimizer):
        import tensorflow as tf

        from aemodels.models.devices import replica_share

        with tf.GradientTape() as tape:
            loss = loss_of()
            scaled = optimizer.scale_loss(replica_share(loss))
        optimizer.apply_gradients(zip(tape.gradient(scaled, variables), variables))
        return loss

    def train_step(self, data):
        images = keras.utils.unpack_x_y_sample_weight(data)[0]
        autoencoder = self.encoder.trainable_variables + self.decoder.trainable_variables
        reconstruction = self._step(lambda: self.reconstruction_loss(images, True), autoencoder, self.optimizer)
        telling = self._step(lambda: self._adversarial_losses(images, True)[0],
                             self.discriminator.trainable_variables, self.adversaries.discriminator)
        fooling = self._step(lambda: self._adversarial_losses(images, True)[1], self.encoder.trainable_variables,
                             self.adversaries.generator)
        return self._track(reconstruction, telling, fooling)

    def test_step(self, data):
        images = keras.utils.unpack_x_y_sample_weight(data)[0]
        return self._track(self.reconstruction_loss(images), *self._adversarial_losses(images, False))

    def _track(self, *values):
        for tracker, value in zip(self.trackers, values):
            tracker.update_state(value)
        return {tracker.name: tracker.result() for tracker in self.trackers}

    def get_config(self):
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "learning_rate": self.learning_rate,
            "seed": self.prior_seed,
        }

    @classmethod
    def from_config(cls, config):
        parts = {name: keras.saving.deserialize_keras_object(config.pop(name)) for name in ("encoder", "decoder", "discriminator")}
        return cls(**parts, **config)
