"""Shared fixtures: an empty store per test, and one session-wide store of small trained runs.

No test touches the network: ``AEMODELS_OFFLINE`` makes the download datasets fail at once.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["AEMODELS_OFFLINE"] = "1"
# What a test does not give a home of its own (the session's trained store, the image readers it
# keeps) stays out of the person's ~/.aemodels.
os.environ["AEMODELS_HOME"] = tempfile.mkdtemp(prefix="aemodels-tests-")

ROOT = Path(__file__).resolve().parent.parent

# Small but real: a few hundred images, a couple of epochs, fixed seeds.
SMALL_TRAINING = {"train_images": 400, "epochs": 2, "batch_size": 64, "seed": 0}
SMALL_KINDS = ("dense-ae", "conv-ae", "vae", "dense-vae", "denoise", "superres")


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """An empty ``AEMODELS_HOME`` for this test."""
    path = tmp_path / "aemodels-home"
    path.mkdir()
    monkeypatch.setenv("AEMODELS_HOME", str(path))
    return path


@pytest.fixture(scope="session")
def trained_home(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A store holding one small trained run of every model kind, made once per session.

    Returns (the store's home folder, model kind → run id). Do not change it: copy it with
    ``home_with_runs`` first.
    """
    from aemodels.config import TrainConfig
    from aemodels.store.runs import RunStore
    from aemodels.tasks.assessment import assess
    from aemodels.tasks.training import train

    path = tmp_path_factory.mktemp("trained-home")
    store = RunStore(path / "runs")
    run_ids = {}
    for kind in SMALL_KINDS:
        config = TrainConfig(model=kind, **SMALL_TRAINING)
        result = train(config)
        assessment = assess(result.bundle)
        run_ids[kind] = store.save(result, assessment.metrics, assessment.views)
    return path, run_ids


@pytest.fixture
def home_with_runs(trained_home, tmp_path, monkeypatch) -> tuple[Path, dict[str, str]]:
    """A private copy of ``trained_home`` set as ``AEMODELS_HOME`` for this test."""
    source, run_ids = trained_home
    path = tmp_path / "aemodels-home"
    shutil.copytree(source, path)
    monkeypatch.setenv("AEMODELS_HOME", str(path))
    return path, run_ids
