"""Training from the dashboard: a button starts a background job; panels follow it.

``start`` puts a config on the process-wide ``background.board()`` (or reuses the run already
trained with it, or the same training already queued). The job runs in its own thread, so clicks,
page changes and reruns do not touch it; only its Stop button (or the server stopping) ends it.
Jobs belong to the browser (``access.browser_id``), not the tab: a reload or a second tab of the
same browser shows their progress, Stop and Cancel too.

``job_panel`` (Train and Home: progress, live loss chart, Stop) and ``sidebar_status`` (every
screen: one line per job) poll the board with ``st.fragment(run_every=...)`` while a job of this
browser is unfinished, rerunning only themselves. A finished job offers its run (a link); it never
changes the current run, the dataset or a form by itself: the next poll reruns the app once, so
the run pickers list the new run.
"""

from __future__ import annotations

import time

import streamlit as st

from aemodels.config import TrainConfig
from aemodels.data.datasets import dataset_title
from aemodels.data.splits import Split
from aemodels.jobs.background import JobState, TrainingJob, board
from aemodels.ui import access, cache, session, state
from aemodels.ui.figures import charts, maps
from aemodels.ui.guard import run_exists
from aemodels.ui.screens import TRAIN_PAGE, results_page
from aemodels.words import count

PANEL_SECONDS = 0.5
SIDEBAR_SECONDS = PANEL_SECONDS  # the sidebar and the panel tell the same epoch
OFFERED_SECONDS = 15 * 60  # how long the sidebar offers a finished job's run
LIVE_MAP_IMAGES = 500  # points of the live map: SVG, cheap to redraw every epoch (style.WEBGL_FROM_POINTS)


def keep_trainer_ready() -> None:
    """Have a spare training process import TensorFlow ahead of the first click
    (``JobBoard.keep_warm``); called on every run of the app, cheap once it is there."""
    board().keep_warm()


def start(config: TrainConfig) -> TrainingJob | None:
    """Start training ``config`` in the background; None (and the run made current) when the
    exact config was trained before. The same training already queued or running is not queued
    again: that job is returned and the person told. In public mode a visitor past a limit gets
    ``visitors.LimitReached`` (one line, for ``user_errors``)."""
    store = state.store()
    reused = store.find(config)
    if reused is not None:
        state.set_run(reused.run_id)
        state.notice_success(f"This exact config was trained before: showing run {reused.run_id}.")
        return None
    twin = queued(config)
    if twin is not None:
        whose = "yours" if twin.owner == access.browser_id() else "started by someone else using this app"
        state.notice_success(f"The same training ({job_title(config)}) is already {twin.state.value}, {whose}: "
                             "it was not queued again.")
        return twin
    if access.limited():
        _check_public_limits(config, store)
    return board().start(config, access.browser_id(), store)


def queued(config: TrainConfig) -> TrainingJob | None:
    """The unfinished job, anyone's, that trains exactly ``config`` into this session's store."""
    return board().twin(config, state.store().root)


def job_title(config: TrainConfig) -> str:
    """What tells one job from another: kind, code size (and neighbour keeping), dataset."""
    code = f", code {config.latent_dim}" if config.has_embedding else ""
    if config.has_embedding and config.neighbour_weight:
        code += f", neighbours {config.neighbour_weight:g}"
    return f"{config.model}{code} on {dataset_title(config.dataset)}"


def _check_public_limits(config: TrainConfig, store) -> None:
    from aemodels.data.datasets import held_out_count
    from aemodels.store import visitors

    if any(not job.finished for job in my_jobs()):
        raise visitors.LimitReached("You already have a training queued or running: in this public app a visitor "
                                    "trains one model at a time. Wait for it, or stop it on Train.")
    store.check_room()
    images = len(cache.dataset(config.dataset, state.home_key()))
    train_images = images - held_out_count(images, config.test_fraction)
    if config.train_images is not None:
        train_images = min(train_images, config.train_images)
    visitors.check_training_size(config.epochs, train_images, store.limits)


def my_jobs() -> list[TrainingJob]:
    """This browser's jobs on the board (any of its tabs, before or after a reload), oldest first."""
    return board().of(access.browser_id())


def active() -> bool:
    return any(not job.finished for job in my_jobs())


def seen_jobs() -> set[str]:
    """Ids of this browser's finished jobs this session has taken in (its pickers list their runs)."""
    return session.JOBS_SEEN.setdefault(set())


def newly_finished() -> list[TrainingJob]:
    """Finished jobs of this browser this session has not taken in yet."""
    seen = seen_jobs()
    return [job for job in my_jobs() if job.finished and job.job_id not in seen]


def acknowledge_finished() -> TrainingJob | None:
    """Take in the newly finished jobs (once per session); returns the newest, if any. Nothing
    the person chose changes: the finished run is offered, not made current."""
    fresh = newly_finished()
    if not fresh:
        return None
    seen_jobs().update(job.job_id for job in fresh)
    return fresh[-1]


def offered_runs() -> list[TrainingJob]:
    """This browser's jobs that saved a run in the last ``OFFERED_SECONDS``, which is still in the
    store and not the current run: the sidebar offers each."""
    now, current = time.time(), state.current_run_id()
    return [job for job in my_jobs() if job.state is JobState.DONE and job.run_id != current
            and job.ended is not None and now - job.ended < OFFERED_SECONDS and run_exists(job.run_id)]


def run_params(job: TrainingJob) -> dict[str, str]:
    """The query parameters that open ``job``'s run (its dataset comes with it)."""
    return {"dataset": job.config.dataset, "run": job.run_id}


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
            st.rerun(scope="app")  # a job ended in the background: no widget to hang a callback on
        last = next((job for job in reversed(jobs) if job.finished), None)
        if last is not None:
            _draw_outcome(last)

    return panel


def _draw_running(job: TrainingJob) -> None:
    config = job.config
    with st.container(border=True):
        if job.state is JobState.WAITING:
            ahead = "is next" if job.place in (None, 1) else f"has {count(job.place - 1, 'training')} ahead of it"
            st.info(f"Waiting: the server trains one model at a time, and this {job_title(config)} {ahead}. "
                    "It starts by itself.")
            if st.button("Cancel", key=f"stop_{job.job_id}"):
                job.stop()
            return
        progress = job.progress
        if progress is None:
            st.progress(0.0, text=f"Training a {job_title(config)}: {job.phase or 'starting'}…")
        elif job.state is JobState.SCORING:
            st.progress(1.0, text=f"Trained; scoring the {config.model} against its baseline…")
        else:
            eta = progress.eta_seconds
            # The first epoch's pace includes building the model: no estimate before it ends.
            eta_text = f", about {eta:.0f} s left" if eta == eta and progress.epoch > 1 else ""
            st.progress(min(progress.fraction, 1.0),
                        text=f"Training a {job_title(config)}: epoch {progress.epoch}/{progress.epochs} · "
                             f"batch {progress.batch}/{progress.batches} · loss "
                             f"{progress.losses.get('loss', float('nan')):.4f}{eta_text}")
        if job.latest_codes is not None or job.history:
            left, right = st.columns(2)
            if job.latest_codes is not None:
                with left:
                    _live_map(job)
            if job.history:
                right.plotly_chart(charts.loss_chart(job.history), key=f"live_loss_{job.job_id}")
        if st.button("Stop training", key=f"stop_{job.job_id}", help="Stops within a second; nothing is saved."):
            job.stop()


def _live_map(job: TrainingJob) -> None:
    """The held-out images' codes after the latest epoch, coloured by class: the map forming."""
    from aemodels.scoring.views import map_of

    config = job.config
    epoch, codes = job.latest_codes
    codes = codes[:LIVE_MAP_IMAGES]
    _, labels = cache.held_out(Split.of(config), state.home_key())
    names = cache.dataset(config.dataset, state.home_key()).class_names
    codes = map_of(codes)
    when = "before training" if epoch == 0 else f"after epoch {epoch} of {config.epochs}"
    figure = maps.embedding_scatter(codes, labels[:len(codes)], names, f"{len(codes)} held-out images, {when}")
    st.plotly_chart(figure, key=f"live_map_{job.job_id}")
    if config.latent_dim > 2:
        st.caption(f"The code has {config.latent_dim} numbers: the map is their PCA to 2-D.")


def _draw_outcome(job: TrainingJob) -> None:
    from aemodels.ui.verdict import warn_if_beaten

    if job.state is JobState.DONE:
        st.success(job.message)
        if not run_exists(job.run_id):
            st.caption(f"Run {job.run_id} has since left the store (deleted, or in the trash: see Runs).")
            return
        info = state.run_info(job.run_id)
        if job.history:
            st.plotly_chart(charts.loss_chart(info.history), key=f"final_loss_{job.job_id}")
        warn_if_beaten(info)
        st.page_link(results_page(job.config.kind), label=f"See the results of run {job.run_id}",
                     icon=":material/arrow_forward:", query_params=run_params(job))
    elif job.state is JobState.STOPPED:
        st.warning(job.message)
    else:
        st.error(job.message)


def sidebar_status() -> None:
    """One line per unfinished job of this browser, on every screen, with a link to Train; a link
    to each run its jobs saved lately that is not the current run."""
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
                st.caption(f":material/hourglass_empty: {job_title(job.config)}: waiting for its turn")
            elif progress is None:
                st.caption(f":material/model_training: {job_title(job.config)}: {job.phase or 'starting'}…")
            elif job.state is JobState.SCORING:
                st.caption(f":material/model_training: {job_title(job.config)}: {job.state.value}…")
            else:
                eta = progress.eta_seconds
                eta_text = f", ~{eta:.0f} s left" if eta == eta and progress.epoch > 1 else ""
                st.caption(f":material/model_training: {job_title(job.config)}: epoch {progress.epoch}/{progress.epochs}, "
                           f"loss {progress.losses.get('loss', float('nan')):.3f}{eta_text}")
        if running:
            st.page_link(TRAIN_PAGE, label="Follow the training", icon=":material/monitoring:", query_params=state.view_params())
        for job in offered_runs():  # the title in a caption (it wraps), the link short (a sidebar link is cut)
            st.caption(f":material/check_circle: {job_title(job.config)}: saved as run {job.run_id}")
            st.page_link(results_page(job.config.kind), label="Open the new run", icon=":material/arrow_forward:",
                         query_params=run_params(job))
        if newly_finished() and acknowledge_finished() is not None:
            st.rerun(scope="app")  # the run pickers list the new run

    return status
