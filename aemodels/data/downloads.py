"""The full MNIST and Fashion-MNIST: downloaded once into the store, checked, then offline.

Each dataset's source files land in ``$AEMODELS_HOME/datasets/downloads/<name>/``, fetched from the
URLs ``keras.datasets`` uses. Every file is checked against its published checksum before it is
read: on download and again on each load, so a damaged or replaced file is refused with one line.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import numpy as np

from aemodels.errors import DatasetError
from aemodels.home import home_dir

KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


@dataclasses.dataclass(frozen=True)
class SourceFile:
    """One file of a dataset: its name, and its published SHA-256 (64 hex) or MD5 (32 hex)."""

    name: str
    checksum: str


# mnist.npz: the hash keras.datasets.mnist checks; Fashion-MNIST: Zalando's published MD5s.
SOURCES: dict[str, tuple[SourceFile, ...]] = {
    "mnist": (SourceFile("mnist.npz", "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"),),
    "fashion-mnist": (
        SourceFile("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        SourceFile("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        SourceFile("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
        SourceFile("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
    ),
}


def folder(name: str) -> Path:
    return home_dir() / "datasets" / "downloads" / name


def is_cached(name: str) -> bool:
    """True when every source file of ``name`` is on disk (checked when loaded)."""
    return all((folder(name) / source.name).is_file() for source in SOURCES[name])


def checksum_of(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(path: Path, source: SourceFile) -> None:
    """``DatasetError`` unless ``path`` has ``source``'s published checksum."""
    algorithm = "sha256" if len(source.checksum) == 64 else "md5"
    if checksum_of(path, algorithm) != source.checksum:
        raise DatasetError(f"'{path}' does not match its published {algorithm.upper()} checksum (damaged or "
                           "replaced): delete it and load the dataset again to download it afresh.")


def download(name: str) -> None:
    """Fetch the missing source files of ``name`` (Keras's downloader, which checks the
    checksum too); ``DatasetError`` with one line when it fails."""
    import keras

    target = folder(name)
    target.mkdir(parents=True, exist_ok=True)
    for source in SOURCES[name]:
        if (target / source.name).is_file():
            continue
        try:
            keras.utils.get_file(source.name, origin=KERAS_ORIGIN + source.name, file_hash=source.checksum,
                                 cache_dir=str(target.parent), cache_subdir=name)
        except Exception as exc:  # network errors, refused checksums: Keras raises many kinds
            raise DatasetError(f"Dataset '{name}' could not be downloaded ({type(exc).__name__}): "
                               "use 'mnist-10k', which ships with the app.") from None


def load(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The cached dataset's images, uint8 (70,000, 28, 28), and labels, int64 (70,000,): the
    training part first, then the test part. Every file's checksum is checked first."""
    from aemodels.data.idx import read_idx

    paths = {}
    for source in SOURCES[name]:
        path = folder(name) / source.name
        verify(path, source)
        paths[source.name] = path
    try:
        if name == "mnist":
            with np.load(paths["mnist.npz"], allow_pickle=False) as arrays:
                images = np.concatenate([arrays["x_train"], arrays["x_test"]])
                labels = np.concatenate([arrays["y_train"], arrays["y_test"]])
        else:
            images = np.concatenate([read_idx(paths["train-images-idx3-ubyte.gz"]),
                                     read_idx(paths["t10k-images-idx3-ubyte.gz"])])
            labels = np.concatenate([read_idx(paths["train-labels-idx1-ubyte.gz"]),
                                     read_idx(paths["t10k-labels-idx1-ubyte.gz"])])
    except (OSError, ValueError, KeyError, EOFError) as exc:
        raise DatasetError(f"The cached files of '{name}' cannot be read ({type(exc).__name__}): "
                           f"delete {folder(name)} and load it again.") from None
    if images.ndim != 3 or len(images) != len(labels):
        raise DatasetError(f"The cached files of '{name}' do not hold images and one label each: "
                           f"delete {folder(name)} and load it again.")
    return images.astype(np.uint8), labels.astype(np.int64)

