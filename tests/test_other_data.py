"""The offline photo datasets, a run tried on other data (``evaluate RUN --on DATASET``), its scores
kept beside the run, and the code-noise curve of the lesson's Task 2."""

from __future__ import annotations

import json

import numpy as np
import pytest

from aemodels.config import TrainConfig
from aemodels.data import photos
from aemodels.data.datasets import load_dataset
from aemodels.errors import ConfigError
from aemodels.scoring.code_noise import NOISE_SIZES, code_noise_curve, noisy_codes
from aemodels.scoring.projections import PCAProjection
from aemodels.store import elsewhere_scores
from aemodels.store.runs import RunStore
from aemodels.tasks.other_data import Matching, matching
from tests.test_cli import _cli, _last_json, _one_error_line

# --- the photo datasets --------------------------------------------------------------------------


def test_tiles_cover_the_picture_row_by_row_without_overlap():
    picture = np.arange(70 * 100 * 3, dtype=np.int64).reshape(70, 100, 3)  # every pixel different
    cut = photos.tiles(picture, 32)
    assert cut.shape == (2 * 3, 32, 32, 3)
    assert np.array_equal(cut[1], picture[:32, 32:64]) and np.array_equal(cut[3], picture[32:64, :32])
    assert len(np.unique(cut.reshape(-1, 3), axis=0)) == cut.shape[0] * 32 * 32  # no pixel twice


@pytest.mark.parametrize("name, images, labelled", [("flowers", 470, False), ("people", 664, True)])
def test_photo_datasets_load_offline_in_colour_the_same_every_time(name, images, labelled):
    data = load_dataset(name)
    assert data.images.shape == (images, 32, 32, 3) and data.images.dtype == np.uint8
    assert data.is_labelled is labelled and len(data.labels) == images
    assert 20 < data.images.mean() < 235 and data.images.std() > 20  # pictures, not blank tiles
    again = getattr(photos, name)()[0]
    assert np.array_equal(again, data.images)


def test_people_are_faces_and_a_portrait():
    data = load_dataset("people")
    faces, portrait = data.images[data.labels == 0], data.images[data.labels == 1]
    assert len(faces) == 200 and len(portrait) == 664 - 200
    assert np.array_equal(faces[..., 0], faces[..., 2])  # grey faces, repeated in R, G and B
    assert not np.array_equal(portrait[..., 0], portrait[..., 2])  # the portrait is in colour


# --- matching another dataset's images to a run's --------------------------------------------------


def test_colour_becomes_grey_by_luminance_and_grey_is_repeated():
    colour = np.zeros((1, 4, 4, 3), np.uint8)
    colour[..., 1] = 200  # pure green
    grey = Matching((4, 4, 3), (4, 4, 1)).apply(colour)
    assert grey.shape == (1, 4, 4, 1) and np.all(grey == round(200 * 0.587))
    back = Matching((4, 4, 1), (4, 4, 3)).apply(grey)
    assert back.shape == (1, 4, 4, 3) and np.all(back == grey)


def test_sizes_are_resized_and_the_way_is_said():
    how = matching(TrainConfig(dataset="mnist-10k", model="superres"), (28, 28, 1), "flowers", (32, 32, 3))
    assert how.words() == "32×32 colour → 28×28 grey (resized, luminance)"
    flat = np.full((2, 32, 32, 3), 90, np.uint8)
    assert np.all(how.apply(flat) == round(90 * (0.299 + 0.587 + 0.114)))
    assert how.apply(flat).shape == (2, 28, 28, 1)


def test_what_cannot_be_matched_is_refused_in_one_line():
    config = TrainConfig(dataset="mnist-10k", model="superres")
    with pytest.raises(ConfigError, match="distorted"):
        matching(config, (28, 28, 1), "wide", (20, 40, 1))
    with pytest.raises(ConfigError, match="the data this run trained on"):
        matching(config, (28, 28, 1), "mnist-10k", (28, 28, 1))
    with pytest.raises(ConfigError, match="holds images of 'mnist-10k'"):  # mnist-10k is full MNIST's test split
        matching(config, (28, 28, 1), "mnist", (28, 28, 1))
    with pytest.raises(ConfigError, match="other classes"):
        matching(TrainConfig(dataset="mnist-10k", model="cvae"), (28, 28, 1), "people", (32, 32, 3),
                 ("face", "portrait tile"))


def test_a_conditional_model_is_told_the_classes_of_other_data_with_the_same_classes(tmp_path, monkeypatch):
    from aemodels.scoring.scores import Scores
    from aemodels.tasks.other_data import score_on
    from aemodels.tasks.training import train

    monkeypatch.setenv("AEMODELS_HOME", str(tmp_path))
    config = TrainConfig(dataset="mnist-10k", model="cvae", epochs=1, batch_size=64, train_images=640)
    result = score_on(train(config).bundle, load_dataset("digits"), Scores.read({}))
    assert result.matching == "8×8 grey → 28×28 grey (resized)"
    assert result.scores.test_images == round(1797 * 0.2) and result.gain_db is not None


# --- a run tried on other data, from the command line ------------------------------------------------

FLOWERS_UPSCALER = ("--dataset", "flowers", "--model", "superres", "--epochs", "12", "--batch-size", "16")


@pytest.fixture(scope="module")
def flower_run(tmp_path_factory):
    home = tmp_path_factory.mktemp("flowers-home")
    proc = _cli(home, "train", *FLOWERS_UPSCALER, "--json")
    assert proc.returncode == 0, proc.stderr
    return home, _last_json(proc.stdout)["run_id"]


def test_an_upscaler_trained_on_flowers_keeps_less_of_its_margin_on_people(flower_run):
    home, run_id = flower_run
    proc = _cli(home, "evaluate", run_id, "--on", "people", "--json")
    assert proc.returncode == 0, proc.stderr
    result = _last_json(proc.stdout)
    assert result["trained_on"] == "flowers" and result["dataset"] == "people" and result["matching"] == "same shape"
    assert result["gain_db"] < result["own_gain_db"]
    factors = result["metrics"]["superres"]["factors"]
    assert [row["factor"] for row in factors] == [2, 3, 4, 7]
    people_test = round(664 * 0.2)
    assert result["metrics"]["test_images"] == people_test
    kept = elsewhere_scores.read(RunStore(home / "runs"), run_id)
    assert set(kept) == {"people"} and kept["people"].gain_db == pytest.approx(result["gain_db"])

    words = _cli(home, "evaluate", run_id, "--on", "mnist-10k")
    assert words.returncode == 0, words.stderr
    assert "28×28 grey → 32×32 colour (resized, grey repeated in R, G and B)" in words.stdout
    assert set(elsewhere_scores.read(RunStore(home / "runs"), run_id)) == {"people", "mnist-10k"}


@pytest.mark.parametrize("dataset, says", [("flowers", "the data this run trained on"),
                                           ("nothing", "Unknown dataset 'nothing'")])
def test_evaluate_on_refuses_in_one_line(flower_run, dataset, says):
    home, run_id = flower_run
    proc = _cli(home, "evaluate", run_id, "--on", dataset)
    assert proc.returncode != 0 and says in _one_error_line(proc.stderr)


def test_kept_scores_survive_a_broken_file(flower_run):
    home, run_id = flower_run
    store = RunStore(home / "runs")
    path = home / "runs" / elsewhere_scores.FOLDER / f"{run_id}.json"
    saved = path.read_text()
    path.write_text("{not json")
    assert elsewhere_scores.read(store, run_id) == {}  # derived data: unreadable counts as none
    path.write_text(saved)
    assert elsewhere_scores.read(store, "20200101-000000-superres-abcdef") == {}
    assert json.loads(path.read_text())


# --- noise in the code -----------------------------------------------------------------------------


def test_noise_is_sized_by_each_code_numbers_spread():
    codes = np.random.default_rng(1).normal(size=(4000, 2)).astype(np.float32) * np.array([1.0, 100.0], np.float32)
    noise = noisy_codes(codes, 0.5, seed=3) - codes
    assert noise.std(axis=0) == pytest.approx(0.5 * codes.std(axis=0), rel=0.05)
    assert np.array_equal(noisy_codes(codes, 0.0), codes)


def test_the_curve_starts_at_the_reconstruction_error_and_rises():
    images = load_dataset("digits").images[:600].astype(np.float32) / 255.0
    pca = PCAProjection(8, seed=0).fit(load_dataset("digits").images[600:])
    curve = code_noise_curve(pca.transform, pca.inverse_transform, images)
    rebuilt = pca.inverse_transform(pca.transform(images))
    assert curve.sizes == NOISE_SIZES and curve.images == 600
    assert curve.mse[0] == pytest.approx(float(np.mean((rebuilt - images) ** 2)), rel=1e-4)
    assert all(a < b for a, b in zip(curve.mse, curve.mse[1:]))
    assert curve.growth(1.0) > 1.5


# --- image model version 2: an upscaler's factors, a restorer's start ------------------------------------


def test_factors_are_drawn_by_one_over_their_square_or_evenly_for_version_1():
    from aemodels.data.corruption import downscale, superres_inputs, upscale

    clean = np.random.default_rng(0).random((2000, 8, 8, 1)).astype(np.float32)
    as_x2 = upscale(downscale(clean, 2), (8, 8))
    share_x2 = np.mean(np.all(np.isclose(superres_inputs(clean, (2, 4), seed=1), as_x2), axis=(1, 2, 3)))
    even_x2 = np.mean(np.all(np.isclose(superres_inputs(clean, (2, 4), seed=1, evenly=True), as_x2), axis=(1, 2, 3)))
    assert share_x2 == pytest.approx(0.8, abs=0.03)  # 1/4 against 1/16
    assert even_x2 == pytest.approx(0.5, abs=0.03)


@pytest.mark.parametrize("version, returns_input", [(2, True), (1, False)])
def test_an_untrained_restorer_of_version_2_returns_its_input(version, returns_input):
    from aemodels.models import inference
    from aemodels.models.architectures import image_to_image_model

    config = TrainConfig(model="denoise", image_model_version=version)
    bundle = image_to_image_model(config, (28, 28, 1))
    images = np.random.default_rng(0).random((4, 28, 28, 1)).astype(np.float32)
    assert np.allclose(inference.reconstruct(bundle, images), images, atol=1e-6) is returns_input
