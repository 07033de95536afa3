"""The Train screen's defaults (``aemodels.tasks.defaults.recommended``) against the classical baselines,
on all of mnist-10k's 8,000 training images and on 500 of them (a small upload).

Every kind trains with exactly the settings the Train screen and the command line start from, so
the table says whether a newcomer who changes nothing gets a model that beats its baseline.
"""

from __future__ import annotations

import time

from bench.common import Row

SIZES = (None, 500)  # None: the whole training split


def run(seed: int, log) -> list[Row]:
    from aemodels.config import TrainConfig
    from aemodels.data.datasets import load_dataset
    from aemodels.data.splits import Split
    from aemodels.kinds import KINDS, TaskName
    from aemodels.scoring.scoresheet import at_k
    from aemodels.tasks.assessment import evaluate
    from aemodels.tasks.defaults import recommended
    from aemodels.tasks.diagnosis import baseline_losses
    from aemodels.tasks.training import train

    dataset = load_dataset("mnist-10k")
    rows = []
    for size in SIZES:
        for kind in KINDS.values():
            probe = TrainConfig(model=kind.name, train_images=size, seed=seed)
            images = len(Split.of(probe).images(dataset).x_train)
            best = recommended(kind, images)
            config = probe.replace(epochs=best.epochs, batch_size=best.batch_size, learning_rate=best.learning_rate)
            started = time.perf_counter()
            metrics = evaluate(train(config, dataset).bundle, dataset)
            seconds = time.perf_counter() - started
            lost = baseline_losses(config, metrics)
            if kind.task is TaskName.EMBEDDING:
                model, pca = metrics["model"], metrics["pca"]
                value = (f"5-NN {model['knn_accuracy']:.3f} vs PCA {pca['knn_accuracy']:.3f}; trust k=5 "
                         f"{at_k(model['trustworthiness'], 5):.3f} vs {at_k(pca['trustworthiness'], 5):.3f}")
            elif kind.task is TaskName.DENOISING:
                at = next(p for p in metrics["denoising"]["curve"] if abs(p["level"] - 0.3) < 1e-9)
                value = f"PSNR at σ 0.3: {at['model_psnr']:.2f} vs best filter {at['filter_psnr']:.2f} dB"
            else:
                value = f"{metrics['superres']['gain_db']:+.2f} dB vs bicubic (mean over factors)"
            log(f"  {kind.name} on {images} images: {value} ({seconds:.0f} s)")
            rows.append(Row("defaults", f"{kind.name} on {images:,} images with the Train defaults: {best.epochs} "
                            f"epochs, batch {best.batch_size}, lr {best.learning_rate:g} "
                            f"({best.steps(images):,} steps)", value, "beats its baseline", not lost,
                            f"seed {seed}; train + score {seconds:.0f} s"))
    return rows
