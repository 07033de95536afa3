"""Training throughput and the inference paths behind the latent explorer, in-process."""

from __future__ import annotations

import time

import numpy as np

from bench.common import Row, median, p95, timings

THROUGHPUT_CONFIG = dict(dataset="mnist-10k", model="dense-ae", latent_dim=2, epochs=3, batch_size=256)


def throughput(repeats: int, log) -> list[Row]:
    """Images per second through ``tasks.training.train`` (with a dashboard-like progress callback) and
    through a bare ``model.fit`` of the same model on the same data, alternating, same batch."""
    import keras

    from aemodels.config import TrainConfig
    from aemodels.data.datasets import load_dataset
    from aemodels.data.splits import Split
    from aemodels.tasks.registry import build_model
    from aemodels.tasks.training import array_arguments, train

    config = TrainConfig(**THROUGHPUT_CONFIG)
    dataset = load_dataset(config.dataset)
    split = Split.of(config).images(dataset)
    n = len(split.x_train)
    batches = -(-n // config.batch_size)
    seen = []

    def through_train() -> float:
        result = train(config, dataset, progress=lambda p: seen.append(p.batch))
        return result.train_seconds

    def bare() -> float:
        keras.utils.set_random_seed(config.seed)
        bundle = build_model(config, split.x_train.shape[1:], steps_per_epoch=batches)
        arguments = array_arguments(config, split)
        start = time.perf_counter()
        bundle.model.fit(**arguments, epochs=config.epochs, batch_size=config.batch_size, verbose=0, shuffle=True)
        return time.perf_counter() - start

    through_train(), bare()  # warm-up: imports, graph tracing caches
    ours, theirs = [], []
    for _ in range(repeats):
        ours.append(through_train())
        theirs.append(bare())
    images = n * config.epochs
    ratio = median(theirs) / median(ours)
    per_pair = [b / a for a, b in zip(ours, theirs)]
    log(f"  train {[round(s, 2) for s in ours]} s, bare fit {[round(s, 2) for s in theirs]} s")
    return [Row("speed", "training throughput, train ÷ bare model.fit", f"{ratio:.3f}",
                "≥ 0.95", ratio >= 0.95,
                f"dense-ae 2-D, {n} images × {config.epochs} epochs, batch {config.batch_size}, with validation; "
                f"median of {repeats} alternating pairs; {images / median(ours):.0f} vs {images / median(theirs):.0f} "
                f"images/s; per-pair ratios {min(per_pair):.2f}–{max(per_pair):.2f}")]


def inference_paths(bundle, log) -> list[Row]:
    """Latent-slider decode of one code, the 20×20 manifold grid, and the decoder's own floor."""
    import tensorflow as tf

    from aemodels.models import inference

    latent = bundle.decoder.input_shape[-1]
    one = np.zeros((1, latent), np.float32)
    rows = []
    slider = timings(lambda: inference.decode(bundle, one), 200, warmup=5)
    rows.append(Row("speed", "latent slider: inference.decode of one code (direct model call), median / p95",
                    f"{median(slider) * 1e3:.1f} / {p95(slider) * 1e3:.1f} ms", "≤ 50 ms", p95(slider) <= 0.050,
                    "200 calls; the fragment's model work"))
    xs = np.linspace(-2, 2, 20, dtype=np.float32)
    grid = np.tile(np.zeros(latent, np.float32), (400, 1))
    grid[:, 0], grid[:, 1 % latent] = np.repeat(xs, 20), np.tile(xs, 20)
    grid_times = timings(lambda: inference.decode(bundle, grid), 30, warmup=3)
    rows.append(Row("speed", "decode a 20×20 manifold grid, one batched call, median / p95",
                    f"{median(grid_times) * 1e3:.1f} / {p95(grid_times) * 1e3:.1f} ms", "≤ 100 ms",
                    median(grid_times) <= 0.100, "30 calls"))
    decoder = bundle.decoder
    compiled = tf.function(lambda z: decoder(z, training=False))
    tensor = tf.constant(one)
    floor = timings(lambda: compiled(tensor).numpy(), 300, warmup=5)
    rows.append(Row("speed", "floor: the decoder's forward pass for one image (tf.function), median",
                    f"{median(floor) * 1e3:.2f} ms", "report", None, "300 calls"))
    log(f"  slider {median(slider) * 1e3:.1f} ms, grid {median(grid_times) * 1e3:.1f} ms, floor {median(floor) * 1e3:.2f} ms")
    return rows
