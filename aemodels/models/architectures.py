"""Keras models for every ``TrainConfig.model`` kind: each task assembles its own (``embedding_model``,
``image_to_image_model``) and ``build`` compiles it.

A ``ModelBundle`` holds the model that is trained and, for the embedding kinds, the encoder
(images → code; ``z_mean`` for a VAE) and the decoder (code → images) that share its weights.
Images are float32 (N, H, W, C) in [0, 1] everywhere.

Any image size from 8 to 256 pixels a side works: convolutional models pad the input to a
multiple of 4 and crop the output back.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Callable

import keras
from keras import layers, ops

from aemodels.config import TrainConfig
from aemodels.models.devices import EXACT
from aemodels.models.vae import VAE

DENSE_UNITS = (512, 256)  # hidden layers of the fully-connected encoder (decoder: reversed)


@dataclasses.dataclass(frozen=True)
class ConvLayers:
    """The layers of one architecture version of the convolutional kinds: two stride-2
    convolutions of ``filters`` (the feature map is a quarter of the side), then a dense layer of
    ``hidden`` units before the code; the decoder mirrors it."""

    filters: tuple[int, int]
    hidden: int


CONV_VERSIONS = {  # ``TrainConfig.architecture`` → layers; a saved run rebuilds its own version
    1: ConvLayers((16, 32), 128),
    2: ConvLayers((64, 128), 512),  # the published conv autoencoder (parametric UMAP's)
}
LR_FLOOR = 0.05  # the cosine schedule ends at this share of the initial learning rate
# Shorter trainings keep a constant rate: they stop far from convergence, where decaying the rate
# only slows them (the dashboard's 5-epoch quick model fell below PCA's kNN with the decay).
SCHEDULE_MIN_EPOCHS = 10


@dataclasses.dataclass(eq=False)
class ModelBundle:
    """A trained or trainable model and its parts.

    Attributes:
        config: the config it was built from.
        model: the Keras model that ``fit`` trains. Embedding kinds: images → reconstructions;
            ``denoise``: noisy → clean; ``superres``: bicubic-upscaled → full resolution.
        encoder: images (N, H, W, C) → codes (N, latent_dim); None for image-to-image kinds.
        decoder: codes (N, latent_dim) → images (N, H, W, C); None for image-to-image kinds.
        image_shape: (H, W, C) of the images it takes.
        classes: one-hot slots of a conditional kind's class input (0: not conditional); its
            encoder then takes ``[images, one-hot]`` and its decoder the code and the one-hot
            packed in one row (N, latent_dim + classes).
    """

    config: TrainConfig
    model: keras.Model
    encoder: keras.Model | None
    decoder: keras.Model | None
    image_shape: tuple[int, int, int]
    classes: int = 0


Assemble = Callable[[TrainConfig, tuple[int, int, int]], ModelBundle]  # config, (H, W, C) → uncompiled bundle


BUILD_ATTEMPTS = 3


def build(config: TrainConfig, image_shape: tuple[int, int, int], assemble: Assemble, loss: str | None,
          steps_per_epoch: int | None = None) -> ModelBundle:
    """The untrained model ``assemble`` makes for ``config`` on images of ``image_shape`` (H, W, C),
    compiled with Adam and the Keras ``loss`` (None: the model adds its own, as the VAE does).

    With ``steps_per_epoch`` (batches per epoch) and at least ``SCHEDULE_MIN_EPOCHS`` epochs, the
    learning rate follows a cosine decay from ``config.learning_rate`` to 5 % of it over all
    ``config.epochs``; otherwise (short trainings, rebuilding a saved model) it is constant.

    In the dashboard server a build can be cut by another session's thread: after every script
    run Streamlit calls ``keras.backend.clear_session()``, which rebinds Keras's thread-local name
    state for *all* threads (``GLOBAL_STATE_TRACKER = threading.local()`` in
    ``keras/src/backend/common/global_state.py``). A build under way then restarts its automatic
    layer names, and Keras refuses the model ("The name "add" is used 2 times"). Such a build is
    made again; the race window is a few milliseconds, and weights files do not depend on layer
    names.
    """
    image_shape = tuple(int(s) for s in image_shape)
    for attempt in range(BUILD_ATTEMPTS):
        try:
            bundle = assemble(config, image_shape)
            break
        except ValueError as exc:
            if "operation names should be unique" not in str(exc) or attempt == BUILD_ATTEMPTS - 1:
                raise
    learning_rate = config.learning_rate
    if steps_per_epoch and config.epochs >= SCHEDULE_MIN_EPOCHS:
        learning_rate = keras.optimizers.schedules.CosineDecay(
            config.learning_rate, decay_steps=max(1, config.epochs * int(steps_per_epoch)), alpha=LR_FLOOR)
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    if loss is None:
        bundle.model.compile(optimizer=optimizer)
    else:
        bundle.model.compile(optimizer=optimizer, loss=loss)
    return bundle


def embedding_model(config: TrainConfig, image_shape: tuple[int, int, int]) -> ModelBundle:
    """The encoder, decoder and whole model of an embedding kind: dense or conv (``kind.layout``),
    plain or variational; uncompiled."""
    kind = config.kind
    if kind.conditional:
        return _conditional(config, image_shape)
    if config.code_grid:
        return _spatial_autoencoder(config, image_shape)
    assemble = _variational if kind.variational else _adversarial if kind.adversarial else _autoencoder
    if kind.layout == "conv":
        shape = CONV_VERSIONS[config.architecture]
        return assemble(config, image_shape, lambda x: _conv_encoder_body(x, image_shape, shape),
                        _conv_decoder(config.latent_dim, image_shape, shape))
    return assemble(config, image_shape, _dense_encoder_body, _dense_decoder(config.latent_dim, image_shape))


def image_to_image_model(config: TrainConfig, image_shape: tuple[int, int, int]) -> ModelBundle:
    """The residual U-Net of an image-to-image kind (no encoder or decoder); uncompiled."""
    return ModelBundle(config, _image_to_image(image_shape, True, config.kind.name, config.image_model_version >= 2),
                       None, None, image_shape)


def _padded(side: int) -> int:
    return 4 * math.ceil(side / 4)


def _pad_to_multiple_of_4(x, image_shape):
    h, w, _ = image_shape
    ph, pw = _padded(h) - h, _padded(w) - w
    if ph or pw:
        x = layers.ZeroPadding2D(((0, ph), (0, pw)))(x)
    return x


def _crop_to(x, image_shape):
    h, w, _ = image_shape
    ph, pw = _padded(h) - h, _padded(w) - w
    if ph or pw:
        x = layers.Cropping2D(((0, ph), (0, pw)), dtype=EXACT)(x)
    return x


# --- plain autoencoders -----------------------------------------------------------------------


def _dense_encoder_body(inputs):
    x = layers.Flatten()(inputs)
    for units in DENSE_UNITS:
        x = layers.Dense(units, activation="relu")(x)
    return x


def _dense_decoder(latent_dim: int, image_shape, name: str = "decoder") -> keras.Model:
    codes = keras.Input((latent_dim,), name="code")
    x = codes
    for units in reversed(DENSE_UNITS):
        x = layers.Dense(units, activation="relu")(x)
    x = layers.Dense(math.prod(image_shape), activation="sigmoid", dtype=EXACT)(x)
    return keras.Model(codes, layers.Reshape(image_shape, dtype=EXACT)(x), name=name)


def _conv_encoder_body(inputs, image_shape, shape: ConvLayers):
    x = _pad_to_multiple_of_4(inputs, image_shape)
    for filters in shape.filters:
        x = layers.Conv2D(filters, 3, strides=2, padding="same", activation="relu")(x)
    # A hidden layer between the 7×7 feature map and the code: a single linear map straight to
    # a 2-number code cannot separate the classes (kNN 0.49 without it).
    return layers.Dense(shape.hidden, activation="relu")(layers.Flatten()(x))


def _conv_decoder(latent_dim: int, image_shape, shape: ConvLayers, name: str = "decoder") -> keras.Model:
    h, w, c = image_shape
    small = (_padded(h) // 4, _padded(w) // 4, shape.filters[-1])
    codes = keras.Input((latent_dim,), name="code")
    x = layers.Dense(shape.hidden, activation="relu")(codes)
    x = layers.Dense(math.prod(small), activation="relu")(x)
    x = layers.Reshape(small)(x)
    for filters in reversed(shape.filters):
        x = layers.Conv2DTranspose(filters, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Conv2D(c, 3, padding="same", activation="sigmoid", dtype=EXACT)(x)
    return keras.Model(codes, _crop_to(x, image_shape), name=name)


def _spatial_autoencoder(config, image_shape) -> ModelBundle:
    """A conv autoencoder whose code has a shape (``config.code_grid``, H × W × C), as the
    notebook's 4×4×8: the encoder ends on a stride-2 convolution with C filters, no dense layer.
    The encoder gives the code flattened (N, H·W·C), the decoder takes it so, as every screen
    expects of a code."""
    shape = CONV_VERSIONS[config.architecture]
    grid = config.code_grid
    small_side = (_padded(image_shape[0]) // 4, _padded(image_shape[1]) // 4)
    inputs = keras.Input(image_shape, name="image")
    x = _pad_to_multiple_of_4(inputs, image_shape)
    for filters in shape.filters:
        x = layers.Conv2D(filters, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Conv2D(shape.filters[-1], 3, padding="same", activation="relu")(x)
    x = layers.Conv2D(grid[2], 3, strides=2, padding="same", name="code_maps", dtype=EXACT)(x)
    encoder = keras.Model(inputs, layers.Flatten(name="code", dtype=EXACT)(x), name="encoder")

    codes = keras.Input((config.latent_dim,), name="code")
    x = layers.Reshape(grid)(codes)
    x = layers.Conv2DTranspose(shape.filters[-1], 3, strides=2, padding="same", activation="relu")(x)
    extra = (2 * grid[0] - small_side[0], 2 * grid[1] - small_side[1])
    if any(extra):
        x = layers.Cropping2D(((0, extra[0]), (0, extra[1])))(x)
    x = layers.Conv2D(shape.filters[-1], 3, padding="same", activation="relu")(x)
    for filters in reversed(shape.filters):
        x = layers.Conv2DTranspose(filters, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Conv2D(image_shape[2], 3, padding="same", activation="sigmoid", dtype=EXACT)(x)
    decoder = keras.Model(codes, _crop_to(x, image_shape), name="decoder")
    model = keras.Model(inputs, decoder(encoder(inputs)), name=config.model)
    return ModelBundle(config, model, encoder, decoder, image_shape)


def _autoencoder(config, image_shape, body, decoder) -> ModelBundle:
    """``body``: images → features (a Keras tensor function); ``decoder``: codes → images."""
    inputs = keras.Input(image_shape, name="image")
    code = layers.Dense(config.latent_dim, name="code", dtype=EXACT)(body(inputs))
    encoder = keras.Model(inputs, code, name="encoder")
    model = keras.Model(inputs, decoder(encoder(inputs)), name=config.model)
    return ModelBundle(config, model, encoder, decoder, image_shape)


# --- variational autoencoders -----------------------------------------------------------------


def _variational(config, image_shape, body, decoder) -> ModelBundle:
    inputs = keras.Input(image_shape, name="image")
    features = body(inputs)
    z_mean = layers.Dense(config.latent_dim, name="z_mean", dtype=EXACT)(features)
    z_log_var = layers.Dense(config.latent_dim, name="z_log_var", dtype=EXACT)(features)
    full_encoder = keras.Model(inputs, [z_mean, z_log_var], name="encoder")
    vae = VAE(full_encoder, decoder, seed=config.seed, beta=config.beta, name=config.model)
    vae(ops.zeros((1, *image_shape)))  # build, so weights can be saved and loaded
    mean_encoder = keras.Model(inputs, z_mean, name="z_mean_encoder")
    return ModelBundle(config, vae, mean_encoder, decoder, image_shape)


def _conditional(config, image_shape) -> ModelBundle:
    """The dense CVAE: the encoder reads the flattened image beside its one-hot class."""
    from aemodels.models.conditional import CLASSES, ConditionalVAE

    inputs, classes = keras.Input(image_shape, name="image"), keras.Input((CLASSES,), name="class")
    features = layers.Concatenate()([layers.Flatten()(inputs), classes])
    for units in DENSE_UNITS:
        features = layers.Dense(units, activation="relu")(features)
    z_mean = layers.Dense(config.latent_dim, name="z_mean", dtype=EXACT)(features)
    z_log_var = layers.Dense(config.latent_dim, name="z_log_var", dtype=EXACT)(features)
    full_encoder = keras.Model([inputs, classes], [z_mean, z_log_var], name="encoder")
    decoder = _dense_decoder(config.latent_dim + CLASSES, image_shape)
    cvae = ConditionalVAE(full_encoder, decoder, seed=config.seed, beta=config.beta, name=config.model)
    cvae([ops.zeros((1, *image_shape)), ops.zeros((1, CLASSES))])  # build, so weights can be saved and loaded
    mean_encoder = keras.Model([inputs, classes], z_mean, name="z_mean_encoder")
    return ModelBundle(config, cvae, mean_encoder, decoder, image_shape, CLASSES)


# --- adversarial autoencoders ----------------------------------------------------------------


def _adversarial(config, image_shape, body, decoder) -> ModelBundle:
    from aemodels.models.adversarial import AdversarialAutoencoder, discriminator_model

    inputs = keras.Input(image_shape, name="image")
    code = layers.Dense(config.latent_dim, name="code", dtype=EXACT)(body(inputs))
    encoder = keras.Model(inputs, code, name="encoder")
    model = AdversarialAutoencoder(encoder, decoder, discriminator_model(config.latent_dim), config.learning_rate,
                                   seed=config.seed, name=config.model)
    model(ops.zeros((1, *image_shape)))  # build, so weights can be saved and loaded
    model.discriminator(ops.zeros((1, config.latent_dim)))
    return ModelBundle(config, model, encoder, decoder, image_shape)


# --- image-to-image models --------------------------------------------------------------------


def _image_to_image(image_shape, residual: bool, name: str, zero_start: bool = True) -> keras.Model:
    """A small U-Net: full, half and quarter resolution, with additive skip connections.

    With ``residual``, the output is the input plus a learned correction (super-resolution
    starts from bicubic, the denoiser from the noisy image; both learn far faster that way than as a
    sigmoid image, and ``inference`` clips their output to [0, 1]); otherwise a sigmoid image.
    With ``zero_start`` the correction's last layer begins at zero, so the untrained model returns
    its input (image model version 2); version 1 began with random weights there.
    """
    inputs = keras.Input(image_shape, name="image")
    x = _pad_to_multiple_of_4(inputs, image_shape)
    full = layers.Conv2D(16, 3, padding="same", activation="relu")(x)
    half = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(full)
    quarter = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(half)
    quarter = layers.Conv2D(32, 3, padding="same", activation="relu")(quarter)
    up = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(quarter)
    up = layers.Add()([up, half])
    up = layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu")(up)
    up = layers.Conv2D(16, 3, padding="same", activation="relu")(layers.Add()([up, full]))
    channels = image_shape[-1]
    if residual:
        correction = layers.Conv2D(channels, 3, padding="same", dtype=EXACT,
                                   kernel_initializer="zeros" if zero_start else "glorot_uniform")(up)
        outputs = layers.Add(dtype=EXACT)([_crop_to(correction, image_shape), inputs])
    else:
        outputs = _crop_to(layers.Conv2D(channels, 3, padding="same", activation="sigmoid", dtype=EXACT)(up),
                           image_shape)
    return keras.Model(inputs, outputs, name=name)



