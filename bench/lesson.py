"""The lesson's claims, measured (issue 25).

- Colour photographs: the default ``superres`` and ``denoise`` on ``flowers`` (the Train screen's
  recommended settings for its 376 training tiles) against their best classical baselines at ×2 and
  at σ 0.3, over the seeds given.
- Data-specific: each of those runs scored on ``people`` (``evaluate RUN --on people``): its margin
  there beside its margin on flowers.
- Noise in the code (Task 2): on mnist-10k, a dense-ae, a dense-vae and an aae with 2-number
  codes and the same settings; the reconstruction error at code noise of one standard deviation
  of each code number, as a multiple of the error without noise (``scoring.code_noise``).

Every figure is a mean over the seeds with the min–max beside it; training seconds are the median.
"""

from __future__ import annotations

import os

import numpy as np

from bench.common import Row

PHOTOS = "flowers"
OTHER = "people"
CODE_NOISE_SETTINGS = dict(latent_dim=2, epochs=30, batch_size=64, learning_rate=2e-3)


def _spread(values: list[float], digits: int = 2, sign: bool = True) -> str:
    text = f"{{:{'+' if sign else ''}.{digits}f}}"
    mean = text.format(float(np.mean(values)))
    if len(values) == 1:
        return mean
    return f"{mean} ({text.format(min(values))} to {text.format(max(values))})"


def _trained(config, log):
    from aemodels.tasks.assessment import evaluate
    from aemodels.tasks.training import train

    result = train(config)
    metrics = evaluate(result.bundle)
    log(f"  {config.model} on {config.dataset}, seed {config.seed}: {result.train_seconds:.0f} s, "
        f"load {os.getloadavg()[0]:.1f}")
    return result, metrics


def _photo_rows(kind: str, seeds, log) -> list[Row]:
    from aemodels.config import TrainConfig
    from aemodels.data.datasets import load_dataset
    from aemodels.kinds import KINDS
    from aemodels.scoring.scores import Scores
    from aemodels.tasks.defaults import recommended
    from aemodels.tasks.other_data import score_on

    data = load_dataset(PHOTOS)
    best = recommended(KINDS[kind], len(data.split().x_train))
    at, own, other, baseline_psnr, model_psnr, baseline_name, seconds = [], [], [], [], [], set(), []
    for seed in seeds:
        config = TrainConfig(dataset=PHOTOS, model=kind, seed=seed, epochs=best.epochs, batch_size=best.batch_size,
                             learning_rate=best.learning_rate)
        result, metrics = _trained(config, log)
        scores = Scores.read(metrics)
        seconds.append(result.train_seconds)
        if kind == "superres":
            row = next(r for r in scores.superres.factors if r.factor == 2)
            best_classical = max(("bicubic", row.bicubic_psnr), ("Lanczos", row.lanczos_psnr), key=lambda x: x[1])
            at.append(row.model_psnr - best_classical[1])
            baseline_psnr.append(best_classical[1])
            model_psnr.append(row.model_psnr)
            baseline_name.add(best_classical[0])
        else:
            point = scores.denoising.at(0.3)
            at.append(point.model_psnr - point.filter_psnr)
            baseline_psnr.append(point.filter_psnr)
            model_psnr.append(point.model_psnr)
            baseline_name.add(point.filter.split(" h=")[0].split(" σ")[0])
        elsewhere = score_on(result.bundle, load_dataset(OTHER), scores)
        own.append(elsewhere.own_gain_db)
        other.append(elsewhere.gain_db)
    note = (f"{best.epochs} epochs, batch {best.batch_size}, lr {best.learning_rate:g} (the recommended settings for "
            f"{len(data.split().x_train)} training tiles); {len(seeds)} seed{'s' if len(seeds) > 1 else ''}; "
            f"{np.median(seconds):.0f} s training (median)")
    condition = "×2" if kind == "superres" else "Gaussian σ 0.3"
    rows = [Row("lesson", f"{kind} on {PHOTOS} (colour 32×32), {condition}: PSNR gain, model − best classical "
                          f"({' / '.join(sorted(baseline_name))})",
                f"{_spread(at)} dB (model {_spread(model_psnr, sign=False)}, baseline "
                f"{_spread(baseline_psnr, sign=False)} dB)", "> 0 every seed", all(v > 0 for v in at), note)]
    summary = "mean over its trained factors" if kind == "superres" else "at σ 0.3"
    rows.append(Row("lesson", f"{kind} trained on {PHOTOS}: gain over its baseline on {PHOTOS} → on {OTHER} "
                              f"({summary})", f"{_spread(own)} → {_spread(other)} dB", f"smaller on {OTHER}",
                    all(o < w for o, w in zip(other, own)), note))
    return rows


def _code_noise_rows(seeds, log) -> list[Row]:
    from aemodels.config import TrainConfig
    from aemodels.data.datasets import load_dataset, to_float
    from aemodels.data.splits import Split
    from aemodels.models import inference
    from aemodels.scoring.code_noise import CURVE_IMAGES, code_noise_curve

    growth: dict[str, list[float]] = {}
    seconds = []
    for kind in ("dense-ae", "dense-vae", "aae"):
        for seed in seeds:
            config = TrainConfig(dataset="mnist-10k", model=kind, seed=seed, **CODE_NOISE_SETTINGS)
            result, _ = _trained(config, log)
            seconds.append(result.train_seconds)
            images = to_float(Split.of(config).images(load_dataset("mnist-10k")).x_test[:CURVE_IMAGES])
            bundle = result.bundle
            curve = code_noise_curve(lambda x, b=bundle: inference.encode(b, x), lambda z, b=bundle: inference.decode(b, z),
                                     images, seed)
            growth.setdefault(kind, []).append(curve.growth(1.0))
            log(f"  {kind} seed {seed}: MSE {curve.mse[0]:.4f} → {curve.mse[curve.sizes.index(1.0)]:.4f} at 1 σ")
    note = (f"mnist-10k, 2-number codes, {CODE_NOISE_SETTINGS['epochs']} epochs, batch 64, lr 0.002; first "
            f"{CURVE_IMAGES} held-out images; {len(seeds)} seed{'s' if len(seeds) > 1 else ''}; "
            f"{np.median(seconds):.0f} s training (median)")
    vae = float(np.mean(growth["dense-vae"]))
    rows = []
    for kind, values in growth.items():
        compared = kind == "dense-ae"
        rows.append(Row("lesson", f"code noise of 1 standard deviation: error ×, {kind}",
                        f"×{_spread(values, sign=False)}", "above dense-vae's" if compared else "report",
                        float(np.mean(values)) > vae if compared else None, note))
    return rows


def run(seeds: tuple[int, ...], log) -> list[Row]:
    rows: list[Row] = []
    for kind in ("superres", "denoise"):
        log(f"lesson: {kind} on {PHOTOS}, then on {OTHER}")
        rows += _photo_rows(kind, seeds, log)
    log("lesson: noise in the code")
    rows += _code_noise_rows(seeds, log)
    return rows
