"""Trainings as background jobs, outside any page's script.

A ``TrainingJob`` is started by ``JobBoard.start`` and stays on the process-wide board (a few kB
each) for the life of the server. A thread of the server takes it through the same first-come-first-served line as
every training (``jobs.limiter``), then a ``Trainer`` process trains it with ``tasks.training.train``, scores
it with ``tasks.assessment.assess`` and saves the run with its 2-D views. It stops only when ``stop()`` is called (answered after the current batch) or the
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
from aemodels.jobs.limiter import TrainingLimiter, limiter

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
        phase: what it does before its first batch, in words ("building the model", the t-SNE
            layout of neighbour keeping), or None.
        history: loss name → one value per finished epoch, as Keras names them.
        latest_codes: (epoch, codes (N, latent_dim)) of the first ``forming.FORMING_IMAGES``
            held-out images after the latest epoch (epoch 0: before training), or None: the
            embedding as it forms. Only the latest is kept (the run saves every frame).
        run_id: the saved run, once ``DONE``.
        message: one line for people once it has finished (what was saved, where it stopped, why
            it failed).
        store_root: the store its run goes to (two jobs of one config and store are one training).
        ended: when it finished (``time.time()``), or None.
    """

    job_id: str
    owner: str
    config: TrainConfig
    state: JobState = JobState.WAITING
    place: int | None = None
    progress: object | None = None
    phase: str | None = None
    history: dict = dataclasses.field(default_factory=dict)
    latest_codes: tuple | None = None
    run_id: str | None = None
    message: str | None = None
    store_root: str = ""
    ended: float | None = None
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
            self.latest_codes = (progress.epoch, progress.codes)
        if progress.epoch == 0:
            return  # the codes before training: no progress yet
        self.progress = progress
        if progress.epoch_done:
            for name, value in progress.losses.items():
                self.history.setdefault(name, []).append(value)


class JobBoard:
    """Every training job of this process, started, listed and stopped from any thread."""

    def __init__(self, line: TrainingLimiter | None = None, warm: bool = False):
        """``warm``: keep a spare ``Trainer`` ready (from the first ``keep_warm``), about 3 s
        faster to start a job and one idle process's memory (see BENCHMARKS.md)."""
        self._line = line or limiter()
        self._jobs: dict[str, TrainingJob] = {}
        self._lock = threading.Lock()
        self._warm = warm
        self._spare: Trainer | None = None

    def keep_warm(self, finishing: TrainingJob | None = None) -> None:
        """Start a spare trainer if warming is on, there is none, and no job is training (a
        spare importing TensorFlow would take the CPU from it; the job's end calls this with
        ``finishing``, itself). Cheap when there is nothing to do."""
        if not self._warm:
            return
        with self._lock:
            training = any(job.state in (JobState.RUNNING, JobState.SCORING) and job is not finishing
                           for job in self._jobs.values())
            if training or (self._spare is not None and self._spare.alive):
                return
            self._spare = Trainer()

    def _take_trainer(self) -> Trainer:
        with self._lock:
            spare, self._spare = self._spare, None
        return spare if spare is not None and spare.alive else Trainer()

    def start(self, config: TrainConfig, owner: str, store) -> TrainingJob:
        """Queue ``config`` for training; a thread follows it while a ``Trainer`` process trains
        it (loading the dataset by name). ``store`` (a ``runs.RunStore``) keeps the run."""
        job = TrainingJob(secrets.token_hex(6), owner, config, store_root=str(store.root))
        with self._lock:
            self._jobs[job.job_id] = job
        thread = threading.Thread(target=self._run, args=(job, store), daemon=True,
                                  name=f"training-{job.job_id}")
        thread.start()
        return job

    def twin(self, config: TrainConfig, store_root) -> TrainingJob | None:
        """The unfinished job training exactly ``config`` into the store at ``store_root``, if any:
        queuing it again would train the same run twice."""
        with self._lock:
            return next((job for job in self._jobs.values() if not job.finished and job.config == config
                         and job.store_root == str(store_root)), None)

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
                job.run_id, seconds = self._take_trainer().run(job, store.root)
            job.message = f"Saved as run {job.run_id} ({seconds:.1f} s of training)."
            outcome = JobState.DONE
        except TrainingStopped:
            where = f"at epoch {job.epoch} of {config.epochs}" if job.epoch else "before its first epoch"
            job.message = f"Training of the {config.model} stopped {where}; nothing was saved."
            outcome = JobState.STOPPED
        except AemodelsError as exc:
            job.message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            outcome = JobState.FAILED
        except Exception as exc:  # a bug: keep the server alive, say it in one line, log the rest
            log.exception("training job %s failed", job.job_id)
            job.message = f"The training failed ({type(exc).__name__}); nothing was saved. The server log has the details."
            outcome = JobState.FAILED
        # The next job's trainer starts importing now, while nobody trains; it is on the board
        # before anyone sees this job finished.
        try:
            self.keep_warm(finishing=job)
        except OSError:  # no spare (say, no process could be started): the next job starts one
            log.exception("could not start a spare trainer")
        job.ended = time.time()
        job.state = outcome


# --- the trainer processes -------------------------------------------------------------------
#
# Each job trains in a process of its own (``aemodels.jobs.trainer``). Streamlit calls
# ``keras.backend.clear_session()`` after every script run of every session; in the server process
# that resets Keras's global state under a training thread (seen: "The name "dense" is used 2
# times in the model" when a rerun came while a model was being built). A trainer process has its
# own Keras, serves one job and ends, giving all its memory back, so the server does not grow by a
# training's worth each time. Importing TensorFlow takes a trainer about 3 s, so the board keeps
# one spare trainer that has done it already (``keep_warm``): a click starts training at once.

WARM_SPARE_ENV = "AEMODELS_WARM_TRAINER"  # "0" keeps no spare trainer (saves its memory)


class Trainer:
    """A ``python -m aemodels.jobs.trainer`` process, talked to over a socket pair with
    ``multiprocessing.connection`` (pickled tuples, see that module for the messages)."""

    def __init__(self):
        import os
        import socket
        import subprocess
        import sys
        from multiprocessing.connection import Connection
        from pathlib import Path

        import aemodels

        ours, theirs = socket.socketpair()
        package_parent = str(Path(aemodels.__file__).resolve().parent.parent)
        path = os.pathsep.join(p for p in (package_parent, os.environ.get("PYTHONPATH")) if p)
        env = {**os.environ, "PYTHONPATH": path, "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2")}
        with theirs:
            self.process = subprocess.Popen([sys.executable, "-m", "aemodels.jobs.trainer", str(theirs.fileno())],
                                            pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL)
        self.connection = Connection(ours.detach())

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, job: TrainingJob, store_root) -> tuple[str, float]:
        """Train, score and save ``job.config``, following its progress and passing on a stop;
        returns (run id, training seconds). Raises the ``AemodelsError`` the trainer raised
        (``TrainingStopped`` included). The process ends with the job. The server's ``AEMODELS_*``
        settings as they are now go with the job (the spare was started earlier)."""
        import os

        try:
            settings = {name: value for name, value in os.environ.items() if name.startswith("AEMODELS_")}
            self.connection.send((job.config, str(store_root), settings))
            stop_sent = False
            while True:
                if job._stop.is_set() and not stop_sent:
                    self.connection.send("stop")
                    stop_sent = True
                if not self.connection.poll(0.1):
                    continue
                kind, payload = self.connection.recv()
                if kind == "progress":
                    job._on_progress(payload)
                elif kind == "phase":
                    job.phase = payload
                elif kind == "scoring":
                    job.state = JobState.SCORING
                elif kind == "saved":
                    return payload
                elif kind == "refused":
                    raise payload
                else:
                    raise RuntimeError(payload)
        except (EOFError, OSError):
            code = self.process.wait(timeout=30)
            raise RuntimeError(f"the training process ended without a word (exit code {code})") from None
        finally:
            self.close()

    def close(self) -> None:
        """Let the process go (a closed socket ends it); its exit, a second or so of TensorFlow
        teardown, is waited for on the side."""
        self.connection.close()
        threading.Thread(target=_reap, args=(self.process,), daemon=True, name="reap-trainer").start()


def _reap(process) -> None:
    import subprocess

    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


_BOARD = None
_BOARD_LOCK = threading.Lock()


def board() -> JobBoard:
    """The process-wide board every screen reads; it keeps a spare trainer unless
    ``AEMODELS_WARM_TRAINER=0``."""
    global _BOARD
    with _BOARD_LOCK:
        if _BOARD is None:
            import os

            _BOARD = JobBoard(warm=os.environ.get(WARM_SPARE_ENV, "1") != "0")
        return _BOARD
