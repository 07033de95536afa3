"""Home: what autoencoders are, one example from the data, the screens, and a quick model."""

import streamlit as st

from aemodels.config import TrainConfig
from aemodels.data.splits import Split
from aemodels.jobs.background import JobState, board
from aemodels.ui import cache, runs, session, state, training
from aemodels.ui.entry import require_app
from aemodels.ui.errors import user_errors
from aemodels.ui.figures import maps
from aemodels.ui.images import image_row
from aemodels.ui.screens import results_page, show_heading
from aemodels.words import count

require_app(__file__)

# 6 epochs of batches of 64 at lr 2e-3: kNN 0.70 in 2-D against PCA's 0.42, about 13 s of training
# on 2 cores (bench/run.py measures it as "quick default").
QUICK_CONFIG = TrainConfig(dataset="mnist-10k", model="dense-ae", latent_dim=2, epochs=6, batch_size=64,
                           learning_rate=2e-3)

# The quick model has just finished while the person waited here: open its map before drawing
# anything (Home's example would load the model first).
waiting_for = board().get(session.QUICK_JOB.get(""))
if waiting_for is not None and waiting_for.finished and waiting_for.job_id in training.seen_jobs():
    session.QUICK_JOB.pop()
    if waiting_for.state is JobState.DONE:  # the person is still on Home, waiting: open the map they asked for
        st.switch_page(results_page(QUICK_CONFIG.kind), query_params=training.run_params(waiting_for))

show_heading(__file__)
st.markdown(
    "An **autoencoder** is a neural network that squeezes each image into a short *code* (the "
    "latent vector) and rebuilds the image from it; what survives the squeeze is what the network "
    "found most worth keeping. A **variational autoencoder (VAE)** learns a distribution of codes "
    "instead of single points, so every point of its latent space decodes to a plausible image "
    "and you can *generate* new ones. Here you train both on small image sets and compare them "
    "with PCA, the classical linear way to compress."
)

with user_errors():
    available = runs.sound_runs()
    example = next((r for r in available if r.config.has_embedding), None)
    if example is not None:
        from aemodels.data.datasets import to_float
        from aemodels.models import inference

        home = state.home_key()
        config = example.config
        x_test, y_test = cache.held_out(Split.of(config), home)
        bundle = cache.bundle(example.run_id, state.run_key(example.run_id))
        image = to_float(x_test[:1])
        code = inference.encode(bundle, image, y_test[:1])  # a conditional model is told the class
        st.subheader("One held-out image through the newest model")
        code_text = ", ".join(f"{v:.2f}" for v in code[0][:8]) + (" …" if code.shape[1] > 8 else "")
        image_row([image[0], inference.decode(bundle, code, y_test[:1])[0]],
                  ["input", f"reconstruction from the code ({code_text})"])
        st.caption(f"Model: {runs.run_label(example)}. The whole image is rebuilt from "
                   f"{count(code.shape[1], 'number')}.")

st.subheader("The screens")
st.markdown(
    "- **Train**: pick data (or upload your own), a model kind and its settings, and watch it learn.\n"
    "- **Embedding vs PCA**: the model's 2-D map of held-out images beside PCA's, with the numbers "
    "that say which keeps neighbours and classes better; click a point to see its nearest neighbours "
    "three ways, and replay the map forming epoch by epoch.\n"
    "- **Denoising**: add noise with a slider and compare the denoiser with the best classical filter.\n"
    "- **Super-resolution**: shrink images by a factor and compare the model's upscaling with bicubic.\n"
    "- **Latent explorer**: drive the decoder with sliders or a click on the latent map; interpolate "
    "from one class into another; draw samples. A VAE against a plain autoencoder shows why the VAE exists.\n"
    "- **Runs**: every training is saved; compare, download, upload and delete runs."
)

st.subheader("Try it now")
words, baseline = st.columns(2)
words.write("Trains a small fully-connected autoencoder with a 2-number code on 8,000 MNIST digits "
            "for 6 epochs (about 10 seconds), then opens its map of the held-out digits. While it "
            "trains, its map of 500 held-out digits forms below, epoch by epoch. Beside this text is "
            "PCA's map of the same digits: the linear baseline it has to beat.")
with baseline, user_errors():
    config, home = QUICK_CONFIG, state.home_key()
    points, labels = cache.pca_map(config, training.LIVE_MAP_IMAGES, home)
    names = cache.dataset(config.dataset, home).class_names
    st.plotly_chart(maps.embedding_scatter(points, labels, names, f"PCA: {len(points)} held-out digits"),
                    key="home_pca_map")
with words, user_errors():
    if st.button("Train a quick model", type="primary", key="quick_train"):
        job = training.start(QUICK_CONFIG)
        if job is None:  # trained before: open it now
            st.switch_page(results_page(QUICK_CONFIG.kind), query_params=state.view_params())
        session.QUICK_JOB.set(job.job_id)
training.job_panel()
