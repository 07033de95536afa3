"""Trainings as background jobs, outside any page's script.

A ``TrainingJob`` is started by ``JobBoard.start`` and stays on the process-wide board (a few kB
each) for the life of the server. A thread of the server takes it through the same first-come-first-served line as
every training (``jobs.limiter``), then a child process trains it with ``training.train``, scores
it with ``evaluation.evaluate`` and saves the run. It stops only when ``stop()`` is called (answered after the current batch) or the
process ends; whoever started it may be gone by then (a closed browser tab), and the finished run
is still saved in the store. Pure ``threading``: no Streamlit.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import secrets
import threading
import time

from aemodels.config import TrainConfig
from aemodels.errors import AemodelsError, TrainingStopped
from aemodels.jobs import TrainingLimiter, limiter

log = logging.getLogger(__name__)


class JobState(enum.Enum):
    WAITING = "waiting for its turn"
    RUNNING = "training"
    SCORING = "scoring against its baseline"
    DONE = "saved"
    STOPPED = "stopped"
    FAILED = "failed"


FINISHED = (JobState.DONE, JobState.STOPPED, JobState.FAILED)


@dataclasses.dataclass(eq=False)
class TrainingJob:
    """One training, seen from any thread.

    Attributes:
        job_id: 12 hex digits.
        owner: who started it (a browser session id); only used to list a person's own jobs.
        config: what it trains.
        state: where it is; ``place`` is its place in line while ``WAITING`` (1 = next).
        progress: the latest ``training.TrainProgress`` (None before the first batch).
        history: loss name → one value per finished epoch, as Keras names them.
        codes: (epoch, codes (N, latent_dim)) of the first ``WATCH_IMAGES`` held-out images,
            before training (epoch 0) and after every epoch: the embedding as it forms.
        run_id: the saved run, once ``DONE``.
        message: one line for people once it has finished (what was saved, where it stopped, why
            it failed).
    """

    job_id: str
    owner: str
    config: TrainConfig
    state: JobState = JobState.WAITING
    place: int | None = None
    progress: object | None = None
    history: dict = dataclasses.field(default_factory=dict)
    codes: list = dataclasses.field(default_factory=list)
    run_id: str | None = None
    message: str | None = None
    started: float = dataclasses.field(default_factory=time.time)
    _stop: threading.Event = dataclasses.field(default_factory=threading.Event, repr=False)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def epoch(self) -> int:
        """The epoch under way (from 1), 0 before the first batch."""
        return getattr(self.progress, "epoch", 0)

    def stop(self) -> None:
        """Ask it to stop: a waiting job leaves the line, a running one ends after its batch."""
        self._stop.set()

    def _on_progress(self, progress) -> None:
        if progress.codes is not None:
            self.codes.append((progress.epoch, progress.codes))
        if progress.epoch == 0:
            return  # the codes before training: no progress yet
        self.progress = progress
        if progress.epoch_done:
            for name, value in progress.losses.items():
                self.history.setdefault(name, []).append(value)


class JobBoard:
    """Every training job of this process, started, listed and stopped from any thread."""

    def __init__(self, line: TrainingLimiter | None = None):
        self._line = line or limiter()
        self._jobs: dict[str, TrainingJob] = {}
        self._lock = threading.Lock()

    def start(self, config: TrainConfig, owner: str, store) -> TrainingJob:
        """Queue ``config`` for training; a thread follows it while a child process trains it
        (``_train_in_child``, which loads the dataset by name). ``store`` (a ``runs.RunStore``)
        keeps the run."""
        job = TrainingJob(secrets.token_hex(6), owner, config)
        with self._lock:
            self._jobs[job.job_id] = job
        thread = threading.Thread(target=self._run, args=(job, store), daemon=True,
                                  name=f"training-{job.job_id}")
        thread.start()
        return job

    def of(self, owner: str) -> list[TrainingJob]:
        """``owner``'s jobs, oldest first."""
        with self._lock:
            return [job for job in self._jobs.values() if job.owner == owner]

    def unfinished(self) -> list[TrainingJob]:
        """Every job still waiting, training or scoring, whoever started it."""
        with self._lock:
            return [job for job in self._jobs.values() if not job.finished]

    def get(self, job_id: str) -> TrainingJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _run(self, job: TrainingJob, store) -> None:
        config = job.config
        try:
            def waiting(place: int) -> None:
                job.place = place

            with self._line.slot(job.owner, on_wait=waiting, cancelled=job._stop.is_set, poll_seconds=0.2):
                if job._stop.is_set():
                    raise TrainingStopped("stopped before it started")
                job.state, job.place = JobState.RUNNING, None
                job.run_id, seconds = _train_in_child(job, store.root)
            job.message = f"Saved as run {job.run_id} ({seconds:.1f} s of training)."
            job.state = JobState.DONE
        except TrainingStopped:
            where = f"at epoch {job.epoch} of {config.epochs}" if job.epoch else "before its first epoch"
            job.message = f"Training of the {config.model} stopped {where}; nothing was saved."
            job.state = JobState.STOPPED
        except AemodelsError as exc:
            job.message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            job.state = JobState.FAILED
        except Exception as exc:  # a bug: keep the server alive, say it in one line, log the rest
            log.exception("training job %s failed", job.job_id)
            job.message = f"The training failed ({type(exc).__name__}); nothing was saved. The server log has the details."
            job.state = JobState.FAILED


# --- the child process ------------------------------------------------------------------------
#
# Each job trains in a process of its own. Streamlit calls ``keras.backend.clear_session()`` after
# every script run of every session; in the server process that resets Keras's global state
# under a training thread (seen: "The name "dense" is used 2 times in the model" when a rerun
# came while a model was being built). A child has its own Keras, and gives all its memory back
# when it ends, so the server does not grow by a training's worth each time.

PROGRESS_SECONDS = 0.2  # mid-epoch progress is sent at most this often
WATCH_IMAGES = 500  # held-out images whose codes are sent after every epoch (the live map)


def _train_in_child(job: TrainingJob, store_root) -> tuple[str, float]:
    """Train, score and save ``job.config`` in a spawned process, following its progress and
    passing on a stop; returns (run id, training seconds). Raises what the child raised, for
    ``AemodelsError``s (``TrainingStopped`` included)."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # never fork a process that has TensorFlow threads
    messages, stop = context.Queue(), context.Event()
    child = context.Process(target=_child_main, args=(job.config, str(store_root), messages, stop),
                            name=f"training-{job.job_id}", daemon=True)
    child.start()
    try:
        while True:
            if job._stop.is_set():
                stop.set()
            try:
                kind, payload = messages.get(timeout=0.1)
            except Exception:  # queue.Empty: nothing new
                if not child.is_alive() and messages.empty():
                    raise RuntimeError(f"the training process ended without a word (exit code {child.exitcode})")
                continue
            if kind == "progress":
                job._on_progress(payload)
            elif kind == "scoring":
                job.state = JobState.SCORING
            elif kind == "saved":
                return payload
            elif kind == "refused":
                raise payload
            else:
                raise RuntimeError(payload)
    finally:
        stop.set()
        # The outcome is known: say it now; the child's exit (a second or so of TensorFlow
        # teardown) is waited for on the side.
        threading.Thread(target=_reap, args=(child,), daemon=True, name=f"reap-{job.job_id}").start()


def _reap(child) -> None:
    child.join(timeout=30)
    if child.is_alive():
        child.kill()
        child.join()


def _child_main(config: TrainConfig, store_root: str, messages, stop) -> None:
    """The child: train with progress on ``messages``, stop when ``stop`` is set, score, save."""
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from aemodels.datasets import to_float
    from aemodels.evaluation import evaluate
    from aemodels.runs import RunStore
    from aemodels.training import train, training_split

    last = [0.0]

    def progress(update) -> None:
        now = time.monotonic()
        if update.epoch_done or now - last[0] >= PROGRESS_SECONDS:
            last[0] = now
            messages.put(("progress", update))

    try:
        watch = to_float(training_split(config).x_test[:WATCH_IMAGES]) if config.has_embedding else None
        result = train(config, progress=progress, should_stop=stop.is_set, watch=watch)
        messages.put(("scoring", None))
        run_id = RunStore(store_root).save(result, evaluate(result.bundle))
        messages.put(("saved", (run_id, result.train_seconds)))
    except AemodelsError as exc:
        messages.put(("refused", exc))
    except Exception as exc:  # a bug in the child: one line to the parent, the traceback to the log
        log.exception("training process failed")
        messages.put(("failed", f"{type(exc).__name__}: {exc}"))


_BOARD = JobBoard()


def board() -> JobBoard:
    """The process-wide board every screen reads."""
    return _BOARD
