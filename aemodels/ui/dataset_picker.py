"""Choose a named dataset or upload one (.npz / .zip), validated and kept in the store.

Every named dataset is listed, the ones that cannot be loaded now with the reason; every upload of
this browser session stays in the list under its file name.
"""

from __future__ import annotations

import streamlit as st

from aemodels.data import uploads
from aemodels.data.datasets import (
    NAMED_DATASETS,
    UPLOAD_PREFIX,
    held_out_count,
    save_upload,
    unavailable_reason,
    upload_title,
)
from aemodels.ui import access, cache, state
from aemodels.ui.errors import user_errors
from aemodels.ui.images import image_grid

UPLOAD_CHOICE = "upload a file…"
PICKER_KEY = "dataset_choice"
SHOW_UPLOAD_KEY = "dataset_picker_show_upload"
SESSION_UPLOADS = "uploads_of_session"
PREVIEW_IMAGES = 8


def pick_dataset() -> tuple[str | None, int | None]:
    """The chosen dataset's name (``upload:<id>`` for uploads) and its number of training images,
    or (None, None) until one is ready."""
    current = state.current_dataset()
    session_uploads = st.session_state.setdefault(SESSION_UPLOADS, [])
    if current.startswith(UPLOAD_PREFIX) and current not in session_uploads:
        session_uploads.append(current)
    options = list(NAMED_DATASETS) + session_uploads + [UPLOAD_CHOICE]
    labels = {name: _label(name) for name in options}
    follow = st.session_state.pop(SHOW_UPLOAD_KEY, False) or st.session_state.get(PICKER_KEY) != UPLOAD_CHOICE
    if follow and current in options:
        st.session_state[PICKER_KEY] = current  # the dataset may have changed elsewhere (a run was chosen)
    choice = st.selectbox("Dataset", options, format_func=labels.get, key=PICKER_KEY, on_change=_picked)
    if choice == UPLOAD_CHOICE:
        return _upload()
    reason = unavailable_reason(choice)
    if reason is not None:
        st.error(f"This dataset cannot be used now: {reason}. Choose another one, or upload your own.")
        return None, None
    with user_errors():
        data = cache.dataset(choice, state.home_key())
        if choice.startswith(UPLOAD_PREFIX):
            _preview(data)
        return choice, _train_count(len(data))
    return None, None


def _preview(dataset) -> None:
    """What an upload holds: one line, its classes and its first images."""
    st.caption(f"{uploads.summary(dataset)}" + (f". Classes: {', '.join(dataset.class_names)}" if dataset.is_labelled else ""))
    image_grid([("Its first images", dataset.images[:PREVIEW_IMAGES])], PREVIEW_IMAGES)


def _picked() -> None:
    """Before the script runs: a dataset chosen in the picker becomes current (sidebar included)."""
    choice = st.session_state[PICKER_KEY]
    if choice != UPLOAD_CHOICE:
        state.set_dataset(choice)


def _label(name: str) -> str:
    if name == UPLOAD_CHOICE:
        return UPLOAD_CHOICE
    if name.startswith(UPLOAD_PREFIX):
        return upload_title(name)
    info = NAMED_DATASETS[name]
    needs = "" if info.available() else " (needs a download)"
    return f"{name}: {info.description}{needs}"


def _train_count(images: int) -> int:
    """Training images left after the default hold-out (``Dataset.split``)."""
    return images - held_out_count(images)


def _upload() -> tuple[str | None, int | None]:
    file = st.file_uploader(
        "Images as a .npz (array x of shape (N, H, W) or (N, H, W, C), optional labels y) or a "
        ".zip of PNG/JPEG files (one folder per class gives labels)", type=["npz", "zip"], key="upload")
    if file is None:
        return None, None
    with user_errors():
        access.admit_upload(file.size)
        dataset = uploads.read_upload(file.getvalue(), file.name)
        name = save_upload(dataset, file.name)
        if name not in st.session_state[SESSION_UPLOADS]:
            st.session_state[SESSION_UPLOADS].append(name)
        state.notice_success(f"Uploaded {file.name}: {uploads.summary(dataset)}.")
        state.set_dataset(name)
        st.session_state[SHOW_UPLOAD_KEY] = True  # the picker shows the upload on the next run
        st.rerun()
    return None, None
