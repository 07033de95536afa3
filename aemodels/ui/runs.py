"""Run pickers and the guard every result screen starts with."""

from __future__ import annotations

import streamlit as st

from aemodels.data.datasets import dataset_title
from aemodels.kinds import Screen, kinds_for
from aemodels.store.run_folder import RunInfo
from aemodels.ui import session, state
from aemodels.ui.guard import show_vanished
from aemodels.ui.screens import TRAIN_PAGE, screen_of, title_of


def run_label(info: RunInfo) -> str:
    """One line naming a run for pickers: its name if it has one, kind, dataset, latent size, id."""
    if info.broken:
        return f"{info.run_id} (broken)"
    config = info.config
    latent = f", latent {config.latent_dim}" if config.has_embedding else ""
    if config.has_embedding and config.neighbour_weight:
        latent += f", neighbours {config.neighbour_weight:g}"
    name = f"{info.name}: " if info.name else ""
    return f"{name}{config.model} on {dataset_title(config.dataset)}{latent} · {info.run_id}"


def sound_runs() -> list[RunInfo]:
    return [info for info in state.runs() if info.broken is None]


def sidebar_run_picker() -> None:
    """A select box of all sound runs (drawn where the caller is: the sidebar); choosing one
    makes it current."""
    runs = sound_runs()
    if not runs:
        st.caption("No runs yet: train one on **Train** or **Home**.")
        return
    ids = [info.run_id for info in runs]
    labels = {info.run_id: run_label(info) for info in runs}
    current = state.current_run_id()
    index = ids.index(current) if current in ids else None
    picker = session.RUN_PICKER(f"{state.current_dataset()}_{current}")
    st.selectbox("Current run", ids, index=index, format_func=labels.get, placeholder="Pick a run",
                 key=picker.name, on_change=_picked, args=(picker,))


def _picked(picker: session.Entry) -> None:
    """The run picker's callback: the picked run is current before the next run draws anything."""
    if picker.get():
        state.choose_run(picker.get())


def settle_fallback(page_file: str) -> None:
    """Before the sidebar is drawn: when ``page_file`` is a result screen and no run is chosen,
    make the newest fitting run current (``require_run`` then says so), so the sidebar names it
    from its first frame instead of "Pick a run"."""
    screen = screen_of(page_file)
    if screen is None or state.current_run_id():
        return
    dataset = state.current_dataset()
    fitting = sorted((r for r in sound_runs() if screen in r.config.kind.screens), key=lambda r: r.config.dataset != dataset)
    if fitting:
        state.set_run(fitting[0].run_id)
        session.FELL_BACK.set(fitting[0].run_id)


def require_run(screen: Screen) -> RunInfo | None:
    """The current run if ``screen`` shows its kind; else explain and offer what fits.

    With no run chosen, the newest sound run of a fitting kind becomes current (the page says so
    and the sidebar follows). A chosen run that is gone (deleted, trashed, another visitor's) is
    said in one line (``guard.show_vanished``) and is not replaced: the person picks the way on.
    Returns None (after drawing the explanation) when the screen cannot be shown.
    """
    names = [kind.name for kind in kinds_for(screen)]
    runs = sound_runs()
    dataset = state.current_dataset()
    # runs this screen shows, those of the current dataset first (each part newest first)
    fitting = sorted((r for r in runs if screen in r.config.kind.screens), key=lambda r: r.config.dataset != dataset)
    current = state.current_run_id()
    info = next((r for r in runs if r.run_id == current), None)
    if info is None and not current and fitting:  # a page run without app.py's settle_fallback
        state.set_run(fitting[0].run_id)
        info, current = fitting[0], fitting[0].run_id
        session.FELL_BACK.set(current)
    if info is not None and session.FELL_BACK.pop() == info.run_id:
        st.caption(f"No run was chosen: showing the newest {info.config.model} run, on "
                   f"{dataset_title(info.config.dataset)}. Pick another in the sidebar.")
    if info is not None and screen in info.config.kind.screens:
        return info
    wanted = " / ".join(names)
    if current and info is None:
        show_vanished(current)
    elif info is None:
        st.info(f"{title_of(screen)} needs a trained **{wanted}** run, and there is none yet.")
    else:
        st.info(f"{title_of(screen)} needs a **{wanted}** run, but the current run is a "
                f"**{info.config.model}** ({info.config.kind.title}).")
    if fitting:
        st.button(f"Open the newest {fitting[0].config.model} run ({run_label(fitting[0])})", key="open_fitting",
                  on_click=state.choose_run, args=(fitting[0].run_id,))
    if st.button(f"Train a {names[0]} model", type="primary" if not fitting else "secondary", key="train_fitting"):
        session.TRAIN_KIND.set(names[0])
        st.switch_page(TRAIN_PAGE, query_params=state.view_params())
    return None
