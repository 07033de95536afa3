"""Runs: list, compare, download, upload and delete saved trainings."""

import streamlit as st

from aemodels.ui import compare_views, run_actions, run_table, seed_views, state
from aemodels.ui.entry import require_app
from aemodels.ui.screens import TRAIN_PAGE, show_heading

require_app(__file__)

show_heading(__file__)
st.write("Every finished training is a run: its settings, loss curves, scores and weights. "
         "Pick runs to compare them; download one to share it, upload one someone shared with you.")

store = state.store()
infos = state.runs()
if not infos:
    st.info("No runs yet.")
    if st.button("Train a model", type="primary", key="runs_train"):
        st.switch_page(TRAIN_PAGE, query_params=state.view_params())
else:
    shown = run_table.filter_runs(infos)
    if not shown:
        st.info("No run of the chosen kinds and datasets: choose more above.")
    else:
        table = run_table.show(shown)
        seed_views.groups_section(shown)
        compare_views.comparison(table, shown)
        compare_views.rate_distortion_plane(table)
        run_actions.one_run(store, shown)

run_actions.trash(store)
run_actions.upload(store, {info.run_id for info in infos})
