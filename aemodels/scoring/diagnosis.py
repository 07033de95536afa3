"""When a run loses to its classical baseline: say so, with the likely cause and what to try."""

from __future__ import annotations

from aemodels.config import TrainConfig
from aemodels.kinds import Task
from aemodels.models.defaults import recommended, steps_per_epoch
from aemodels.scoring.scoresheet import DEFAULT_K, at_k
from aemodels.settings import SETTINGS

COLLAPSED_KL_NATS = 1.0  # a VAE whose codes carry less than this is ignoring its input
SHORT_TRAINING = 0.5  # under this share of the recommended steps, the training was too short


def baseline_losses(config: TrainConfig, metrics: dict) -> list[str]:
    """Where the run does worse than its baseline, one phrase each (empty if it wins everywhere)."""
    model, baseline = metrics.get("model", {}), metrics.get("pca", {})
    task = config.kind.task
    if task is Task.EMBEDDING:
        lost = []
        for key, name, words in (("knn_accuracy", "5-NN accuracy", "separates the classes"),
                                 ("trustworthiness", f"trustworthiness at k = {DEFAULT_K}", "keeps neighbours")):
            mine, theirs = (side.get(key) for side in (model, baseline))
            if key == "trustworthiness":
                mine, theirs = at_k(mine), at_k(theirs)
            if mine is not None and theirs is not None and mine < theirs:
                lost.append(f"{words} worse than PCA ({name} {mine:.3f} vs {theirs:.3f})")
        return lost
    if task is Task.DENOISING:
        curve = metrics.get("denoising", {}).get("curve", [])
        worse = [p for p in curve if p["model_psnr"] < p["filter_psnr"]]
        if worse:
            levels = ", ".join(f"{p['level']:g}" for p in worse)
            return [f"denoises worse than the best classical filter at noise level {levels}"]
        return []
    summary = metrics.get("superres", {})
    gain = summary.get("gain_db")
    if gain is not None and gain < 0:
        return [f"trails the best classical interpolation (bicubic or Lanczos) by {-gain:.2f} dB on average"]
    gain = summary.get("bicubic_gain_db")  # a run scored before Lanczos was compared
    if gain is not None and gain < 0:
        return [f"trails bicubic interpolation by {-gain:.2f} dB on average"]
    return []


def advice(config: TrainConfig, metrics: dict, train_images: int | None) -> str | None:
    """One paragraph for a run that loses to its baseline: what, the likely cause, what to try.

    ``train_images`` is the number of images it trained on (None if unknown). Returns None when
    the run beats its baseline.
    """
    lost = baseline_losses(config, metrics)
    if not lost:
        return None
    text = f"This {config.model} run {' and '.join(lost)}."
    kl = metrics.get("model", {}).get("kl_nats")
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
