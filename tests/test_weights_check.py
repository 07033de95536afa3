"""An uploaded run's weights file is walked with h5py before Keras opens it: links, data kept
outside the file and datasets no model of the config has are refused, and the store is unchanged."""

from __future__ import annotations

import io
import json
import zipfile

import h5py
import numpy as np
import pytest

from aemodels.errors import RunStoreError
from aemodels.store.run_folder import WEIGHTS_FILE
from aemodels.store.runs import RunStore
from tests.test_runs import _zip_of as _zip


def _members(store, run_id) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(store.export_zip(run_id)))
    return {name: archive.read(name) for name in archive.namelist()}


def _edited(weights: bytes, tmp_path, edit) -> bytes:
    path = tmp_path / f"edited-{len(list(tmp_path.iterdir()))}.h5"
    path.write_bytes(weights)
    with h5py.File(path, "r+") as handle:
        edit(handle, tmp_path)
    return path.read_bytes()


def _first_weight(handle) -> str:
    found = []
    handle.visititems(lambda name, item: found.append(name) if isinstance(item, h5py.Dataset)
                      and not name.startswith("optimizer") else None)
    return sorted(found)[0]


def _external_link(handle, tmp_path):
    (tmp_path / "secret.h5").write_bytes(b"")
    handle["extra"] = h5py.ExternalLink(str(tmp_path / "secret.h5"), "/")


def _soft_link(handle, _):
    handle["alias"] = h5py.SoftLink("/" + _first_weight(handle))


def _external_storage(handle, tmp_path):
    name = _first_weight(handle)
    shape, dtype = handle[name].shape, handle[name].dtype
    (tmp_path / "outside.bin").write_bytes(np.zeros(shape, dtype).tobytes())
    del handle[name]
    handle.create_dataset(name, shape=shape, dtype=dtype,
                          external=[(str(tmp_path / "outside.bin"), 0, int(np.prod(shape)) * dtype.itemsize)])


def _stray_dataset(handle, _):
    handle["payload"] = np.zeros(10, np.uint8)


def _reshaped(handle, _):
    name = _first_weight(handle)
    values = handle[name][...]
    del handle[name]
    handle[name] = values.reshape(-1)[:1]


def _huge_optimizer_state(handle, _):
    handle["optimizer/vars/999"] = np.zeros(10_000_000, np.float32)


@pytest.mark.parametrize("edit, words", [
    (_external_link, "link"), (_soft_link, "link"), (_external_storage, "outside itself"),
    (_stray_dataset, "payload"), (_reshaped, "not from a model of this config"),
    (_huge_optimizer_state, "more optimizer state"),
])
def test_a_hostile_weights_file_is_refused_before_keras_reads_it(home_with_runs, tmp_path, edit, words):
    _, run_ids = home_with_runs
    store = RunStore()
    good = _members(store, run_ids["dense-ae"])
    before = sorted(p.name for p in store.root.iterdir())
    weights = _edited(good[WEIGHTS_FILE], tmp_path, edit)
    with pytest.raises(RunStoreError) as info:
        store.import_zip(_zip({**good, WEIGHTS_FILE: weights}), "run.zip")
    assert words in str(info.value) and "do not fit" in str(info.value), str(info.value)
    assert sorted(p.name for p in store.root.iterdir()) == before


def test_the_untouched_file_passes_the_check(home_with_runs, tmp_path):
    _, run_ids = home_with_runs
    store = RunStore()
    good = _members(store, run_ids["vae"])
    config = json.loads(good["config.json"])
    store_copy = RunStore(tmp_path / "other")
    run_id = store_copy.import_zip(_zip(good), "run.zip")
    assert store_copy.get(run_id).config.model == config["model"]
