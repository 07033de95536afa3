"""Where the current dataset and run live: ``st.query_params`` (so a URL reopens the view),
mirrored in ``st.session_state`` (so they survive moving between pages, which clears the URL).
"""

from __future__ import annotations

import streamlit as st

from aemodels.datasets import DEFAULT_DATASET
from aemodels.home import home_dir
from aemodels.runs import RunStore

KEYS = ("dataset", "run")


def sync() -> None:
    """Make the URL and the session agree; the URL wins when it names something."""
    for key in KEYS:
        if key in st.query_params:
            st.session_state[f"current_{key}"] = st.query_params[key]
        elif st.session_state.get(f"current_{key}"):
            st.query_params[key] = st.session_state[f"current_{key}"]


def _get(key: str) -> str | None:
    return st.query_params.get(key) or st.session_state.get(f"current_{key}") or None


def _set(key: str, value: str | None) -> None:
    st.session_state[f"current_{key}"] = value
    if value:
        st.query_params[key] = value
    elif key in st.query_params:
        del st.query_params[key]


def current_dataset() -> str:
    """The dataset name of the view (``mnist-10k`` unless chosen)."""
    return _get("dataset") or DEFAULT_DATASET


def set_dataset(name: str) -> None:
    _set("dataset", name)


def current_run_id() -> str | None:
    """The run id of the view, or None."""
    return _get("run")


def set_run(run_id: str | None) -> None:
    _set("run", run_id)


def view_params() -> dict[str, str]:
    """The query parameters that reopen the current view (for ``st.switch_page``)."""
    return {key: value for key in KEYS if (value := _get(key))}


def home_key() -> str:
    """The store's folder as text: part of every cache key, so two stores never share entries."""
    return str(home_dir())


def store() -> RunStore:
    return RunStore()
