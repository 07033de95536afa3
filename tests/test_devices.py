"""Training on several devices: 2 logical CPU devices (a fresh interpreter: logical devices are
made before TensorFlow starts) against 1, same seed, streamed batches and global batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from aemodels.store.runs import RunStore
from tests.apptest import open_page
from tests.test_cli import _cli, _last_json

SMALL = ["--dataset", "mnist-10k", "--epochs", "2", "--train-images", "512", "--batch-size", "64", "--json"]


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
    (["--model", "dense-ae", "--mixed-precision"], "needs a GPU"),  # this machine has none
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


# The mixed-precision path on this CPU: the GPU check alone is bypassed (float16 runs on CPU too,
# slowly), everything else is what a GPU machine runs.
MIXED = """
import json
import numpy as np
import keras
import aemodels.tasks.training
import aemodels.models.devices
from aemodels.config import TrainConfig
from aemodels.tasks.training import train

from keras.src.optimizers.loss_scale_optimizer import LossScaleOptimizer

aemodels.models.devices.gpu_count = lambda: 1
built = []  # every bundle train builds: the one it trains, then (mixed) its float32 copy
build = aemodels.tasks.training.build_model
aemodels.tasks.training.build_model = lambda *a, **k: built.append(build(*a, **k)) or built[-1]
scaled = []  # losses the training steps scaled (counted when traced)
scale_loss = LossScaleOptimizer.scale_loss
LossScaleOptimizer.scale_loss = lambda self, loss: scaled.append(1) or scale_loss(self, loss)

def dtype(x):
    return keras.backend.standardize_dtype(x.dtype)

out = {}
x = np.zeros((2, 28, 28, 1), np.float32)
for model, weight in (("dense-ae", 0.0), ("vae", 0.0), ("dense-ae", 1.0)):
    # 64 steps: the loss scale starts at 2**15 and halves on each overflow, skipping that step
    # (7 of the VAE's first steps: its loss is a sum over pixels); 16 steps were too few to compare.
    config = TrainConfig(dataset="mnist-10k", model=model, latent_dim=2, epochs=2, train_images=2048, batch_size=64,
                         neighbour_weight=weight)
    built.clear(), scaled.clear()
    mixed = train(config, mixed_precision=True)
    trained, copy = built
    exact = train(config)
    out[f"{model} {weight}"] = {
        "losses": [mixed.history["loss"][-1], exact.history["loss"][-1]],
        "flag": mixed.mixed_precision, "saved_is_copy": mixed.bundle is copy,
        "trained": {"optimizer": type(trained.model.optimizer).__name__, "output": dtype(trained.model(x)),
                    "losses_scaled": len(scaled), "final_scale": float(trained.model.optimizer.dynamic_scale),
                    "code": dtype(trained.encoder(x)),
                    "policies": sorted({layer.dtype_policy.name for layer in trained.decoder.layers})},
        "copy": {"output": dtype(copy.model(x)), "policies": sorted({layer.dtype_policy.name for layer in copy.decoder.layers})},
    }
out["policy_after"] = keras.config.dtype_policy().name
print(json.dumps(out))
"""


def test_mixed_precision_trains_in_float16_and_saves_a_float32_model():
    env = {**os.environ, "AEMODELS_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run([sys.executable, "-c", MIXED], env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out.pop("policy_after") == "float32"  # the process's policy is restored after training
    for name, run in out.items():
        mixed, exact = run["losses"]
        assert run["flag"] is True and abs(mixed - exact) <= 0.05 * abs(exact), (name, mixed, exact)
        trained, copy = run["trained"], run["copy"]
        # trained: float16 compute inside, loss scaling, and float32 codes and images out
        assert trained["optimizer"] == "LossScaleOptimizer" and trained["losses_scaled"] >= 1, name
        assert "mixed_float16" in trained["policies"] and trained["output"] == trained["code"] == "float32", name
        # saved and scored: a float32 model with the trained weights
        assert run["saved_is_copy"] and copy["output"] == "float32" and copy["policies"] == ["float32"], name
    assert out["vae 0.0"]["trained"]["final_scale"] < 2**15  # its scaled loss overflowed float16: the scale fell
