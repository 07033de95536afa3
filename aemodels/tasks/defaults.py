"""Training settings that win on the chosen data, by model kind and number of training images
(each task gives its step budget and learning rates).

What decides whether a short training beats its baseline is the number of gradient steps, not
the number of epochs: 500 uploaded images at batch 128 are 4 steps an epoch, and 5 epochs of that
leave a conv-ae or a VAE collapsed. So the batch shrinks with the data and the epochs are
whatever reaches the kind's step budget. The figures behind the budgets are in BENCHMARKS.md
("Train defaults"), measured with ``bench/defaults.py``.
"""

from __future__ import annotations

import dataclasses
import math

from aemodels.kinds import ModelKind
from aemodels.tasks.registry import task_of
from aemodels.tasks.task import LARGE_DATA

MIN_EPOCHS, MAX_RECOMMENDED_EPOCHS = 3, 40


@dataclasses.dataclass(frozen=True)
class Recommendation:
    """Epochs, batch size (images per step) and Adam's learning rate for one kind and data size."""

    epochs: int
    batch_size: int
    learning_rate: float

    def steps(self, train_images: int) -> int:
        """Gradient steps the whole training takes on ``train_images`` images."""
        return steps_per_epoch(train_images, self.batch_size) * self.epochs


def steps_per_epoch(train_images: int, batch_size: int) -> int:
    return max(1, math.ceil(train_images / batch_size))


def batch_size_for(train_images: int) -> int:
    """64 for thousands of images, smaller for small sets so that an epoch has 30+ steps."""
    if train_images >= LARGE_DATA:
        return 64
    if train_images >= 1000:
        return 32
    return 16


def recommended(kind: ModelKind, train_images: int, batch_size: int | None = None) -> Recommendation:
    """The default settings for training ``kind`` on ``train_images`` images; with ``batch_size``,
    the epochs that give that batch size the kind's step budget."""
    batch = batch_size or min(batch_size_for(train_images), max(1, train_images))
    task = task_of(kind)
    epochs = math.ceil(task.step_budget / steps_per_epoch(train_images, batch))
    return Recommendation(min(MAX_RECOMMENDED_EPOCHS, max(MIN_EPOCHS, epochs)), batch,
                          task.learning_rate(kind, train_images))
