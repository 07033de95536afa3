"""Run pickers and the guard every result screen starts with."""

from __future__ import annotations

import streamlit as st

from aemodels.config import MODEL_DESCRIPTIONS
from aemodels.runs import RunInfo
from aemodels.ui import state


def run_label(info: RunInfo) -> str:
    """One line naming a run for pickers: kind, dataset, latent size, id."""
    if info.broken:
        return f"{info.run_id} (broken)"
    config = info.config
    latent = f", latent {config.latent_dim}" if config.has_embedding else ""
    return f"{config.model} on {config.dataset}{latent} · {info.run_id}"


def sound_runs() -> list[RunInfo]:
    return [info for info in state.store().list() if info.broken is None]


def sidebar_run_picker() -> None:
    """A select box of all sound runs in the sidebar; choosing one makes it current."""
    runs = sound_runs()
    if not runs:
        st.sidebar.caption("No runs yet: train one on **Train** or **Home**.")
        return
    ids = [info.run_id for info in runs]
    labels = {info.run_id: run_label(info) for info in runs}
    current = state.current_run_id()
    index = ids.index(current) if current in ids else None
    chosen = st.sidebar.selectbox("Current run", ids, index=index, format_func=labels.get,
                                  placeholder="Pick a run", key=f"run_picker_{current}")
    if chosen and chosen != current:
        state.set_run(chosen)
        st.rerun()


def require_run(kinds: tuple[str, ...], screen: str) -> RunInfo | None:
    """The current run if it is one of ``kinds``; else explain and offer to train one.

    Falls back to the newest sound run of a fitting kind when none is chosen. Returns None
    (after drawing the explanation) when the screen cannot be shown.
    """
    runs = sound_runs()
    current = state.current_run_id()
    info = next((r for r in runs if r.run_id == current), None)
    if info is None:
        if current:
            st.warning(f"Run '{current}' is not in the store (deleted, or from another machine).")
        info = next((r for r in runs if r.config.model in kinds), None)
        if info is not None:
            state.set_run(info.run_id)
    if info is not None and info.config.model in kinds:
        return info
    kind = kinds[0]
    if info is None:
        st.info(f"{screen} needs a trained **{' / '.join(kinds)}** run, and there is none yet.")
    else:
        st.info(f"{screen} needs a **{' / '.join(kinds)}** run, but the current run is a "
                f"**{info.config.model}** ({MODEL_DESCRIPTIONS[info.config.model]}).")
        others = [r for r in runs if r.config.model in kinds]
        if others:
            if st.button(f"Open the newest {others[0].config.model} run", key="open_fitting"):
                state.set_run(others[0].run_id)
                st.rerun()
    if st.button(f"Train a {kind} model", type="primary", key="train_fitting"):
        st.session_state["train_kind"] = kind
        st.switch_page("pages/train.py", query_params=state.view_params())
    return None
