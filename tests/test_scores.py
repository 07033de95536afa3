"""Scores: every version of metrics.json reads into the same typed fields, and nothing in a
damaged file raises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aemodels.scoring.scores import Scores, SideScores
from aemodels.scoring.scoresheet import SCORES_VERSION

SAVED = Path(__file__).resolve().parent / "fixtures" / "saved_runs" / "runs"


def test_version_1_keeps_its_knn_apart_and_keys_trustworthiness_by_k():
    scores = Scores.read({"model": {"knn_accuracy": 0.66, "trustworthiness": 0.91, "psnr": 17.0},
                          "pca": {"knn_accuracy": 0.43}, "test_images": 2000})
    assert scores.model.knn_accuracy is None and scores.model.knn_cv_accuracy == 0.66
    assert scores.model.at("trustworthiness") == 0.91 and scores.model.at("trustworthiness", 5) is None
    assert scores.pca.knn_cv_accuracy == 0.43 and scores.test_images == 2000 and scores.train_images is None


def test_version_2_image_scores_keep_their_weak_baselines_apart():
    row = {"level": 0.3, "model_psnr": 22.0, "filter_psnr": 17.2, "model_ssim": 0.8, "filter_ssim": 0.5,
           "filter": "median 3×3", "noisy_psnr": 10.5}
    denoiser = Scores.read({"scores_version": 2, "denoising": {"kind": "gaussian", "curve": [row]}})
    assert denoiser.denoising.filters_compared == ("Gaussian", "median")
    point = denoiser.denoising.at(0.3)
    assert point.model_psnr == 22.0 and point.model_ssim is None  # SSIM measured another way then
    superres = Scores.read({"scores_version": 2, "superres": {"gain_db": 4.5, "factors": [
        {"factor": 2, "model_psnr": 25.0, "bicubic_psnr": 22.0, "nearest_psnr": 20.0}]}})
    assert superres.superres.gain_db is None and superres.superres.bicubic_gain_db == 4.5
    assert superres.superres.factors[0].lanczos_psnr is None


@pytest.mark.parametrize("folder", sorted(SAVED.iterdir()), ids=lambda path: path.name)
def test_the_committed_runs_read_in_full(folder):
    document = json.loads((folder / "metrics.json").read_text())
    assert 3 <= document["scores_version"] <= SCORES_VERSION
    scores = Scores.read(document)
    if "kl_nats" in document["model"]:  # version 3's VAE terms, read under their version 4 names
        assert scores.model.rate_nats == document["model"]["kl_nats"] > 0
        assert scores.model.distortion_nats == document["model"]["reconstruction_nats"] > 0
    assert scores.model.reconstruction_mse is not None and scores.pca.psnr is not None
    assert scores.train_images == document["train_images"] and scores.test_images == document["test_images"]
    if "superres" in document:
        assert [f.factor for f in scores.superres.factors] == [row["factor"] for row in document["superres"]["factors"]]
        assert scores.superres.gain_db == document["superres"]["gain_db"]
    else:
        assert scores.model.knn_accuracy == document["model"]["knn_accuracy"]
        assert scores.model.trustworthiness == document["model"]["trustworthiness"]


@pytest.mark.parametrize("document", [None, [], "scores", {"model": [1]}, {"model": {"psnr": "high"}},
                                      {"denoising": {"curve": [{"level": "x"}, 3]}}, {"superres": {"factors": [{}]}}])
def test_a_damaged_document_reads_as_missing_scores(document):
    scores = Scores.read(document)
    assert scores.model == SideScores() or scores.model.psnr is None
    assert scores.denoising is None or scores.denoising.curve == ()
    assert scores.superres is None or scores.superres.factors == ()
