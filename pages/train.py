"""Train: choose data, a model and its settings, and train it with live progress."""

import streamlit as st

from aemodels.config import MODEL_DESCRIPTIONS, MODEL_KINDS, NOISE_KINDS, TrainConfig
from aemodels.ui import state, training
from aemodels.ui.dataset_picker import pick_dataset
from aemodels.ui.errors import user_errors
from aemodels.ui.entry import require_app

require_app(__file__)

RESULT_PAGES = {"denoise": "pages/denoising.py", "superres": "pages/superres.py",
                "vae": "pages/latent.py", "dense-vae": "pages/latent.py"}

st.title("Train a model")
st.write("Every training is saved as a run with its settings, loss curves and scores against the "
         "classical baseline. Training the exact same settings again reuses the saved run.")

dataset = pick_dataset()
default_kind = st.session_state.pop("train_kind", None) or "dense-ae"
left, right = st.columns(2)
with left:
    kind = st.selectbox("Model kind", MODEL_KINDS, index=MODEL_KINDS.index(default_kind),
                        format_func=lambda k: f"{k}: {MODEL_DESCRIPTIONS[k]}", key="kind")
    latent = st.slider("Latent size (numbers in the code)", 1, 32, 2, key="latent",
                       disabled=kind in ("denoise", "superres"))
    epochs = st.number_input("Epochs", 1, 500, 5, key="epochs")
    batch = st.select_slider("Batch size", [16, 32, 64, 128, 256, 512], 128, key="batch")
with right:
    rate = st.select_slider("Learning rate", [1e-4, 3e-4, 1e-3, 3e-3, 1e-2], 1e-3, key="rate")
    seed = st.number_input("Seed", 0, 2**31 - 1, 0, key="seed")
    noise_kind = st.radio("Noise kind (denoiser)", NOISE_KINDS, horizontal=True, key="noise_kind",
                          disabled=kind != "denoise")
    noise_max = st.slider("Largest training noise level (denoiser)", 0.05, 1.0, 0.5, 0.05,
                          key="noise_max", disabled=kind != "denoise")
    factors = st.multiselect("Upscale factors (super-resolution)", list(range(2, 9)), [2, 3, 4, 7],
                             key="factors", disabled=kind != "superres")

config = None
with user_errors():
    if dataset is not None:
        config = TrainConfig(dataset=dataset, model=kind, latent_dim=int(latent), epochs=int(epochs),
                             batch_size=int(batch), learning_rate=float(rate), seed=int(seed),
                             noise_kind=noise_kind, noise_max=float(noise_max),
                             upscale_factors=tuple(sorted(factors)))

if st.button("Train", type="primary", disabled=config is None, key="train"):
    training.request(config)
run_id = training.run_pending()
if run_id:
    target = RESULT_PAGES.get(state.store().get(run_id).config.model, "pages/embedding.py")
    st.page_link(target, label="See the results", icon="➡️", query_params=state.view_params())
