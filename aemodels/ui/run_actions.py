"""What a person does to one run on the Runs screen: make it current, download it, name it,
write a note, delete it to the trash and restore it; and upload a run."""

from __future__ import annotations

import streamlit as st

from aemodels.store.run_folder import MAX_NAME, MAX_NOTE, RunInfo
from aemodels.store.runs import TRASH_SECONDS
from aemodels.ui import access, seed_views, session, state
from aemodels.ui.errors import callback_errors
from aemodels.ui.guard import run_exists, run_guard, vanished_message
from aemodels.ui.runs import run_label


def one_run(store, infos: list[RunInfo]) -> None:
    """A picker of one of ``infos`` (at first the current run) and what can be done to it."""
    st.subheader("One run")
    ids = [info.run_id for info in infos]
    current = state.current_run_id()
    chosen = session.ONE_RUN.get()
    if chosen and chosen not in ids and not run_exists(chosen):  # deleted elsewhere: say it, then move on
        st.warning(vanished_message(chosen), icon=":material/error:")
    if session.ONE_RUN_FOLLOWS.get() != current or chosen not in ids:
        session.ONE_RUN.set(current if current in ids else ids[0])  # start at the current run
        session.ONE_RUN_FOLLOWS.set(current)
    run_id = st.selectbox("Run", ids, format_func={info.run_id: run_label(info) for info in infos}.get,
                          key=session.ONE_RUN.name)
    one = next(info for info in infos if info.run_id == run_id)
    left, middle, right = st.columns(3)
    if one.broken is None:
        if run_id == current:
            left.caption("This is the current run.")
        else:
            left.button("Make it the current run", key="make_current", on_click=state.choose_run, args=(run_id,))
        # The button names its run (its key too, so a click on a button still drawn for the
        # previous choice gets that run, under that run's name).
        with run_guard(run_id):
            middle.download_button(f"Download {run_id} (.zip)", store.export_zip(run_id), f"{run_id}.zip",
                                   "application/zip", key=f"export_{run_id}")
    else:
        left.warning(f"Broken: {one.broken}")
    delete(store, one, right)
    words(store, one)
    if one.broken is None:
        seed_views.add_seeds(one, infos)


def upload(store, known: set[str]) -> None:
    """A run .zip to import; it becomes the current run (``known``: the run ids already listed)."""
    st.subheader("Upload a run")
    st.file_uploader("A run .zip exported from this app", type=["zip"], key=session.RUN_ZIP.name,
                     on_change=_import, args=(store, known))


def _import(store, known: set[str]) -> None:
    """The uploader's callback: a new file is imported once, before the page that follows."""
    uploaded = session.RUN_ZIP.get()
    if uploaded is None:
        return
    with callback_errors():
        access.admit_upload(uploaded.size)
        new_id = store.import_zip(uploaded.getvalue(), uploaded.name)
        state.set_run(new_id)
        if new_id in known:
            state.notice_success(f"{uploaded.name} is run {new_id}, already in the store; it is now the current run.")
        else:
            state.notice_success(f"Imported {uploaded.name} as run {new_id}; it is now the current run.")


def words(store, info: RunInfo) -> None:
    """The run's name and note: a form to edit them where the store allows, else as text."""
    if not store.can_change(info.run_id):
        if info.name or info.note:
            st.markdown(f"**{info.name}**" if info.name else "")
            st.text(info.note)
        return
    with st.form(f"words_{info.run_id}", border=False):
        st.text_input("Name", value=info.name, max_chars=MAX_NAME, placeholder="a few words, shown in every picker",
                      key=session.RUN_NAME(info.run_id).name)
        st.text_area("Note", value=info.note, max_chars=MAX_NOTE, height=80, key=session.RUN_NOTE(info.run_id).name,
                     placeholder="what you tried, what you saw")
        st.form_submit_button("Save name and note", on_click=_save_words, args=(store, info.run_id))


def _save_words(store, run_id: str) -> None:
    with callback_errors():
        store.set_words(run_id, session.RUN_NAME(run_id).get(""), session.RUN_NOTE(run_id).get(""))
        state.notice_success(f"Saved the name and note of run {run_id}.")


def delete(store, info: RunInfo, slot) -> None:
    """A popover in ``slot`` that asks, then moves the run to the trash (or says it is read-only)."""
    run_id = info.run_id
    if not store.can_change(run_id):
        slot.caption("A shared run of this public app: read-only.")
        return
    with slot.popover("Delete this run", icon=":material/delete:"):
        st.write(f"Move **{run_label(info)}** to the trash? You can restore it below while this tab is open "
                 f"(and for {TRASH_SECONDS // 3600} hours at most).")
        # The key names the run: a click on a button drawn for a run that has since left the list
        # (deleted in another tab) must not land on the run the list shows now.
        st.button("Delete", key=f"delete_{run_id}", type="primary", on_click=_delete, args=(store, info))


def _delete(store, info: RunInfo) -> None:
    run_id = info.run_id
    with callback_errors():
        store.trash(run_id)
        session.TRASHED.setdefault([]).append(run_id)
        session.TRASHED_LABELS.setdefault({})[run_id] = run_label(info)
        if session.ONE_RUN.get() == run_id:  # deleted here, not elsewhere: the picker moves on without a warning
            session.ONE_RUN.pop()
        if state.current_run_id() == run_id:
            state.set_run(None)
        state.notice_success(f"Moved run {run_id} to the trash.")


def trash(store) -> None:
    """The runs this session deleted that the trash still holds: restore each, or empty it."""
    held = [run_id for run_id in session.TRASHED.get([]) if store.in_trash(run_id)]
    session.TRASHED.set(held)
    if not held:
        return
    st.subheader("Trash")
    for run_id in held:
        left, right = st.columns([3, 1])
        left.text(_trashed_label(run_id))
        right.button("Restore", key=f"restore_{run_id}", icon=":material/restore_from_trash:", on_click=_restore,
                     args=(store, run_id))
    st.button("Empty the trash", key="empty_trash", help="Deletes these runs for good.", on_click=_empty_trash,
              args=(store, held))


def _trashed_label(run_id: str) -> str:
    return session.TRASHED_LABELS.get({}).get(run_id, run_id)


def _restore(store, run_id: str) -> None:
    with callback_errors():
        store.restore(run_id)
        session.TRASHED.set([held for held in session.TRASHED.get([]) if held != run_id])
        state.notice_success(f"Restored run {_trashed_label(run_id)}.")


def _empty_trash(store, held: list[str]) -> None:
    with callback_errors():
        store.empty_trash(held)
        session.TRASHED.set([])
        state.notice_success(f"Deleted {len(held)} run(s) for good.")
