"""What a screen does when the run it shows changes or vanishes under it.

Runs are shared: another tab, another visitor or the command line may move a run to the trash,
empty the trash or delete it while a screen shows it. Every result screen goes through this
module, in its full runs (``runs.require_run``) and in its fragment reruns (``run_fragment``)
alike, so a run that is gone is always said in one line with the way on, never shown as an
exception box, and never silently replaced by another run.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator

import streamlit as st

from aemodels.errors import AemodelsError
from aemodels.ui import state

RUNS_PAGE = "pages/runs.py"


def run_exists(run_id: str) -> bool:
    """Whether the store this session sees holds ``run_id`` now (sound or broken): asked of the
    folders, not of this script run's listing, since another person may have deleted it since."""
    return state.store().holds(run_id)


def vanished_message(run_id: str) -> str:
    """One line: where ``run_id`` went, as far as this session's store can tell, and what to do."""
    store = state.store()
    if store.in_trash(run_id):
        return (f"Run {run_id} was moved to the trash (in another tab, or by someone else using this app): "
                "restore it on Runs, or pick another run in the sidebar.")
    owner = getattr(store, "held_by_another_visitor", None)
    if owner is not None and owner(run_id):
        return (f"Run {run_id} belongs to another visitor of this public app, and each visitor's runs are "
                "private: ask them to download it on Runs, then upload it there yourself.")
    return (f"Run {run_id} is not in the store: it was deleted (perhaps in another tab or by someone else "
            "using this app), or the link comes from another machine. Pick another run in the sidebar, or open Runs.")


def show_vanished(run_id: str) -> None:
    """Say that ``run_id`` is gone, with a link to the Runs screen."""
    st.warning(vanished_message(run_id), icon=":material/error:")
    st.page_link(RUNS_PAGE, label="Open Runs", icon=":material/folder_open:",
                 query_params={"dataset": state.current_dataset()})


@contextlib.contextmanager
def run_guard(run_id: str) -> Iterator[None]:
    """Run a block that reads ``run_id``: if the run vanishes meanwhile (a read of the store or
    of one of its files fails and the run is no longer there), the block ends with
    ``show_vanished``; another ``AemodelsError`` ends it with its one line."""
    try:
        yield
    except (AemodelsError, OSError) as exc:
        if not run_exists(run_id):
            show_vanished(run_id)
        elif isinstance(exc, AemodelsError):
            st.error(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        else:
            raise


def run_fragment(body: Callable | None = None, *, run_every=None):
    """``st.fragment`` for a part of a screen that shows one run (its first argument: a run id or
    a ``RunInfo``). Each rerun, the page's or the fragment's own, first checks that the run is
    still in the store and runs the body inside ``run_guard``."""
    def decorate(function: Callable) -> Callable:
        @st.fragment(run_every=run_every)
        @functools.wraps(function)
        def guarded(run, *args, **kwargs):
            run_id = getattr(run, "run_id", run)
            if not run_exists(run_id):
                show_vanished(run_id)
                return None
            with run_guard(run_id):
                return function(run, *args, **kwargs)

        return guarded

    return decorate(body) if body is not None else decorate
