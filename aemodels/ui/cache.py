"""Cached loaders. Every key includes the store's folder (``home``) so stores never mix.

``st.cache_data`` holds arrays (copied out on every hit, so callers may change them);
``st.cache_resource`` holds read-only inference bundles, keyed by run id: nothing here or in a
page ever fits or trains a cached object.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from aemodels import datasets
from aemodels.datasets import Dataset


@st.cache_data(max_entries=4, show_spinner="Loading the dataset…")
def dataset(name: str, home: str) -> Dataset:
    """The dataset ``name`` (uint8 images (N, H, W, C))."""
    return datasets.load_dataset(name)


@st.cache_data(max_entries=8, show_spinner=False)
def test_split(name: str, seed: int, test_fraction: float, home: str) -> tuple[np.ndarray, np.ndarray]:
    """Held-out uint8 images (N, H, W, C) and int labels (N,) of a config's split."""
    split = dataset(name, home).split(seed, test_fraction)
    return split.x_test, split.y_test


@st.cache_resource(max_entries=4, show_spinner="Loading the model…")
def bundle(run_id: str, home: str):
    """The run's ``ModelBundle`` for inference only (never trained further), traced, with the
    process's long-lived objects frozen afterwards (``gc_tax``)."""
    from aemodels import inference
    from aemodels.runs import RunStore
    from aemodels.ui import gc_tax

    loaded = RunStore().load_bundle(run_id)
    inference.warm_up(loaded)
    gc_tax.settle()
    return loaded


@st.cache_data(max_entries=4, show_spinner="Encoding the held-out images…")
def embedding_views(run_id: str, home: str) -> dict[str, np.ndarray]:
    """Held-out codes of a run and of PCA, both as 2-D views.

    Returns ``codes`` (N, latent_dim), ``model_2d`` (N, 2; the codes themselves for a 2-D
    latent, else their PCA), ``pca_2d`` (N, 2; PCA of pixels fitted on the training split).
    """
    from sklearn.decomposition import PCA

    from aemodels import inference
    from aemodels.datasets import to_float
    from aemodels.runs import RunStore

    config = RunStore().get(run_id).config
    split = dataset(config.dataset, home).split(config.seed, config.test_fraction)
    codes = inference.encode(bundle(run_id, home), to_float(split.x_test))
    if codes.shape[1] == 2:
        model_2d = codes
    else:
        model_2d = PCA(2, random_state=config.seed).fit_transform(codes).astype(np.float32)
    # The randomized solver finds the same two leading components several times faster.
    pixels = PCA(2, svd_solver="randomized", random_state=config.seed).fit(to_float(split.x_train).reshape(len(split.x_train), -1))
    pca_2d = pixels.transform(to_float(split.x_test).reshape(len(split.x_test), -1)).astype(np.float32)
    return {"codes": codes, "model_2d": model_2d, "pca_2d": pca_2d}


@st.cache_data(max_entries=16, show_spinner="Scoring the model and the filters…")
def denoising_scores(run_id: str, home: str, kind: str, level: float, images: int = 200) -> dict:
    """``evaluation.denoising_scores`` on the first ``images`` held-out images."""
    from aemodels import evaluation
    from aemodels.datasets import to_float
    from aemodels.runs import RunStore

    config = RunStore().get(run_id).config
    x_test, _ = test_split(config.dataset, config.seed, config.test_fraction, home)
    return evaluation.denoising_scores(bundle(run_id, home), to_float(x_test[:images]), kind, level, config.seed)
