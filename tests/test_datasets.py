"""Named datasets, splits and uploads kept in the store."""

from __future__ import annotations

import time

import numpy as np
import pytest

from aemodels.data import datasets
from aemodels.data.datasets import Dataset, load_dataset, load_upload, save_upload, to_float, to_uint8
from aemodels.errors import DatasetError


def test_mnist_10k_shape_and_type():
    data = load_dataset("mnist-10k")
    assert data.images.shape == (10000, 28, 28, 1)
    assert data.images.dtype == np.uint8
    assert data.labels.shape == (10000,) and data.labels.dtype == np.int64
    assert data.image_shape == (28, 28, 1)
    assert len(data) == 10000 and data.is_labelled
    assert data.class_names == tuple("0123456789")


def test_mnist_10k_is_the_real_mnist_test_split():
    data = load_dataset("mnist-10k")
    counts = np.bincount(data.labels, minlength=10)
    assert counts.tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert data.labels[:5].tolist() == [7, 2, 1, 0, 4]
    # Digits are white on black: the border is dark, the middle bright.
    assert data.images[:, 0, :, 0].mean() < 1 and data.images[:, 10:18, 10:18, 0].mean() > 60
    assert data.images.max() == 255 and data.images.min() == 0


def test_digits():
    data = load_dataset("digits")
    assert data.images.shape == (1797, 8, 8, 1) and data.images.dtype == np.uint8
    assert set(np.unique(data.labels)) == set(range(10))
    assert data.images.max() == 255


@pytest.mark.parametrize("name", ["nope", "MNIST-10K", "", "upload", "mnist10k"])
def test_unknown_name(name):
    with pytest.raises(DatasetError) as info:
        load_dataset(name)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_download_dataset_fails_fast_offline(name, home):  # an empty store: no cached copy
    start = time.perf_counter()
    with pytest.raises(DatasetError) as info:
        load_dataset(name)
    assert time.perf_counter() - start < 1.0
    assert "mnist-10k" in str(info.value) and "\n" not in str(info.value)
    assert not datasets.NAMED_DATASETS[name].available()


def test_offline_datasets_are_available():
    assert datasets.NAMED_DATASETS["mnist-10k"].available()
    assert datasets.NAMED_DATASETS["digits"].available()


@pytest.mark.parametrize("seed", [0, 1, 7])
@pytest.mark.parametrize("fraction", [0.05, 0.2, 0.5])
def test_split_is_seeded_disjoint_and_complete(seed, fraction):
    n = 200
    images = np.arange(n, dtype=np.uint8).reshape(n, 1, 1, 1) * np.ones((1, 8, 8, 1), np.uint8)
    data = Dataset("t", images, np.arange(n) % 2, ("a", "b"))
    split = data.split(seed, fraction)
    again = data.split(seed, fraction)
    assert np.array_equal(split.x_train, again.x_train) and np.array_equal(split.y_test, again.y_test)
    train_ids = set(split.x_train[:, 0, 0, 0].tolist())
    test_ids = set(split.x_test[:, 0, 0, 0].tolist())
    assert not train_ids & test_ids
    assert train_ids | test_ids == set(range(n))
    assert len(test_ids) == round(n * fraction)
    # Labels travel with their images.
    assert np.array_equal(split.y_train, split.x_train[:, 0, 0, 0] % 2)
    other = data.split(seed + 100, fraction)
    assert not np.array_equal(split.x_test, other.x_test)


@pytest.mark.parametrize("n", [2, 3])
def test_split_of_tiny_data_keeps_one_on_each_side(n):
    data = Dataset("t", np.zeros((n, 8, 8, 1), np.uint8), np.zeros(n, np.int64), ("unlabelled",))
    split = data.split(0, 0.05)
    assert len(split.x_test) >= 1 and len(split.x_train) >= 1
    assert len(split.x_test) + len(split.x_train) == n


def test_float_conversion_round_trip():
    images = np.arange(256, dtype=np.uint8).reshape(4, 8, 8, 1)
    floats = to_float(images)
    assert floats.dtype == np.float32 and floats.min() == 0 and floats.max() == 1
    assert np.array_equal(to_uint8(floats), images)
    assert to_uint8(np.array([-0.5, 2.0])).tolist() == [0, 255]


def _dataset(seed=0, labelled=True, shape=(12, 10, 3)):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (20, *shape), dtype=np.uint8)
    if labelled:
        return Dataset("upload", images, rng.integers(0, 3, 20).astype(np.int64), ("cat", "dog", "emu"), "test data")
    return Dataset("upload", images, np.zeros(20, np.int64), ("unlabelled",), "test data")


@pytest.mark.parametrize("labelled", [True, False])
def test_save_and_load_upload_round_trip(home, labelled):
    original = _dataset(labelled=labelled)
    name = save_upload(original)
    assert name.startswith("upload:")
    loaded = load_dataset(name)
    assert loaded.name == name
    assert np.array_equal(loaded.images, original.images) and loaded.images.dtype == np.uint8
    assert np.array_equal(loaded.labels, original.labels)
    assert loaded.class_names == original.class_names
    assert loaded.description == original.description
    assert loaded.is_labelled == labelled
    files = list((home / "datasets").iterdir())
    assert [f.name for f in files] == [name.split(":")[1] + ".npz"]


def test_save_upload_names_by_content(home):
    assert save_upload(_dataset(0)) == save_upload(_dataset(0))
    assert save_upload(_dataset(0)) != save_upload(_dataset(1))
    assert len(list((home / "datasets").iterdir())) == 2


@pytest.mark.parametrize("upload_id", ["../../etc/passwd", "abc", "0123456789abcdeg", "0123456789ABCDEF", ""])
def test_load_upload_rejects_malformed_ids(home, upload_id):
    with pytest.raises(DatasetError):
        load_upload(upload_id)
    with pytest.raises(DatasetError):
        load_dataset("upload:" + upload_id)


def test_load_upload_missing(home):
    with pytest.raises(DatasetError, match="upload"):
        load_dataset("upload:0123456789abcdef")
