"""Cached loaders. The key of a run's data names whose run it is (``run_key``, from
``state.run_key``: the folder of the store that holds it), so a session is never served a run
its store does not hold; data every store shares (datasets, splits) is keyed on the home folder.

``st.cache_data`` holds arrays (copied out on every hit, so callers may change them);
``st.cache_resource`` holds read-only inference bundles, keyed by run id: nothing here or in a
page ever fits or trains a cached object.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from aemodels.data import datasets
from aemodels.data.datasets import Dataset
from aemodels.data.splits import Split
from aemodels.scoring.baselines import FAMILIES as FILTER_FAMILIES
from aemodels.scoring.baselines import filter_name
from aemodels.scoring.scores import Scores
from aemodels.ui import state


@st.cache_data(max_entries=4, show_spinner="Loading the dataset…")
def dataset(name: str, home: str) -> Dataset:
    """The dataset ``name`` (uint8 images (N, H, W, C))."""
    return datasets.load_dataset(name)


def held_out(split: Split, home: str) -> tuple[np.ndarray, np.ndarray]:
    """Held-out uint8 images (N, H, W, C) and int labels (N,) of ``split`` (one cache entry for
    every split with the same held-out part)."""
    return _held_out(split.held_out, home)


@st.cache_data(max_entries=8, show_spinner=False)
def _held_out(split: Split, home: str) -> tuple[np.ndarray, np.ndarray]:
    images = split.images(dataset(split.dataset, home))
    return images.x_test, images.y_test


@st.cache_data(max_entries=4, show_spinner=False)
def pca_map(config, images: int, home: str) -> tuple[np.ndarray, np.ndarray]:
    """PCA's 2-D map of the first ``images`` held-out images of a ``TrainConfig``'s split: points
    (images, 2) and int labels (images,); PCA fitted on the config's training images
    (``Split``), as for the scores."""
    from aemodels.scoring.projections import PCAProjection

    split = Split.of(config).images(dataset(config.dataset, home))
    pca = PCAProjection(2, config.seed).fit(split.x_train)
    return pca.transform(split.x_test[:images]), split.y_test[:images]


@st.cache_resource(max_entries=4, show_spinner="Loading the model…")
def bundle(run_id: str, run_key: str):
    """The run's ``ModelBundle`` for inference only (never trained further), traced, with the
    process's long-lived objects frozen afterwards (``gc_tax``)."""
    from aemodels import native_log
    from aemodels.models import inference
    from aemodels.ui import gc_tax

    native_log.import_tensorflow()
    loaded = state.store().load_bundle(run_id)
    inference.warm_up(loaded)
    gc_tax.settle()
    return loaded


@st.cache_data(max_entries=4, show_spinner="Encoding the held-out images…")
def embedding_views(run_id: str, run_key: str):
    """The run's ``views.EmbeddingViews``: read from the run, or its held-out images' views
    computed the same way for a run saved without them (``training_maps`` adds the training
    images' when asked)."""
    from aemodels.scoring import evaluation

    store = state.store()
    config = state.run_info(run_id).config
    x_test, _ = held_out(Split.of(config), state.home_key())
    saved = store.views(run_id, len(x_test))
    return saved if saved is not None else evaluation.embedding_views(bundle(run_id, run_key), dataset(config.dataset, state.home_key()))


@st.cache_data(max_entries=2, show_spinner="Encoding the training images…")
def training_maps(run_id: str, run_key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The training images' points on the model's map and PCA's, (M, 2) each, and their int
    labels (M,): saved with the run, or computed for a run saved without them."""
    from aemodels.scoring import evaluation

    config = state.run_info(run_id).config
    data = dataset(config.dataset, state.home_key())
    labels = Split.of(config).images(data).y_train
    views = embedding_views(run_id, run_key)
    if len(views.train_model_2d) != len(labels):  # none saved, or not this run's (a damaged file)
        views = evaluation.with_training_maps(bundle(run_id, run_key), views, data)
    return views.train_model_2d, views.train_pca_2d, labels


@st.cache_data(max_entries=64, show_spinner="Scoring the model and the filters…")
def denoising_scores(run_id: str, run_key: str, kind: str, level: float, images: int = 200) -> dict:
    """``tasks.denoising.denoising_scores`` on the first ``images`` held-out images, the filters' settings
    chosen on the last training images (as when the run was scored)."""
    from aemodels.data.datasets import to_float
    from aemodels.scoring import baselines
    from aemodels.tasks.denoising import denoising_scores as score_level

    info = state.run_info(run_id)
    config = info.config
    x_test, _ = held_out(Split.of(config), state.home_key())
    names = saved_filter_choice(info.scores, kind, level) or filter_choice(Split.of(config), kind, level,
                                                                            state.home_key())
    chosen = {family: baselines.by_name(name) for family, name in names.items()}
    return score_level(bundle(run_id, run_key), to_float(x_test[:images]), None, kind, level, config.seed,
                       chosen=chosen)


def saved_filter_choice(scores: Scores, kind: str, level: float) -> dict[str, str] | None:
    """Family → filter name chosen when the run was scored, at ``level`` of ``kind`` noise (the same
    validation images and seed ``filter_choice`` uses); None where the run's curve has no such
    level, or predates the four families."""
    if scores.denoising is None or scores.denoising.kind != kind:
        return None
    point = scores.denoising.at(level)
    if point is None or set(point.filters) != set(FILTER_FAMILIES):
        return None
    return {family: filter_name(family, point.filters[family]["setting"]) for family in FILTER_FAMILIES}


@st.cache_data(max_entries=256, show_spinner="Choosing the classical filters' settings…")
def filter_choice(split: Split, kind: str, level: float, home: str) -> dict[str, str]:
    """Family → the name of its best filter at ``level`` of ``kind`` noise, chosen on the last
    training images of ``split``. Shared by every run and visitor on that split: it costs 0.6–1 s
    (non-local means and total variation at every setting)."""
    from aemodels.data.datasets import to_float
    from aemodels.scoring import baselines

    validation = split.images(dataset(split.dataset, home)).x_train[-baselines.VALIDATION_IMAGES:]
    return {family: chosen.name
            for family, chosen in baselines.choose(to_float(validation), kind, level, split.seed).items()}


@st.cache_resource(max_entries=4, show_spinner=False)
def pixel_pca(run_id: str, run_key: str):
    """The run's PCA baseline (``evaluation.pixel_pca``), fitted on its training images; read only."""
    from aemodels.scoring import evaluation

    config = state.run_info(run_id).config
    return evaluation.pixel_pca(config, dataset(config.dataset, state.home_key()))


@st.cache_data(max_entries=16, show_spinner="Running the compared models on the same images…")
def examples(run_id: str, run_key: str, count: int):
    """The run's ``tasks.task.Examples`` on the first ``count`` held-out images of its split."""
    from aemodels.data.datasets import to_float
    from aemodels.data.splits import Split
    from aemodels.tasks.registry import task_of

    info = state.store().get(run_id)
    images, labels = held_out(Split.of(info.config), state.home_key())
    return task_of(info.config).examples(bundle(run_id, run_key), to_float(images[:count]), labels[:count], info.config,
                                         info.scores)


@st.cache_data(max_entries=4, show_spinner=False)
def forming(run_id: str, run_key: str):
    """The run's ``forming.Forming`` (codes of every epoch), or None for a run saved without it."""

    store = state.store()
    config = state.run_info(run_id).config
    x_test, _ = held_out(Split.of(config), state.home_key())
    return store.forming(run_id, len(x_test))


@st.cache_data(max_entries=8, show_spinner="Scoring the map of every epoch…")
def forming_curve(run_id: str, run_key: str):
    """``metrics.forming_curve`` of the run's saved frames (None without them): computed on the
    first look, not on training, so that it adds nothing to a training's wait."""
    from aemodels.data.datasets import to_float
    from aemodels.scoring.metrics import forming_curve as curve

    frames = forming(run_id, run_key)
    if frames is None:
        return None
    config = state.run_info(run_id).config
    x_test, y_test = held_out(Split.of(config), state.home_key())
    n = frames.maps.shape[1]
    labelled = dataset(config.dataset, state.home_key()).is_labelled
    return curve(frames.maps, to_float(x_test[:n]), y_test[:n] if labelled else None)


@st.cache_data(max_entries=4, show_spinner="Scoring PCA at every code size…")
def pca_curve(config, home: str):
    """``curve.pca_curve`` of a ``TrainConfig``'s data and split, at ``curve.SWEEP_SIZES``."""
    from aemodels.scoring import curve

    return curve.pca_curve(config, dataset(config.dataset, home))
