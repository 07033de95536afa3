"""A classifier that reads a split's images: what says whether a decoded image is a digit at all.

Logistic regression on the first ``COMPONENTS`` principal components of the pixels, fitted on the
split's training images and scored on its held-out ones. It is fitted once per split and kept as
plain arrays under ``$AEMODELS_HOME/cache/readers/`` (no pickle), so every run of a split reads
decoded images with the same classifier.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np

from aemodels.data.datasets import SplitImages, to_float
from aemodels.data.splits import Split

COMPONENTS = 50
NAME = f"logistic regression on the first {COMPONENTS} principal components of the pixels"
FIT_IMAGES = 10000  # the training images it is fitted on at most (the first ones)


@dataclasses.dataclass(frozen=True)
class ImageReader:
    """Class probabilities of images (N, H, W, C) in [0, 1]: ``probabilities`` (N, classes).

    Attributes:
        mean: (P,) the training pixels' mean, P = H·W·C.
        components: (COMPONENTS, P) the principal axes.
        coef, intercept: (classes, COMPONENTS) and (classes,), the logistic regression's.
        accuracy: its share of the held-out images classified right.
    """

    mean: np.ndarray
    components: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    accuracy: float

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        features = (np.asarray(images, np.float32).reshape(len(images), -1) - self.mean) @ self.components.T
        logits = features @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        odds = np.exp(logits)
        return odds / odds.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        buffer = io.BytesIO()
        np.savez(buffer, mean=self.mean, components=self.components, coef=self.coef, intercept=self.intercept,
                 accuracy=np.float64(self.accuracy))
        temp = path.with_name(f".{path.name}.part")
        temp.write_bytes(buffer.getvalue())
        temp.replace(path)

    @classmethod
    def load(cls, path: Path) -> ImageReader | None:
        try:
            with np.load(io.BytesIO(path.read_bytes()), allow_pickle=False) as arrays:
                return cls(*(np.asarray(arrays[name], np.float32) for name in ("mean", "components", "coef", "intercept")),
                           float(arrays["accuracy"]))
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return None


def fit_reader(split: SplitImages, seed: int = 0) -> ImageReader:
    """The reader of ``split``'s images (needs labels of two classes or more)."""
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression

    x_train = to_float(split.x_train[:FIT_IMAGES]).reshape(min(len(split.x_train), FIT_IMAGES), -1)
    pca = PCA(min(COMPONENTS, *x_train.shape), random_state=seed).fit(x_train)
    classifier = LogisticRegression(max_iter=500).fit(pca.transform(x_train), split.y_train[:FIT_IMAGES])
    reader = ImageReader(pca.mean_.astype(np.float32), pca.components_.astype(np.float32),
                         classifier.coef_.astype(np.float32), classifier.intercept_.astype(np.float32), 0.0)
    guessed = reader.probabilities(to_float(split.x_test)).argmax(axis=1)
    accuracy = float(np.mean(classifier.classes_[guessed] == split.y_test))
    return dataclasses.replace(reader, accuracy=accuracy)


def reader_for(split: Split, images: SplitImages, folder: Path | None) -> ImageReader:
    """The reader of ``split`` (whose images are ``images``): read from ``folder`` when it was
    fitted before, else fitted and kept there (None: fitted, not kept)."""
    key = hashlib.sha256(repr((split.dataset, split.seed, split.test_fraction, len(images.x_train),
                               images.x_train.shape[1:])).encode()).hexdigest()[:16]
    path = folder / f"{split.dataset}-{key}.npz" if folder is not None else None
    if path is not None and (kept := ImageReader.load(path)) is not None:
        return kept
    reader = fit_reader(images, split.seed)
    if path is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            reader.save(path)
        except OSError:
            pass  # a read-only home still scores; it fits again next time
    return reader
