"""Train: choose data, a model and its settings, and train it with live progress."""

import streamlit as st

from aemodels.config import MAX_EPOCHS, MAX_LATENT_DIM, NOISE_KINDS, TrainConfig
from aemodels.kinds import KINDS
from aemodels.models.defaults import recommended, steps_per_epoch
from aemodels.ui import state, training
from aemodels.ui.dataset_picker import pick_dataset
from aemodels.ui.entry import require_app
from aemodels.ui.errors import user_errors
from aemodels.ui.remembered import remember, remembered, reset

require_app(__file__)

BATCH_SIZES = [16, 32, 64, 128, 256, 512]
LEARNING_RATES = [1e-4, 3e-4, 1e-3, 2e-3, 3e-3, 1e-2]

st.title("Train a model")
st.write("Every training is saved as a run with its settings, loss curves and scores against the "
         "classical baseline. Training the exact same settings again reuses the saved run.")

dataset, train_images = pick_dataset()
asked_kind = st.session_state.pop("train_kind", None)
if asked_kind in KINDS:
    reset("kind", asked_kind)
kind = KINDS[st.selectbox("Model kind", list(KINDS), format_func=lambda name: KINDS[name].label(),
                          key=remembered("kind", "dense-ae"))]

# Choosing another kind or dataset sets the training length to what is recommended for them
# (the user's own epochs, batch and rate stay until then).
best = recommended(kind, train_images or 8000)
basis = (kind.name, train_images)
if train_images is not None and st.session_state.get("recommended_for") != basis:
    st.session_state["recommended_for"] = basis
    reset("epochs", best.epochs)
    reset("batch", best.batch_size)
    reset("rate", best.learning_rate)

left, right = st.columns(2)
chosen = {}  # the settings of this kind, by TrainConfig field
with left:
    if "latent_dim" in kind.settings:
        chosen["latent_dim"] = st.slider("Latent size (numbers in the code)", 1, MAX_LATENT_DIM,
                                         key=remembered("latent", 2))
    if "neighbour_weight" in kind.settings and chosen.get("latent_dim") == 2:
        chosen["neighbour_weight"] = st.slider(
            "Neighbour keeping", 0.0, 2.0, step=0.25, key=remembered("neighbour", 0.0),
            help="0 is the plain model. Above 0, the code is also pulled towards a t-SNE map of the training "
                 "images, so images that look alike stay neighbours; 1 is the recommended strength.")
    epochs = st.number_input("Epochs", 1, MAX_EPOCHS, key=remembered("epochs", best.epochs))
    # a tiny upload also gets a batch of all its images
    batches = sorted({b for b in BATCH_SIZES if b <= (train_images or max(BATCH_SIZES))} | {best.batch_size})
    if st.session_state.get("batch") not in batches:
        reset("batch", best.batch_size)
    batch = st.select_slider("Batch size", batches, key=remembered("batch", best.batch_size))
    rate = st.select_slider("Learning rate", LEARNING_RATES, key=remembered("rate", best.learning_rate))
with right:
    seed = st.number_input("Seed", 0, 2**31 - 1, key=remembered("seed", 0))
    if "noise_kind" in kind.settings:
        chosen["noise_kind"] = st.radio("Noise kind", NOISE_KINDS, horizontal=True,
                                        key=remembered("noise_kind", NOISE_KINDS[0]))
    if "noise_max" in kind.settings:
        chosen["noise_max"] = st.slider("Largest training noise level", 0.05, 1.0, step=0.05,
                                        key=remembered("noise_max", 0.5),
                                        help="The denoiser trains on levels from 0 up to this; "
                                             "the Denoising slider warns beyond it.")
    if "upscale_factors" in kind.settings:
        chosen["upscale_factors"] = tuple(sorted(st.multiselect("Upscale factors", list(range(2, 9)),
                                                                key=remembered("factors", [2, 3, 4, 7]))))
for name in ("kind", "latent", "neighbour", "epochs", "batch", "rate", "seed", "noise_kind", "noise_max", "factors"):
    remember(name)

config = None
with user_errors():
    if dataset is not None:
        config = TrainConfig(dataset=dataset, model=kind.name, epochs=int(epochs), batch_size=int(batch),
                             learning_rate=float(rate), seed=int(seed), **chosen)
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
