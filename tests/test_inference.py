"""inference.run: the traced forward pass agrees with Keras' own call and keeps no model alive."""

import gc
import weakref

import numpy as np

from aemodels.config import TrainConfig
from aemodels.models import inference
from aemodels.tasks.registry import build_model


def test_traced_decode_matches_the_eager_call_for_any_batch_size():
    bundle = build_model(TrainConfig(model="vae", latent_dim=3), (12, 12, 1))
    for batch in (1, 7, 40):
        codes = np.random.default_rng(batch).normal(size=(batch, 3)).astype(np.float32)
        eager = np.clip(np.asarray(bundle.decoder(codes, training=False)), 0, 1)
        np.testing.assert_allclose(inference.decode(bundle, codes), eager, atol=1e-6)


def test_a_dropped_model_can_be_freed():
    bundle = build_model(TrainConfig(model="dense-ae", latent_dim=2), (12, 12, 1))
    inference.decode(bundle, np.zeros((1, 2), np.float32))
    decoder = weakref.ref(bundle.decoder)
    del bundle
    gc.collect()
    assert decoder() is None
