"""Defaults that win, and a run that loses to its baseline says why."""

from __future__ import annotations

import pytest

from aemodels.config import TrainConfig
from aemodels.kinds import KINDS
from aemodels.scoring.scores import Scores
from aemodels.scoring.scoresheet import SCORES_VERSION
from aemodels.tasks.defaults import recommended
from aemodels.tasks.diagnosis import advice, baseline_losses


def _scores(**document) -> Scores:
    """Scores of a metrics.json of this version with ``document``'s parts."""
    return Scores.read({**document, "scores_version": SCORES_VERSION})


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("images", [400, 1437, 8000, 56000])
def test_recommended_trainings_take_enough_steps_whatever_the_data_size(kind, images):
    best = recommended(KINDS[kind], images)
    assert best.batch_size <= images
    assert best.steps(images) >= 700 or best.epochs == 40
    assert images // best.batch_size >= 25 or best.batch_size == 16  # small data, small batches


def test_a_real_training_too_short_to_beat_pca_is_told_why(home):
    from aemodels.tasks.assessment import evaluate
    from aemodels.tasks.training import train

    config = TrainConfig(model="conv-ae", train_images=400, epochs=1, batch_size=128, seed=0)
    scores = Scores.read(evaluate(train(config).bundle))
    assert baseline_losses(config, scores), scores  # 4 gradient steps: PCA wins
    text = advice(config, scores)
    assert "worse than PCA" in text and "only 4 gradient steps" in text
    best = recommended(config.kind, 400)
    assert f"Try {best.epochs} epochs of batch {best.batch_size}" in text


def test_a_winning_run_gets_no_advice():
    config = TrainConfig(model="dense-ae")
    scores = _scores(model={"knn_accuracy": 0.7, "trustworthiness": {"10": 0.88}},
                     pca={"knn_accuracy": 0.42, "trustworthiness": {"10": 0.75}}, train_images=8000)
    assert advice(config, scores) is None


def test_a_collapsed_vae_is_named():
    config = TrainConfig(model="vae", epochs=50, batch_size=64)
    scores = _scores(model={"knn_accuracy": 0.2, "trustworthiness": {"10": 0.6}, "rate_nats": 0.05},
                     pca={"knn_accuracy": 0.42, "trustworthiness": {"10": 0.75}}, train_images=8000)
    assert "collapsed (KL 0.05 nats)" in advice(config, scores)


def test_image_models_compare_with_their_own_baselines():
    denoise = TrainConfig(model="denoise")
    curve = [{"level": 0.1, "model_psnr": 20.0, "filter_psnr": 21.0}, {"level": 0.3, "model_psnr": 19.0, "filter_psnr": 17.0}]
    assert baseline_losses(denoise, _scores(denoising={"curve": curve})) == [
        "denoises worse than the best classical filter at noise level 0.1"]
    superres = TrainConfig(model="superres")
    assert "trails the best classical interpolation (bicubic or Lanczos) by 1.60 dB" in baseline_losses(
        superres, _scores(superres={"gain_db": -1.6}))[0]
    # A run scored before Lanczos was compared keeps its gain over bicubic under its own name.
    assert "trails bicubic interpolation by 0.50 dB" in baseline_losses(superres, _scores(superres={"bicubic_gain_db": -0.5}))[0]
    # ... and a run saved before scores had a version is read the same way.
    assert "trails bicubic interpolation by 0.50 dB" in baseline_losses(superres, Scores.read({"superres": {"gain_db": -0.5}}))[0]


def test_a_new_task_is_never_called_a_win_by_the_super_resolution_branch():
    assert baseline_losses(TrainConfig(model="denoise"), _scores(superres={"gain_db": -1.6})) == []
