"""Streaming input against the float arrays it replaced: peak memory, throughput, quality.

Each measurement is a fresh interpreter (``python -m bench.streaming MODE MODEL``) that builds the
model, then fits it for ``EPOCHS`` epochs on mnist-10k, fed by ``tasks.training.array_arguments``
(``arrays``: the whole split as floats, corrupted once, as before streaming) or by
``tasks.training.streamed_arguments``, what ``train`` uses: batches built in ``tf.data``'s prefetch
thread (``stream``) or by 2 worker threads ahead of it (``stream-2``). It prints its wall seconds in ``fit``, the process's peak RSS (VmHWM) and its RSS before the
data was touched, and the last held-out loss. The roofline: dense-ae's training FLOPs per image
(6 per weight: a multiply-add forward, two backward) against the machine's measured float32
matmul rate.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Row, median

MODELS = ("dense-ae", "denoise", "superres")
MODES = ("arrays", "stream", "stream-2")
WORKERS = {"stream": 1, "stream-2": 2}
EPOCHS = 3
BATCH = 128
ROOT = Path(__file__).resolve().parent.parent


def _rss_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worker(mode: str, model: str) -> dict:
    import keras

    from aemodels.config import TrainConfig
    from aemodels.data.splits import Split
    from aemodels.tasks.registry import build_model
    from aemodels.tasks.training import array_arguments, streamed_arguments

    config = TrainConfig(dataset="mnist-10k", model=model, epochs=EPOCHS, batch_size=BATCH)
    split = Split.of(config).images()
    keras.utils.set_random_seed(config.seed)
    bundle = build_model(config, split.x_train.shape[1:], steps_per_epoch=-(-len(split.x_train) // BATCH))
    before = _rss_mib("VmRSS")
    start = time.perf_counter()
    if mode == "arrays":
        history = bundle.model.fit(**array_arguments(config, split), epochs=EPOCHS, batch_size=BATCH,
                                   verbose=0, shuffle=True)
    else:
        history = bundle.model.fit(**streamed_arguments(config, split, WORKERS[mode]), epochs=EPOCHS, verbose=0)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "images": len(split.x_train) * EPOCHS, "before_mib": before,
            "peak_mib": _rss_mib("VmHWM"), "val_loss": float(history.history["val_loss"][-1]),
            "weights": int(bundle.model.count_params())}


def matmul_gflops() -> float:
    """The machine's float32 matmul rate through TensorFlow (2048² × 2048², best of 10)."""
    import tensorflow as tf

    a = tf.random.normal((2048, 2048))
    b = tf.random.normal((2048, 2048))
    tf.matmul(a, b).numpy()
    best = float("inf")
    for _ in range(10):
        start = time.perf_counter()
        tf.matmul(a, b).numpy()
        best = min(best, time.perf_counter() - start)
    return 2 * 2048**3 / best / 1e9


def _measure(mode: str, model: str) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "AEMODELS_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-m", "bench.streaming", mode, model], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-1500:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(repeats: int, log) -> list[Row]:
    rows = []
    rates: dict[str, dict[str, list[dict]]] = {}
    for model in MODELS:
        rates[model] = {mode: [] for mode in MODES}
        for _ in range(repeats):
            for mode in MODES:  # alternating, so that drift hits all alike
                result = _measure(mode, model)
                rates[model][mode].append(result)
                log(f"  {model} {mode}: {result['images'] / result['seconds']:.0f} images/s, "
                    f"peak {result['peak_mib']:.0f} MiB (before the data {result['before_mib']:.0f}), "
                    f"val_loss {result['val_loss']:.4f}")
        arrays, stream = rates[model]["arrays"], rates[model]["stream"]
        speed = {mode: median([r["images"] / r["seconds"] for r in rates[model][mode]]) for mode in MODES}
        data = {mode: median([r["peak_mib"] - r["before_mib"] for r in rates[model][mode]]) for mode in MODES}
        rows.append(Row("streaming", f"{model}: memory the training data adds (peak RSS − RSS before), arrays → stream",
                        f"{data['arrays']:.0f} → {data['stream']:.0f} MiB", "lower", data["stream"] < data["arrays"],
                        f"mnist-10k, 8,000 training images, {EPOCHS} epochs, batch {BATCH}; peak "
                        f"{median([r['peak_mib'] for r in arrays]):.0f} → {median([r['peak_mib'] for r in stream]):.0f} MiB; "
                        f"median of {repeats}, fresh interpreters"))
        rows.append(Row("streaming", f"{model}: training throughput, arrays → stream (→ stream, 2 worker threads)",
                        f"{speed['arrays']:.0f} → {speed['stream']:.0f} images/s ({speed['stream'] / speed['arrays']:.2f}×)"
                        f" (→ {speed['stream-2']:.0f}, {speed['stream-2'] / speed['arrays']:.2f}×)",
                        "report", None,
                        f"held-out loss {median([r['val_loss'] for r in arrays]):.4f} → "
                        f"{median([r['val_loss'] for r in stream]):.4f} (stream: fresh corruption every epoch)"))
    gflops = matmul_gflops()
    dense = rates["dense-ae"]["stream"]
    flops_per_image = 6 * dense[0]["weights"]
    achieved = median([r["images"] / r["seconds"] for r in dense]) * flops_per_image / 1e9
    rows.append(Row("streaming", "roofline: dense-ae training, achieved GFLOP/s ÷ measured float32 matmul peak",
                    f"{achieved:.1f} / {gflops:.0f} GFLOP/s ({achieved / gflops:.0%})", "report", None,
                    f"6 FLOPs per weight per image ({dense[0]['weights']:,} weights); peak: TensorFlow matmul "
                    "2048×2048, best of 10, 2 cores"))
    return rows


if __name__ == "__main__":
    print(json.dumps(worker(sys.argv[1], sys.argv[2])))
