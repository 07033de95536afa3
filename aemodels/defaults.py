"""Training settings that win on the chosen data, by model kind and number of training images.

What decides whether a short training beats its baseline is the number of gradient steps, not
the number of epochs: 500 uploaded images at batch 128 are 4 steps an epoch, and 5 epochs of that
leave a conv-ae or a VAE collapsed. So the batch shrinks with the data and the epochs are
whatever reaches the kind's step budget. The figures behind the budgets are in BENCHMARKS.md
("Train defaults"), measured with ``bench/defaults.py``.
"""

from __future__ import annotations

import dataclasses
import math

from aemodels.kinds import ModelKind, Task

MIN_EPOCHS, MAX_EPOCHS = 3, 60


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
    if train_images >= 4000:
        return 64
    if train_images >= 1000:
        return 32
    return 16


def step_budget(kind: ModelKind) -> int:
    """Gradient steps a default training of ``kind`` takes."""
    if kind.task is not Task.EMBEDDING:
        return 1000
    if kind.layout == "conv":
        return 2500
    return 1500 if kind.variational else 750


def recommended(kind: ModelKind, train_images: int) -> Recommendation:
    """The default settings for training ``kind`` on ``train_images`` images."""
    batch = min(batch_size_for(train_images), max(1, train_images))
    epochs = math.ceil(step_budget(kind) / steps_per_epoch(train_images, batch))
    return Recommendation(min(MAX_EPOCHS, max(MIN_EPOCHS, epochs)), batch, 2e-3)
