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

MIN_EPOCHS, MAX_RECOMMENDED_EPOCHS = 3, 40
LARGE_DATA = 4000  # training images from which batches of 64 keep an epoch long enough


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


def step_budget(kind: ModelKind) -> int:
    """Gradient steps a default training of ``kind`` takes: 1,500 for an embedding (a VAE on
    500 images was level with PCA at 960 steps and ahead at 1,280), 1,000 for the image models
    (ahead of their baselines by 2.6 dB or more after 125 steps)."""
    return 1500 if kind.task is Task.EMBEDDING else 1000


def learning_rate_for(kind: ModelKind, train_images: int) -> float:
    """3e-3 for the autoencoders (conv-ae kNN .635 → .667 against 2e-3 on mnist-10k), 1e-3 for
    the convolutional VAE on large data (.622 against .572 at 2e-3), 2e-3 otherwise."""
    if kind.task is not Task.EMBEDDING:
        return 2e-3
    if kind.variational and kind.layout == "conv":
        return 1e-3 if train_images >= LARGE_DATA else 2e-3
    if kind.layout == "conv" or train_images >= LARGE_DATA:
        return 3e-3
    return 2e-3


def recommended(kind: ModelKind, train_images: int, batch_size: int | None = None) -> Recommendation:
    """The default settings for training ``kind`` on ``train_images`` images; with ``batch_size``,
    the epochs that give that batch size the kind's step budget."""
    batch = batch_size or min(batch_size_for(train_images), max(1, train_images))
    epochs = math.ceil(step_budget(kind) / steps_per_epoch(train_images, batch))
    return Recommendation(min(MAX_RECOMMENDED_EPOCHS, max(MIN_EPOCHS, epochs)), batch,
                          learning_rate_for(kind, train_images))
