"""Latent explorer: decode points of a VAE's latent space live."""

import numpy as np
import streamlit as st

from aemodels import inference, plots
from aemodels.kinds import Screen
from aemodels.datasets import to_float
from aemodels.ui import cache, state
from aemodels.ui.errors import user_errors
from aemodels.ui.images import image_row, image_grid
from aemodels.ui.latent import manifold
from aemodels.ui.runs import require_run, run_label
from aemodels.ui.verdict import warn_if_beaten
from aemodels.ui.timing import timed
from aemodels.ui.entry import require_app

require_app(__file__)

MAX_SLIDERS = 8
GRID_SIDE = 15
INTERPOLATION_STEPS = 8
SAMPLES = 10

st.title("Latent explorer")
st.write("A VAE learns codes that follow a standard normal distribution, its prior, so any point near "
         "the centre of its latent space decodes to a plausible image. Move through that space here.")

info = require_run(Screen.LATENT)


@st.fragment
@timed("latent_sliders")
def sliders_view(run_id: str) -> None:
    """One slider per latent coordinate, in the prior's units: 0 is the prior's centre, 1 its
    standard deviation (a VAE's codes are trained towards N(0, 1))."""
    home = state.home_key()
    codes = cache.embedding_views(run_id, home).codes
    data_mean = codes.mean(axis=0)
    shown = min(MAX_SLIDERS, codes.shape[1])
    st.subheader("Move one coordinate at a time")
    left, right = st.columns([2, 1])
    with left:
        z = np.zeros(codes.shape[1], np.float32)
        for i in range(shown):
            z[i] = st.slider(f"z{i + 1}", -3.0, 3.0, 0.0, 0.1, key=f"z_{i}",
                             help=f"In the prior's standard deviations; the held-out images' codes "
                                  f"average {data_mean[i]:.2f} here.")
        st.caption("0 is the prior's centre. The held-out images' codes average ("
                   + ", ".join(f"{value:.2f}" for value in data_mean[:shown]) + ").")
        if codes.shape[1] > shown:
            st.caption(f"The other {codes.shape[1] - shown} coordinates stay at 0.")
    with right:
        image = inference.decode(cache.bundle(run_id, home), z[None])[0]
        image_row([image], ["decoded from z = (" + ", ".join(f"{value:.1f}" for value in z[:shown])
                            + (", …" if codes.shape[1] > shown else "") + ")"])


def manifold_view(run_id: str, latent_dim: int) -> None:
    """The decoded grid over two coordinates with the held-out codes behind it."""
    config = state.store().get(run_id).config
    home = state.home_key()
    data = cache.dataset(config.dataset, home)
    _, y_test = cache.test_split(config.dataset, config.seed, config.test_fraction, home)
    codes = cache.embedding_views(run_id, home).codes
    st.subheader("The decoded grid")
    dims = (0, 1 if latent_dim > 1 else 0)
    if latent_dim > 2:
        st.caption("Over z1 and z2, the other coordinates at their mean.")
    grid, extent = manifold(run_id, home, GRID_SIDE, dims, 2.5)
    st.plotly_chart(plots.manifold_figure(grid, extent, codes[:, list(dims)], y_test, data.class_names),
                    key="manifold")


def interpolation_view(run_id: str) -> None:
    """Decode evenly spaced codes between two chosen held-out images."""
    config = state.store().get(run_id).config
    home = state.home_key()
    x_test, _ = cache.test_split(config.dataset, config.seed, config.test_fraction, home)
    bundle = cache.bundle(run_id, home)
    st.subheader("Interpolate between two held-out images")
    a, b = st.columns(2)
    first = a.number_input("First image (index)", 0, len(x_test) - 1, 0, key="interp_a")
    second = b.number_input("Second image (index)", 0, len(x_test) - 1, min(1, len(x_test) - 1), key="interp_b")
    ends = inference.encode(bundle, to_float(x_test[[first, second]]))
    steps = np.linspace(0, 1, INTERPOLATION_STEPS)[:, None]
    path = inference.decode(bundle, ((1 - steps) * ends[0] + steps * ends[1]).astype(np.float32))
    image_grid([("from the first image to the second, decoded along a straight line in latent space", path)],
               INTERPOLATION_STEPS)


@st.fragment
def samples_view(run_id: str) -> None:
    """Decode codes drawn from the prior N(0, I)."""
    bundle = cache.bundle(run_id, state.home_key())
    st.subheader("Random samples from the prior")
    if st.button("Draw new samples", key="resample"):
        st.session_state["sample_seed"] = st.session_state.get("sample_seed", 0) + 1
    rng = np.random.default_rng(st.session_state.get("sample_seed", 0))
    codes = rng.standard_normal((SAMPLES, bundle.decoder.input_shape[-1])).astype(np.float32)
    image_grid([("codes drawn from a standard normal distribution", inference.decode(bundle, codes))], SAMPLES)


if info is not None:
    st.caption(f"Run: {run_label(info)}")
    warn_if_beaten(info)
    with user_errors():
        sliders_view(info.run_id)
        manifold_view(info.run_id, info.config.latent_dim)
        interpolation_view(info.run_id)
        samples_view(info.run_id)
