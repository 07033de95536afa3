"""``Split``: which images a run trains on and is scored on, named once.

A run's split is its dataset, shuffled with its seed, with ``test_fraction`` of the images held
out for scoring and at most ``train_images`` of the others trained on. Two runs with the same
split saw the same images; two with the same ``held_out`` part are scored on the same ones.
"""

from __future__ import annotations

import dataclasses

from aemodels.config import TrainConfig
from aemodels.data.datasets import Dataset, SplitImages, load_dataset


@dataclasses.dataclass(frozen=True)
class Split:
    """A run's train/held-out split of its dataset (hashable: a cache key).

    Attributes:
        dataset: the dataset's name (``mnist-10k``, ``upload:<id>``, ...).
        seed: shuffles the images before the cut.
        test_fraction: the share held out (at least one image, never all).
        train_images: the first N training images only (None: all of them).
    """

    dataset: str
    seed: int
    test_fraction: float
    train_images: int | None = None

    @classmethod
    def of(cls, config: TrainConfig) -> Split:
        """The split ``config`` trains and is scored on."""
        return cls(config.dataset, config.seed, config.test_fraction, config.train_images)

    @property
    def held_out(self) -> Split:
        """The same held-out images with every training image: runs whose splits have the same
        ``held_out`` are scored on the same images, in the same order."""
        return dataclasses.replace(self, train_images=None)

    def images(self, dataset: Dataset | None = None) -> SplitImages:
        """The split's images and labels, from ``dataset`` (loaded by name when not given)."""
        dataset = dataset if dataset is not None else load_dataset(self.dataset)
        images = dataset.split(self.seed, self.test_fraction)
        if self.train_images is not None and self.train_images < len(images.x_train):
            images = SplitImages(images.x_train[: self.train_images], images.y_train[: self.train_images],
                                 images.x_test, images.y_test)
        return images
