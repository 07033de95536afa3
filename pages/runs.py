"""Runs: list, compare, download, upload and delete saved trainings."""

import streamlit as st

from aemodels import plots
from aemodels.ui import access, compare_views, run_actions, state
from aemodels.ui.errors import user_errors
from aemodels.ui.run_table import (comparison_table, compare_selected_rows, default_comparison, filter_runs,
                                   runs_table, shared_settings)
from aemodels.ui.runs import run_label
from aemodels.ui.screens import TRAIN_PAGE
from aemodels.ui.entry import require_app

require_app(__file__)

st.title("Runs")
st.write("Every finished training is a run: its settings, loss curves, scores and weights. "
         "Pick runs to compare them; download one to share it, upload one someone shared with you.")

store = state.store()
infos = store.list()
if not infos:
    st.info("No runs yet.")
    if st.button("Train a model", type="primary", key="runs_train"):
        st.switch_page(TRAIN_PAGE, query_params=state.view_params())
else:
    infos = filter_runs(infos)
    if not infos:
        st.info("No run of the chosen kinds and datasets: choose more above.")
    else:
        table = runs_table(infos)
        # The run id stays in view while the wide table scrolls; a setting a kind does not have is blank.
        sound = [info.run_id for info in infos if info.broken is None]
        st.dataframe(table, hide_index=True, key="runs_table", placeholder="",
                     column_config={"run": st.column_config.TextColumn("run", pinned=True)},
                     on_select=lambda rows=list(table["run"]), sound=sound: compare_selected_rows(rows, sound),
                     selection_mode="multi-row")
        st.caption("Tick rows to compare those runs, or pick them below.")
        st.download_button("Download the table (CSV)", table.to_csv(index=False), "runs.csv", "text/csv", key="csv")

        if "compare" in st.session_state:  # runs the filter hides leave the comparison
            st.session_state["compare"] = [run_id for run_id in st.session_state["compare"] if run_id in sound]
        default = None if "compare" in st.session_state else default_comparison(infos, state.current_run_id())
        compared = st.multiselect("Compare runs", sound, default=default,
                                  key="compare", help="At first the current run and the newest other run of its kind "
                                                      "and dataset.")
        if compared:
            chosen = [info for info in infos if info.run_id in compared]
            st.dataframe(comparison_table(table, compared), key="compare_table", placeholder="",
                         column_config={"_index": st.column_config.Column(width="medium")})  # whole row names
            same = {name: value for name, value in shared_settings(table, compared).items() if value}
            if len(compared) > 1:
                st.caption("★ marks the best value of each score. "
                           + ("Same in all: " + ", ".join(f"{name} {value}" for name, value in same.items()) + "."
                              if same else "No setting is shared by all of them."))
            log_y = st.checkbox("Log scale", key="compare_log")
            st.plotly_chart(plots.compare_losses({i.run_id: i.history for i in chosen},
                                                 {i.run_id: i.config.kind.loss_words for i in chosen}, log_y),
                            key="compare_chart")
            with user_errors():
                compare_views.side_by_side(chosen)
            compare_views.parameter_against_score(table, compared)

        st.subheader("One run")
        ids = [info.run_id for info in infos]
        current = state.current_run_id()
        if st.session_state.get("one_run_follows") != current or st.session_state.get("one_run") not in ids:
            st.session_state["one_run"] = current if current in ids else ids[0]  # start at the current run
            st.session_state["one_run_follows"] = current
        run_id = st.selectbox("Run", ids, format_func={info.run_id: run_label(info) for info in infos}.get,
                              key="one_run")
        one = next(info for info in infos if info.run_id == run_id)
        left, middle, right = st.columns(3)
        if one.broken is None:
            if run_id == current:
                left.caption("This is the current run.")
            elif left.button("Make it the current run", key="make_current"):
                state.set_run(run_id)
                st.rerun()
            # The button names its run (its key too, so a click on a button still drawn for the
            # previous choice gets that run, under that run's name).
            with user_errors():
                middle.download_button(f"Download {run_id} (.zip)", store.export_zip(run_id), f"{run_id}.zip",
                                       "application/zip", key=f"export_{run_id}")
        else:
            left.warning(f"Broken: {one.broken}")
        run_actions.delete(store, run_id, right)
        run_actions.words(store, one)

run_actions.trash(store)

st.subheader("Upload a run")
uploaded = st.file_uploader("A run .zip exported from this app", type=["zip"], key="import")
if uploaded is not None and st.session_state.get("imported_name") != uploaded.file_id:
    with user_errors():
        known = {info.run_id for info in infos}
        access.admit_upload(uploaded.size)
        new_id = store.import_zip(uploaded.getvalue(), uploaded.name)
        st.session_state["imported_name"] = uploaded.file_id
        state.set_run(new_id)
        if new_id in known:
            state.notice_success(f"{uploaded.name} is run {new_id}, already in the store; it is now the current run.")
        else:
            state.notice_success(f"Imported {uploaded.name} as run {new_id}; it is now the current run.")
        st.rerun()
