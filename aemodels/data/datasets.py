"""Image datasets: one ``Dataset`` type, the named datasets, and validated uploads kept on disk.

Images stay ``uint8`` of shape (N, H, W, C) until a batch needs floats (``to_float``): the
dashboard runs in 1 to 3 GB of memory.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import socket
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from aemodels.data.idx import read_idx
from aemodels.errors import DatasetError
from aemodels.home import home_dir
from aemodels.words import safe_label, safe_labels

DEFAULT_DATASET = "mnist-10k"
UPLOAD_PREFIX = "upload:"
_MNIST_DIR = Path(__file__).parent / "mnist"
_UPLOAD_ID = re.compile(r"^[0-9a-f]{16}$")

FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
DIGIT_CLASSES = tuple(str(d) for d in range(10))


@dataclasses.dataclass(frozen=True, eq=False)
class SplitImages:
    """A dataset's fixed train/test split; images uint8 (N, H, W, C), labels int64 (N,)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


@dataclasses.dataclass(frozen=True, eq=False)
class Dataset:
    """Labelled images.

    Attributes:
        name: the name that loads it again (``mnist-10k``, ``upload:<id>``, ...).
        images: uint8 array (N, H, W, C), 0 = black, 255 = white.
        labels: int64 array (N,) of class indices into ``class_names``.
        class_names: one name per class; ``("unlabelled",)`` for data without labels.
        description: one line for people.
    """

    name: str
    images: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]
    description: str = ""

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return tuple(self.images.shape[1:])  # type: ignore[return-value]

    @property
    def is_labelled(self) -> bool:
        return len(self.class_names) >= 2

    def __len__(self) -> int:
        return len(self.images)

    def split(self, seed: int = 0, test_fraction: float = 0.2) -> SplitImages:
        """Shuffle with ``seed`` and hold out ``test_fraction`` of the images (at least one)."""
        order = np.random.default_rng(seed).permutation(len(self.images))
        n_test = held_out_count(len(order), test_fraction)
        test, train = order[:n_test], order[n_test:]
        return SplitImages(self.images[train], self.labels[train], self.images[test], self.labels[test])


def held_out_count(images: int, test_fraction: float = 0.2) -> int:
    """How many of ``images`` a split holds out: the share, at least one, never all."""
    return min(max(1, round(images * test_fraction)), images - 1)


def to_float(images: np.ndarray) -> np.ndarray:
    """uint8 images to float32 in [0, 1], same shape."""
    return images.astype(np.float32) / 255.0


def to_uint8(images: np.ndarray) -> np.ndarray:
    """Float images in [0, 1] (values outside are clipped) to uint8, same shape."""
    return np.clip(np.rint(np.asarray(images) * 255.0), 0, 255).astype(np.uint8)


# --- named datasets -------------------------------------------------------------------------


def _load_mnist_10k() -> Dataset:
    images = read_idx(_MNIST_DIR / "t10k-images-idx3-ubyte.gz")[..., None]
    labels = read_idx(_MNIST_DIR / "t10k-labels-idx1-ubyte.gz").astype(np.int64)
    return Dataset(
        "mnist-10k", images, labels, DIGIT_CLASSES,
        "MNIST test split shipped with the app (10,000 digits, 28×28, offline)",
    )


def _load_digits() -> Dataset:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    # Values are 0..16; spread them over 0..255.
    images = np.rint(bunch.images * (255.0 / 16.0)).astype(np.uint8)[..., None]
    return Dataset(
        "digits", images, bunch.target.astype(np.int64), DIGIT_CLASSES,
        "scikit-learn's bundled digits (1,797 images, 8×8)",
    )


def _require_network(name: str) -> None:
    """Fail within seconds, with a message naming the offline dataset, when offline."""
    message = (
        f"Dataset '{name}' must be downloaded and this machine is offline: "
        f"use '{DEFAULT_DATASET}', which ships with the app."
    )
    if os.environ.get("AEMODELS_OFFLINE"):
        raise DatasetError(message)
    try:
        socket.create_connection(("storage.googleapis.com", 443), timeout=3).close()
    except OSError:
        raise DatasetError(message) from None


def _load_full(name: str, classes: tuple[str, ...]) -> Dataset:
    """A 70,000-image dataset from the store's download cache, downloading it first if needed."""
    from aemodels.data import downloads

    if not downloads.is_cached(name):
        _require_network(name)
        downloads.download(name)
    images, labels = downloads.load(name)
    return Dataset(name, images[..., None], labels, classes,
                   f"{name} ({len(images):,} images, 28×28, downloaded into the store)")


def _load_photos(name: str) -> Dataset:
    from aemodels.data import photos

    return Dataset(name, *getattr(photos, name)())


@dataclasses.dataclass(frozen=True)
class NamedDataset:
    """A dataset the app knows by name: ``images`` in all, each of ``image_shape`` (H, W, C);
    ``offline`` when it ships with the app or its packages (no download)."""

    name: str
    description: str
    images: int
    offline: bool
    load: Callable[[], Dataset]
    image_shape: tuple[int, int, int] = (28, 28, 1)

    def available(self) -> bool:
        """True when loading needs no network (shipped, bundled or already downloaded)."""
        if self.offline:
            return True
        from aemodels.data import downloads

        return downloads.is_cached(self.name)


NAMED_DATASETS: dict[str, NamedDataset] = {
    d.name: d
    for d in (
        NamedDataset("mnist-10k", "MNIST test split shipped with the app, 28×28 digits",
                     10_000, True, _load_mnist_10k),
        NamedDataset("digits", "scikit-learn's bundled 8×8 digits", 1_797, True, _load_digits, (8, 8, 1)),
        NamedDataset("flowers", "colour 32×32 tiles of scikit-learn's flower photo (CC BY 2.0)", 470, True,
                     lambda: _load_photos("flowers"), (32, 32, 3)),
        NamedDataset("people", "200 faces (grey, LFW) and colour 32×32 tiles of an astronaut's portrait "
                     "(scikit-image's sample data)", 664, True, lambda: _load_photos("people"), (32, 32, 3)),
        NamedDataset("mnist", "full MNIST, 70,000 digits through keras.datasets", 70_000, False,
                     lambda: _load_full("mnist", DIGIT_CLASSES)),
        NamedDataset("fashion-mnist", "Fashion-MNIST, 70,000 clothes through keras.datasets", 70_000,
                     False, lambda: _load_full("fashion-mnist", FASHION_CLASSES)),
    )
}


SHARING_IMAGES = (frozenset({"mnist", "mnist-10k"}),)  # mnist-10k is full MNIST's test split


def share_images(first: str, second: str) -> bool:
    """Whether two named datasets hold some of the same images."""
    return first == second or any({first, second} <= group for group in SHARING_IMAGES)


@lru_cache(maxsize=4)
def _load_named(name: str) -> Dataset:
    return NAMED_DATASETS[name].load()


def load_dataset(name: str) -> Dataset:
    """A dataset by name: a key of ``NAMED_DATASETS`` or ``upload:<id>`` of a saved upload."""
    if isinstance(name, str) and name.startswith(UPLOAD_PREFIX):
        return load_upload(name[len(UPLOAD_PREFIX):])
    if name not in NAMED_DATASETS:
        known = ", ".join(NAMED_DATASETS)
        raise DatasetError(f"Unknown dataset {name!r}: choose one of {known}, or upload a file.")
    return _load_named(name)


# --- uploads kept in the store ----------------------------------------------------------------


def _uploads_dir() -> Path:
    folder = home_dir() / "datasets"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_upload(dataset: Dataset, file_name: str | None = None) -> str:
    """Keep a validated upload on disk; returns its name ``upload:<id>`` (id from the content).

    ``file_name`` (the name the user's file had) is kept beside it for pickers (``upload_title``).
    """
    digest = hashlib.sha256()
    digest.update(dataset.images.tobytes())
    digest.update(dataset.labels.tobytes())
    digest.update("\n".join(dataset.class_names).encode())
    upload_id = digest.hexdigest()[:16]
    target = _uploads_dir() / f"{upload_id}.npz"
    if not target.exists():
        tmp = target.with_suffix(f".tmp-{os.getpid()}.npz")
        np.savez_compressed(
            tmp, x=dataset.images, y=dataset.labels,
            class_names=np.array(dataset.class_names, dtype=np.str_),
            description=np.array(dataset.description, dtype=np.str_),
        )
        os.replace(tmp, target)
    if file_name:
        title = _uploads_dir() / f"{upload_id}.name"
        title.write_text(Path(file_name).name[:MAX_FILE_NAME])
    return UPLOAD_PREFIX + upload_id


MAX_FILE_NAME = 80


def upload_title(name: str) -> str:
    """``digits.npz (upload)`` for ``upload:<id>``: the user's file name, else a short id."""
    upload_id = name[len(UPLOAD_PREFIX):]
    path = _uploads_dir() / f"{upload_id}.name" if _UPLOAD_ID.match(upload_id) else None
    try:
        file_name = path.read_text().strip() if path is not None else ""
    except OSError:
        file_name = ""
    return f"{safe_label(file_name) if file_name else upload_id[:8] + '…'} (upload)"


def dataset_title(name: str) -> str:
    """How people see a dataset's name: ``upload_title`` for an upload, the name otherwise."""
    return upload_title(name) if name.startswith(UPLOAD_PREFIX) else name


def unavailable_reason(name: str) -> str | None:
    """None when ``name`` can be loaded now; else one line saying why not."""
    if isinstance(name, str) and name.startswith(UPLOAD_PREFIX):
        upload_id = name[len(UPLOAD_PREFIX):]
        if _UPLOAD_ID.match(upload_id) and (_uploads_dir() / f"{upload_id}.npz").exists():
            return None
        return f"the uploaded dataset '{upload_id[:16]}' is not on this machine (upload the file again)"
    if name not in NAMED_DATASETS:
        return f"there is no dataset called '{name}'"
    if not NAMED_DATASETS[name].available():
        try:
            _require_network(name)
        except DatasetError:
            return f"'{name}' must be downloaded and this machine is offline"
    return None


def load_upload(upload_id: str) -> Dataset:
    if not _UPLOAD_ID.match(upload_id):
        raise DatasetError(f"'{UPLOAD_PREFIX}{upload_id}' is not an uploaded dataset's name.")
    path = _uploads_dir() / f"{upload_id}.npz"
    if not path.exists():
        raise DatasetError(
            f"Uploaded dataset '{upload_id}' is not on this machine: upload the file again."
        )
    with np.load(path, allow_pickle=False) as data:
        return Dataset(
            UPLOAD_PREFIX + upload_id, data["x"], data["y"],
            safe_labels(str(c) for c in data["class_names"]), str(data["description"]),
        )
