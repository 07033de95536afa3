"""Arrays the latent explorer needs: held-out codes and their spread, a decoded grid."""

from __future__ import annotations

import numpy as np
import streamlit as st

from aemodels.ui import cache


@st.cache_data(max_entries=4, show_spinner="Decoding the grid…")
def manifold(run_id: str, home: str, side: int, dims: tuple[int, int], spread: float) -> tuple[np.ndarray, tuple]:
    """``side``×``side`` decoded images over two latent coordinates, the others at their mean.

    Returns (grid (side, side, H, W, C) in [0, 1] with row 0 at the lowest z value of ``dims[1]``,
    extent (x_min, x_max, y_min, y_max) in latent units). The grid spans ±``spread`` standard
    deviations of the held-out codes around their mean, decoded in one batched call.
    """
    from aemodels import inference

    codes = cache.embedding_views(run_id, home).codes
    mean, std = codes.mean(axis=0), codes.std(axis=0) + 1e-6
    a, b = dims
    xs = np.linspace(mean[a] - spread * std[a], mean[a] + spread * std[a], side)
    ys = np.linspace(mean[b] - spread * std[b], mean[b] + spread * std[b], side)
    grid_codes = np.tile(mean, (side * side, 1)).astype(np.float32)
    yy, xx = np.meshgrid(ys, xs, indexing="ij")
    grid_codes[:, a], grid_codes[:, b] = xx.ravel(), yy.ravel()
    images = inference.decode(cache.bundle(run_id, home), grid_codes)
    return images.reshape(side, side, *images.shape[1:]), (xs[0], xs[-1], ys[0], ys[-1])
