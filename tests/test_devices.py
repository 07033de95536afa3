"""Training on several devices: 2 logical CPU devices (a fresh interpreter: logical devices are
made before TensorFlow starts) against 1, same seed, streamed batches and global batch."""

from __future__ import annotations

import pytest

from aemodels.runs import RunStore
from tests.apptest import open_page
from tests.test_cli import _cli, _last_json

SMALL = ["--dataset", "mnist-10k", "--epochs", "1", "--train-images", "512", "--batch-size", "64", "--json"]


def _trained(home, model: str, devices: int, *extra: str) -> dict:
    result = _cli(home, "train", "--model", model, "--devices", str(devices), *SMALL, *extra)
    assert result.returncode == 0, result.stderr[-2000:]
    return _last_json(result.stdout)


@pytest.mark.parametrize("model, extra, tolerance", [
    ("conv-ae", (), 1e-4),  # deterministic: only the order of the sums differs
    ("vae", (), 0.01),  # each replica draws its own z: the sampled losses differ a little
    # The term's own train_step: without its replica share the loss differed by 1 %, val_loss by 4 %.
    ("dense-ae", ("--latent-dim", "2", "--neighbour-weight", "1"), 1e-4),
])
def test_two_devices_train_the_same_model_as_one(home, monkeypatch, model, extra, tolerance):
    one, two = _trained(home, model, 1, *extra), _trained(home, model, 2, *extra)
    assert one["replicas"] == 1 and two["replicas"] == 2
    store = RunStore(home / "runs")
    single, distributed = store.get(one["run_id"]), store.get(two["run_id"])
    assert set(single.history) == set(distributed.history)
    for name in ("loss", "val_loss"):
        a, b = single.history[name][-1], distributed.history[name][-1]
        assert abs(a - b) <= tolerance * abs(a), (name, a, b)
    assert distributed.meta["replicas"] == 2
    # The run trained on two devices opens in the dashboard like any other: on the screens of its
    # kind, and in the Runs table.
    monkeypatch.setenv("AEMODELS_HOME", str(home))
    for page in ("pages/embedding.py", "pages/latent.py"):
        at = open_page(page, two["run_id"])
        assert not at.exception and not at.error, page
        assert len(at.get("plotly_chart")) >= 1
    at = open_page("pages/runs.py", two["run_id"])
    assert not at.exception and not at.error
    assert two["run_id"] in at.dataframe[0].value["run"].tolist()


@pytest.mark.parametrize("extra, words", [
    (["--model", "dense-ae", "--devices", "2", "--batch-size", "63"], "does not split evenly"),
    (["--model", "dense-ae", "--devices", "0"], "outside 1 to"),
])
def test_device_settings_that_cannot_work_are_one_line(home, extra, words):
    result = _cli(home, "train", "--dataset", "digits", "--epochs", "1", "--train-images", "300", *extra)
    assert result.returncode == 2, result.stderr[-1500:]
    last = [line for line in result.stderr.splitlines() if line.strip()][-1]
    assert words in last, result.stderr[-1500:]


def test_jit_trains_the_same_kind_of_run(home):
    result = _cli(home, "train", "--dataset", "digits", "--model", "conv-ae", "--epochs", "1", "--train-images", "300",
                  "--batch-size", "50", "--jit", "--json")
    assert result.returncode == 0, result.stderr[-1500:]
    out = _last_json(result.stdout)
    assert out["jit"] is True and out["replicas"] == 1
    history = RunStore(home / "runs").get(out["run_id"]).history
    assert len(history["loss"]) == 1 and history["loss"][0] > 0
