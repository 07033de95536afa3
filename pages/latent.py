"""Latent explorer: drive the decoder live, by sliders or a click on the latent map."""

import streamlit as st

from aemodels.data.splits import Split
from aemodels.kinds import Screen
from aemodels.ui import cache, code_noise_view, latent, state
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
CONDITIONAL = ("A conditional VAE is told each image's class, by its encoder and its decoder alike. Its code need "
               "not say which class an image is, so it keeps what the classes share: the style. Pick a class, then "
               "move the style sliders: the class stays, the handwriting changes. This answers the first question "
               "at a VAE's sliders, \"how do I get a 7?\"")
ADVERSARIAL = ("An adversarial autoencoder fills the same standard normal prior as a VAE, another way: a "
               "discriminator learns to tell its codes from draws of the prior, and the encoder learns to fool it. "
               "Its codes are plain numbers, no sampling, yet the space between the classes should be filled too. "
               "Move through it here, and compare with a VAE's.")
PLAIN = ("A plain autoencoder's decoder can be driven too, but nothing taught it what lies *between* the codes of "
         "its training images: the holes between the class clusters decode to blurs and blends that are no "
         "digit. A VAE fills them, because its KL term pulls all codes into one normal distribution. Compare the "
         "two here.")

info = require_run(Screen.LATENT)
if info is not None:
    kind = info.config.kind
    st.write(CONDITIONAL if kind.conditional else VARIATIONAL if kind.variational
             else ADVERSARIAL if kind.adversarial else PLAIN)
    st.caption(f"Run: {run_label(info)}")
    warn_if_beaten(info)
    with run_guard(info.run_id):
        data = cache.dataset(info.config.dataset, state.home_key())
        codes = cache.embedding_views(info.run_id, state.run_key(info.run_id)).codes
        latent.start_run(info, latent.slider_scales(codes, info.config.fills_prior))
        st.subheader("Move through the latent space")
        x_test, labels = cache.held_out(Split.of(info.config), state.home_key())
        latent.shaped_code_note(info)
        label = latent.class_picker(info, data.class_names)
        latent.explorer(info, labels[:latent.MAP_POINTS], data.class_names, label)
        if kind.conditional:
            latent.class_grid(info, data.class_names)
        if info.config.code_grid:
            latent.code_maps(info, x_test)
        latent.interpolation(info, data.is_labelled, data.class_names, label)
        latent.samples(info, label)
        code_noise_view.section(info.run_id)
