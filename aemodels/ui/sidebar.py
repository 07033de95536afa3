"""The sidebar every page shares: the current dataset and the current run."""

from __future__ import annotations

import streamlit as st

from aemodels.datasets import NAMED_DATASETS, UPLOAD_PREFIX
from aemodels.ui import state
from aemodels.ui.runs import sidebar_run_picker


def draw() -> None:
    """Show the current dataset and a picker of runs."""
    name = state.current_dataset()
    if name.startswith(UPLOAD_PREFIX):
        st.sidebar.markdown(f"**Dataset:** uploaded file `{name[len(UPLOAD_PREFIX):][:8]}…`")
    elif name in NAMED_DATASETS:
        st.sidebar.markdown(f"**Dataset:** `{name}`  \n{NAMED_DATASETS[name].description}")
    else:
        st.sidebar.markdown(f"**Dataset:** `{name}` (unknown)")
    sidebar_run_picker()
    st.sidebar.caption("The URL keeps the dataset and run: share it to reopen this view.")
