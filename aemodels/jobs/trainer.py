"""The trainer process: ``python -m aemodels.jobs.trainer FD``, started by ``background.Trainer``.

It imports TensorFlow, Keras and the training code first (about 3 s), then waits on the socket
``FD`` for one job, ``(TrainConfig, store root, AEMODELS_* settings)``, trains it, scores it and saves the run, and
ends. Messages to the parent are ``(kind, payload)`` tuples:

- ``("progress", TrainProgress)``: at most every ``PROGRESS_SECONDS`` and after every epoch;
- ``("phase", str)``: what it does before its first batch, in words;
- ``("scoring", None)``: trained, now scoring;
- ``("saved", (run_id, train_seconds))``: the run is in the store;
- ``("refused", AemodelsError)``: stopped, or a config or data problem, in words for people;
- ``("failed", str)``: a bug, one line (the traceback goes to this process's stderr).

The parent sends ``"stop"`` to stop after the current batch. A closed socket (the server gone)
stops it too. A process of its own, not ``multiprocessing``: Streamlit leaves the last page
script in ``sys.modules["__main__"]``, and a spawned ``multiprocessing`` child re-runs that
script as it starts.
"""

from __future__ import annotations

import logging
import os
import sys
import time

PROGRESS_SECONDS = 0.2  # mid-epoch progress is sent at most this often

log = logging.getLogger("aemodels.jobs.trainer")


def main(argv: list[str]) -> int:
    from multiprocessing.connection import Connection

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    connection = Connection(int(argv[0]))
    # The seconds this process exists to spend before the click: TensorFlow and Keras, and the
    # scikit-learn parts the scores use (about 0.3 s more at the first scoring otherwise).
    import keras  # noqa: F401
    import sklearn.decomposition  # noqa: E401, F401
    import sklearn.manifold
    import sklearn.metrics
    import sklearn.model_selection
    import sklearn.neighbors

    from aemodels.tasks import assessment, training  # noqa: F401

    try:
        request = connection.recv()
    except (EOFError, OSError):
        return 0  # the server went away before giving a job
    if request is None:
        return 0
    config, store_root, settings = request
    os.environ.update(settings)  # where datasets live, offline or not: as the server has them now
    _run(config, store_root, connection)
    connection.close()
    return 0


def _run(config, store_root: str, connection) -> None:
    from aemodels.errors import AemodelsError
    from aemodels.store.runs import RunStore
    from aemodels.tasks.assessment import assess
    from aemodels.tasks.training import train

    stopped = [False]
    last = [0.0]

    def should_stop() -> bool:
        try:
            if not stopped[0] and connection.poll():
                connection.recv()  # "stop" is the only thing the parent sends now
                stopped[0] = True
        except (EOFError, OSError):  # the server is gone: nobody wants this run
            stopped[0] = True
        return stopped[0]

    def send(kind: str, payload) -> None:
        try:
            connection.send((kind, payload))
        except OSError:
            stopped[0] = True

    def progress(update) -> None:
        now = time.monotonic()
        if update.epoch_done or now - last[0] >= PROGRESS_SECONDS:
            last[0] = now
            send("progress", update)

    try:
        result = train(config, progress=progress, should_stop=should_stop, phase=lambda words: send("phase", words))
        send("scoring", None)
        assessment = assess(result.bundle)
        run_id = RunStore(store_root).save(result, assessment.metrics, assessment.views)
        send("saved", (run_id, result.train_seconds))
    except AemodelsError as exc:
        send("refused", exc)
    except Exception as exc:  # a bug: one line to the parent, the traceback to stderr
        log.exception("training process failed")
        send("failed", f"{type(exc).__name__}: {exc}")


if __name__ == "__main__":
    from aemodels import native_log

    native_log.quiet_python_loggers()
    with native_log.silenced(strict=False):  # TensorFlow's start-up lines stay out of the server's log
        code = main(sys.argv[1:])
    sys.exit(code)
