"""The run store: save, list, find, load, delete, export and import, broken folders."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from aemodels.config import TrainConfig
from aemodels.data.datasets import load_dataset, to_float
from aemodels.errors import RunStoreError
from aemodels.kinds import KINDS
from aemodels.models import inference
from aemodels.models.forming import FORMING_FILE
from aemodels.scoring.views import VIEWS_FILE
from aemodels.store.run_folder import OPTIONAL_FILES, RUN_FILES, WEIGHTS_FILE
from aemodels.store.runs import RUN_ID_PATTERN, RunStore
from tests.conftest import SMALL_KINDS

MODEL_KINDS = SMALL_KINDS  # the kinds of the session's trained store (the aae and cvae: test_lesson_models.py)

SMALL = {"train_images": 400, "epochs": 2, "batch_size": 64, "seed": 0}  # as in conftest


def _snapshot(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.stat().st_size for p in root.rglob("*")}


@pytest.fixture(scope="module")
def images():
    return to_float(load_dataset("mnist-10k").images[:16])


def test_every_kind_is_listed(home_with_runs):
    home, run_ids = home_with_runs
    store = RunStore()
    assert store.root == home / "runs"
    infos = store.list()
    assert {i.run_id for i in infos} == set(run_ids.values())
    assert all(i.broken is None for i in infos)
    created = [(i.created, i.run_id) for i in infos]
    assert created == sorted(created, reverse=True)  # newest first
    for kind, run_id in run_ids.items():
        assert RUN_ID_PATTERN.match(run_id) and kind in run_id
        info = store.get(run_id)
        assert info.config == TrainConfig(model=kind, **SMALL)
        assert info.meta["image_shape"] == [28, 28, 1]
        assert info.meta["config_id"] == info.config.config_id
        assert info.meta["train_seconds"] > 0
        assert len(info.history["loss"]) == 2
        assert set(info.metrics) >= {"model", "pca"}
        expected = (*RUN_FILES, *OPTIONAL_FILES) if KINDS[kind].has_embedding else RUN_FILES
        assert sorted(p.name for p in (home / "runs" / run_id).iterdir()) == sorted(expected)


def test_find(home_with_runs):
    _, run_ids = home_with_runs
    store = RunStore()
    for kind in MODEL_KINDS:
        assert store.find(TrainConfig(model=kind, **SMALL)).run_id == run_ids[kind]
    assert store.find(TrainConfig(model="vae", **{**SMALL, "seed": 1})) is None


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_loaded_bundle_predicts_like_the_saved_one(trained_home, kind, images, tmp_path):
    """Save a freshly trained result, load it back: the same predictions."""
    source, run_ids = trained_home
    bundle = RunStore(source / "runs").load_bundle(run_ids[kind])
    before = inference.reconstruct(bundle, images)
    store = RunStore(tmp_path / "runs")
    from aemodels.models.training import TrainResult

    run_id = store.save(TrainResult(bundle.config, bundle, {"loss": [1.0]}, 1.0), {"x": 1})
    again = store.load_bundle(run_id)
    np.testing.assert_allclose(inference.reconstruct(again, images), before, atol=1e-6)
    if bundle.encoder is not None:
        np.testing.assert_allclose(inference.encode(again, images), inference.encode(bundle, images), atol=1e-5)
    assert store.get(run_id).metrics == {"x": 1}


def test_save_of_a_fresh_training_round_trips(home, images):
    from aemodels.tasks.training import train

    result = train(TrainConfig(model="dense-ae", dataset="digits", train_images=64, epochs=1, batch_size=32))
    store = RunStore()
    run_id = store.save(result, {"model": {"psnr": 1.5}})
    small = to_float(load_dataset("digits").images[:8])
    np.testing.assert_allclose(inference.reconstruct(store.load_bundle(run_id), small),
                               inference.reconstruct(result.bundle, small), atol=1e-6)
    info = store.get(run_id)
    assert info.history == result.history and info.config == result.config
    assert store.find(result.config).run_id == run_id


def test_delete(home_with_runs):
    home, run_ids = home_with_runs
    store = RunStore()
    store.delete(run_ids["vae"])
    assert run_ids["vae"] not in {i.run_id for i in store.list()}
    assert not (home / "runs" / run_ids["vae"]).exists()
    assert not [p for p in (home / "runs").iterdir() if p.name.startswith(".")]
    with pytest.raises(RunStoreError):
        store.delete(run_ids["vae"])
    with pytest.raises(RunStoreError):
        store.get(run_ids["vae"])
    assert len(store.list()) == len(MODEL_KINDS) - 1


@pytest.mark.parametrize("run_id", ["../etc", "..", "", "20260101-120000-vae-0a1b2c/../x",
                                    "20260101-120000-VAE-0a1b2c", "x" * 40, None, 5])
def test_malformed_run_ids_are_rejected(home_with_runs, run_id):
    store = RunStore()
    before = _snapshot(store.root)
    for action in (store.get, store.load_bundle, store.delete, store.export_zip):
        with pytest.raises(RunStoreError) as info:
            action(run_id)
        assert "\n" not in str(info.value)
    assert _snapshot(store.root) == before


def test_unknown_run_id(home):
    with pytest.raises(RunStoreError, match="no run"):
        RunStore().get("20260101-120000-vae-0a1b2c")


@pytest.mark.parametrize("damage,reason", [
    (lambda f: (f / "config.json").unlink(), "config.json is missing"),
    (lambda f: (f / "metrics.json").write_text("{not json"), "metrics.json is not valid JSON"),
    (lambda f: (f / WEIGHTS_FILE).unlink(), "missing"),
    (lambda f: (f / "meta.json").write_text('{"image_shape": [28, 28]}'), "image_shape"),
    (lambda f: (f / "config.json").write_text('{"model": "gan"}'), "config.json"),
    (lambda f: (f / "history.json").write_text("[1, 2]"), "JSON object"),
])
def test_broken_run_is_listed_with_a_reason(home_with_runs, damage, reason):
    _, run_ids = home_with_runs
    store = RunStore()
    damage(store.root / run_ids["dense-ae"])
    infos = {i.run_id: i for i in store.list()}
    assert len(infos) == len(MODEL_KINDS)
    broken = infos[run_ids["dense-ae"]]
    assert broken.broken and reason in broken.broken and "\n" not in broken.broken
    assert all(i.broken is None for r, i in infos.items() if r != run_ids["dense-ae"])
    assert store.find(TrainConfig(model="dense-ae", **SMALL)) is None
    with pytest.raises(RunStoreError, match="broken"):
        store.load_bundle(run_ids["dense-ae"])
    with pytest.raises(RunStoreError, match="broken"):
        store.export_zip(run_ids["dense-ae"])
    store.delete(run_ids["dense-ae"])
    assert run_ids["dense-ae"] not in {i.run_id for i in store.list()}


def test_stray_folders_are_ignored_and_stale_temporaries_tidied(home_with_runs):
    import os

    home, _ = home_with_runs
    root = home / "runs"
    (root / "not-a-run").mkdir()
    (root / ".tmp-0123").mkdir()
    old = root / ".tmp-4567"
    old.mkdir()
    os.utime(old, (0, 0))
    (root / ".trash-89ab").mkdir()
    assert len(RunStore().list()) == len(MODEL_KINDS)
    assert old.exists() and (root / ".trash-89ab").exists()  # listing only reads
    RunStore().tidy()
    assert (root / ".tmp-0123").exists()  # may be a save in progress
    assert not old.exists() and not (root / ".trash-89ab").exists()


# --- export and import ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["conv-ae", "dense-vae", "superres"])
def test_export_import_round_trip(home_with_runs, kind, images, tmp_path):
    _, run_ids = home_with_runs
    store = RunStore()
    data = store.export_zip(run_ids[kind])
    expected = (*RUN_FILES, *OPTIONAL_FILES) if KINDS[kind].has_embedding else RUN_FILES
    assert sorted(zipfile.ZipFile(io.BytesIO(data)).namelist()) == sorted(expected)
    elsewhere = RunStore(tmp_path / "another-machine")
    new_id = elsewhere.import_zip(data, "run.zip")
    assert new_id != run_ids[kind] and kind in new_id
    old, new = store.get(run_ids[kind]), elsewhere.get(new_id)
    assert new.config == old.config and new.metrics == old.metrics and new.history == old.history
    assert new.meta["image_shape"] == old.meta["image_shape"] and "imported" in new.meta
    np.testing.assert_allclose(inference.reconstruct(elsewhere.load_bundle(new_id), images),
                               inference.reconstruct(store.load_bundle(run_ids[kind]), images), atol=1e-6)
    if KINDS[kind].has_embedding:  # the 2-D views travel with the run
        held_out = len(load_dataset(old.config.dataset).split(old.config.seed, old.config.test_fraction).x_test)
        np.testing.assert_array_equal(elsewhere.views(new_id, held_out).pca_2d, store.views(run_ids[kind], held_out).pca_2d)
        np.testing.assert_array_equal(elsewhere.forming(new_id, held_out).maps, store.forming(run_ids[kind], held_out).maps)
    # back into the store it came from: the same run, not a second one
    assert store.import_zip(data, "run.zip") == run_ids[kind]


def _zip_of(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _members(store, run_id) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(store.export_zip(run_id)))
    return {name: archive.read(name) for name in archive.namelist()}


def _bad_imports(store, run_ids):
    good = _members(store, run_ids["dense-ae"])
    other = _members(store, run_ids["conv-ae"])
    config = json.loads(good["config.json"])
    yield "model.keras", good[WEIGHTS_FILE], "whole-model"
    yield "model.h5", good[WEIGHTS_FILE], "whole-model"
    yield "run.zip", b"not a zip at all", "not a readable zip"
    yield "run.zip", _zip_of({k: v for k, v in good.items() if k != "meta.json"}), "nothing else"
    yield "run.zip", _zip_of({**good, "extra.py": b"print(1)"}), "nothing else"
    pickled = io.BytesIO()
    np.savez(pickled, codes=np.array([{"a": 1}], dtype=object))  # loading it would unpickle
    yield "run.zip", _zip_of({**good, VIEWS_FILE: pickled.getvalue()}), "plain arrays"
    yield "run.zip", _zip_of({**good, VIEWS_FILE: b"not an npz"}), "plain arrays"
    yield "run.zip", _zip_of({**good, FORMING_FILE: pickled.getvalue()}), "plain arrays"
    yield "run.zip", _zip_of({**good, WEIGHTS_FILE: other[WEIGHTS_FILE]}), "do not fit"
    yield "run.zip", _zip_of({**good, WEIGHTS_FILE: b"garbage"}), "do not fit"
    yield "run.zip", _zip_of({**good, "config.json": json.dumps({**config, "latent_dim": 5})}), "do not fit"
    yield "run.zip", _zip_of({**good, "config.json": json.dumps({**config, "model": "gan"})}), "config"
    yield "run.zip", _zip_of({**good, "config.json": b"[1, 2"}), "not valid JSON"
    yield "run.zip", _zip_of({**good, "meta.json": json.dumps({"image_shape": [28, 28, 2]})}), "image_shape"
    yield "run.zip", _zip_of({**good, "history.json": b"[]"}), "JSON objects"
    yield "run.zip", _zip_of({**good, "meta.json": json.dumps({"image_shape": [30, 30, 1]})}), "do not fit"


def test_import_rejects_bad_archives_and_leaves_the_store_unchanged(home_with_runs):
    _, run_ids = home_with_runs
    store = RunStore()
    before = _snapshot(store.root)
    cases = list(_bad_imports(store, run_ids))
    for filename, data, match in cases:
        with pytest.raises(RunStoreError) as info:
            store.import_zip(data, filename)
        message = str(info.value)
        assert "\n" not in message and match.lower() in message.lower(), (filename, match, message)
        assert _snapshot(store.root) == before, match
    assert len(store.list()) == len(MODEL_KINDS)


def test_import_rejects_too_large(home_with_runs, monkeypatch):
    from aemodels.store import transfer

    _, run_ids = home_with_runs
    store = RunStore()
    data = store.export_zip(run_ids["dense-ae"])
    monkeypatch.setattr(transfer, "MAX_RUN_ZIP_BYTES", len(data) - 1)
    with pytest.raises(RunStoreError, match="larger"):
        store.import_zip(data)


def test_copied_store_is_independent(home_with_runs, trained_home):
    home, run_ids = home_with_runs
    shutil.rmtree(home / "runs" / run_ids["denoise"])
    source, _ = trained_home
    assert (source / "runs" / run_ids["denoise"]).is_dir()


def test_import_of_a_damaged_zip(home_with_runs):
    _, run_ids = home_with_runs
    store = RunStore()
    before = _snapshot(store.root)
    data = bytearray(store.export_zip(run_ids["dense-ae"]))
    # Damage the compressed weights (the last and largest member) without touching the directory.
    start = data.find(b"PK\x03\x04", data.find(b"model.weights.h5") - 40)
    data[start + 200: start + 400] = bytes(200)
    for cut in (bytes(data), bytes(data[: len(data) // 2])):
        with pytest.raises(RunStoreError) as info:
            store.import_zip(cut)
        assert "\n" not in str(info.value)
    assert _snapshot(store.root) == before
