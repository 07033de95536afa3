"""Model quality on the held-out split of mnist-10k, against the classical baselines.

Every figure is the mean over the seeds given (the seed fixes the split, the initial weights,
the shuffling and the corruption); the spread is min–max over those seeds.
"""

from __future__ import annotations

import os

import numpy as np

from aemodels.scoring.scoresheet import at_k
from bench.common import Row

DATASET = "mnist-10k"
TRUST_K = 5  # the published figures' k (scoresheet.REFERENCE)
KERAS_IO_NEG_ELBO = 147.0  # keras.io's VAE example, trained on all 70,000 MNIST images

# The dashboard's quick model (QUICK_CONFIG in the Home page script, pages/home.py).
QUICK_DEFAULT = dict(model="dense-ae", latent_dim=2, epochs=6, batch_size=64, learning_rate=2e-3)
# The best configs found; --quick trains fewer epochs.
BEST = {
    "dense-ae": dict(model="dense-ae", latent_dim=2, batch_size=64, learning_rate=2e-3),
    "conv-ae": dict(model="conv-ae", latent_dim=2, batch_size=64, learning_rate=2e-3),
    "vae": dict(model="vae", latent_dim=2, batch_size=64, learning_rate=2e-3),
    "recon": dict(model="dense-ae", batch_size=128, learning_rate=2e-3),
    "denoise": dict(model="denoise", batch_size=128, learning_rate=2e-3),
    "superres": dict(model="superres", batch_size=128, learning_rate=2e-3),
}
EPOCHS = {
    "quick": {"dense-ae": 20, "conv-ae": 20, "vae": 20, "recon": 15, "denoise": 3, "superres": 3},
    "full": {"dense-ae": 30, "conv-ae": 30, "vae": 30, "recon": 30, "denoise": 8, "superres": 8},
}


def _config(spec: dict, epochs: int | None, seed: int):
    from aemodels.config import TrainConfig

    settings = {"dataset": DATASET, **spec, "seed": seed}
    if epochs is not None:
        settings["epochs"] = epochs
    return TrainConfig(**settings)


def _train(config, dataset):
    from aemodels.tasks.training import train

    return train(config, dataset)


def _spread(values: list[float], digits: int = 3) -> str:
    mean = float(np.mean(values))
    if len(values) == 1:
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def _describe(config) -> str:
    return (f"{config.model}, latent {config.latent_dim}, {config.epochs} epochs, batch {config.batch_size}, "
            f"lr {config.learning_rate:g}")


def embedding_runs(spec: dict, epochs: int | None, seeds, dataset, log) -> dict:
    """Train and evaluate one config per seed; lists of the figures, and the train seconds."""
    from aemodels.tasks.assessment import evaluate

    out: dict[str, list] = {"knn": [], "trust": [], "mse": [], "pca_knn": [], "pca_trust": [], "pca_mse": [],
                            "seconds": [], "neg_elbo": []}
    config = None
    for seed in seeds:
        config = _config(spec, epochs, seed)
        result = _train(config, dataset)
        scores = evaluate(result.bundle, dataset)
        model, pca = scores["model"], scores["pca"]
        out["knn"].append(model["knn_accuracy"])
        out["trust"].append(at_k(model["trustworthiness"], TRUST_K))
        out["mse"].append(model["reconstruction_mse"])
        out["pca_knn"].append(pca["knn_accuracy"])
        out["pca_trust"].append(at_k(pca["trustworthiness"], TRUST_K))
        out["pca_mse"].append(pca["reconstruction_mse"])
        out["seconds"].append(result.train_seconds)
        if "negative_elbo" in model:
            out["neg_elbo"].append(model["negative_elbo"])
        log(f"  {_describe(config)}, seed {seed}: 5-NN {model['knn_accuracy']:.3f}, trust k={TRUST_K} "
            f"{out['trust'][-1]:.3f}, MSE {model['reconstruction_mse']:.4f} (PCA {pca['reconstruction_mse']:.4f}), "
            f"{result.train_seconds:.0f} s, load {os.getloadavg()[0]:.1f}")
    out["config"] = config
    return out


def run(mode: str, seeds: tuple[int, ...], log) -> list[Row]:
    from aemodels.data.datasets import load_dataset

    dataset = load_dataset(DATASET)
    epochs = EPOCHS[mode]
    rows: list[Row] = []
    n_seeds = f"{len(seeds)} seed{'s' if len(seeds) > 1 else ''}"

    def seconds(out) -> str:
        return f"{_describe(out['config'])}; {n_seeds}; {np.median(out['seconds']):.0f} s training"

    log("quality: the dashboard's quick default")
    quick = embedding_runs(QUICK_DEFAULT, None, seeds, dataset, log)
    rows.append(Row("quality", "quick default dense-ae 2-D 5-NN accuracy", _spread(quick["knn"]),
                    "report (PCA-2D " + _spread(quick["pca_knn"]) + ")", None, seconds(quick)))
    rows.append(Row("quality", f"quick default dense-ae 2-D trustworthiness k={TRUST_K}", _spread(quick["trust"]),
                    "report", None, seconds(quick)))

    results = {}
    for kind in ("dense-ae", "conv-ae", "vae"):
        log(f"quality: {kind} 2-D, best config")
        results[kind] = embedding_runs(BEST[kind], epochs[kind], seeds, dataset, log)

    conv, vae, dense = results["conv-ae"], results["vae"], results["dense-ae"]
    rows.append(Row("quality", "conv-ae 2-D 5-NN accuracy", _spread(conv["knn"]),
                    f"≥ 0.75 (PCA-2D {_spread(conv['pca_knn'])})", float(np.mean(conv["knn"])) >= 0.75, seconds(conv)))
    rows.append(Row("quality", "vae 2-D (z_mean) 5-NN accuracy", _spread(vae["knn"]), "≥ 0.72",
                    float(np.mean(vae["knn"])) >= 0.72, seconds(vae)))
    rows.append(Row("quality", "dense-ae 2-D 5-NN accuracy", _spread(dense["knn"]), "report", None, seconds(dense)))
    best_kind = max(results, key=lambda k: np.mean(results[k]["trust"]))
    best = results[best_kind]
    rows.append(Row("quality", f"trustworthiness k={TRUST_K}, best 2-D model = {best_kind}", _spread(best["trust"]),
                    f"≥ 0.90 (PCA {_spread(best['pca_trust'])})", float(np.mean(best["trust"])) >= 0.90,
                    "; ".join(f"{k} {_spread(v['trust'])}" for k, v in results.items())))
    if vae["neg_elbo"]:
        rows.append(Row("quality", "vae negative ELBO per held-out image (BCE + KL, nats)", _spread(vae["neg_elbo"], 1),
                        f"report beside keras.io's {KERAS_IO_NEG_ELBO:g} (70,000 images)", None,
                        "first 1000 held-out images"))

    # Reconstruction at 2, 8 and 32 dims: the best 2-D model, then the dense-ae at 8 and 32.
    best_mse_kind = min(results, key=lambda k: np.mean(results[k]["mse"]))
    mse = {2: (best_mse_kind, results[best_mse_kind])}
    for dim in (8, 32):
        log(f"quality: reconstruction at {dim} dims")
        mse[dim] = ("dense-ae", embedding_runs({**BEST["recon"], "latent_dim": dim}, epochs["recon"], seeds, dataset, log))
    for dim, (kind, out) in mse.items():
        rows.append(Row("quality", f"reconstruction MSE at {dim} dims, {kind} vs PCA-{dim}",
                        f"{_spread(out['mse'], 4)} vs {_spread(out['pca_mse'], 4)}", "model below PCA",
                        all(m < p for m, p in zip(out["mse"], out["pca_mse"])), seconds(out)))

    rows += image_to_image(dataset, epochs, seeds, log, n_seeds)
    return rows


def image_to_image(dataset, epochs, seeds, log, n_seeds) -> list[Row]:
    from aemodels.data.datasets import to_float
    from aemodels.scoring.baselines import VALIDATION_IMAGES
    from aemodels.scoring.evaluation import IMAGE_METRIC_LIMIT
    from aemodels.tasks.denoising import denoising_scores
    from aemodels.tasks.superres import superres_scores

    rows = []
    gains, filters, times, config = [], [], [], None
    for seed in seeds:
        log("quality: denoiser")
        config = _config(BEST["denoise"], epochs["denoise"], seed)
        result = _train(config, dataset)
        split = dataset.split(seed, config.test_fraction)
        clean = to_float(split.x_test[:IMAGE_METRIC_LIMIT])
        validation = to_float(split.x_train[-VALIDATION_IMAGES:])
        scores = denoising_scores(result.bundle, clean, validation, "gaussian", 0.3, seed)
        gains.append(scores["model_psnr"] - scores["filter_psnr"])
        filters.append(f"{scores['model_psnr']:.1f} vs {scores['filter']} {scores['filter_psnr']:.1f} dB")
        times.append(result.train_seconds)
        log(f"  seed {seed}: {filters[-1]}, {result.train_seconds:.0f} s")
    rows.append(Row("quality", "denoising PSNR gain at Gaussian σ=0.3, model − best classical filter (Gaussian, median, NLM, TV)",
                    _spread(gains, 2) + " dB", "≥ +4 dB", float(np.mean(gains)) >= 4.0,
                    f"{_describe(config)}; {n_seeds}; {np.median(times):.0f} s training; {'; '.join(filters)}"))

    per_factor: dict[int, list[float]] = {2: [], 4: []}
    times = []
    for seed in seeds:
        log("quality: super-resolution")
        config = _config(BEST["superres"], epochs["superres"], seed)
        result = _train(config, dataset)
        split = dataset.split(seed, config.test_fraction)
        clean = to_float(split.x_test[:IMAGE_METRIC_LIMIT])
        for factor in per_factor:
            scores = superres_scores(result.bundle, clean, factor)
            per_factor[factor].append(scores["model_psnr"] - scores["classical_psnr"])
            log(f"  seed {seed}, ×{factor}: model {scores['model_psnr']:.2f} vs {scores['classical']} "
                f"{scores['classical_psnr']:.2f} dB")
        times.append(result.train_seconds)
    for factor, target in ((2, 1.5), (4, 3.0)):
        rows.append(Row("quality", f"super-resolution PSNR gain ×{factor}, model − best of bicubic and Lanczos",
                        _spread(per_factor[factor], 2) + " dB", f"≥ +{target:g} dB",
                        float(np.mean(per_factor[factor])) >= target,
                        f"{_describe(config)}, factors {config.upscale_factors}; {n_seeds}; {np.median(times):.0f} s training"))
    return rows
