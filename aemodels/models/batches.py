"""Training batches made from the uint8 images on the fly, instead of a float copy of the split.

``TrainingBatches`` is a Keras ``PyDataset``: each batch is cast to float32 in [0, 1] when it is
asked for, and for the denoiser and the upscaler corrupted there, with a fresh noise level (or
factor) per image per epoch. ``LayoutBatches`` serves the neighbour-keeping term the same way,
with each image's t-SNE target and a small random shift. The order is shuffled every epoch.

A batch depends only on ``(seed, epoch, batch index)``, never on how many batches were asked for
before: Keras asks for the first few twice (once to learn their shapes), builds them ahead of time
in ``tf.data``'s prefetch thread (or in ``workers`` threads), and under a ``MirroredStrategy``
opens its generator more often. ``fit`` must get ``shuffle=False`` (``FIT_OPTIONS``): Keras's
own shuffle reorders the batches with Python's ``random``, whose state differs between those
paths; with it, 2 devices' first-epoch loss differed from 1 device's by 0.6 %, without it by 1e-7.

Memory: the uint8 split plus a few batches, against four times the split (and a corrupted copy)
with float arrays.
"""

from __future__ import annotations

import math
from typing import Callable

import keras
import numpy as np

from aemodels.config import TrainConfig
from aemodels.data.datasets import to_float

# A task's training pairs: clean float32 images (B, H, W, C) in [0, 1], the seed of their random
# draws and (keyword ``labels``) their classes (B,) → ``(inputs,)`` or ``(inputs, targets)``
# (``tasks.task.Task.pairs``).
Pairs = Callable[..., tuple]

FIT_OPTIONS = {"shuffle": False}  # the order is ours: see the module's docstring


class TrainingBatches(keras.utils.PyDataset):
    """Batches of ``config.batch_size`` of uint8 ``images`` (N, H, W, C), as the task's ``pairs``
    of them: ``(x,)`` for a VAE, ``(x, x)`` for the other embedding kinds, ``(corrupted x, x)`` for
    the image-to-image kinds; x float32 in [0, 1]. ``workers`` > 1 builds batches in that many
    threads ahead of training (Keras's ``OrderedEnqueuer``, stopped before ``on_epoch_end``), on
    one device only (``tasks.training.streamed_arguments`` says why)."""

    def __init__(self, images: np.ndarray, config: TrainConfig, pairs: Pairs, workers: int = 1,
                 labels: np.ndarray | None = None):
        super().__init__(workers=workers, use_multiprocessing=False)
        self.images, self.config, self.pairs, self.labels = images, config, pairs, labels
        self.epoch = 0
        self.order = self._order()

    def _order(self) -> np.ndarray:
        return np.random.default_rng([self.config.seed, self.epoch]).permutation(len(self.images))

    def __len__(self) -> int:
        return math.ceil(len(self.images) / self.config.batch_size)

    def rows(self, index: int) -> np.ndarray:
        """The image rows of batch ``index`` this epoch, sorted (contiguous reads)."""
        size = self.config.batch_size
        return np.sort(self.order[index * size:(index + 1) * size])

    def draw_seed(self, index: int) -> int:
        """The seed of batch ``index``'s random draws this epoch."""
        return int(np.random.default_rng([self.config.seed, self.epoch, index]).integers(2**31))

    def __getitem__(self, index: int):
        rows = self.rows(index)
        return self.pairs(to_float(self.images[rows]), self.draw_seed(index),
                          labels=None if self.labels is None else self.labels[rows])

    def on_epoch_end(self) -> None:
        self.epoch += 1
        self.order = self._order()


class LayoutBatches(TrainingBatches):
    """``((x, targets), x)`` batches for ``neighbour_term.layout_keeping``: x (B, H, W, C) float32,
    the batch's images shifted together by up to ``shift`` pixels in each direction (a fresh shift
    per batch per epoch), and targets (B, 2) their rows of ``layout`` (N, 2), unshifted."""

    def __init__(self, images: np.ndarray, layout: np.ndarray, config: TrainConfig, shift: int, workers: int = 1):
        super().__init__(images, config, lambda clean, seed: (clean, clean), workers)
        self.layout, self.shift = layout, shift

    def __getitem__(self, index: int):
        rows = self.rows(index)
        batch = to_float(self.images[rows])
        dy, dx = np.random.default_rng(self.draw_seed(index)).integers(-self.shift, self.shift + 1, 2)
        if dy or dx:
            batch = np.roll(batch, (int(dy), int(dx)), axis=(1, 2))
        return (batch, self.layout[rows]), batch
