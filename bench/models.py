"""The lesson's models on mnist-10k (8,000 training, 2,000 held-out images), published protocol.

- Architecture versions: conv-ae and vae, 2-D codes, 30 epochs at the recommended batch and rate,
  version 1 (Conv16/s2 → Conv32/s2 → Dense128) against version 2 (Conv64/s2 → Conv128/s2 →
  Dense512, the published conv autoencoder), over the seeds given.
- The notebook's 4×4×8 code: a conv-ae with ``code_shape`` 4x4x8 against PCA with 128 components.
- Neighbour keeping (W = 1) on the conv-ae of architecture 2, against the same plain run.
- How well codes follow the prior: ``prior_mmd`` of dense-ae, aae and vae trained with the same
  settings.
- The conditional VAE's ``conditional_accuracy``.
- β: a vae at β 1 and β 4, the same settings otherwise: rate and distortion.

Every figure is a mean over the seeds with the min–max beside it; training seconds are the
median, under the load the log line gives.
"""

from __future__ import annotations

import os

import numpy as np

from bench.common import Row

DATASET = "mnist-10k"
EPOCHS = 30
SAME = dict(latent_dim=2, epochs=EPOCHS, batch_size=64, learning_rate=2e-3)  # the prior and β comparisons (vae's defaults)


def _spread(values: list[float], digits: int = 3) -> str:
    mean = float(np.mean(values))
    if len(values) == 1:
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


_DONE: dict[str, dict] = {}  # config id → its run: a config asked for twice is trained once


def _runs(settings: dict, seeds, dataset, log) -> list[dict]:
    """Train and score ``settings`` once per seed; each run's model scores, PCA's, and its seconds."""
    from aemodels.cli.training_commands import with_recommended
    from aemodels.config import TrainConfig
    from aemodels.tasks.assessment import evaluate
    from aemodels.tasks.training import train

    out = []
    for seed in seeds:
        config = TrainConfig(dataset=DATASET, seed=seed, **settings)
        config = with_recommended(config, dataset, {k: v for k, v in settings.items()
                                                    if k in ("epochs", "batch_size", "learning_rate")})
        if config.config_id in _DONE:
            out.append(_DONE[config.config_id])
            continue
        result = train(config, dataset)
        scores = evaluate(result.bundle, dataset)
        out.append({"model": scores["model"], "pca": scores["pca"], "seconds": result.train_seconds, "config": config})
        _DONE[config.config_id] = out[-1]
        model = scores["model"]
        log(f"  {config.model} {settings}, seed {seed}: 5-NN {model.get('knn_accuracy')}, MSE "
            f"{model['reconstruction_mse']:.4f} (PCA {scores['pca']['reconstruction_mse']:.4f}), prior MMD² "
            f"{model['prior_mmd']:.3f}, {result.train_seconds:.0f} s, load {os.getloadavg()[0]:.1f}")
    return out


def _note(runs: list[dict]) -> str:
    config = runs[0]["config"]
    return (f"{config.epochs} epochs, batch {config.batch_size}, lr {config.learning_rate:g}; {len(runs)} seed"
            f"{'s' if len(runs) > 1 else ''}; {np.median([r['seconds'] for r in runs]):.0f} s training (median)")


def _values(runs: list[dict], side: str, key: str, k: str | None = None) -> list[float]:
    return [r[side][key][k] if k else r[side][key] for r in runs]


def run(seeds: tuple[int, ...], log) -> list[Row]:
    from aemodels.data.datasets import load_dataset

    dataset = load_dataset(DATASET)
    rows: list[Row] = []
    first = seeds[:1]

    log("models: the notebook's 4×4×8 code")
    shaped = _runs({"model": "conv-ae", "code_shape": "4x4x8", "epochs": EPOCHS}, first, dataset, log)
    mse, pca = _values(shaped, "model", "reconstruction_mse"), _values(shaped, "pca", "reconstruction_mse")
    rows.append(Row("models", "conv-ae code 4×4×8: reconstruction MSE vs PCA-128", f"{_spread(mse, 4)} vs {_spread(pca, 4)}",
                    "model below PCA", all(m < p for m, p in zip(mse, pca)), _note(shaped)))

    log("models: prior MMD² and β, the same settings for every kind")
    same = {kind: _runs({"model": kind, **SAME}, first, dataset, log) for kind in ("dense-ae", "aae", "vae")}
    plain = float(np.mean(_values(same["dense-ae"], "model", "prior_mmd")))
    for kind in ("dense-ae", "aae", "vae"):
        mmd = _values(same[kind], "model", "prior_mmd")
        rows.append(Row("models", f"prior MMD² of the held-out codes, {kind}", _spread(mmd),
                        "report" if kind == "dense-ae" else f"below dense-ae's {plain:.3f}",
                        None if kind == "dense-ae" else float(np.mean(mmd)) < plain, _note(same[kind])))
    beta4 = _runs({"model": "vae", **SAME, "beta": 4.0}, first, dataset, log)
    for name, runs in (("β 1", same["vae"]), ("β 4", beta4)):
        rows.append(Row("models", f"vae {name}: rate / distortion, nats per held-out image",
                        f"{_spread(_values(runs, 'model', 'rate_nats'), 2)} / "
                        f"{_spread(_values(runs, 'model', 'distortion_nats'), 1)}",
                        "report" if name == "β 1" else "rate below β 1's",
                        None if name == "β 1" else float(np.mean(_values(beta4, "model", "rate_nats")))
                        < float(np.mean(_values(same["vae"], "model", "rate_nats"))), _note(runs)))

    log("models: the conditional VAE")
    cvae = _runs({"model": "cvae", "latent_dim": 2, "epochs": EPOCHS}, first, dataset, log)
    rows.append(Row("models", "cvae 2-D conditional accuracy (100 prior styles × 10 classes)",
                    _spread(_values(cvae, "model", "conditional_accuracy")), "≥ 0.90",
                    float(np.mean(_values(cvae, "model", "conditional_accuracy"))) >= 0.90, _note(cvae)))

    versions = {}
    for kind, version in (("conv-ae", 2), ("vae", 2), ("conv-ae", 1), ("vae", 1)):
        if (kind, version) == ("vae", 2):
            rows += _neighbour_keeping(versions[("conv-ae", 2)], dataset, log)
        log(f"models: {kind} architecture version {version}")
        runs = versions[(kind, version)] = _runs({"model": kind, "latent_dim": 2, "epochs": EPOCHS,
                                                  "architecture": version}, seeds, dataset, log)
        target = {"conv-ae": 0.75, "vae": 0.70}[kind]
        knn = _values(runs, "model", "knn_accuracy")
        rows.append(Row("models", f"{kind} version {version}, 2-D: 5-NN accuracy", _spread(knn),
                        f"≥ {target:g}" if version == 2 else "report",
                        float(np.mean(knn)) >= target if version == 2 else None, _note(runs)))
        rows.append(Row("models", f"{kind} version {version}, 2-D: trustworthiness k=5 / MSE",
                        f"{_spread(_values(runs, 'model', 'trustworthiness', '5'))} / "
                        f"{_spread(_values(runs, 'model', 'reconstruction_mse'), 4)}", "report", None, _note(runs)))
    return rows


def _neighbour_keeping(plain: list[dict], dataset, log) -> list[Row]:
    """Neighbour keeping (W = 1) on the architecture 2 conv-ae, the first seed, beside the plain run."""
    log("models: neighbour keeping on the conv-ae of architecture 2")
    kept = _runs({"model": "conv-ae", "latent_dim": 2, "epochs": EPOCHS, "neighbour_weight": 1.0},
                 tuple(r["config"].seed for r in plain[:1]), dataset, log)
    trust, knn, mse = (_values(kept, "model", "trustworthiness", "5"), _values(kept, "model", "knn_accuracy"),
                       _values(kept, "model", "reconstruction_mse"))
    plain_mse = _values(plain[:1], "model", "reconstruction_mse")
    return [Row("models", "conv-ae version 2, neighbour keeping W = 1: 5-NN / trustworthiness k=5",
                f"{_spread(knn)} / {_spread(trust)}", "≥ 0.90 / ≥ 0.93",
                float(np.mean(knn)) >= 0.90 and float(np.mean(trust)) >= 0.93, _note(kept)),
            Row("models", "conv-ae version 2, neighbour keeping W = 1: MSE vs the plain model's",
                f"{_spread(mse, 4)} vs {_spread(plain_mse, 4)}", "within 10 %",
                float(np.mean(mse)) <= 1.1 * float(np.mean(plain_mse)), _note(kept))]
