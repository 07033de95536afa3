"""When a run loses to its classical baseline: say so, with the likely cause and what to try."""

from __future__ import annotations

from aemodels.config import TrainConfig
from aemodels.kinds import Task
from aemodels.models.defaults import recommended, steps_per_epoch
from aemodels.scoring.scores import Scores
from aemodels.scoring.scoresheet import DEFAULT_K
from aemodels.settings import SETTINGS

COLLAPSED_KL_NATS = 1.0  # a VAE whose codes carry less than this is ignoring its input
SHORT_TRAINING = 0.5  # under this share of the recommended steps, the training was too short


def baseline_losses(config: TrainConfig, scores: Scores) -> list[str]:
    """Where the run does worse than its baseline, one phrase each (empty if it wins everywhere)."""
    task = config.kind.task
    if task is Task.EMBEDDING:
        lost = []
        for key, name, words in (("knn_accuracy", "5-NN accuracy", "separates the classes"),
                                 ("trustworthiness", f"trustworthiness at k = {DEFAULT_K}", "keeps neighbours")):
            mine, theirs = scores.model.at(key), scores.pca.at(key)
            if mine is not None and theirs is not None and mine < theirs:
                lost.append(f"{words} worse than PCA ({name} {mine:.3f} vs {theirs:.3f})")
        return lost
    if task is Task.DENOISING:
        curve = scores.denoising.curve if scores.denoising else ()
        worse = [p for p in curve if p.model_psnr is not None and p.filter_psnr is not None
                 and p.model_psnr < p.filter_psnr]
        if worse:
            levels = ", ".join(f"{p.level:g}" for p in worse)
            return [f"denoises worse than the best classical filter at noise level {levels}"]
        return []
    if task is Task.SUPER_RESOLUTION and scores.superres is not None:
        gain = scores.superres.gain_db
        if gain is not None and gain < 0:
            return [f"trails the best classical interpolation (bicubic or Lanczos) by {-gain:.2f} dB on average"]
        gain = scores.superres.bicubic_gain_db  # a run scored before Lanczos was compared
        if gain is not None and gain < 0:
            return [f"trails bicubic interpolation by {-gain:.2f} dB on average"]
    return []


def advice(config: TrainConfig, scores: Scores) -> str | None:
    """One paragraph for a run that loses to its baseline: what, the likely cause, what to try.
    Returns None when the run beats its baseline."""
    lost = baseline_losses(config, scores)
    if not lost:
        return None
    train_images = scores.train_images
    text = f"This {config.model} run {' and '.join(lost)}."
    kl = scores.model.kl_nats
    if config.is_variational and kl is not None and kl < COLLAPSED_KL_NATS:
        return (text + f" Likely cause: its codes collapsed (KL {kl:.2f} nats): the decoder learnt to ignore "
                "them. Try more gradient steps (a smaller batch or more epochs) or a lower learning rate.")
    if train_images:
        steps = steps_per_epoch(train_images, config.batch_size) * config.epochs
        best = recommended(config.kind, train_images)
        if steps < SHORT_TRAINING * best.steps(train_images):
            return (text + f" Likely cause: it trained only {steps:,} gradient steps "
                    f"({steps_per_epoch(train_images, config.batch_size)} per epoch on {train_images:,} images). "
                    f"Try {best.epochs} epochs of batch {best.batch_size} at learning rate {best.learning_rate:g} "
                    f"({best.steps(train_images):,} steps).")
    more = " Try more epochs or another learning rate"
    if SETTINGS["latent_dim"].applies(config.kind):
        more += ", or a larger latent size"
    return text + more + "."
