"""Seed groups on the Runs screen: the groups' spread of every score, and a button that queues
more seeds of a run as background trainings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from aemodels.config import TrainConfig
from aemodels.scoring.seed_groups import SD_FROM, group_of, next_seeds, seed_groups
from aemodels.store.run_folder import RunInfo
from aemodels.ui import access
from aemodels.ui.errors import callback_errors
from aemodels.ui.run_table import group_names, groups_table

MAX_MORE_SEEDS = 5
SPREAD_WORDS = (f"Each score is the mean over the group's seeds, then ± the standard deviation ({SD_FROM} seeds or "
                "more) or, in brackets, the range of 2.")


def groups_section(infos: list[RunInfo]) -> None:
    """The seed groups among ``infos``, one row each, when there are any."""
    table = groups_table(infos)
    if table.empty:
        return
    st.subheader("Seed groups")
    st.dataframe(table, hide_index=True, key="seed_groups", placeholder="")
    st.caption("Runs whose settings are the same but for the seed. The seed picks the held-out images, the first "
               "weights and the batches, so a group shows how far a score moves by chance: a difference between "
               f"two settings smaller than that means little. {SPREAD_WORDS}")
    for group, name in group_names(seed_groups(infos)):
        with st.expander(f"Every score of group {name}"):
            st.dataframe(pd.DataFrame({"score": list(group.scores), "mean and spread": [s.text() for s in group.scores.values()],
                                       "n": [s.n for s in group.scores.values()]}),
                         hide_index=True, key=f"group_scores_{'-'.join(group.run_ids)[:80]}", placeholder="")


def compared_groups(infos: list[RunInfo], compared: list[str]) -> None:
    """The groups of the compared runs, with every seed the store holds."""
    table = groups_table(infos, only=compared)
    if table.empty:
        return
    st.dataframe(table, hide_index=True, key="compare_groups", placeholder="")
    st.caption(f"The seed groups of the compared runs, over all their seeds. {SPREAD_WORDS}")


def add_seeds(one: RunInfo, infos: list[RunInfo]) -> None:
    """How many more seeds of run ``one`` to train, and the button that queues them."""
    group = group_of(one.run_id, seed_groups(infos))
    taken = list(group.seeds) if group else [one.config.seed]
    have = f"{len(taken)} seeds ({', '.join(map(str, taken))})" if group else f"1 seed ({one.config.seed})"
    if access.limited():
        st.caption(f"This run's settings have {have}. In this public app a visitor trains one model at a time: "
                   "add a seed on **Train** by changing the seed.")
        return
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    more = left.number_input("More seeds", 1, MAX_MORE_SEEDS, 2, key="more_seeds",
                             help="Train the same settings with other seeds, in the background, to see the spread.")
    seeds = next_seeds(taken, int(more))
    right.button(f"Queue seeds {', '.join(map(str, seeds))}", key="queue_seeds", icon=":material/playlist_add:",
                 on_click=_queue, args=(one.config, seeds))
    st.caption(f"These settings have {have}; the new runs join their seed group when they are saved. From the "
               "command line, `--seeds N` on `python -m aemodels train` trains N seeds from `--seed` on.")


def _queue(config: TrainConfig, seeds: list[int]) -> None:
    """The button's callback: one background training per seed, queued before the next page."""
    from aemodels.ui import training

    with callback_errors():
        for seed in seeds:
            training.start(config.replace(seed=seed))
