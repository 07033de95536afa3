"""Scores saved by an older version are read under names that cannot be mistaken for today's."""

from __future__ import annotations

import json

from aemodels.scoring import scoresheet
from aemodels.store.runs import RunStore
from aemodels.ui.tables import model_vs_pca

VERSION_1 = {"model": {"knn_accuracy": 0.66, "trustworthiness": 0.91, "psnr": 17.0},
             "pca": {"knn_accuracy": 0.43, "trustworthiness": 0.76, "psnr": 15.0}, "test_images": 2000}


def test_version_1_scores_are_renamed_and_keyed_by_k():
    upgraded = scoresheet.upgrade(VERSION_1)
    assert upgraded["model"] == {"knn_cv_accuracy": 0.66, "trustworthiness": {"10": 0.91}, "psnr": 17.0}
    assert upgraded["pca"]["knn_cv_accuracy"] == 0.43 and "knn_accuracy" not in upgraded["pca"]
    assert VERSION_1["model"]["knn_accuracy"] == 0.66  # the input is not changed
    current = {**upgraded, "scores_version": scoresheet.SCORES_VERSION}
    assert scoresheet.upgrade(current) is current
    assert scoresheet.at_k(upgraded["model"]["trustworthiness"]) == 0.91
    assert scoresheet.at_k(upgraded["model"]["trustworthiness"], 5) is None


def test_an_old_run_reads_as_version_2_and_its_table_names_the_old_protocol(home_with_runs):
    home, run_ids = home_with_runs
    store = RunStore(home / "runs")
    (home / "runs" / run_ids["dense-ae"] / "metrics.json").write_text(json.dumps(VERSION_1))  # a private copy
    info = store.get(run_ids["dense-ae"])
    assert info.metrics["model"]["knn_cv_accuracy"] == 0.66
    table = model_vs_pca(info.scores)
    assert "kNN accuracy, old protocol: 5-fold CV on held-out codes" in table.index
    assert "trustworthiness at k = 10: neighbours not invented (higher is better)" in table.index
    assert not any(label.startswith("kNN accuracy, 5 neighbours") for label in table.index)


def test_a_version_that_is_not_a_whole_number_reads_as_version_1():
    for version in ("2", None, [2], True, 2.5):
        upgraded = scoresheet.upgrade({**VERSION_1, "scores_version": version})
        assert upgraded["model"]["knn_cv_accuracy"] == 0.66, version


def test_version_2_image_scores_keep_their_weak_baselines_under_their_own_names():
    row = {"level": 0.3, "model_psnr": 22.0, "filter_psnr": 17.2, "model_ssim": 0.8, "filter_ssim": 0.5,
           "filter": "median 3×3"}
    denoiser = scoresheet.upgrade({"scores_version": 2, "denoising": {"kind": "gaussian", "curve": [row]}})
    assert denoiser["denoising"]["filters_compared"] == ["Gaussian", "median"]
    assert denoiser["denoising"]["curve"] == [{"level": 0.3, "model_psnr": 22.0, "filter_psnr": 17.2,
                                               "model_ssim_with_border": 0.8, "filter_ssim_with_border": 0.5,
                                               "filter": "median 3×3"}]
    superres = scoresheet.upgrade({"scores_version": 2, "superres": {"gain_db": 4.5, "factors": []}})
    assert superres["superres"] == {"bicubic_gain_db": 4.5, "factors": []}


def test_version_3_vae_terms_read_as_rate_and_distortion():
    saved = {"scores_version": 3, "model": {"negative_elbo": 150.0, "reconstruction_nats": 144.0, "kl_nats": 6.0},
             "pca": {"psnr": 15.0}}
    upgraded = scoresheet.upgrade(saved)
    assert upgraded["model"] == {"negative_elbo": 150.0, "distortion_nats": 144.0, "rate_nats": 6.0}
    assert upgraded["pca"] == {"psnr": 15.0}
    assert saved["model"]["kl_nats"] == 6.0  # the input is not changed
