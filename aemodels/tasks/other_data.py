"""A run tried on another dataset: the lesson's "autoencoders are data-specific", measured.

The other dataset is split with the run's own seed and held-out share, and its images are
matched to the run's image shape in one stated way (``Matching``): sides resized (box filter to
shrink, bicubic to enlarge), colour made grey by luminance or grey repeated into three channels.
Pictures of another aspect ratio, or a conditional model on other classes, are refused.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from aemodels.config import TrainConfig
from aemodels.data.datasets import Dataset, SplitImages, dataset_title, load_dataset, share_images
from aemodels.data.splits import Split
from aemodels.errors import ConfigError
from aemodels.scoring.scores import Scores
from aemodels.tasks.registry import task_of

LUMINANCE = np.array([0.299, 0.587, 0.114], np.float32)  # ITU-R BT.601 weights of R, G, B


@dataclasses.dataclass(frozen=True)
class Matching:
    """How another dataset's images (``source``: H, W, C) are made the run's (``target``)."""

    source: tuple[int, int, int]
    target: tuple[int, int, int]

    def words(self) -> str:
        """``32×32 colour → 28×28 grey (resized, luminance)``, or ``same shape``."""
        if self.source == self.target:
            return "same shape"
        how = []
        if self.source[:2] != self.target[:2]:
            how.append("resized")
        if self.source[2] != self.target[2]:
            how.append("luminance" if self.source[2] == 3 else "grey repeated in R, G and B")
        return f"{_shape_words(self.source)} → {_shape_words(self.target)} ({', '.join(how)})"

    def apply(self, images: np.ndarray) -> np.ndarray:
        """uint8 (N, *source) → uint8 (N, *target)."""
        from PIL import Image

        (h, w, _), (th, tw, tc) = self.source, self.target
        out = images
        if (h, w) != (th, tw):
            method = Image.Resampling.BOX if th < h else Image.Resampling.BICUBIC
            out = np.stack([_resize(image, (tw, th), method) for image in out])
        if out.shape[-1] == 3 and tc == 1:
            out = np.clip(np.rint(out.astype(np.float32) @ LUMINANCE), 0, 255).astype(np.uint8)[..., None]
        elif out.shape[-1] == 1 and tc == 3:
            out = np.repeat(out, 3, axis=-1)
        return out


def _resize(image: np.ndarray, size: tuple[int, int], method) -> np.ndarray:
    from PIL import Image

    channels = [np.asarray(Image.fromarray(image[..., c]).resize(size, method)) for c in range(image.shape[-1])]
    return np.stack(channels, axis=-1)


def _shape_words(shape) -> str:
    h, w, c = shape
    return f"{h}×{w} {'colour' if c == 3 else 'grey'}"


def matching(config: TrainConfig, image_shape, other: str, other_shape,
             other_classes: tuple[str, ...] | None = None) -> Matching:
    """How the images (``other_shape``: H, W, C) of dataset ``other`` are matched to a run of
    ``config`` on ``image_shape`` images; ``ConfigError`` with one line when they cannot be.
    ``other_classes`` (read from the dataset when None) matter to a conditional kind only."""
    title = dataset_title(other)
    if other == config.dataset:
        raise ConfigError(f"'{title}' is the data this run trained on: 'python -m aemodels evaluate RUN' scores it "
                          "there.")
    if share_images(other, config.dataset):
        raise ConfigError(f"'{title}' holds images of '{dataset_title(config.dataset)}', which this run trained on: "
                          "try it on data it has not seen.")
    if config.kind.conditional:
        classes = other_classes if other_classes is not None else load_dataset(other).class_names
        if tuple(classes) != tuple(load_dataset(config.dataset).class_names):
            raise ConfigError(f"A {config.kind.name} is told each image's class, and '{title}' has other classes: "
                              "try a model without classes.")
    source, target = tuple(int(v) for v in other_shape), tuple(int(v) for v in image_shape)
    if source[2] not in (1, 3) or target[2] not in (1, 3):
        raise ConfigError("Only grey and RGB images can be matched: this pair has another number of channels.")
    if abs(source[0] / source[1] - target[0] / target[1]) > 0.01:
        raise ConfigError(f"'{title}' has {source[0]}×{source[1]} images and the run {target[0]}×{target[1]}: "
                          "pictures of another shape would be distorted.")
    return Matching(source, target)


@dataclasses.dataclass(frozen=True)
class Elsewhere:
    """One run's scores on another dataset's held-out images.

    Attributes:
        dataset: the other dataset's name.
        matching: how its images were matched, in words.
        metrics: the task's scores there (``Task.score_elsewhere``; ``Scores.read`` reads them).
        gain_db: the model's margin over its baseline there, dB (``Task.gain_db``).
        own_gain_db: the same margin on the run's own held-out images, from its saved scores.
        scored_at: Unix seconds.
    """

    dataset: str
    matching: str
    metrics: dict
    gain_db: float | None
    own_gain_db: float | None
    scored_at: float

    @property
    def scores(self) -> Scores:
        return Scores.read(self.metrics)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, raw: dict) -> Elsewhere:
        return cls(str(raw["dataset"]), str(raw["matching"]), dict(raw["metrics"]), _maybe(raw.get("gain_db")),
                   _maybe(raw.get("own_gain_db")), float(raw.get("scored_at", 0.0)))


def _maybe(value) -> float | None:
    return None if value is None else float(value)


def matched_split(config: TrainConfig, dataset: Dataset, how: Matching) -> SplitImages:
    """``dataset`` split with the run's seed and held-out share, its images matched by ``how``."""
    split = Split(dataset.name, config.seed, config.test_fraction).images(dataset)
    return SplitImages(how.apply(split.x_train), split.y_train, how.apply(split.x_test), split.y_test)


def score_on(bundle, dataset: Dataset, own_scores: Scores) -> Elsewhere:
    """The run of ``bundle`` scored on ``dataset``'s held-out images (``ConfigError`` when they
    cannot be matched); ``own_scores`` are the run's saved scores on its own data."""
    config = bundle.config
    how = matching(config, bundle.image_shape, dataset.name, dataset.image_shape, dataset.class_names)
    task = task_of(config)
    metrics = task.score_elsewhere(bundle, matched_split(config, dataset, how), lambda: Split.of(config).images())
    return Elsewhere(dataset.name, how.words(), metrics, task.gain_db(Scores.read(metrics)),
                     task.gain_db(own_scores), time.time())
