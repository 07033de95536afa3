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
from aemodels.errors import AemodelsError
from aemodels.ui import access, cache, session, state
from aemodels.ui.errors import one_line, user_errors
from aemodels.ui.images import image_grid

UPLOAD_CHOICE = "upload a file…"
PREVIEW_IMAGES = 8


def pick_dataset() -> tuple[str | None, int | None]:
    """The chosen dataset's name (``upload:<id>`` for uploads) and its number of training images,
    or (None, None) until one is ready."""
    current = state.current_dataset()
    session_uploads = session.SESSION_UPLOADS.setdefault([])
    if current.startswith(UPLOAD_PREFIX) and current not in session_uploads:
        session_uploads.append(current)
    options = list(NAMED_DATASETS) + session_uploads + [UPLOAD_CHOICE]
    labels = {name: _label(name) for name in options}
    follow = session.SHOW_UPLOAD.pop(False) or session.DATASET_CHOICE.get() != UPLOAD_CHOICE
    if follow and current in options:
        session.DATASET_CHOICE.set(current)  # the dataset may have changed elsewhere (a run was chosen)
    choice = st.selectbox("Dataset", options, format_func=labels.get, key=session.DATASET_CHOICE.name, on_change=_picked)
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
    choice = session.DATASET_CHOICE.get()
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
        ".zip of PNG/JPEG files (one folder per class gives labels)", type=["npz", "zip"],
        key=session.DATASET_FILE.name, on_change=_uploaded)
    refused = session.UPLOAD_REFUSED.get()
    if file is not None and refused is not None and refused[0] == file.file_id:
        st.error(refused[1])  # stays while the refused file is in the uploader
    return None, None


def _uploaded() -> None:
    """The uploader's callback: a new file is read, checked and saved once, before the page that
    follows; it becomes the current dataset, or its one-line reason stays by the uploader."""
    file = session.DATASET_FILE.get()
    if file is None:
        return
    try:
        access.admit_upload(file.size)
        dataset = uploads.read_upload(file.getvalue(), file.name)
        name = save_upload(dataset, file.name)
    except AemodelsError as exc:
        session.UPLOAD_REFUSED.set((file.file_id, one_line(exc)))
        return
    uploaded_here = session.SESSION_UPLOADS.setdefault([])
    if name not in uploaded_here:
        uploaded_here.append(name)
    state.notice_success(f"Uploaded {file.name}: {uploads.summary(dataset)}.")
    state.set_dataset(name)
    session.SHOW_UPLOAD.set(True)  # the picker shows the upload on this run
