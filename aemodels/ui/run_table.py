"""The table of runs: one row per run, settings and main scores."""

from __future__ import annotations

import datetime

import pandas as pd

from aemodels.runs import RunInfo


def _row(info: RunInfo) -> dict:
    created = datetime.datetime.fromtimestamp(info.created).strftime("%Y-%m-%d %H:%M") if info.created else ""
    if info.broken:
        return {"run": info.run_id, "status": f"broken: {info.broken}", "created": created}
    config, model, pca = info.config, info.metrics.get("model", {}), info.metrics.get("pca", {})
    applies = config.to_dict()  # only the settings of this kind: the others stay blank
    row = {"run": info.run_id, "status": "ok", "created": created, "model": config.model,
           "dataset": config.dataset, "latent": applies.get("latent_dim"),
           "epochs": config.epochs, "batch": config.batch_size, "lr": config.learning_rate,
           "seed": config.seed, "noise": _noise(applies), "factors": _factors(applies),
           "train s": round(float(info.meta.get("train_seconds", 0.0)), 1),
           "kNN acc": model.get("knn_accuracy"), "PCA kNN acc": pca.get("knn_accuracy"),
           "trust": model.get("trustworthiness"), "MSE": model.get("reconstruction_mse"),
           "PSNR dB": model.get("psnr"), "PCA PSNR dB": pca.get("psnr"), "scored at": _conditions(info.metrics)}
    if "superres" in info.metrics:
        row[GAIN_COLUMN] = info.metrics["superres"].get("gain_db")
    return row


GAIN_COLUMN = "gain vs bicubic dB, mean over trained factors"


def _conditions(metrics: dict) -> str:
    """Where the MSE and PSNR columns were measured: a denoiser at one noise level, a
    super-resolution model at one factor; an embedding's reconstructions of clean images."""
    if "denoising" in metrics:
        noise = metrics["denoising"]
        return f"{noise.get('kind', 'gaussian')} noise σ = {noise.get('report_level', 0.3):g}"
    if "superres" in metrics:
        factors = [row.get("factor") for row in metrics["superres"].get("factors", [])]
        span = f"×{min(factors)}–×{max(factors)}" if factors else "its factors"
        return f"×{metrics['superres'].get('summary_factor')} (gain: mean over {span})"
    return "clean held-out images"


def _noise(settings: dict) -> str | None:
    return f"{settings['noise_kind']} up to {settings['noise_max']:g}" if "noise_kind" in settings else None


def _factors(settings: dict) -> str | None:
    factors = settings.get("upscale_factors")
    return ", ".join(f"×{f}" for f in factors) if factors else None


SIGNIFICANT_DIGITS = 3  # scores of one seed: more digits are noise


def _score(value) -> float | None:
    return None if value is None else float(f"{float(value):.{SIGNIFICANT_DIGITS}g}")


SCORE_COLUMNS = ("kNN acc", "PCA kNN acc", "trust", "MSE", "PSNR dB", "PCA PSNR dB", GAIN_COLUMN)


def runs_table(infos: list[RunInfo]) -> pd.DataFrame:
    """All runs, newest first; broken runs keep their id and reason. Scores to 3 significant digits."""
    table = pd.DataFrame([_row(info) for info in infos])
    if "latent" in table:
        table["latent"] = table["latent"].astype("Int64")  # whole numbers, blank where none (CSV: 8, not 8.0)
    for column in SCORE_COLUMNS:
        if column in table:
            table[column] = table[column].map(_score)
    return table


def default_comparison(infos: list[RunInfo], current: str | None) -> list[str]:
    """The runs compared before anyone picks: the current run (else the newest sound one) and
    the newest other sound run of the same kind and dataset, if there is one; never two runs
    that answer different questions (a denoiser beside a super-resolution model)."""
    sound = [info for info in infos if info.broken is None]
    first = next((info for info in sound if info.run_id == current), sound[0] if sound else None)
    if first is None:
        return []
    twin = next((info for info in sound if info.run_id != first.run_id
                 and info.config.model == first.config.model and info.config.dataset == first.config.dataset), None)
    return [first.run_id] + ([twin.run_id] if twin is not None else [])


def comparison_table(table: pd.DataFrame, run_ids: list[str]) -> pd.DataFrame:
    """Rows of ``runs_table`` for ``run_ids`` turned on their side: one column per run, as text
    (a column of mixed settings and scores would print whole numbers as 2.0); missing is blank."""
    chosen = table[table["run"].isin(run_ids)].set_index("run").T
    return chosen.apply(lambda column: column.map(_as_text))


def _as_text(value) -> str:
    if value is None or (not isinstance(value, (list, tuple, str)) and pd.isna(value)):  # None, NaN, NA
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)
