"""Autoencoder Lab: page config, navigation over ``pages/``, and the shared sidebar.

Run with ``streamlit run app.py``. The current dataset and run live in the URL (``?dataset=...&run=...``).
"""

import streamlit as st

from aemodels.ui import access, gc_tax, runs, screens, sidebar, state, training
from aemodels.ui.entry import inside_app

st.set_page_config(page_title="Autoencoder Lab", page_icon="🧬", layout="wide")

page = st.navigation(screens.navigation())
state.begin_script_run()  # this run lists the store once, afresh
state.sync()
runs.settle_fallback(f"pages/{page.url_path}.py")  # before the sidebar: it names the run the page will show
sidebar_slot = st.sidebar.empty()
shown = sidebar.draw(sidebar_slot)
state.show_notices()
job_status = st.sidebar.container()  # filled after the page, so a job it just started shows
with st.sidebar:
    access.remember_visitor()  # this browser's token: its training jobs survive reloads and show in its other tabs
    sidebar.public_mode_panel()
with inside_app():
    page.run()
with job_status:
    training.sidebar_status()
if sidebar.shown_state() != shown:
    sidebar.draw(sidebar_slot)
gc_tax.settle_if_imported()  # this run's new modules join the objects Streamlit's collections skip
access.sweep_ended_sessions()  # public mode: private stores of closed tabs
training.keep_trainer_ready()  # after the page is drawn: its 3 s of importing must not slow the first page
