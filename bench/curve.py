"""The AE-against-PCA curve: reconstruction error and 5-NN accuracy by code size, on mnist-10k.

dense-ae at every ``curve.SWEEP_SIZES`` with the Train defaults (as ``python -m aemodels sweep``),
PCA at the same sizes on the same split; one seed.
"""

from __future__ import annotations

import time

from bench.common import Row

DATASET = "mnist-10k"
MODEL = "dense-ae"


def run(seed: int, log) -> list[Row]:
    from aemodels.config import TrainConfig
    from aemodels.data.datasets import load_dataset
    from aemodels.data.splits import Split
    from aemodels.scoring import curve
    from aemodels.tasks.assessment import evaluate
    from aemodels.tasks.defaults import recommended
    from aemodels.tasks.training import train

    dataset = load_dataset(DATASET)
    base = TrainConfig(dataset=DATASET, model=MODEL, seed=seed)
    best = recommended(base.kind, len(Split.of(base).images(dataset).x_train))
    base = base.replace(epochs=best.epochs, batch_size=best.batch_size, learning_rate=best.learning_rate)
    pca = {point.code_size: point for point in curve.pca_curve(base, dataset)}
    rows = []
    for size in curve.SWEEP_SIZES:
        started = time.perf_counter()
        model = evaluate(train(curve.sweep_config(base, size), dataset).bundle, dataset)["model"]
        seconds = time.perf_counter() - started
        baseline = pca[size]
        log(f"  {MODEL} at {size}: MSE {model['reconstruction_mse']:.4f} vs PCA {baseline.reconstruction_mse:.4f}, "
            f"5-NN {model['knn_accuracy']:.3f} vs {baseline.knn_accuracy:.3f} ({seconds:.0f} s)")
        rows.append(Row("curve", f"code size {size}: reconstruction MSE, {MODEL} / PCA (ratio)",
                        f"{model['reconstruction_mse']:.4f} / {baseline.reconstruction_mse:.4f} "
                        f"({model['reconstruction_mse'] / baseline.reconstruction_mse:.0%})", "report", None,
                        f"{best.epochs} epochs, batch {best.batch_size}, seed {seed}; {seconds:.0f} s"))
        rows.append(Row("curve", f"code size {size}: 5-NN accuracy, {MODEL} / PCA",
                        f"{model['knn_accuracy']:.3f} / {baseline.knn_accuracy:.3f}", "report", None,
                        "published protocol, 2,000 held-out images"))
    return rows
