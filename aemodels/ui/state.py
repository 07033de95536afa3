"""Where the current dataset and run live: ``st.query_params`` (so a URL reopens the view),
mirrored in the session (``session.CURRENT``) (so they survive moving between pages, which clears the URL).

One rule keeps the sidebar, the URL and the page in agreement: a run and its dataset go together.
Making a run current makes its dataset current; a URL that asks for a dataset or run that cannot
be shown is corrected at once, with a notice that says what was asked, what is shown and why.
"""

from __future__ import annotations

import streamlit as st

from aemodels.data.datasets import DEFAULT_DATASET, unavailable_reason
from aemodels.errors import AemodelsError
from aemodels.home import home_dir
from aemodels.store.protocol import Store
from aemodels.store.run_folder import RunInfo
from aemodels.ui import session

KEYS = ("dataset", "run")
POINT_PARAM = "point"  # a chosen held-out image of the current run (the Embedding screen's)


def sync() -> None:
    """Make the URL and the session agree; the URL wins when it names something it can show."""
    for key in KEYS:
        if key in st.query_params:
            asked = st.query_params[key]
            if asked != session.CURRENT(key).get():
                _accept(key, asked)
        elif session.CURRENT(key).get():
            st.query_params[key] = session.CURRENT(key).get()


def _accept(key: str, asked: str) -> None:
    """Take a value from the URL, or replace it with what can be shown and say so."""
    if key == "dataset":
        reason = unavailable_reason(asked)
        if reason is not None:
            notice(f"The link asks for dataset '{asked}', but {reason}: showing {DEFAULT_DATASET} instead.")
            _set("dataset", DEFAULT_DATASET)
            return
    if key == "run":
        try:
            set_run(asked)  # a run brings its dataset
        except AemodelsError:
            session.CURRENT("run").set(asked)  # not in the store: the screen says so
        return
    session.CURRENT(key).set(asked)


def notice(text: str) -> None:
    """Keep a one-line warning to show at the top of the next page drawn (``show_notices``)."""
    session.NOTICES.setdefault([]).append((st.warning, text))


def notice_error(text: str) -> None:
    """Keep a one-line error (a widget callback's: it runs before the page) for the next page drawn."""
    session.NOTICES.setdefault([]).append((st.error, text))


def notice_success(text: str) -> None:
    """Keep a one-line success message for the next page drawn (a widget callback runs before it)."""
    session.NOTICES.setdefault([]).append((st.success, text))


def show_notices() -> None:
    """Draw and forget the kept notices."""
    for draw, text in session.NOTICES.pop([]):
        draw(text)


def _get(key: str) -> str | None:
    return st.query_params.get(key) or session.CURRENT(key).get() or None


def _set(key: str, value: str | None) -> None:
    session.CURRENT(key).set(value)
    if value:
        st.query_params[key] = value
    elif key in st.query_params:
        del st.query_params[key]


def current_dataset() -> str:
    """The dataset name of the view (``mnist-10k`` unless chosen)."""
    return _get("dataset") or DEFAULT_DATASET


def set_dataset(name: str) -> None:
    """Make ``name`` the current dataset; a current run of another dataset stops being current."""
    _set("dataset", name)
    run_id = current_run_id()
    if run_id:
        try:
            config = run_info(run_id).config
        except AemodelsError:
            return
        if config is not None and config.dataset != name:
            _set("run", None)


def current_run_id() -> str | None:
    """The run id of the view, or None."""
    return _get("run")


def set_run(run_id: str | None) -> None:
    """Make ``run_id`` the current run (None: no run) and its dataset the current dataset; a
    point chosen on another run is forgotten."""
    if run_id != _get("run") and POINT_PARAM in st.query_params:
        del st.query_params[POINT_PARAM]
    _set("run", run_id)
    if run_id:
        info = run_info(run_id)
        if info.config is not None:
            _set("dataset", info.config.dataset)


def choose_run(run_id: str) -> None:
    """A widget callback's ``set_run``: a run gone meanwhile (another visitor deleted it) becomes a
    one-line notice on the page that follows, not an exception."""
    try:
        set_run(run_id)
    except AemodelsError as exc:
        notice(f"{exc} Pick another run.")


def view_params() -> dict[str, str]:
    """The query parameters that reopen the current view (for ``st.switch_page``)."""
    return {key: value for key in KEYS if (value := _get(key))}


def home_key() -> str:
    """The home folder as text: part of the cache key of data every store shares (datasets, splits)."""
    return str(home_dir())


# --- the run store: built once per session, read once per script run -----------------------------


def store() -> Store:
    """The run store this session sees (``protocol.Store``): the one ``RunStore``, or in public mode
    a ``VisitorStore`` (shared runs read-only, the visitor's own private). Built once per session,
    and again only when whose store it is changes (another home, the owner signing in or out)."""
    from aemodels.ui import access

    owner = access.store_owner()
    kept = session.STORE.get()
    if kept is None or kept[0] != owner:
        kept = (owner, access.build_store())
        kept[1].tidy()  # what a killed save or delete left behind, and the trash past its time
        session.STORE.set(kept)
    access.mark_seen()
    return kept[1]


def begin_script_run() -> None:
    """A full run of the app starts (``app.py``): the next listing reads the store afresh.
    Fragment reruns do not pass here; they share the listing of the full run before them."""
    session.SCRIPT_RUN.set(session.SCRIPT_RUN.get(0) + 1)


def runs() -> list[RunInfo]:
    """Every run of this session's store, newest first, listed once per script run. A page that
    writes to the store does it in a widget callback, before the script run that lists it afresh."""
    number = session.SCRIPT_RUN.get(0)
    kept = session.LISTING.get()
    if kept is None or kept[0] != number:
        kept = (number, store().list())
        session.LISTING.set(kept)
    return kept[1]


def run_info(run_id: str) -> RunInfo:
    """The run ``run_id`` as this script run listed it, or read now (one a job saved since);
    ``RunStoreError`` when the store does not hold it."""
    for info in runs():
        if info.run_id == run_id:
            return info
    return store().get(run_id)


def run_key(run_id: str) -> str:
    """Whose run ``run_id`` is: part of the cache key of every cached loader of a run's data."""
    return store().key_of(run_id)
