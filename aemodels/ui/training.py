"""The training widget: a button queues a config; the page body trains it with live progress.

A click only stores the config in ``st.session_state``; the next script run pops it and trains,
drawing ``st.progress``, epoch/ETA text and a live loss chart. Any click while it trains (the
Stop button, or any other widget, or a page change) makes Streamlit rerun, which interrupts
``fit`` at the next progress update: nothing is saved, and the next page drawn says where the
training stopped (``report_interrupted``). A config already trained is reused from the store.
"""

from __future__ import annotations

import time

import streamlit as st

from aemodels import plots
from aemodels.config import TrainConfig
from aemodels.ui import cache, state
from aemodels.ui.errors import user_errors

PENDING_KEY = "pending_training"
RUNNING_KEY = "training_now"  # {"model", "epoch", "epochs"} while a training runs in this session
STOP_KEY = "stop_training"
REDRAW_SECONDS = 0.3  # at most this often for mid-epoch updates


def request(config: TrainConfig) -> None:
    """Queue ``config`` for training on the next run of the page body."""
    st.session_state[PENDING_KEY] = config


def run_pending() -> str | None:
    """Train the queued config, if any, in the page body; return the (new or reused) run id."""
    config = st.session_state.pop(PENDING_KEY, None)
    if config is None:
        return None
    with user_errors():
        reused = state.store().find(config)
        if reused is not None:
            st.success(f"This exact config was trained before: showing run {reused.run_id}.")
            state.set_run(reused.run_id)
            return reused.run_id
        run_id = _train_and_save(config)
        state.set_run(run_id)
        return run_id
    return None


def _finished(stop_slot) -> None:
    """The training ended by itself: forget the marker, remove the Stop button. (A click ends the
    script by Streamlit's rerun exception instead: the marker stays for ``report_interrupted``.)"""
    st.session_state.pop(RUNNING_KEY, None)
    stop_slot.empty()


def report_interrupted() -> None:
    """Say so when this session's last training ended without finishing (call before the page)."""
    running = st.session_state.pop(RUNNING_KEY, None)
    if running is None:
        return
    where = (f"at epoch {running['epoch']} of {running['epochs']}" if running["epoch"]
             else "before its first epoch")
    if st.session_state.get(STOP_KEY):
        st.warning(f"Training of the {running['model']} stopped {where}; nothing was saved.")
    else:
        st.warning(f"Training of the {running['model']} was interrupted {where}: the page ran again "
                   "(a click or a page change) while it trained. Nothing was saved; keep the Train "
                   "page still while a model trains.")


def _session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    return context.session_id if context is not None else "no-session"


def _train_and_save(config: TrainConfig) -> str:
    from aemodels.evaluation import evaluate
    from aemodels.jobs import training_slot
    from aemodels.training import train

    data = cache.dataset(config.dataset, state.home_key())
    stop_slot = st.empty()
    stop_slot.button("Stop training", key=STOP_KEY, help="Stops at once; nothing is saved.")
    bar = st.progress(0.0, text=f"Waiting to train a {config.model} on {config.dataset}…")
    chart = st.empty()
    running = st.session_state[RUNNING_KEY] = {"model": config.model, "epoch": 0, "epochs": config.epochs}
    history: dict[str, list[float]] = {}
    last_draw = [0.0]

    def on_progress(progress) -> None:
        running["epoch"] = progress.epoch
        now = time.perf_counter()
        if progress.epoch_done:
            for name, value in progress.losses.items():
                history.setdefault(name, []).append(value)
            chart.plotly_chart(plots.loss_chart(history), key=f"live_loss_{progress.epoch}")
        elif now - last_draw[0] < REDRAW_SECONDS:
            return
        last_draw[0] = now
        eta = progress.eta_seconds
        # The first epoch's pace includes building the model: no estimate before it ends.
        eta_text = f", about {eta:.0f} s left" if eta == eta and progress.epoch > 1 else ""
        bar.progress(min(progress.fraction, 1.0),
                     text=f"Epoch {progress.epoch}/{progress.epochs} · batch {progress.batch}/{progress.batches}"
                          f" · loss {progress.losses.get('loss', float('nan')):.4f}{eta_text}")

    waiting = st.empty()

    def on_wait(position: int) -> None:
        ahead = "1 training" if position == 1 else f"{position} trainings"
        waiting.info(f"The server trains one model at a time: {ahead} ahead of yours. It starts by itself.")

    try:
        with training_slot(_session_id(), on_wait=on_wait):
            waiting.empty()
            bar.progress(0.0, text=f"Training a {config.model} on {config.dataset}…")
            result = train(config, data, on_progress)
        bar.progress(1.0, text=f"Trained in {result.train_seconds:.1f} s; scoring it against its baseline…")
        run_id = state.store().save(result, evaluate(result.bundle, data))
    except Exception:  # a failure, said by the caller; not a rerun, whose exception is no Exception
        _finished(stop_slot)
        raise
    _finished(stop_slot)
    bar.progress(1.0, text=f"Saved as run {run_id} ({result.train_seconds:.1f} s of training).")
    return run_id
