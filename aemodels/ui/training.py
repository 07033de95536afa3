"""Training from the dashboard: a button starts a background job; panels follow it.

``start`` puts a config on the process-wide ``background.board()`` (or reuses the run already
trained with it). The job runs in its own thread, so clicks, page changes and reruns do not touch
it; only its Stop button (or the server stopping) ends it. A closed browser tab leaves it running:
its run is saved in the store like any other, though it becomes nobody's current run.

``job_panel`` (Train and Home: progress, live loss chart, Stop) and ``sidebar_status`` (every
screen: one line per job) poll the board with ``st.fragment(run_every=...)`` while a job of this
session is unfinished, rerunning only themselves. When a job finishes, the next poll makes its run
the session's current run once and reruns the app, so the sidebar and the page show it.
"""

from __future__ import annotations

import streamlit as st

from aemodels import plots
from aemodels.background import JobState, TrainingJob, board
from aemodels.config import TrainConfig
from aemodels.datasets import dataset_title
from aemodels.ui import access, cache, state
from aemodels.ui.screens import TRAIN_PAGE, results_page

JOBS_KEY = "training_jobs"  # job ids this session started, oldest first
SEEN_KEY = "training_jobs_seen"  # finished jobs already made current
PANEL_SECONDS = 0.5
SIDEBAR_SECONDS = PANEL_SECONDS  # the sidebar and the panel tell the same epoch
LIVE_MAP_IMAGES = 500  # points of the live map: SVG, cheap to redraw every epoch (plots.WEBGL_FROM_POINTS)


def keep_trainer_ready() -> None:
    """Have a spare training process import TensorFlow ahead of the first click
    (``JobBoard.keep_warm``); called on every run of the app, cheap once it is there."""
    board().keep_warm()


def start(config: TrainConfig) -> TrainingJob | None:
    """Start training ``config`` in the background; None (and the run made current) when the
    exact config was trained before. In public mode a visitor past a limit gets
    ``public.LimitReached`` (one line, for ``user_errors``)."""
    store = state.store()
    reused = store.find(config)
    if reused is not None:
        state.set_run(reused.run_id)
        state.notice_success(f"This exact config was trained before: showing run {reused.run_id}.")
        return None
    if access.limited():
        _check_public_limits(config, store)
    job = board().start(config, access.visitor_id(), store)
    st.session_state.setdefault(JOBS_KEY, []).append(job.job_id)
    return job


def _check_public_limits(config: TrainConfig, store) -> None:
    from aemodels import public
    from aemodels.datasets import held_out_count

    if any(not job.finished for job in my_jobs()):
        raise public.LimitReached("You already have a training queued or running: in this public app a visitor "
                                  "trains one model at a time. Wait for it, or stop it on Train.")
    store.check_room()
    images = len(cache.dataset(config.dataset, state.home_key()))
    train_images = images - held_out_count(images, config.test_fraction)
    if config.train_images is not None:
        train_images = min(train_images, config.train_images)
    public.check_training_size(config.epochs, train_images, store.limits)


def my_jobs() -> list[TrainingJob]:
    """This session's jobs still on the board, oldest first."""
    jobs = [board().get(job_id) for job_id in st.session_state.get(JOBS_KEY, [])]
    return [job for job in jobs if job is not None]


def active() -> bool:
    return any(not job.finished for job in my_jobs())


def seen_jobs() -> set[str]:
    """Ids of this session's finished jobs whose outcome has been taken in (run made current)."""
    return st.session_state.setdefault(SEEN_KEY, set())


def newly_finished() -> list[TrainingJob]:
    """Finished jobs of this session not yet acknowledged (made current)."""
    seen = seen_jobs()
    return [job for job in my_jobs() if job.finished and job.job_id not in seen]


def acknowledge_finished() -> TrainingJob | None:
    """Make the newest newly finished job's run current (once); returns that job, if any."""
    fresh = newly_finished()
    if not fresh:
        return None
    st.session_state[SEEN_KEY].update(job.job_id for job in fresh)
    done = [job for job in fresh if job.state is JobState.DONE]
    if done:
        state.set_run(done[-1].run_id)
    return fresh[-1]


def job_panel() -> None:
    """The jobs of this session in full: progress, live loss chart, Stop; the last finished one's
    outcome and a link to its results."""
    _panel_fragment(run_every=PANEL_SECONDS if active() else None)()


def _panel_fragment(run_every):
    @st.fragment(run_every=run_every)
    def panel() -> None:
        jobs = my_jobs()
        for job in jobs:
            if job.finished:
                continue
            _draw_running(job)
        if newly_finished() and acknowledge_finished() is not None:
            st.rerun(scope="app")  # the sidebar and the page follow the new current run
        last = next((job for job in reversed(jobs) if job.finished), None)
        if last is not None:
            _draw_outcome(last)

    return panel


def _draw_running(job: TrainingJob) -> None:
    config = job.config
    with st.container(border=True):
        if job.state is JobState.WAITING:
            ahead = "is next" if job.place in (None, 1) else f"has {job.place - 1} trainings ahead of it"
            st.info(f"Waiting: the server trains one model at a time, and this {config.model} {ahead}. "
                    "It starts by itself.")
            if st.button("Cancel", key=f"stop_{job.job_id}"):
                job.stop()
            return
        progress = job.progress
        if progress is None:
            st.progress(0.0, text=f"Training a {config.model} on {dataset_title(config.dataset)}: building the model…")
        elif job.state is JobState.SCORING:
            st.progress(1.0, text=f"Trained; scoring the {config.model} against its baseline…")
        else:
            eta = progress.eta_seconds
            # The first epoch's pace includes building the model: no estimate before it ends.
            eta_text = f", about {eta:.0f} s left" if eta == eta and progress.epoch > 1 else ""
            st.progress(min(progress.fraction, 1.0),
                        text=f"Training a {config.model} on {dataset_title(config.dataset)}: epoch {progress.epoch}/{progress.epochs} · "
                             f"batch {progress.batch}/{progress.batches} · loss "
                             f"{progress.losses.get('loss', float('nan')):.4f}{eta_text}")
        if job.latest_codes is not None or job.history:
            left, right = st.columns(2)
            if job.latest_codes is not None:
                with left:
                    _live_map(job)
            if job.history:
                right.plotly_chart(plots.loss_chart(job.history), key=f"live_loss_{job.job_id}")
        if st.button("Stop training", key=f"stop_{job.job_id}", help="Stops within a second; nothing is saved."):
            job.stop()


def _live_map(job: TrainingJob) -> None:
    """The held-out images' codes after the latest epoch, coloured by class: the map forming."""
    from aemodels.views import map_of

    config = job.config
    epoch, codes = job.latest_codes
    codes = codes[:LIVE_MAP_IMAGES]
    _, labels = cache.test_split(config.dataset, config.seed, config.test_fraction, state.home_key())
    names = cache.dataset(config.dataset, state.home_key()).class_names
    codes = map_of(codes)
    when = "before training" if epoch == 0 else f"after epoch {epoch} of {config.epochs}"
    figure = plots.embedding_scatter(codes, labels[:len(codes)], names, f"{len(codes)} held-out images, {when}")
    st.plotly_chart(figure, key=f"live_map_{job.job_id}")
    if config.latent_dim > 2:
        st.caption(f"The code has {config.latent_dim} numbers: the map is their PCA to 2-D.")


def _draw_outcome(job: TrainingJob) -> None:
    from aemodels.ui.verdict import warn_if_beaten

    if job.state is JobState.DONE:
        st.success(job.message)
        info = state.store().get(job.run_id)
        if job.history:
            st.plotly_chart(plots.loss_chart(info.history), key=f"final_loss_{job.job_id}")
        warn_if_beaten(info)
        st.page_link(results_page(job.config.kind), label="See the results", icon=":material/arrow_forward:",
                     query_params=state.view_params())
    elif job.state is JobState.STOPPED:
        st.warning(job.message)
    else:
        st.error(job.message)


def sidebar_status() -> None:
    """One line per unfinished job of this session, on every screen, with a link to Train."""
    if not my_jobs():
        return
    _sidebar_fragment(run_every=SIDEBAR_SECONDS if active() else None)()


def _sidebar_fragment(run_every):
    @st.fragment(run_every=run_every)
    def status() -> None:
        running = [job for job in my_jobs() if not job.finished]
        for job in running:
            progress = job.progress
            if job.state is JobState.WAITING:
                st.caption(f":material/hourglass_empty: {job.config.model}: waiting for its turn")
            elif progress is None or job.state is JobState.SCORING:
                st.caption(f":material/model_training: {job.config.model}: {job.state.value}…")
            else:
                eta = progress.eta_seconds
                eta_text = f", ~{eta:.0f} s left" if eta == eta and progress.epoch > 1 else ""
                st.caption(f":material/model_training: {job.config.model}: epoch {progress.epoch}/{progress.epochs}, "
                           f"loss {progress.losses.get('loss', float('nan')):.3f}{eta_text}")
        if running:
            st.page_link(TRAIN_PAGE, label="Follow the training", icon=":material/monitoring:", query_params=state.view_params())
        if newly_finished() and acknowledge_finished() is not None:
            st.rerun(scope="app")

    return status
