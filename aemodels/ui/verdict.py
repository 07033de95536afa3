"""A warning on a run that loses to its classical baseline, with the likely cause and what to try."""

from __future__ import annotations

import streamlit as st

from aemodels.store.run_folder import RunInfo
from aemodels.tasks.diagnosis import advice


def warn_if_beaten(info: RunInfo) -> None:
    """Draw ``diagnosis.advice`` for the run as a warning; nothing when it wins."""
    text = advice(info.config, info.scores)
    if text:
        st.warning(text, icon=":material/trending_down:")
