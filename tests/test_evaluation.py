"""``evaluate``: the metric keys of every kind, their internal consistency, and a real comparison."""

from __future__ import annotations

import math

import numpy as np
import pytest

from aemodels.config import TrainConfig
from aemodels.data.datasets import Dataset, load_dataset, to_float
from aemodels.data.splits import Split
from aemodels.kinds import KINDS
from aemodels.scoring import baselines
from aemodels.scoring.evaluation import embedding_views
from aemodels.scoring.metrics import neighbours_kept
from aemodels.scoring.projections import PCAProjection
from aemodels.store.runs import RunStore
from aemodels.tasks.assessment import assess, evaluate
from aemodels.tasks.denoising import NOISE_LEVELS
from aemodels.tasks.embedding import embedding_scores
from aemodels.tasks.training import train
from tests.conftest import SMALL_KINDS

EMBEDDING_KINDS = tuple(name for name in SMALL_KINDS if KINDS[name].has_embedding)  # the session store's kinds
VARIATIONAL_KINDS = tuple(name for name in SMALL_KINDS if KINDS[name].variational)

SCORE_KEYS = {"knn_accuracy", "knn1_accuracy", "trustworthiness", "continuity", "silhouette",
              "reconstruction_mse", "psnr"}


@pytest.fixture(scope="module")
def evaluated(trained_home):
    """Kind → (config, evaluate() of its saved bundle), from a read-only view of the store.

    Scored on the first 1,000 images of the bundles' dataset (200 held out) to keep this quick;
    the full-size path is ``test_home_with_runs_bundles_evaluate``.
    """
    path, run_ids = trained_home
    store = RunStore(path / "runs")
    results = {}
    for kind, run_id in run_ids.items():
        bundle = store.load_bundle(run_id)
        full = load_dataset(bundle.config.dataset)
        subset = Dataset(full.name, full.images[:1000], full.labels[:1000], full.class_names)
        results[kind] = (bundle.config, evaluate(bundle, subset))
    return results


def test_home_with_runs_bundles_evaluate(home_with_runs):
    """Through the default store (AEMODELS_HOME): the scores match those saved with the run."""
    _, run_ids = home_with_runs
    store = RunStore()
    info = store.get(run_ids["dense-ae"])
    metrics = evaluate(store.load_bundle(run_ids["dense-ae"]))
    for side in ("model", "pca"):
        for key in ("knn_accuracy", "knn1_accuracy", "trustworthiness", "continuity", "reconstruction_mse"):
            assert metrics[side][key] == pytest.approx(info.metrics[side][key], rel=1e-4, abs=1e-6)


@pytest.mark.parametrize("kind", ["dense-ae", "conv-ae", "vae", "dense-vae", "denoise", "superres"])
def test_keys_for_every_kind(evaluated, kind):
    config, result = evaluated[kind]
    assert SCORE_KEYS <= set(result["model"]) and SCORE_KEYS <= set(result["pca"])
    assert result["test_images"] > 0
    for side in ("model", "pca"):
        scores = result[side]
        assert scores["reconstruction_mse"] >= 0 and math.isfinite(scores["psnr"])
        if kind in EMBEDDING_KINDS:
            for key in ("knn_accuracy", "knn1_accuracy"):
                assert 0 <= scores[key] <= 1, (side, key)
            for key in ("trustworthiness", "continuity"):
                assert set(scores[key]) == {"5", "10", "50"}, (side, key)
                assert all(0 <= v <= 1 for v in scores[key].values()), (side, key)
            assert -1 <= scores["silhouette"] <= 1
        else:
            assert scores["knn_accuracy"] is None and scores["trustworthiness"] is None
            assert scores["knn1_accuracy"] is None and scores["continuity"] is None
            assert scores["silhouette"] is None
    assert ("negative_elbo" in result["model"]) == (kind in VARIATIONAL_KINDS)
    assert ("prior_mmd" in result["model"]) == (kind in EMBEDDING_KINDS)
    assert "prior_mmd" not in result["pca"]
    assert ("denoising" in result) == (kind == "denoise")
    assert ("superres" in result) == (kind == "superres")


@pytest.mark.parametrize("kind", VARIATIONAL_KINDS)
def test_vae_elbo_is_reconstruction_plus_kl(evaluated, kind):
    _, result = evaluated[kind]
    model = result["model"]
    assert model["rate_nats"] >= 0 and model["distortion_nats"] > 0
    assert model["negative_elbo"] == pytest.approx(model["distortion_nats"] + model["rate_nats"], rel=1e-4)


def test_denoising_curve(evaluated):
    config, result = evaluated["denoise"]
    curve = result["denoising"]["curve"]
    levels = [row["level"] for row in curve]
    assert levels == sorted(levels) and len(set(levels)) == len(levels) == len(NOISE_LEVELS)
    noisy = [row["noisy_psnr"] for row in curve]
    assert all(a > b for a, b in zip(noisy, noisy[1:])), noisy
    for row in curve:
        assert {"model_psnr", "filter_psnr", "pca_psnr", "model_ssim", "filter_ssim", "filter"} <= set(row)
        assert row["filter_psnr"] > row["noisy_psnr"]  # the best filter never makes it worse
        assert list(row["filters"]) == list(baselines.FAMILIES)
        best = max(row["filters"].values(), key=lambda family: family["psnr"])
        assert row["filter_psnr"] == best["psnr"] and row["filter"].endswith(best["setting"])
        assert baselines.by_name(row["filter"]).setting == best["setting"]  # the screen redraws it by name
    assert result["denoising"]["filters_compared"] == list(baselines.FAMILIES)
    assert result["denoising"]["kind"] == config.noise_kind
    assert any(row["model_psnr"] == result["model"]["psnr"] for row in curve)


def test_superres_factors(evaluated):
    config, result = evaluated["superres"]
    rows = result["superres"]["factors"]
    assert [row["factor"] for row in rows] == sorted(config.upscale_factors)
    for row in rows:
        assert row["nearest_psnr"] < row["bicubic_psnr"], row  # Lanczos beats bicubic at ×2–×4, not at ×7
        assert row["classical_psnr"] == max(row[f"{name}_psnr"] for name in ("nearest", "bicubic", "lanczos"))
    for key in ("nearest_psnr", "bicubic_psnr", "lanczos_psnr"):
        values = [row[key] for row in rows]
        assert all(a > b for a, b in zip(values, values[1:])), (key, values)
    assert result["superres"]["summary_factor"] in config.upscale_factors
    gain = np.mean([row["model_psnr"] - row["classical_psnr"] for row in rows])  # over the best classical one
    assert result["superres"]["gain_db"] == pytest.approx(gain)


def test_pca_baseline_sees_only_train_images():
    """The PCA baseline is fitted on the images the model trained on, not the whole split."""
    dataset = load_dataset("digits")
    config = TrainConfig(dataset="digits", model="dense-ae", epochs=1, batch_size=50, train_images=100, seed=0)
    result = train(config, dataset)
    metrics = evaluate(result.bundle, dataset)

    split = Split.of(config).images(dataset)
    assert len(split.x_train) == 100
    x_test = to_float(split.x_test)
    for fitted_on, should_match in ((split.x_train, True),
                                    (dataset.split(config.seed, config.test_fraction).x_train, False)):
        pca = PCAProjection(config.latent_dim, config.seed).fit(fitted_on)
        codes = pca.transform(x_test)
        expected = embedding_scores(x_test, codes, pca.inverse_transform(codes), split.y_test,
                                    pca.transform(split.x_train), split.y_train, True, config.seed)
        same = metrics["pca"]["reconstruction_mse"] == pytest.approx(expected["reconstruction_mse"], rel=1e-5)
        assert same == should_match, fitted_on.shape
        if should_match:  # and the 5-NN is fitted on the training images' codes
            assert metrics["pca"]["knn_accuracy"] == pytest.approx(expected["knn_accuracy"])


def test_saved_views_are_the_maps_behind_the_scores(home):
    """The 2-D maps saved with a run are the codes and the PCA the scores were computed from:
    PCA fitted on the run's ``train_images`` only, so the map and the numbers beside it agree."""
    dataset = load_dataset("digits")
    config = TrainConfig(dataset="digits", model="dense-ae", epochs=1, batch_size=50, train_images=100, seed=0)
    result = train(config, dataset)
    assessment = assess(result.bundle, dataset)
    store = RunStore()
    run_id = store.save(result, assessment.metrics, assessment.views)

    split = Split.of(config).images(dataset)
    views = store.views(run_id, len(split.x_test))
    assert views is not None and views.model_2d.shape == views.pca_2d.shape == (len(split.x_test), 2)
    x_test = to_float(split.x_test)
    for name, points in (("model", views.model_2d), ("pca", views.pca_2d)):
        assert neighbours_kept(x_test, points, seed=config.seed)["trustworthiness"] == pytest.approx(
            assessment.metrics[name]["trustworthiness"]), name
    # A run saved without views gets the same ones computed from its weights.
    again = embedding_views(store.load_bundle(run_id), dataset)
    np.testing.assert_allclose(again.pca_2d, views.pca_2d, atol=1e-5)
    np.testing.assert_allclose(again.codes, views.codes, atol=1e-4)
    assert store.views(run_id, len(split.x_test) + 1) is None  # views of another split are not used


def test_dense_ae_beats_pca_on_digits():
    """Trained on all of ``digits``, a 2-D dense autoencoder separates classes better than PCA-2D."""
    # ~1,400 images, 10 epochs of batches of 32: a few seconds of training.
    config = TrainConfig(dataset="digits", model="dense-ae", latent_dim=2, epochs=10, batch_size=32,
                         learning_rate=3e-3, seed=0, train_images=None)
    result = train(config)
    metrics = evaluate(result.bundle)
    assert metrics["model"]["knn_accuracy"] > metrics["pca"]["knn_accuracy"]
    for k in ("5", "10", "50"):
        assert metrics["model"]["trustworthiness"][k] > metrics["pca"]["trustworthiness"][k], k
