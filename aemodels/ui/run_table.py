"""The table of runs: one row per run, settings and main scores."""

from __future__ import annotations

import datetime

import pandas as pd
import streamlit as st

from aemodels.data.datasets import dataset_title
from aemodels.scoring import scoresheet
from aemodels.scoring.scores import Scores
from aemodels.scoring.seed_groups import SeedGroup, seed_groups
from aemodels.settings import SETTINGS
from aemodels.store.run_folder import RunInfo
from aemodels.ui import session


def _row(info: RunInfo) -> dict:
    created = datetime.datetime.fromtimestamp(info.created).strftime("%Y-%m-%d %H:%M") if info.created else ""
    if info.broken:
        return {"run": info.run_id, "status": f"broken: {info.broken}", "created": created}
    config, scores = info.config, info.scores
    model, pca = scores.model, scores.pca
    applies = config.to_dict()  # only the settings of this kind: the others stay blank
    row = {"run": info.run_id, "name": info.name, "status": "ok", "created": created, "model": config.model,
           "dataset": dataset_title(config.dataset), "latent": applies.get("latent_dim"),
           "code shape": applies.get("code_shape"),
           "arch": config.architecture if SETTINGS["architecture"].applies(config.kind) else None,
           "neighbour W": applies.get("neighbour_weight", 0.0 if config.has_embedding else None),
           "β": config.beta if config.is_variational else None,
           "epochs": config.epochs, "batch": config.batch_size, "lr": config.learning_rate,
           "seed": config.seed, "noise": _noise(applies), "factors": _factors(applies),
           "train s": round(float(info.meta.get("train_seconds", 0.0)), 1),
           "devices": int(info.meta.get("replicas", 1)),
           "precision": "mixed float16" if info.meta.get("mixed_precision") else "float32",
           KNN_COLUMN: model.knn_accuracy, "PCA " + KNN_COLUMN: pca.knn_accuracy,
           TRUST_COLUMN: model.at("trustworthiness"), "MSE": model.reconstruction_mse,
           "PSNR dB": model.psnr, "PCA PSNR dB": pca.psnr, RATE_COLUMN: model.rate_nats,
           DISTORTION_COLUMN: model.distortion_nats, PRIOR_COLUMN: model.prior_mmd, "scored at": _conditions(scores)}
    if scores.superres is not None:
        row[GAIN_COLUMN] = scores.superres.gain_db
    return row


GAIN_COLUMN = "gain vs bicubic or Lanczos dB, mean over trained factors"
GROUP_COLUMN = "seed group"
KNN_COLUMN = "5-NN acc"
TRUST_COLUMN = f"trust k={scoresheet.DEFAULT_K}"


def _conditions(scores: Scores) -> str:
    """Where the MSE and PSNR columns were measured: a denoiser at one noise level, a
    super-resolution model at one factor; an embedding's reconstructions of clean images."""
    if scores.denoising is not None:
        return f"{scores.denoising.kind} noise σ = {scores.denoising.report_level:g}"
    if scores.superres is not None:
        factors = [row.factor for row in scores.superres.factors]
        span = f"×{min(factors)}–×{max(factors)}" if factors else "its factors"
        return f"×{scores.superres.summary_factor} (gain: mean over {span})"
    return "clean held-out images"


def _noise(settings: dict) -> str | None:
    return f"{settings['noise_kind']} up to {settings['noise_max']:g}" if "noise_kind" in settings else None


def _factors(settings: dict) -> str | None:
    factors = settings.get("upscale_factors")
    return ", ".join(f"×{f}" for f in factors) if factors else None


SIGNIFICANT_DIGITS = 3  # scores of one seed: more digits are noise


def _score(value) -> float | None:
    return None if value is None else float(f"{float(value):.{SIGNIFICANT_DIGITS}g}")


RATE_COLUMN, DISTORTION_COLUMN, PRIOR_COLUMN = "rate nats", "distortion nats", "prior MMD²"
SCORE_COLUMNS = (KNN_COLUMN, "PCA " + KNN_COLUMN, TRUST_COLUMN, "MSE", "PSNR dB", "PCA PSNR dB", GAIN_COLUMN,
                 RATE_COLUMN, DISTORTION_COLUMN, PRIOR_COLUMN)


def filter_runs(infos: list[RunInfo]) -> list[RunInfo]:
    """The runs of the kinds and datasets chosen in two multiselects drawn here (all at first;
    broken runs, which have neither, always stay listed so that they can be deleted)."""
    kinds = sorted({info.config.model for info in infos if info.config is not None})
    datasets = sorted({info.config.dataset for info in infos if info.config is not None})
    if len(kinds) < 2 and len(datasets) < 2:
        return infos
    left, right = st.columns(2)
    shown_kinds = _filter(left, "Kinds", kinds, "kinds")
    shown_datasets = _filter(right, "Datasets", datasets, "datasets", dataset_title)
    kept = [info for info in infos if info.config is None
            or (info.config.model in shown_kinds and info.config.dataset in shown_datasets)]
    if len(kept) < len(infos):
        st.caption(f"{len(kept)} of {len(infos)} runs shown.")
    return kept


def _filter(column, label: str, options: list[str], which: str, title=str) -> list[str]:
    """A multiselect of ``options`` (shown as ``title(option)``) that remembers what the person
    took *out*: a kind that leaves the store (its last run deleted) and comes back (restored) is
    shown again."""
    hidden = session.FILTER_HIDDEN(which).setdefault(set())
    if session.FILTER_OFFERED(which).get() != options:
        session.FILTER(which).set([option for option in options if option not in hidden])
        session.FILTER_OFFERED(which).set(options)
    shown = column.multiselect(label, options, key=session.FILTER(which).name, format_func=title, placeholder=f"Choose {label.lower()}")
    hidden.difference_update(options)
    hidden.update(option for option in options if option not in shown)
    return shown


def show(infos: list[RunInfo]) -> pd.DataFrame:
    """The runs table with ticking rows (they become the comparison) and its CSV download; returns
    the table. The run id stays in view while the wide table scrolls; a setting a kind does not
    have is blank."""
    table = runs_table(infos)
    sound = [info.run_id for info in infos if info.broken is None]
    st.dataframe(table, hide_index=True, key=session.RUNS_TABLE.name, placeholder="",
                 column_config={"run": st.column_config.TextColumn("run", pinned=True)},
                 on_select=lambda rows=list(table["run"]): compare_selected_rows(rows, sound),
                 selection_mode="multi-row")
    st.caption("Tick rows to compare those runs, or pick them below.")
    st.download_button("Download the table (CSV)", table.to_csv(index=False), "runs.csv", "text/csv", key="csv")
    return table


def runs_table(infos: list[RunInfo]) -> pd.DataFrame:
    """All runs, newest first; broken runs keep their id and reason. Scores to 3 significant
    digits. A run with other seeds of the same settings names its group (``group_names``)."""
    table = pd.DataFrame([_row(info) for info in infos])
    names = group_names(seed_groups(infos))
    named = [next((name for group, name in names if info.run_id in group.run_ids), None) for info in infos]
    table.insert(list(table.columns).index("seed") + 1 if "seed" in table else len(table.columns), GROUP_COLUMN, named)
    if "latent" in table:
        table["latent"] = table["latent"].astype("Int64")  # whole numbers, blank where none (CSV: 8, not 8.0)
    if "arch" in table:
        table["arch"] = table["arch"].astype("Int64")
    for column in SCORE_COLUMNS:
        if column in table:
            table[column] = table[column].map(_score)
    return table


def compare_selected_rows(rows: list[str], sound: list[str]) -> None:
    """``on_select`` of the run table: the ticked rows (``rows`` are the table's run ids in order)
    become the compared runs, broken ones left out; no tick leaves the comparison as it was."""
    picked = session.RUNS_TABLE.get().selection.rows
    chosen = [rows[i] for i in sorted(picked) if i < len(rows) and rows[i] in sound]
    if chosen:
        session.COMPARED.set(chosen)


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


# Scores of the runs themselves (not their PCA baselines) and which way is better.
HIGHER_IS_BETTER = {KNN_COLUMN: True, TRUST_COLUMN: True, "MSE": False, "PSNR dB": True, GAIN_COLUMN: True,
                    PRIOR_COLUMN: False}
BEST_MARK = " ★"
CONDITIONED = ("MSE", "PSNR dB", GAIN_COLUMN)  # measured where "scored at" says
ALWAYS_SHOWN = ("model", "dataset")  # what each column is, even when the runs share it


def comparison_table(table: pd.DataFrame, run_ids: list[str]) -> pd.DataFrame:
    """Rows of ``runs_table`` for ``run_ids`` turned on their side: one column per run, as text
    (a column of mixed settings and scores would print whole numbers as 2.0); missing is blank.

    With two runs or more, settings all of them share are left out (``shared_settings`` lists
    them) and the best value of each of the runs' own scores is marked with ★."""
    chosen = table[table["run"].isin(run_ids)].set_index("run").T
    text = chosen.apply(lambda column: column.map(_as_text))
    text = text[(text != "").any(axis=1)]  # a row blank for every run (no names given) says nothing
    if chosen.shape[1] < 2:
        return text
    same = set(shared_settings(table, run_ids))
    text = text.drop(index=[row for row in text.index if row in same])
    # Image scores measured under other conditions (a denoiser at σ = 0.3, a reconstruction of
    # clean images) are not one race: no ★ then.
    one_condition = "scored at" not in chosen.index or chosen.loc["scored at"].nunique() == 1
    for row, higher in HIGHER_IS_BETTER.items():
        if row not in chosen.index or (row in CONDITIONED and not one_condition):
            continue
        values = pd.to_numeric(chosen.loc[row], errors="coerce")
        if values.notna().sum() < 2 or values.nunique() < 2:
            continue
        best = values.max() if higher else values.min()
        for run in values.index[values == best]:
            text.loc[row, run] += BEST_MARK
    return text


def shared_settings(table: pd.DataFrame, run_ids: list[str]) -> dict[str, str]:
    """Settings (not scores, not ``ALWAYS_SHOWN``) with one value across ``run_ids``, as text."""
    chosen = table[table["run"].isin(run_ids)].set_index("run").T
    scores = set(SCORE_COLUMNS) | {"scored at", "status", "created", "train s", "name", GROUP_COLUMN}
    shared = {}
    for row in chosen.index:
        if row in scores or row in ALWAYS_SHOWN:
            continue
        values = {_as_text(value) for value in chosen.loc[row]}
        if len(values) == 1:
            shared[row] = values.pop()
    return shared


def _as_text(value) -> str:
    if value is None or (not isinstance(value, (list, tuple, str)) and pd.isna(value)):  # None, NaN, NA
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


# The table's score columns as the dotted names of ``scores.flat_scores`` (what a group spreads).
SCORE_NAMES = {KNN_COLUMN: "model.knn_accuracy", "PCA " + KNN_COLUMN: "pca.knn_accuracy",
               TRUST_COLUMN: f"model.trustworthiness.{scoresheet.DEFAULT_K}", "MSE": "model.reconstruction_mse",
               "PSNR dB": "model.psnr", "PCA PSNR dB": "pca.psnr", GAIN_COLUMN: "superres.gain_db"}


def group_names(groups: list[SeedGroup]) -> list[tuple[SeedGroup, str]]:
    """Each group with its short name: a letter, then its seeds (``A: seeds 0, 1, 2``)."""
    return [(group, f"{chr(ord('A') + i) if i < 26 else i + 1}: seeds {', '.join(map(str, group.seeds))}")
            for i, group in enumerate(groups)]


def groups_table(infos: list[RunInfo], only: list[str] | None = None) -> pd.DataFrame:
    """One row per seed group of ``infos`` (those holding a run of ``only``, when given): its
    name, kind, dataset, code size, and each score's mean and spread over the group's seeds, as text."""
    rows = []
    for group, name in group_names(seed_groups(infos)):
        if only is not None and not set(only) & set(group.run_ids):
            continue
        settings = group.config.to_dict()
        row = {GROUP_COLUMN: name, "model": group.config.model, "dataset": dataset_title(group.config.dataset),
               "latent": settings.get("latent_dim"), "epochs": group.config.epochs, "runs": len(group.run_ids)}
        for column, score in SCORE_NAMES.items():
            if score in group.scores:
                row[column] = group.scores[score].text()
        rows.append(row)
    return pd.DataFrame(rows)
