"""Every model kind builds for any supported image size, with the documented shapes."""

from __future__ import annotations

import numpy as np
import pytest

from aemodels.config import TrainConfig
from aemodels.kinds import KINDS
from aemodels.models.architectures import ModelBundle
from aemodels.models.conditional import one_hot
from aemodels.tasks.registry import build_model

EMBEDDING_KINDS = tuple(name for name, kind in KINDS.items() if kind.has_embedding)
IMAGE_TO_IMAGE_KINDS = tuple(name for name, kind in KINDS.items() if not kind.has_embedding)
MODEL_KINDS = tuple(KINDS)

SHAPES = [(28, 28, 1), (8, 8, 1), (30, 26, 3)]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_builds_with_documented_shapes(kind, shape):
    config = TrainConfig(model=kind, latent_dim=3)
    bundle = build_model(config, shape)
    assert isinstance(bundle, ModelBundle)
    assert bundle.image_shape == shape and bundle.config == config
    images = np.random.default_rng(0).random((2, *shape), dtype=np.float32)
    given = [images, one_hot([3, 7])] if bundle.classes else images  # a conditional kind is told the class
    out = np.asarray(bundle.model(given, training=False))
    assert out.shape == (2, *shape)
    assert np.all(np.isfinite(out))
    if kind in EMBEDDING_KINDS:
        codes = np.asarray(bundle.encoder(given))
        assert codes.shape == (2, 3)
        decoded = np.asarray(bundle.decoder(np.concatenate([codes, one_hot([3, 7])], axis=1) if bundle.classes
                                            else codes))
        assert decoded.shape == (2, *shape)
        assert decoded.min() >= 0 and decoded.max() <= 1
        # The model is the decoder of the encoder's code (z_mean for a VAE).
        assert np.allclose(out, decoded, atol=1e-5)
    else:
        assert bundle.encoder is None and bundle.decoder is None
    assert bundle.model.optimizer is not None


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_outputs_are_images_in_0_1(kind):
    # Embedding kinds end in a sigmoid; the image-to-image kinds add a correction to their
    # input, and inference clips what they make to [0, 1].
    from aemodels.models import inference

    bundle = build_model(TrainConfig(model=kind), (12, 12, 1))
    wild = np.random.default_rng(1).normal(0, 3, (4, 12, 12, 1)).astype(np.float32)
    labels = np.array([0, 1, 2, 9]) if bundle.classes else None
    out = inference.reconstruct(bundle, wild, labels)
    assert out.shape == wild.shape and out.dtype == np.float32
    assert out.min() >= 0 and out.max() <= 1
    if kind in EMBEDDING_KINDS:
        raw = np.asarray(bundle.model([wild, one_hot(labels)] if bundle.classes else wild))
        assert raw.min() >= 0 and raw.max() <= 1


def test_superres_starts_near_its_input():
    bundle = build_model(TrainConfig(model="superres"), (16, 16, 1))
    images = np.random.default_rng(0).random((3, 16, 16, 1), dtype=np.float32)
    assert bundle.model.count_params() > 0
    out = np.asarray(bundle.model(images))
    assert np.corrcoef(out.ravel(), images.ravel())[0, 1] > 0.5


@pytest.mark.parametrize("latent_dim", [1, 2, 64])
def test_latent_size(latent_dim):
    bundle = build_model(TrainConfig(model="dense-ae", latent_dim=latent_dim), (8, 8, 1))
    assert bundle.encoder.output.shape[-1] == latent_dim
    assert bundle.decoder.input.shape[-1] == latent_dim


def test_same_config_builds_the_same_architecture():
    config = TrainConfig(model="conv-ae", latent_dim=4)
    a, b = build_model(config, (28, 28, 1)), build_model(config, (28, 28, 1))
    assert [w.shape for w in a.model.get_weights()] == [w.shape for w in b.model.get_weights()]
    assert a.model.count_params() == b.model.count_params()


@pytest.mark.parametrize("kind", ["vae", "dense-vae"])
def test_vae_losses(kind):
    bundle = build_model(TrainConfig(model=kind, latent_dim=2), (8, 8, 1))
    images = np.random.default_rng(0).random((5, 8, 8, 1), dtype=np.float32)
    total, reconstruction, kl = (float(v) for v in bundle.model.losses_of(images))
    assert reconstruction > 0 and kl >= 0
    assert np.isclose(total, reconstruction + kl, rtol=1e-5)
    assert {m.name for m in bundle.model.metrics} == {"loss", "reconstruction_loss", "kl_loss"}


def test_image_to_image_kinds_have_no_code():
    for kind in IMAGE_TO_IMAGE_KINDS:
        assert not TrainConfig(model=kind).has_embedding


def test_a_build_cut_by_another_sessions_clear_session_is_made_again(monkeypatch):
    """Streamlit's clear_session() in another thread resets Keras's layer names mid-build
    (architectures.build); the build is made again instead of failing."""
    import keras

    from aemodels.models import architectures

    real_add, cut = keras.layers.Add, []

    class AddCutOnce(real_add):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if not cut:  # as if another session's script ended right after the first Add
                cut.append(True)
                keras.backend.clear_session()

    monkeypatch.setattr(architectures.layers, "Add", AddCutOnce)
    bundle = build_model(TrainConfig(model="denoise"), (28, 28, 1))
    assert cut and bundle.model.name == "denoise"
    names = [layer.name for layer in bundle.model.layers]
    assert len(names) == len(set(names))
