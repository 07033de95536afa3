"""Model kinds: one ``ModelKind`` object per kind, the single place that says what a kind is.

A kind knows its name and words for people, the task it does (and so how it is trained, scored
and which screens show it) and its architecture family. Everything else asks the kind
(``kind_of(config.model)``) instead of testing its name, so a new kind is added here; which
training settings apply to it is said by each setting (``settings.Setting.applies``).

This module is light: no TensorFlow, no Streamlit.
"""

from __future__ import annotations

import dataclasses
import enum
import re

from aemodels.errors import ConfigError


class TaskName(enum.Enum):
    """Which task a model does; the task itself (its training pairs, builder, scores and verdict)
    is the ``tasks.task.Task`` registered under this name in ``tasks.registry``."""

    EMBEDDING = "embedding"  # images → code → images; scored against PCA at the same code size
    DENOISING = "denoising"  # noisy images → clean; scored against classical filters
    SUPER_RESOLUTION = "superres"  # bicubic-upscaled images → full resolution; against bicubic


class Screen(enum.Enum):
    """The result screens of the dashboard, named by the library so kinds can list theirs (their
    words and pages: ``ui.screens``)."""

    EMBEDDING = "embedding"
    DENOISING = "denoising"
    SUPER_RESOLUTION = "superres"
    LATENT = "latent"


CONDITIONAL_CLASSES = 10  # a conditional kind's one-hot class input: data of 2 to 10 classes
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,31}$")  # also part of run ids


@dataclasses.dataclass(frozen=True)
class ModelKind:
    """One model kind.

    Attributes:
        name: the id used in configs, run ids and the command line (``NAME_PATTERN``).
        title: a short noun phrase for people ("convolutional autoencoder").
        task: the name of what it does (``tasks.registry.task_of`` gives the task).
        layout: ``"dense"`` or ``"conv"`` encoder/decoder (embedding kinds), ``"unet"`` otherwise.
        variational: a VAE (mean and log-variance, sampling, reconstruction + KL loss).
        screens: the result screens that show its runs, the main one first.
        adversarial: an adversarial autoencoder (a discriminator pulls its codes to the prior).
        conditional: its encoder and decoder are told each image's class (it needs labels).
    """

    name: str
    title: str
    task: TaskName
    layout: str
    variational: bool
    screens: tuple[Screen, ...]
    adversarial: bool = False
    conditional: bool = False

    @property
    def has_embedding(self) -> bool:
        return self.task is TaskName.EMBEDDING

    @property
    def fills_prior(self) -> bool:
        """Whether training pulls its codes towards the standard normal prior N(0, I): a VAE's KL
        term or an adversarial autoencoder's discriminator."""
        return self.variational or self.adversarial

    @property
    def adds_own_loss(self) -> bool:
        """Whether its model trains with a step of its own, not a compiled Keras loss."""
        return self.variational or self.adversarial

    @property
    def main_screen(self) -> Screen:
        return self.screens[0]

    def label(self) -> str:
        """``name: title``, for pickers."""
        return f"{self.name}: {self.title}"


KINDS: dict[str, ModelKind] = {
    kind.name: kind
    for kind in (
        ModelKind("dense-ae", "fully-connected autoencoder", TaskName.EMBEDDING, "dense", False,
                  (Screen.EMBEDDING, Screen.LATENT)),
        ModelKind("conv-ae", "convolutional autoencoder", TaskName.EMBEDDING, "conv", False,
                  (Screen.EMBEDDING, Screen.LATENT)),
        ModelKind("vae", "convolutional variational autoencoder", TaskName.EMBEDDING, "conv", True,
                  (Screen.LATENT, Screen.EMBEDDING)),
        ModelKind("dense-vae", "fully-connected variational autoencoder", TaskName.EMBEDDING, "dense", True,
                  (Screen.LATENT, Screen.EMBEDDING)),
        ModelKind("aae", "adversarial autoencoder", TaskName.EMBEDDING, "dense", False,
                  (Screen.LATENT, Screen.EMBEDDING), adversarial=True),
        ModelKind("cvae", "conditional variational autoencoder", TaskName.EMBEDDING, "dense", True,
                  (Screen.LATENT, Screen.EMBEDDING), conditional=True),
        ModelKind("denoise", "convolutional denoiser", TaskName.DENOISING, "unet", False, (Screen.DENOISING,)),
        ModelKind("superres", "super-resolution network", TaskName.SUPER_RESOLUTION, "unet", False,
                  (Screen.SUPER_RESOLUTION,)),
    )
}
assert all(NAME_PATTERN.match(name) for name in KINDS)


def kind_of(name: str) -> ModelKind:
    """The kind called ``name``; ``ConfigError`` naming the known kinds otherwise."""
    try:
        return KINDS[name]
    except (KeyError, TypeError):
        raise ConfigError(f"Unknown model kind {name!r}: choose one of {', '.join(KINDS)}.") from None


def kinds_for(screen: Screen) -> tuple[ModelKind, ...]:
    """The kinds whose runs ``screen`` shows, in the order the dashboard offers them."""
    return tuple(kind for kind in KINDS.values() if screen in kind.screens)
