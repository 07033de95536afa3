"""When a run loses to its classical baseline: say so, with the likely cause and what to try."""

from __future__ import annotations

from aemodels.config import TrainConfig
from aemodels.scoring.scores import Scores
from aemodels.settings import SETTINGS
from aemodels.tasks.defaults import recommended, steps_per_epoch
from aemodels.tasks.registry import task_of

COLLAPSED_KL_NATS = 1.0  # a VAE whose codes carry less than this is ignoring its input
SHORT_TRAINING = 0.5  # under this share of the recommended steps, the training was too short


def baseline_losses(config: TrainConfig, scores: Scores) -> list[str]:
    """Where the run does worse than its baseline, one phrase each (empty if it wins everywhere)."""
    return task_of(config).baseline_losses(config, scores)


def advice(config: TrainConfig, scores: Scores) -> str | None:
    """One paragraph for a run that loses to its baseline: what, the likely cause, what to try.
    Returns None when the run beats its baseline."""
    lost = baseline_losses(config, scores)
    if not lost:
        return None
    train_images = scores.train_images
    text = f"This {config.model} run {' and '.join(lost)}."
    kl = scores.model.rate_nats
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
