"""Latent explorer: drive the decoder live, by sliders or a click on the latent map."""

import streamlit as st

from aemodels.data.splits import Split
from aemodels.kinds import Screen
from aemodels.ui import cache, latent, state
from aemodels.ui.entry import require_app
from aemodels.ui.guard import run_guard
from aemodels.ui.runs import require_run, run_label
from aemodels.ui.screens import show_heading
from aemodels.ui.verdict import warn_if_beaten

require_app(__file__)

show_heading(__file__)
VARIATIONAL = ("A VAE learns codes that follow a standard normal distribution, its prior: its KL term pulls every "
               "image's code towards the centre, so the space between the classes is filled and any point near "
               "the centre decodes to a plausible image. Move through that space here.")
PLAIN = ("A plain autoencoder's decoder can be driven too, but nothing taught it what lies *between* the codes of "
         "its training images: the holes between the class clusters decode to blurs and blends that are no "
         "digit. A VAE fills them, because its KL term pulls all codes into one normal distribution. Compare the "
         "two here.")

info = require_run(Screen.LATENT)
if info is not None:
    st.write(VARIATIONAL if info.config.is_variational else PLAIN)
    st.caption(f"Run: {run_label(info)}")
    warn_if_beaten(info)
    with run_guard(info.run_id):
        data = cache.dataset(info.config.dataset, state.home_key())
        codes = cache.embedding_views(info.run_id, state.run_key(info.run_id)).codes
        latent.start_run(info, latent.slider_scales(codes, info.config.is_variational))
        st.subheader("Move through the latent space")
        _, labels = cache.held_out(Split.of(info.config), state.home_key())
        latent.explorer(info, labels[:latent.MAP_POINTS], data.class_names)
        latent.interpolation(info, data.is_labelled, data.class_names)
        latent.samples(info)
