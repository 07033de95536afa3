"""The image-to-image models against strong classical baselines, on mnist-10k.

Denoising: a denoiser with the Train defaults per noise kind and seed, scored at every noise
level of ``tasks.denoising.NOISE_LEVELS`` on 1,000 held-out images against Gaussian, median,
non-local means and total variation, each at its setting chosen on 100 training images
(``baselines.choose``). Super-resolution: the model against bicubic and Lanczos per factor.
"""

from __future__ import annotations

import time

import numpy as np

from bench.common import Row

DATASET = "mnist-10k"
DENOISING_TARGET = (("gaussian", 0.3), 4.0)  # the gain claimed before the baselines were strong, dB


def _defaults(model: str, seed: int, dataset, **settings):
    from aemodels.config import TrainConfig
    from aemodels.data.splits import Split
    from aemodels.tasks.defaults import recommended

    base = TrainConfig(dataset=DATASET, model=model, seed=seed, **settings)
    best = recommended(base.kind, len(Split.of(base).images(dataset).x_train))
    return base.replace(epochs=best.epochs, batch_size=best.batch_size, learning_rate=best.learning_rate)


def _spread(values, digits: int = 2) -> str:
    mean = float(np.mean(values))
    return f"{mean:+.{digits}f}" if len(values) == 1 else f"{mean:+.{digits}f} ({min(values):+.{digits}f} to {max(values):+.{digits}f})"


def denoising(seeds, log) -> list[Row]:
    from aemodels.data.datasets import load_dataset, to_float
    from aemodels.data.splits import Split
    from aemodels.scoring import baselines
    from aemodels.scoring.evaluation import IMAGE_METRIC_LIMIT
    from aemodels.settings import NOISE_KINDS
    from aemodels.tasks.denoising import NOISE_LEVELS, denoising_scores
    from aemodels.tasks.training import train

    dataset = load_dataset(DATASET)
    rows = []
    for kind in NOISE_KINDS:
        per_level: dict[float, list[dict]] = {level: [] for level in NOISE_LEVELS}
        seconds, config = [], None
        for seed in seeds:
            config = _defaults("denoise", seed, dataset, noise_kind=kind)
            started = time.perf_counter()
            bundle = train(config, dataset).bundle
            seconds.append(time.perf_counter() - started)
            split = Split.of(config).images(dataset)
            clean = to_float(split.x_test[:IMAGE_METRIC_LIMIT])
            validation = to_float(split.x_train[-baselines.VALIDATION_IMAGES:])
            for level in NOISE_LEVELS:
                scores = denoising_scores(bundle, clean, validation, kind, level, seed)
                per_level[level].append(scores)
                log(f"  {kind} {level:g}, seed {seed}: model {scores['model_psnr']:.2f} dB, "
                    + ", ".join(f"{f} {s['psnr']:.2f} ({s['setting']})" for f, s in scores["filters"].items()))
        rows.append(_screen_cost(bundle, split, kind, seed))
        for level, scores in per_level.items():
            gains = [s["model_psnr"] - s["filter_psnr"] for s in scores]
            families = "; ".join(
                f"{family} {np.mean([s['filters'][family]['psnr'] for s in scores]):.2f}"
                f" ({', '.join(sorted({s['filters'][family]['setting'] for s in scores}))})"
                for family in baselines.FAMILIES)
            target_at, target_db = DENOISING_TARGET
            is_target = (kind, level) == target_at
            rows.append(Row(
                "baselines", f"denoising {kind} {level:g}: PSNR gain, model − best classical filter",
                _spread(gains) + " dB", f"≥ +{target_db:g} dB" if is_target else "report",
                float(np.mean(gains)) >= target_db if is_target else None,
                f"model {np.mean([s['model_psnr'] for s in scores]):.2f} dB; {families} dB; "
                f"SSIM model {np.mean([s['model_ssim'] for s in scores]):.3f} vs best filter "
                f"{np.mean([s['filter_ssim'] for s in scores]):.3f}; {len(scores)} seed(s), "
                f"{config.epochs} epochs, batch {config.batch_size}, {np.median(seconds):.0f} s training"))
    return rows


SCREEN_IMAGES = 200  # what the Denoising screen scores at the slider's level
SCREEN_LEVELS = (0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95)  # not the curve's levels


def _screen_cost(bundle, split, kind: str, seed: int) -> Row:
    """Seconds the Denoising screen spends scoring a level it has not shown before (its cache
    holds every level once shown): the filters' choice on the validation images, then the model
    and every family on the screen's images."""
    from aemodels.data.datasets import to_float
    from aemodels.scoring import baselines
    from aemodels.tasks.denoising import denoising_scores
    from bench.common import median, p95

    clean = to_float(split.x_test[:SCREEN_IMAGES])
    validation = to_float(split.x_train[-baselines.VALIDATION_IMAGES:])
    seconds = []
    for level in SCREEN_LEVELS:
        started = time.perf_counter()
        denoising_scores(bundle, clean, validation, kind, level, seed)
        seconds.append(time.perf_counter() - started)
    return Row("baselines", f"Denoising screen, {kind}: scores at a level not shown before, median / p95",
               f"{median(seconds):.2f} / {p95(seconds):.2f} s", "report", None,
               f"{len(SCREEN_LEVELS)} levels; {SCREEN_IMAGES} held-out images, settings chosen on "
               f"{baselines.VALIDATION_IMAGES}; cached once shown")


def superres(seeds, log) -> list[Row]:
    from aemodels.data.datasets import load_dataset, to_float
    from aemodels.data.splits import Split
    from aemodels.scoring.evaluation import IMAGE_METRIC_LIMIT
    from aemodels.tasks.superres import superres_scores
    from aemodels.tasks.training import train

    dataset = load_dataset(DATASET)
    per_factor: dict[int, list[dict]] = {}
    seconds, config = [], None
    for seed in seeds:
        config = _defaults("superres", seed, dataset)
        started = time.perf_counter()
        bundle = train(config, dataset).bundle
        seconds.append(time.perf_counter() - started)
        clean = to_float(Split.of(config).images(dataset).x_test[:IMAGE_METRIC_LIMIT])
        for factor in sorted(config.upscale_factors):
            scores = superres_scores(bundle, clean, factor)
            per_factor.setdefault(factor, []).append(scores)
            log(f"  ×{factor}, seed {seed}: model {scores['model_psnr']:.2f}, Lanczos {scores['lanczos_psnr']:.2f}, "
                f"bicubic {scores['bicubic_psnr']:.2f} dB")
    rows = []
    for factor, scores in per_factor.items():
        gains = [s["model_psnr"] - s["classical_psnr"] for s in scores]
        bicubic_gains = [s["model_psnr"] - s["bicubic_psnr"] for s in scores]
        rows.append(Row(
            "baselines", f"super-resolution ×{factor}: PSNR gain, model − best of bicubic and Lanczos",
            _spread(gains) + " dB", "report", None,
            f"model {np.mean([s['model_psnr'] for s in scores]):.2f}, Lanczos "
            f"{np.mean([s['lanczos_psnr'] for s in scores]):.2f}, bicubic {np.mean([s['bicubic_psnr'] for s in scores]):.2f} dB "
            f"(gain over bicubic alone {_spread(bicubic_gains)} dB); {len(scores)} seed(s), {config.epochs} epochs, "
            f"{np.median(seconds):.0f} s training"))
    return rows


def run(seeds, log) -> list[Row]:
    return denoising(seeds, log) + superres(seeds, log)
