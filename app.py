"""Autoencoder Lab: page config, navigation over ``views/``, and the shared sidebar.

Run with ``streamlit run app.py``. The current dataset and run live in the URL (``?dataset=...&run=...``).
"""

import streamlit as st

from aemodels.ui import sidebar, state

st.set_page_config(page_title="Autoencoder Lab", page_icon="🧬", layout="wide")

PAGES = [
    st.Page("views/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("views/train.py", title="Train", icon=":material/model_training:"),
    st.Page("views/embedding.py", title="Embedding vs PCA", icon=":material/scatter_plot:"),
    st.Page("views/denoising.py", title="Denoising", icon=":material/blur_off:"),
    st.Page("views/superres.py", title="Super-resolution", icon=":material/zoom_in:"),
    st.Page("views/latent.py", title="Latent explorer", icon=":material/tune:"),
    st.Page("views/runs.py", title="Runs", icon=":material/folder_open:"),
]

page = st.navigation(PAGES)
state.sync()
sidebar.draw()
page.run()
