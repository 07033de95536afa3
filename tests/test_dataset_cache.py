"""The full datasets' cache, without the network: files of the expected format with the recorded
checksums load offline; a damaged file is refused with one line; the listing says what is cached."""

from __future__ import annotations

import gzip
import io

import numpy as np
import pytest

from aemodels.data import downloads
from aemodels.data.datasets import NAMED_DATASETS, load_dataset
from aemodels.data.downloads import SourceFile
from aemodels.errors import DatasetError


@pytest.fixture(autouse=True)
def _fresh_loads():
    """Each test loads from its own store (the app keeps loaded datasets in memory)."""
    from aemodels.data import datasets

    datasets._load_named.cache_clear()
    yield
    datasets._load_named.cache_clear()


def _idx(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes())


def _place(name: str, files: dict[str, bytes], monkeypatch) -> None:
    """Put ``files`` in the cache folder and record their checksums as the published ones."""
    folder = downloads.folder(name)
    folder.mkdir(parents=True, exist_ok=True)
    sources = []
    for file_name, data in files.items():
        (folder / file_name).write_bytes(data)
        sources.append(SourceFile(file_name, downloads.checksum_of(folder / file_name, "sha256")))
    monkeypatch.setitem(downloads.SOURCES, name, tuple(sources))


def _fashion_files(rng) -> dict[str, bytes]:
    return {"train-labels-idx1-ubyte.gz": _idx(rng.integers(0, 10, 60)),
            "train-images-idx3-ubyte.gz": _idx(rng.integers(0, 256, (60, 28, 28))),
            "t10k-labels-idx1-ubyte.gz": _idx(rng.integers(0, 10, 20)),
            "t10k-images-idx3-ubyte.gz": _idx(rng.integers(0, 256, (20, 28, 28)))}


def test_cached_fashion_mnist_loads_offline(home, monkeypatch):
    rng = np.random.default_rng(0)
    assert not NAMED_DATASETS["fashion-mnist"].available()
    with pytest.raises(DatasetError, match="offline"):
        load_dataset("fashion-mnist")
    _place("fashion-mnist", _fashion_files(rng), monkeypatch)
    assert NAMED_DATASETS["fashion-mnist"].available()
    dataset = load_dataset("fashion-mnist")
    assert dataset.images.shape == (80, 28, 28, 1) and dataset.labels.shape == (80,)
    assert dataset.class_names[0] == "T-shirt/top"


def test_the_datasets_command_says_which_are_cached(home, monkeypatch, capsys):
    from aemodels.cli.main import main

    _place("fashion-mnist", _fashion_files(np.random.default_rng(3)), monkeypatch)
    assert main(["datasets"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "cached" in lines["fashion-mnist"] and "needs download" in lines["mnist"]
    assert "available" in lines["mnist-10k"]


def test_cached_mnist_loads_offline(home, monkeypatch):
    rng = np.random.default_rng(1)
    arrays = io.BytesIO()
    np.savez(arrays, x_train=rng.integers(0, 256, (30, 28, 28), dtype=np.uint8), y_train=rng.integers(0, 10, 30),
             x_test=rng.integers(0, 256, (10, 28, 28), dtype=np.uint8), y_test=rng.integers(0, 10, 10))
    _place("mnist", {"mnist.npz": arrays.getvalue()}, monkeypatch)
    images, labels = downloads.load("mnist")
    assert images.shape == (40, 28, 28) and images.dtype == np.uint8 and labels.dtype == np.int64


def test_a_damaged_file_is_refused_with_one_line(home, monkeypatch):
    rng = np.random.default_rng(2)
    _place("fashion-mnist", _fashion_files(rng), monkeypatch)
    path = downloads.folder("fashion-mnist") / "t10k-images-idx3-ubyte.gz"
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(DatasetError) as info:
        downloads.load("fashion-mnist")
    message = str(info.value)
    assert "checksum" in message and "delete it" in message and "\n" not in message

