"""Run a trained ``ModelBundle`` on images or codes, and the classical baselines beside it.

Small batches (a slider's few images) go through a traced forward pass of the model (one
``tf.function`` per model, any batch size): about 1 ms for one code where Keras' eager call costs
about 10 ms on 2 cores. Large batches go through ``predict`` in batches. Images are float32 (N, H, W, C) in
[0, 1]; codes are float32 (N, latent_dim).
"""

from __future__ import annotations

import functools
import threading
import weakref

import numpy as np

from aemodels.data.corruption import downscale, upscale

DIRECT_CALL_LIMIT = 512
PREDICT_BATCH = 512


_traced: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_traced_lock = threading.Lock()


def _call(model_ref, x):
    return model_ref()(x, training=False)


def _forward(model, item_shape: tuple[int, ...]):
    """The model's inference-mode forward pass as a ``tf.function`` over any batch of items of
    ``item_shape``, made once per model. It holds the model weakly, so a model dropped from every
    cache can be freed."""
    with _traced_lock:
        forward = _traced.get(model)
        if forward is None:
            import tensorflow as tf

            weak_model = weakref.ref(model)
            signature = [tf.TensorSpec((None, *item_shape), tf.float32)]
            # A partial, not a lambda: TensorFlow counts retracing per Python function, and one
            # lambda shared by every model made each new model's first trace look like a retrace.
            forward = tf.function(functools.partial(_call, weak_model), input_signature=signature)
            _traced[model] = forward
    return forward


def run(model, inputs: np.ndarray) -> np.ndarray:
    """``model`` applied to ``inputs``, as a float32 NumPy array."""
    inputs = np.asarray(inputs, dtype=np.float32)
    if len(inputs) <= DIRECT_CALL_LIMIT:
        outputs = _forward(model, inputs.shape[1:])(inputs)
    else:
        outputs = model.predict(inputs, batch_size=PREDICT_BATCH, verbose=0)
    return np.asarray(outputs, dtype=np.float32)


def warm_up(bundle) -> None:
    """Trace the forward pass of each part of ``bundle`` once, on zeros, so that the first slider
    move does not pay for it (and what tracing creates exists before ``gc_tax.settle``). A
    conditional bundle's encoder and whole model take two inputs and run through ``predict``:
    only its decoder is traced."""
    image = np.zeros((1, *bundle.image_shape), np.float32)
    if not bundle.classes:
        run(bundle.model, image)
    if bundle.encoder is not None:
        if not bundle.classes:
            run(bundle.encoder, image)
        run(bundle.decoder, np.zeros((1, bundle.decoder.input_shape[-1]), np.float32))


def _classes(bundle, labels, count: int) -> np.ndarray:
    """The one-hot rows (count, classes) of a conditional bundle's ``labels`` (count,) or one label."""
    from aemodels.models.conditional import one_hot

    if labels is None:
        raise ValueError(f"A {bundle.config.model} needs the class of each image or code.")
    return one_hot(np.broadcast_to(np.asarray(labels, np.int64), (count,)), bundle.classes)


def encode(bundle, images: np.ndarray, labels=None) -> np.ndarray:
    """Codes (N, latent_dim) of images (N, H, W, C); ``z_mean`` for a VAE. A conditional kind's
    encoder is also told each image's class: ``labels`` (N,) or one for all."""
    if bundle.classes:
        images = np.asarray(images, np.float32)
        inputs = [images, _classes(bundle, labels, len(images))]
        return np.asarray(bundle.encoder.predict(inputs, batch_size=PREDICT_BATCH, verbose=0), np.float32)
    return run(bundle.encoder, images)


def decode(bundle, codes: np.ndarray, labels=None) -> np.ndarray:
    """Images (N, H, W, C) in [0, 1] decoded from codes (N, latent_dim); a conditional kind's
    decoder in the class ``labels`` (N,) or one class for all."""
    codes = np.asarray(codes, np.float32)
    if bundle.classes:
        codes = np.concatenate([codes, _classes(bundle, labels, len(codes))], axis=1)
    return np.clip(run(bundle.decoder, codes), 0.0, 1.0)


def reconstruct(bundle, images: np.ndarray, labels=None) -> np.ndarray:
    """What the trained model makes of its usual input; same shape as ``images`` (a conditional
    kind's is told their classes ``labels``)."""
    if bundle.classes:
        return decode(bundle, encode(bundle, images, labels), labels)
    return np.clip(run(bundle.model, images), 0.0, 1.0)


def super_resolve(bundle, images: np.ndarray, factor: int) -> dict[str, np.ndarray]:
    """Every view of super-resolution at ``factor`` for full-size ``images``.

    Returns a dict of float32 arrays: ``low`` (N, ceil(H/f), ceil(W/f), C), and at full size
    ``nearest``, ``bicubic``, ``lanczos`` (5-lobe windowed sinc, the strongest classical
    interpolation at hand) and ``model`` (which starts from the bicubic image).
    """
    _, h, w, _ = images.shape
    low = downscale(images, factor)
    bicubic = upscale(low, (h, w), "bicubic")
    return {
        "low": low,
        "nearest": upscale(low, (h, w), "nearest"),
        "bicubic": bicubic,
        "lanczos": upscale(low, (h, w), "lanczos5"),
        "model": np.clip(run(bundle.model, bicubic), 0.0, 1.0),
    }


def upscale_low(bundle, low: np.ndarray, size: tuple[int, int]) -> dict[str, np.ndarray]:
    """A super-resolution model given ``low`` images (N, h, w, C) that were never a shrunk photo
    (pure noise, in the lesson's exercise): ``bicubic`` at ``size`` (H, W) and the ``model``'s
    output from it, float32 (N, H, W, C)."""
    bicubic = upscale(np.asarray(low, np.float32), size, "bicubic")
    return {"bicubic": bicubic, "model": np.clip(run(bundle.model, bicubic), 0.0, 1.0)}
