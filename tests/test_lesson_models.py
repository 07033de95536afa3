"""The lesson's other autoencoders: architecture versions, a code with a shape (the notebook's
4×4×8), the adversarial AE, the conditional VAE, β's rate and distortion, and how well codes
follow the prior. Small real trainings; the figures the issue asks for are in BENCHMARKS.md."""

from __future__ import annotations

import json

import numpy as np
import pytest

from aemodels.config import TrainConfig
from aemodels.data.datasets import Dataset, load_dataset, to_float
from aemodels.data.splits import Split
from aemodels.errors import ConfigError
from aemodels.models import inference
from aemodels.scoring.metrics import prior_mmd
from aemodels.store.runs import RunStore
from aemodels.tasks.assessment import assess
from aemodels.tasks.training import train

SMALL = {"train_images": 400, "epochs": 2, "batch_size": 64, "seed": 0}


@pytest.fixture(scope="module")
def lesson_runs(tmp_path_factory):
    """One small run each of aae, cvae and a conv-ae with a 4×4×8 code, saved in a store of
    their own: (store, kind → run id)."""
    store = RunStore(tmp_path_factory.mktemp("lesson-home") / "runs")
    run_ids = {}
    for name, config in {"aae": TrainConfig(model="aae", **SMALL), "cvae": TrainConfig(model="cvae", **SMALL),
                         "shaped": TrainConfig(model="conv-ae", code_shape="4x4x8", **SMALL)}.items():
        result = train(config)
        assessment = assess(result.bundle)
        run_ids[name] = store.save(result, assessment.metrics, assessment.views)
    return store, run_ids


# --- architecture versions --------------------------------------------------------------------


def test_new_conv_runs_get_the_published_layers_and_saved_ones_keep_theirs():
    new = TrainConfig(model="conv-ae")
    assert new.architecture == 2 and new.to_dict()["architecture"] == 2
    saved = TrainConfig.from_dict({"model": "conv-ae", "latent_dim": 2})
    assert saved.architecture == 1 and "architecture" not in saved.to_dict()
    # a run saved before versions keeps its id: its JSON is what it was
    assert saved.config_id == TrainConfig(model="conv-ae", architecture=1).config_id != new.config_id
    assert "architecture" not in TrainConfig(model="dense-ae").to_dict()  # only the conv kinds have versions


def test_the_versions_build_different_layers():
    from aemodels.tasks.registry import build_model

    small, published = (build_model(TrainConfig(model="vae", architecture=v), (28, 28, 1)) for v in (1, 2))
    assert published.model.count_params() > 10 * small.model.count_params()


def test_a_fixture_run_saved_before_versions_loads_as_version_1():
    from tests.conftest import ROOT

    folder = ROOT / "tests" / "fixtures" / "saved_runs" / "runs"
    saved = [json.loads((run / "config.json").read_text()) for run in folder.iterdir() if (run / "config.json").exists()]
    conv = [TrainConfig.from_dict(config) for config in saved if config["model"] in ("conv-ae", "vae")]
    assert conv and all(config.architecture == 1 for config in conv)
    restorers = [TrainConfig.from_dict(config) for config in saved if config["model"] in ("denoise", "superres")]
    assert restorers and all(config.image_model_version == 1 for config in restorers)
    assert all("image_model_version" not in config.to_dict() for config in restorers)  # the same config id
    assert TrainConfig(model="superres").image_model_version == 2 and "image_model_version" not in TrainConfig(
        model="conv-ae").to_dict()


# --- how far codes are from the prior ---------------------------------------------------------


def test_prior_mmd_is_near_zero_for_the_prior_and_grows_away_from_it():
    rng = np.random.default_rng(3)
    prior = prior_mmd(rng.standard_normal((2000, 2)), seed=1)
    wide = prior_mmd(5 * rng.standard_normal((2000, 2)), seed=1)
    shifted = prior_mmd(rng.standard_normal((2000, 2)) + 2, seed=1)
    assert 0 <= prior < 0.005 < wide and 0.005 < shifted


def test_prior_mmd_is_seeded():
    codes = np.random.default_rng(0).standard_normal((3000, 4)) * 2
    assert prior_mmd(codes, seed=5) == prior_mmd(codes, seed=5)


# --- a code with a shape ----------------------------------------------------------------------


def test_a_code_shape_sets_the_code_size_and_is_refused_when_it_cannot_fit():
    config = TrainConfig(model="conv-ae", code_shape="4x4x8")
    assert config.latent_dim == 128 and config.code_grid == (4, 4, 8)
    assert TrainConfig(model="dense-ae", code_shape="4x4x8").code_shape == ""  # only conv-ae has one
    with pytest.raises(ConfigError, match="three whole numbers such as 4x4x8"):
        TrainConfig(model="conv-ae", code_shape="4x4")
    with pytest.raises(ConfigError, match=r"28×28 images a code's maps are 4×4.*4x4x8"):
        train(TrainConfig(model="conv-ae", code_shape="7x7x2", **SMALL))


def test_the_shaped_code_run_scores_against_pca_at_its_size(lesson_runs):
    store, runs = lesson_runs
    info = store.get(runs["shaped"])
    assert info.config.code_shape == "4x4x8" and info.config.latent_dim == 128
    bundle = store.load_bundle(runs["shaped"])
    assert bundle.encoder.output_shape == (None, 128)
    assert info.scores.pca.reconstruction_mse is not None and info.scores.model.reconstruction_mse is not None


# --- the adversarial autoencoder --------------------------------------------------------------


def test_the_aae_trains_its_three_losses_and_reloads_the_same(lesson_runs):
    store, runs = lesson_runs
    info = store.get(runs["aae"])
    assert {"loss", "discriminator_loss", "generator_loss"} <= set(info.history)
    assert all(np.isfinite(info.history["discriminator_loss"]))
    assert info.scores.model.prior_mmd is not None
    bundle = store.load_bundle(runs["aae"])
    x_test = Split.of(info.config).images().x_test
    saved_codes = store.views(runs["aae"], len(x_test)).codes  # the trained model's, kept when it was saved
    assert np.allclose(inference.encode(bundle, to_float(x_test[:8])), saved_codes[:8], atol=1e-5)
    critic = {id(w) for w in bundle.model.discriminator.weights}
    assert critic and critic <= {id(w) for w in bundle.model.weights}  # saved and loaded with the rest


# --- the conditional VAE ----------------------------------------------------------------------


def test_the_cvae_decodes_the_class_it_is_asked_for(lesson_runs):
    store, runs = lesson_runs
    info = store.get(runs["cvae"])
    accuracy = info.scores.model.conditional_accuracy
    assert accuracy is not None and 0 <= accuracy <= 1
    assert info.scores.model.rate_nats is not None
    bundle = store.load_bundle(runs["cvae"])
    style = np.zeros((1, info.config.latent_dim), np.float32)
    one, seven = inference.decode(bundle, style, 1), inference.decode(bundle, style, 7)
    assert one.shape == (1, 28, 28, 1) and not np.allclose(one, seven)
    with pytest.raises(ValueError, match="needs the class"):
        inference.encode(bundle, np.zeros((1, 28, 28, 1), np.float32))


def test_the_cvae_refuses_data_without_labels():
    images = load_dataset("mnist-10k").images[:300]
    unlabelled = Dataset("upload:plain", images, np.zeros(len(images), np.int64), ("unlabelled",))
    with pytest.raises(ConfigError, match="no labels: choose a labelled dataset, or train a vae"):
        train(TrainConfig(model="cvae", dataset="upload:plain", epochs=1, batch_size=32), unlabelled)


# --- β: rate and distortion -------------------------------------------------------------------


def test_a_higher_beta_lowers_the_rate():
    rates = {}
    for beta in (1.0, 4.0):
        result = train(TrainConfig(model="dense-vae", beta=beta, train_images=1000, epochs=3, batch_size=32, seed=0))
        model = assess(result.bundle).metrics["model"]
        assert model["negative_elbo"] > 0 and model["distortion_nats"] > 0
        rates[beta] = model["rate_nats"]
    assert rates[4.0] < rates[1.0]
