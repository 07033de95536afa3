"""Training batches made from the uint8 images on the fly, instead of a float copy of the split.

``TrainingBatches`` is a Keras ``PyDataset``: each batch is cast to float32 in [0, 1] when it is
asked for, and for the denoiser and the upscaler corrupted there, with a fresh noise level (or
factor) per image per epoch. The order is shuffled every epoch. Everything is drawn from
``(seed, epoch, batch index)``, so a training is the same whatever thread builds a batch.
Memory: the uint8 split plus a few batches, against four times the split (and a corrupted copy)
before.
"""

from __future__ import annotations

import math

import keras
import numpy as np

from aemodels.config import TrainConfig
from aemodels.datasets import to_float
from aemodels.kinds import Task


class TrainingBatches(keras.utils.PyDataset):
    """Batches of ``config.batch_size`` of uint8 ``images`` (N, H, W, C) for ``config``'s kind:
    ``(x,)`` for a VAE, ``(x, x)`` for the other embedding kinds, ``(corrupted x, x)`` for the
    image-to-image kinds."""

    def __init__(self, images: np.ndarray, config: TrainConfig, workers: int = 1):
        super().__init__(workers=workers, use_multiprocessing=False)
        self.images, self.config = images, config
        self.epoch = 0
        self.order = self._order()

    def _order(self) -> np.ndarray:
        return np.random.default_rng([self.config.seed, self.epoch]).permutation(len(self.images))

    def __len__(self) -> int:
        return math.ceil(len(self.images) / self.config.batch_size)

    def __getitem__(self, index: int):
        from aemodels.training import denoise_inputs, superres_inputs

        size = self.config.batch_size
        rows = np.sort(self.order[index * size:(index + 1) * size])  # sorted: contiguous reads
        clean = to_float(self.images[rows])
        config = self.config
        seed = int(np.random.default_rng([config.seed, self.epoch, index]).integers(2**31))
        task = config.kind.task
        if config.is_variational:
            return (clean,)
        if task is Task.DENOISING:
            return denoise_inputs(clean, config.noise_kind, config.noise_max, seed), clean
        if task is Task.SUPER_RESOLUTION:
            return superres_inputs(clean, config.upscale_factors, seed), clean
        return clean, clean

    def on_epoch_end(self) -> None:
        self.epoch += 1
        self.order = self._order()

