"""XLA (``train --jit``) against Keras's default on this CPU, per kind.

Each training is a fresh ``python -m aemodels train --json`` (4,000 mnist-10k images, 3 epochs,
batch 64); the figure is images per second over ``fit``, XLA's compilation included, alternating
the two settings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import Row, median

KINDS = ("dense-ae", "conv-ae", "vae", "denoise", "superres")
SETTINGS = ["--dataset", "mnist-10k", "--train-images", "4000", "--epochs", "3", "--batch-size", "64", "--json"]
ROOT = Path(__file__).resolve().parent.parent


def _seconds(home: str, model: str, jit: bool) -> float:
    env = {**os.environ, "AEMODELS_HOME": home, "AEMODELS_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    out = subprocess.run([sys.executable, "-m", "aemodels", "train", "--model", model, *SETTINGS,
                          *(["--jit"] if jit else [])], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-1000:])
    return float(json.loads(out.stdout.strip().splitlines()[-1])["train_seconds"])


def run(repeats: int, log) -> list[Row]:
    rows = []
    images = 4000 * 3
    with tempfile.TemporaryDirectory(prefix="aejit-") as home:
        for model in KINDS:
            plain, xla = [], []
            for _ in range(repeats):
                plain.append(_seconds(home, model, False))
                xla.append(_seconds(home, model, True))
            log(f"  {model}: default {[round(s, 1) for s in plain]} s, --jit {[round(s, 1) for s in xla]} s")
            ratio = median(plain) / median(xla)
            rows.append(Row("jit", f"{model}: training throughput, default → --jit (XLA)",
                            f"{images / median(plain):.0f} → {images / median(xla):.0f} images/s ({ratio:.2f}×)",
                            "report", None, f"4,000 images × 3 epochs, batch 64, compilation included; median of "
                                            f"{repeats}, alternating, fresh interpreters; 2 CPU cores"))
    return rows
