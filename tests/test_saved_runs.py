"""Runs saved by an earlier version of this app still load, score and open on every screen.

``tests/fixtures/saved_runs`` was written by the app as it stood on 2026-12-04 (1f09a8d), before
the library was regrouped into sub-packages: a store with a conv VAE run (on the 8×8 digits, to
keep the file small) and a super-resolution run (``runs/``), and a denoising run exported as a
zip (``denoise-run.zip``). Nothing in them may be rewritten to make a test pass: they stand for
the runs people already have on disk.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.apptest import open_page

SAVED = Path(__file__).resolve().parent / "fixtures" / "saved_runs"
VAE_RUN = "20261204-234711-vae-6b59ba"
SUPERRES_RUN = "20261204-214059-superres-854e1b"


@pytest.fixture
def saved_home(home) -> tuple[Path, dict[str, str]]:
    """``AEMODELS_HOME`` holding the saved store, with the saved zip imported into it.

    Returns (the home folder, model kind → run id)."""
    from aemodels.store.runs import RunStore

    shutil.copytree(SAVED / "runs", home / "runs")
    store = RunStore(home / "runs")
    denoise_run = store.import_zip((SAVED / "denoise-run.zip").read_bytes(), "denoise-run.zip")
    return home, {"vae": VAE_RUN, "superres": SUPERRES_RUN, "denoise": denoise_run}


def test_the_saved_store_lists_every_run_under_its_config_id(saved_home):
    from aemodels.store.runs import RunStore

    home, runs = saved_home
    infos = RunStore(home / "runs").list()
    assert {info.run_id: info.config.model for info in infos} == {run_id: kind for kind, run_id in runs.items()}
    # A setting added since (β, say) must not change the identity of a run saved before it.
    assert all(info.config.config_id == info.meta["config_id"] for info in infos)


@pytest.mark.parametrize("kind", ["vae", "superres", "denoise"])
def test_a_saved_run_loads_and_scores_as_it_did_when_saved(saved_home, kind):
    from aemodels.store.runs import RunStore
    from aemodels.tasks.assessment import assess

    home, runs = saved_home
    store = RunStore(home / "runs")
    info = store.get(runs[kind])
    bundle = store.load_bundle(runs[kind])
    rescored = assess(bundle).metrics
    saved = json.loads((home / "runs" / runs[kind] / "metrics.json").read_text())
    # Scores added since the run was saved come on top: an embedding run's reader of its decodings.
    added_since = {"reader"} if info.config.has_embedding else set()
    assert set(rescored) == set(saved) | added_since
    assert info.metrics["model"]["reconstruction_mse"] == saved["model"]["reconstruction_mse"]
    # Same weights, same held-out split: the score comes back to float32 rounding.
    assert np.isclose(rescored["model"]["reconstruction_mse"], saved["model"]["reconstruction_mse"],
                      rtol=1e-3)


def test_the_saved_maps_are_read_back(saved_home):
    from aemodels.store.runs import RunStore

    home, runs = saved_home
    store = RunStore(home / "runs")
    held_out = store.get(runs["vae"]).metrics["test_images"]
    views = store.views(runs["vae"], held_out)
    assert views is not None and views.model_2d.shape == (held_out, 2) == views.pca_2d.shape
    assert len(views.train_model_2d) == store.get(runs["vae"]).metrics["train_images"]
    assert store.forming(runs["vae"], held_out) is not None


# screen, the kind of saved run it opens
SCREENS = [
    ("pages/embedding.py", "vae"),
    ("pages/latent.py", "vae"),
    ("pages/superres.py", "superres"),
    ("pages/denoising.py", "denoise"),
]


@pytest.mark.parametrize("page, kind", SCREENS)
def test_every_screen_opens_a_saved_run(saved_home, page, kind):
    _, runs = saved_home
    at = open_page(page, runs[kind])
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    # A tiny run may lose to its baseline and be told so; any other warning is a fault.
    assert all(w.icon == ":material/trending_down:" for w in at.warning), [w.value for w in at.warning]
    assert at.get("plotly_chart") or at.get("imgs"), "the screen drew nothing of the run"
