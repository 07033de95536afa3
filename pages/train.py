"""Train: choose data, a model and its settings, and train it with live progress."""

import streamlit as st

from aemodels.config import TrainConfig
from aemodels.errors import ConfigError
from aemodels.kinds import KINDS
from aemodels.tasks.defaults import recommended, steps_per_epoch
from aemodels.tasks.training import check_code_shape
from aemodels.ui import cache, session, state, training
from aemodels.ui.dataset_picker import pick_dataset
from aemodels.ui.entry import require_app
from aemodels.ui.errors import user_errors
from aemodels.ui.remembered import remember, remembered, reset
from aemodels.ui.screens import show_heading
from aemodels.ui.settings_form import settings_form

require_app(__file__)

show_heading(__file__)
st.write("Every training is saved as a run with its settings, loss curves and scores against the "
         "classical baseline. Training the exact same settings again reuses the saved run.")

dataset, train_images = pick_dataset()
asked_kind = session.TRAIN_KIND.pop()
if asked_kind in KINDS:
    reset("kind", asked_kind)
kind = KINDS[st.selectbox("Model kind", list(KINDS), format_func=lambda name: KINDS[name].label(),
                          key=remembered("kind", "dense-ae"))]

best = recommended(kind, train_images or 8000)
chosen = settings_form(kind, best, train_images)  # the settings of this kind, by TrainConfig field
remember("kind")

config = None
with user_errors():
    if dataset is not None:
        config = TrainConfig(dataset=dataset, model=kind.name, **chosen)
if config is not None and kind.conditional and not cache.dataset(dataset, state.home_key()).is_labelled:
    st.error(f"A {kind.name} is told each image's class, and this data has no labels: choose a labelled dataset, "
             "or train a vae.")
    config = None
if config is not None and config.code_grid:
    try:
        check_code_shape(config, cache.dataset(dataset, state.home_key()).images.shape[1:3])
    except ConfigError as exc:
        st.error(str(exc))
        config = None
if config is not None and config.has_embedding and config.neighbour_weight:
    st.caption("With neighbour keeping, training starts with a t-SNE map of the training images "
               "(about 20 s for 8,000 images on 2 cores).")
if config is not None and train_images:
    per_epoch = steps_per_epoch(train_images, config.batch_size)
    st.caption(f"{train_images:,} training images in batches of {config.batch_size}: {per_epoch:,} gradient "
               f"steps per epoch, **{per_epoch * config.epochs:,} in all**. Recommended for a {kind.name} on "
               f"this data: {best.epochs} epochs of batch {best.batch_size} at learning rate "
               f"{best.learning_rate:g} ({best.steps(train_images):,} steps).")

if st.button("Train", type="primary", disabled=config is None, key="train",
             help="Trains in the background: you may open other screens meanwhile."):
    with user_errors():
        training.start(config)
    state.show_notices()
training.job_panel()
