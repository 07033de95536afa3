"""The "On other data" section of the result screens: the run tried on another dataset beside its
own (the lesson's "data-specific" property, measured), and every run of the store tried so far."""

from __future__ import annotations

import numpy as np
import streamlit as st

from aemodels.data.datasets import NAMED_DATASETS, dataset_title, to_float
from aemodels.errors import AemodelsError, RunStoreError
from aemodels.store import elsewhere_scores
from aemodels.store.run_folder import RunInfo
from aemodels.tasks.other_data import Elsewhere, matched_split, matching
from aemodels.tasks.registry import task_of
from aemodels.ui import cache, state
from aemodels.ui.errors import one_line
from aemodels.ui.guard import run_fragment
from aemodels.ui.images import image_row

SHOWN = 3
DATA_SPECIFIC = ("An autoencoder learns the data it is trained on: what it restores or rebuilds is what it saw. "
                 "Try this run on other data, scored the same way against the same kind of baseline, and see how "
                 "much of its margin is left.")


def _gain_words(gain: float | None) -> str:
    return "not scored" if gain is None else f"{gain:+.2f} dB"


def _candidates(info: RunInfo) -> list[str]:
    """The named datasets this run can be tried on now (on this machine, matchable, not its own),
    those of the run's own image shape first. A download is not offered: this reruns with the
    section, and asking the network each time would stall it offline."""
    shape = tuple(info.meta["image_shape"])
    names = []
    for name, named in NAMED_DATASETS.items():
        if not named.available():
            continue
        try:
            matching(info.config, shape, name, named.image_shape)
        except AemodelsError:
            continue
        names.append(name)
    return sorted(names, key=lambda name: NAMED_DATASETS[name].image_shape != shape)


@run_fragment
def section(run_id: str) -> None:
    """Pick another dataset, score the run there (once: the result is kept with the run), and show
    the run's own images and the other data's through the model and its baseline, with the margin."""
    info = state.run_info(run_id)
    st.subheader("On other data")
    st.write(DATA_SPECIFIC)
    names = _candidates(info)
    if not names:
        st.caption("No other dataset here has images this run can take.")
        return
    tried = elsewhere_scores.read(state.store(), run_id)
    other = st.selectbox("Try it on", names, format_func=dataset_title, key="other_data",
                         index=next((i for i, name in enumerate(names) if name in tried), 0))
    if other not in tried:
        ask = st.empty()
        with ask.container():
            st.caption(f"Scoring takes a few seconds to a minute; the result is kept with the run. The same from a "
                       f"terminal: `python -m aemodels evaluate {run_id} --on {other}`.")
            clicked = st.button(f"Score it on {dataset_title(other)}", key="score_elsewhere")
        if clicked:
            with st.spinner(f"Scoring the run on {dataset_title(other)}…"):
                try:
                    tried[other] = _score(run_id, other)
                except AemodelsError as exc:
                    st.error(one_line(exc))
                    return
            ask.empty()
    if other in tried:
        _side_by_side(info, tried[other])
    _table()


def _score(run_id: str, other: str) -> Elsewhere:
    from aemodels.tasks.other_data import score_on

    info = state.run_info(run_id)
    result = score_on(cache.bundle(run_id, state.run_key(run_id)), cache.dataset(other, state.home_key()), info.scores)
    elsewhere_scores.save(state.store(), run_id, result)
    return result


def _side_by_side(info: RunInfo, result: Elsewhere) -> None:
    """Two columns: the run's own held-out images and the other data's, through the model and the baseline."""
    task = task_of(info.config)
    own, there = st.columns(2)
    with own:
        st.markdown(f"**Its own data, {dataset_title(info.config.dataset)}:** {_gain_words(result.own_gain_db)} "
                    "over the baseline")
        _examples_rows(cache.examples(info.run_id, state.run_key(info.run_id), SHOWN))
    with there:
        st.markdown(f"**{dataset_title(result.dataset)}:** {_gain_words(result.gain_db)} over the baseline")
        _examples_rows(_other_examples(info.run_id, state.run_key(info.run_id), result.dataset, result.scored_at))
    st.caption(f"Baseline: {task.baseline}. {dataset_title(result.dataset)}'s images: {result.matching}, split with "
               f"the run's seed; {result.scores.test_images} held-out images scored.")


def _examples_rows(examples) -> None:
    for i in range(min(SHOWN, len(examples.output))):
        images = ([examples.given[i]] if examples.given is not None else []) + [examples.baseline[i],
                                                                                examples.output[i]]
        captions = ([examples.given_name.split(" (")[0]] if examples.given is not None else []) + [
            examples.baseline_name, "model"]
        image_row(images, captions)


@st.cache_data(max_entries=8, show_spinner="Running the model on the other data…")
def _other_examples(run_id: str, run_key: str, other: str, scored_at: float):
    """The run's ``Examples`` on the first held-out images of ``other``, matched to its shape,
    under the conditions of its scores there (``scored_at`` keys a rescore)."""
    info = state.run_info(run_id)
    result = elsewhere_scores.read(state.store(), run_id).get(other)
    if result is None:
        raise RunStoreError(f"The scores of run {run_id} on '{dataset_title(other)}' are gone (the run was changed "
                            "elsewhere): score it again.")
    data = cache.dataset(other, state.home_key())
    how = matching(info.config, tuple(info.meta["image_shape"]), other, data.image_shape, data.class_names)
    split = matched_split(info.config, data, how)
    return task_of(info.config).examples(cache.bundle(run_id, run_key), to_float(split.x_test[:SHOWN]),
                                         split.y_test[:SHOWN], info.config, result.scores)


def _table() -> None:
    """Every run of the store tried on other data: its margin on its own data and on each other."""
    rows = []
    for info in state.runs():
        if info.broken:
            continue
        tried = elsewhere_scores.read(state.store(), info.run_id)
        if not tried:
            continue
        own = next(iter(tried.values())).own_gain_db
        row = {"run": info.name or info.run_id, "model": info.config.model, "trained on": info.config.dataset,
               info.config.dataset: _round(own)}
        row.update({name: _round(result.gain_db) for name, result in tried.items()})
        rows.append(row)
    if rows:
        st.markdown("**Every run tried on other data**: dB over its baseline on each dataset, its own included "
                    "(the one it was trained on)")
        st.dataframe(_aligned(rows), hide_index=True, width="stretch")


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _aligned(rows: list[dict]) -> list[dict]:
    columns = ["run", "model", "trained on"]
    for row in rows:
        columns += [key for key in row if key not in columns]
    return [{column: row.get(column, np.nan) for column in columns} for row in rows]
