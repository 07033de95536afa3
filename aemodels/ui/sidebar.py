"""The sidebar every page shares: the current dataset and the current run.

``app.py`` draws it into one placeholder before the page. Widgets change the dataset or run in
their callbacks, before the script runs, and a screen with no run chosen settles on one before the
sidebar is drawn; only the Train button, which may reuse a run trained before, changes the run
while the page is drawn, and then the sidebar is drawn again, so it never names a state the page
has left.
"""

from __future__ import annotations

import streamlit as st

from aemodels.data.datasets import NAMED_DATASETS, UPLOAD_PREFIX, upload_title
from aemodels.ui import access, state
from aemodels.ui.runs import sidebar_run_picker
from aemodels.ui.share import share_button


def shown_state() -> tuple[str, str | None]:
    """What the sidebar shows: (dataset, run id)."""
    return state.current_dataset(), state.current_run_id()


def draw(slot) -> tuple[str, str | None]:
    """Show the current dataset and a picker of runs in ``slot`` (an ``st.sidebar.empty()``),
    replacing what it held; returns the state shown."""
    shown = shown_state()
    name = shown[0]
    with slot.container():
        if name.startswith(UPLOAD_PREFIX):
            st.markdown(f"**Dataset:** {upload_title(name)}")
        elif name in NAMED_DATASETS:
            st.markdown(f"**Dataset:** `{name}`  \n{NAMED_DATASETS[name].description}")
        else:
            st.markdown(f"**Dataset:** `{name}` (unknown)")
        sidebar_run_picker()
        share_button()
    return shown


def public_mode_panel() -> None:
    """In public mode, what a visitor may do and the owner's sign-in; drawn once per run (its
    widgets have keys), below the part ``draw`` may redraw."""
    if not access.is_public():
        return
    st.caption("Public app: the shared runs are read-only. What you train or upload is yours alone, "
               "and is removed when you close the app (download runs on **Runs** to keep them).")
    access.owner_panel()
