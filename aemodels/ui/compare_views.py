"""The comparison on the Runs screen: the runs chosen, their settings and scores side by side,
their loss curves, their 2-D maps side by side, and one setting against one score."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from aemodels.data.datasets import dataset_title, to_float
from aemodels.data.splits import Split
from aemodels.scoring.seed_groups import SD_FROM
from aemodels.store.run_folder import RunInfo
from aemodels.tasks.registry import task_of
from aemodels.ui import cache, seed_views, session, state
from aemodels.ui.errors import user_errors
from aemodels.ui.figures import charts, maps
from aemodels.ui.images import image_grid
from aemodels.ui.run_table import (
    DISTORTION_COLUMN,
    GROUP_COLUMN,
    RATE_COLUMN,
    SCORE_COLUMNS,
    comparison_table,
    default_comparison,
    shared_settings,
)

EXAMPLE_IMAGES = 8
MAPS_PER_ROW = 3  # a map is about 300 px wide in the main column at 1400 px: readable
SETTING_COLUMNS = ("latent", "neighbour W", "β", "epochs", "batch", "lr", "seed", "train s")


def comparison(table: pd.DataFrame, infos: list[RunInfo]) -> None:
    """A picker of runs to compare (the sound ones of ``infos``; at first the current run and the
    newest other of its kind and dataset), then everything that compares them."""
    sound = [info.run_id for info in infos if info.broken is None]
    if session.COMPARED.present:  # runs the filter hides leave the comparison
        session.COMPARED.set([run_id for run_id in session.COMPARED.get() if run_id in sound])
    default = None if session.COMPARED.present else default_comparison(infos, state.current_run_id())
    compared = st.multiselect("Compare runs", sound, default=default,
                              key=session.COMPARED.name, help="At first the current run and the newest other run of its kind "
                                                  "and dataset.")
    if not compared:
        return
    chosen = [info for info in infos if info.run_id in compared]
    st.dataframe(comparison_table(table, compared), key="compare_table", placeholder="", height="content",
                 column_config={"_index": st.column_config.Column(width="medium")})  # every row, whole names
    same = {name: value for name, value in shared_settings(table, compared).items() if value}
    seed_views.compared_groups(infos, compared)
    if len(compared) > 1:
        st.caption("★ marks the best value of each score. "
                   + ("Same in all: " + ", ".join(f"{name} {value}" for name, value in same.items()) + "."
                      if same else "No setting is shared by all of them."))
    log_y = st.checkbox("Log scale", key="compare_log")
    st.plotly_chart(charts.compare_losses({i.run_id: i.history for i in chosen},
                                         {i.run_id: task_of(i.config).loss_words(i.config) for i in chosen}, log_y),
                    key="compare_chart")
    with user_errors():
        side_by_side(chosen)
    with user_errors():
        images_across(chosen)
    parameter_against_score(table, compared)


RATE_DISTORTION_WORDS = (
    "Each point is a VAE run: across, its rate, how many nats its codes carry about each image (the KL term); up, "
    "its distortion, how many nats its reconstructions miss by (the summed cross-entropy). β trades one for the "
    "other: a higher β moves a run left and up (codes that carry less and fill the prior more evenly, blurrier "
    "reconstructions), a lower β right and down (sharper images, a latent space with holes). Dotted lines join "
    "points of equal negative ELBO, rate + distortion; runs nearer the lower left do better at both. A cvae is "
    "told each image's class for free, so at the same rate it rebuilds its images better than a vae can.")


def rate_distortion_plane(table: pd.DataFrame) -> None:
    """The rate–distortion plane of the VAE runs in ``table`` (the runs table), of one dataset
    (distortion is summed over pixels, so datasets of other image sizes do not compare)."""
    rows = table.dropna(subset=[RATE_COLUMN, DISTORTION_COLUMN]) if RATE_COLUMN in table else table.iloc[0:0]
    if rows.empty:
        return
    st.subheader("Rate and distortion of the VAE runs")
    datasets = list(rows["dataset"].value_counts().index)
    if len(datasets) > 1:
        chosen = st.selectbox("Dataset", datasets, key="rate_distortion_dataset")
        rows = rows[rows["dataset"] == chosen]
    st.plotly_chart(charts.rate_distortion(rows), key="rate_distortion")
    st.caption(RATE_DISTORTION_WORDS)


def same_images(infos: list[RunInfo]) -> list[RunInfo]:
    """The largest group of embedding runs among ``infos`` that map the same held-out images (same
    dataset, seed and test fraction), newest first."""
    groups: dict[tuple, list[RunInfo]] = {}
    for info in infos:
        if info.broken is None and info.config.has_embedding:
            config = info.config
            groups.setdefault(Split.of(config).held_out, []).append(info)
    return max(groups.values(), key=len, default=[])


def images_across(infos: list[RunInfo]) -> None:
    """The first ``EXAMPLE_IMAGES`` held-out images through each chosen run that holds them out
    (the largest such group), with what each was given and its classical baseline."""
    groups: dict[tuple, list[RunInfo]] = {}
    for info in infos:
        if info.broken is None:
            groups.setdefault(Split.of(info.config).held_out, []).append(info)
    group = max(groups.values(), key=len, default=[])
    if not group:
        return
    st.subheader("The same images through each run")
    if not st.toggle(f"Run the first {EXAMPLE_IMAGES} held-out images through each compared run", key="compare_images",
                     help="Loads each compared model and runs it: a few seconds the first time."):
        return
    config = group[0].config
    images, _ = cache.held_out(Split.of(config), state.home_key())
    rows = [("The held-out images", to_float(images[:EXAMPLE_IMAGES]))]
    shown = set()
    for info in group:
        examples = cache.examples(info.run_id, state.run_key(info.run_id), EXAMPLE_IMAGES)
        label = f"{info.name or info.config.model} · {info.run_id[-6:]}"
        if examples.given is not None and examples.given_name not in shown:
            rows.append((f"Given to the model: {examples.given_name}", examples.given))
            shown.add(examples.given_name)
        rows.append((f"{label}: what it made of them", examples.output))
        baseline = examples.baseline_name + (f", from the same {examples.given_name}" if examples.given is not None else "")
        if baseline not in shown:
            rows.append((f"Baseline: {baseline}", examples.baseline))
            shown.add(baseline)
    image_grid(rows)
    left_out = [info.run_id for info in infos if info.broken is None and info not in group]
    st.caption(f"The first {EXAMPLE_IMAGES} held-out images of {dataset_title(config.dataset)} (seed {config.seed}), "
               "the same for every run here, each under the conditions its scores name."
               + (f" Left out, because they hold out other images: {', '.join(left_out)}." if left_out else ""))


def side_by_side(infos: list[RunInfo]) -> None:
    """The maps of the chosen runs that share their held-out images, with PCA's, in the classes'
    colours, ``MAPS_PER_ROW`` to a row; names the runs left out and why."""
    group = same_images(infos)
    if not group:
        return
    st.subheader("Their maps of the same held-out images")
    config, home = group[0].config, state.home_key()
    _, labels = cache.held_out(Split.of(config), home)
    names = cache.dataset(config.dataset, home).class_names
    shown = [(f"{info.name or info.config.model} · {info.run_id[-6:]}", info.run_id, "model_2d") for info in group]
    shown.append(("PCA of the pixels", group[0].run_id, "pca_2d"))
    for start in range(0, len(shown), MAPS_PER_ROW):
        for column, (title, run_id, which) in zip(st.columns(MAPS_PER_ROW), shown[start:start + MAPS_PER_ROW]):
            figure = maps.embedding_scatter(getattr(cache.embedding_views(run_id, state.run_key(run_id)), which), labels, names, title)
            figure.update_layout(showlegend=which == "pca_2d", legend=dict(orientation="h", y=-0.15))
            column.plotly_chart(figure, key=f"compare_map_{run_id}" if which == "model_2d" else "compare_map_pca")
    caption = (f"{len(labels):,} held-out images of {dataset_title(config.dataset)} (seed {config.seed}), the same in "
               "every map, coloured by class (the legend is under PCA's map).")
    other_split = [info.run_id for info in infos
                   if info.broken is None and info.config.has_embedding and info not in group]
    no_map = [info.run_id for info in infos if info.broken is None and not info.config.has_embedding]
    if other_split:
        caption += f" Left out, because they map other data or another split: {', '.join(other_split)}."
    if no_map:
        caption += f" Left out, because their kind makes no 2-D map: {', '.join(no_map)}."
    st.caption(caption)


def parameter_against_score(table: pd.DataFrame, run_ids: list[str]) -> None:
    """A scatter of one setting against one score over ``run_ids`` (rows of ``runs_table``)."""
    chosen = table[table["run"].isin(run_ids)]
    settings = [c for c in SETTING_COLUMNS if c in chosen and chosen[c].notna().any()]
    scores = [c for c in SCORE_COLUMNS if c in chosen and chosen[c].notna().any()]
    if len(chosen) < 2 or not settings or not scores:
        return
    st.subheader("A setting against a score")
    left, right = st.columns(2)
    x = left.selectbox("Setting", settings, key="compare_setting")
    y = right.selectbox("Score", scores, key="compare_score")
    st.plotly_chart(charts.parameter_scatter(chosen, x, y), key="compare_scatter")
    if chosen[GROUP_COLUMN].notna().any():
        st.caption("A diamond is a seed group's mean over its compared runs, with ± the standard deviation "
                   f"({SD_FROM} runs or more) or the range of 2; its runs are the faint points.")
