"""What a task is: the one object that says how a model of its kinds is trained, built, scored and
judged against its classical baseline, and which screen shows it.

Importing a task does not import Keras: the model code is imported when a model is assembled,
so the web server's screens that only read a task's words stay light.

A new task is one module with a ``Task`` subclass, registered in ``tasks.registry`` under a
``kinds.TaskName``; its kinds name it in ``kinds.KINDS`` and its settings say they apply to it in
``settings.SETTINGS``. Nothing else asks which task a model does.
"""

from __future__ import annotations

import abc
import dataclasses
from typing import TYPE_CHECKING, Callable

import numpy as np

from aemodels.config import TrainConfig
from aemodels.data.datasets import SplitImages
from aemodels.kinds import ModelKind, Screen, TaskName
from aemodels.scoring.scores import Scores
from aemodels.scoring.views import EmbeddingViews

if TYPE_CHECKING:  # Keras is imported when a model is built, not with the task
    from aemodels.models.architectures import ModelBundle

LARGE_DATA = 4000  # training images from which batches of 64 keep an epoch long enough (``tasks.defaults``)
LOSS_WORDS = {  # what each compiled loss measures, in words and units
    None: "negative ELBO (reconstruction + KL), nats per image",  # the VAE adds its own
    "binary_crossentropy": "binary cross-entropy per pixel",
    "mse": "mean squared error per pixel",
}
LOSS_UNITS = {  # the same, as a name part for tools that take no spaces or brackets (MLflow)
    None: "neg_elbo_nats_per_image",
    "binary_crossentropy": "bce_per_pixel",
    "mse": "mse_per_pixel",
}
PART_UNITS = {  # the loss terms some models track beside ``loss``
    "reconstruction_loss": "nats_per_image", "kl_loss": "nats_per_image",
    "neighbour_loss": "squared_layout_units",
    "discriminator_loss": "bce_per_code", "generator_loss": "bce_per_code",
}


@dataclasses.dataclass(frozen=True)
class Examples:
    """What a run makes of a few held-out images, each array float32 (N, H, W, C) in [0, 1]:
    what its model was given (``given``; None when that is the clean image itself) and what the
    model and its classical baseline made of it, each with its name."""

    given: np.ndarray | None
    given_name: str
    output: np.ndarray
    baseline: np.ndarray
    baseline_name: str


class Task(abc.ABC):
    """One task. Subclasses set the attributes and implement the abstract methods.

    Attributes:
        name: the name its kinds give (``ModelKind.task``).
        screen: the result screen that scores its runs against the baseline.
        baseline: the classical counterpart it is judged against, in words.
        step_budget: gradient steps a default training takes (``tasks.defaults``).
    """

    name: TaskName
    screen: Screen
    baseline: str
    step_budget: int

    @abc.abstractmethod
    def pairs(self, config: TrainConfig, clean: np.ndarray, seed: int, labels: np.ndarray | None = None) -> tuple:
        """What the model trains on, made from clean float32 images (N, H, W, C) in [0, 1] and
        their class indices ``labels`` (N,) (only a conditional kind uses them): ``(inputs,)`` for
        a model that adds its own loss, else ``(inputs, targets)``; ``seed`` seeds any random
        corruption."""

    @abc.abstractmethod
    def assemble(self, config: TrainConfig, image_shape: tuple[int, int, int]) -> ModelBundle:
        """The uncompiled model for ``config`` on images of ``image_shape`` (H, W, C)."""

    @abc.abstractmethod
    def loss(self, kind: ModelKind) -> str | None:
        """The Keras loss ``kind``'s model is compiled with (a key of ``LOSS_WORDS``)."""

    @abc.abstractmethod
    def score(self, bundle: ModelBundle, split: SplitImages, labelled: bool) -> tuple[dict, EmbeddingViews | None]:
        """The model's scores on the held-out images of ``split`` and its baseline's, as the task's
        part of ``metrics.json`` (``scoring.scores.Scores`` reads it); and the 2-D views of the
        held-out images where the task has an embedding."""

    @abc.abstractmethod
    def baseline_losses(self, config: TrainConfig, scores: Scores) -> list[str]:
        """Where the run of ``config`` does worse than its baseline, one phrase each; empty when it wins."""

    @abc.abstractmethod
    def examples(self, bundle: ModelBundle, clean: np.ndarray, labels: np.ndarray, config: TrainConfig,
                 scores: Scores) -> Examples:
        """The model and its baseline on ``clean`` held-out images (N, H, W, C) in [0, 1] of
        classes ``labels`` (N,), under the conditions the run's summary scores name (``scores``)."""

    @abc.abstractmethod
    def gain_db(self, scores: Scores) -> float | None:
        """The run's headline margin over its baseline, in dB of PSNR (positive: the model wins);
        None where the scores lack it."""

    def score_elsewhere(self, bundle: ModelBundle, split: SplitImages, own: Callable[[], SplitImages]) -> dict:
        """Scores of the model on the held-out images of another dataset's ``split`` (already
        matched to the run's image shape), in ``score``'s form; ``own()`` gives the run's own
        split, for a baseline that learns from the data the model learnt from."""
        return self.score(bundle, split, False)[0]

    def loss_measured(self, kind: ModelKind) -> str | None:
        """What ``kind``'s history calls ``loss`` (a key of ``LOSS_WORDS``): the compiled loss,
        unless its own training step tracks another."""
        return self.loss(kind)

    def build(self, config: TrainConfig, image_shape: tuple[int, int, int],
              steps_per_epoch: int | None = None) -> ModelBundle:
        """The untrained, compiled model (``architectures.build``)."""
        from aemodels.models import architectures

        return architectures.build(config, image_shape, self.assemble, self.loss(config.kind), steps_per_epoch)

    def loss_words(self, config: TrainConfig) -> str:
        """What the run's training ``loss`` measures, in words and units: runs with other words
        have losses that are not comparable numbers."""
        if config.is_variational and config.beta != 1:
            return f"reconstruction + {config.beta:g} × KL, nats per image"
        return LOSS_WORDS[self.loss_measured(config.kind)]

    def history_units(self, config: TrainConfig) -> dict[str, str]:
        """Each term of the run's history (``loss`` and the parts its model tracks; ``val_``
        names take their term's) → its quantity and unit as a name part, so that no two different
        quantities share a name."""
        loss = (f"reconstruction_plus_{config.beta:g}_kl_nats_per_image" if config.is_variational and config.beta != 1
                else LOSS_UNITS[self.loss_measured(config.kind)])
        return {"loss": loss, **PART_UNITS}

    def learning_rate(self, kind: ModelKind, train_images: int) -> float:
        """Adam's default learning rate for ``kind`` on ``train_images`` images."""
        return 2e-3
