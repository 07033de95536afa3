"""Choose a named dataset or upload one (.npz / .zip), validated and kept in the store."""

from __future__ import annotations

import streamlit as st

from aemodels import uploads
from aemodels.datasets import NAMED_DATASETS, UPLOAD_PREFIX, save_upload
from aemodels.ui import state
from aemodels.ui.errors import user_errors

UPLOAD_CHOICE = "upload a file…"


def pick_dataset() -> str | None:
    """The chosen dataset's name (``upload:<id>`` for uploads), or None until one is ready."""
    current = state.current_dataset()
    names = [name for name, d in NAMED_DATASETS.items() if d.available()]
    options = names + ([current] if current.startswith(UPLOAD_PREFIX) else []) + [UPLOAD_CHOICE]
    labels = {name: f"{name}: {NAMED_DATASETS[name].description}" for name in names}
    labels[current] = labels.get(current, f"{current[:20]}… (your upload)")
    labels[UPLOAD_CHOICE] = UPLOAD_CHOICE
    index = options.index(current) if current in options else 0
    choice = st.selectbox("Dataset", options, index=index, format_func=labels.get, key="dataset_choice")
    if choice != UPLOAD_CHOICE:
        if choice != current:
            _switch_to(choice)
        return choice
    file = st.file_uploader(
        "Images as a .npz (array x of shape (N, H, W) or (N, H, W, C), optional labels y) or a "
        ".zip of PNG/JPEG files (one folder per class gives labels)", type=["npz", "zip"], key="upload")
    if file is None:
        return None
    with user_errors():
        dataset = uploads.read_upload(file.getvalue(), file.name)
        name = save_upload(dataset)
        if name != current:
            _switch_to(name)
        st.success(f"Uploaded {uploads.summary(dataset)}.")
        return name
    return None


def _switch_to(name: str) -> None:
    """Make ``name`` the current dataset and rerun, so the sidebar (drawn before the page) shows it."""
    state.set_dataset(name)
    st.rerun()
