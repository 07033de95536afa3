"""The training limiter, many sessions on one store, memory over many runs, and interrupted work.

- ``aemodels.jobs``: at most N trainings at once, FIFO line, place in line reported, released on
  errors (threads only, no Keras).
- Several sessions training at once through ``training_slot`` into one ``RunStore`` while another
  thread deletes runs: every surviving run loads, matches its config and holds its own weights.
- Ten tiny trainings in a row do not grow the process's memory without bound.
- Child processes saving and deleting runs are SIGKILLed at random moments: the store lists only
  whole runs. Hand-damaged run folders are listed as broken with a reason and can be deleted.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from aemodels.errors import AemodelsError, ConfigError, RunStoreError
from aemodels.jobs import TrainingBusy, TrainingLimiter, max_training_jobs, training_slot

ROOT = Path(__file__).resolve().parent.parent


# --- the limiter ----------------------------------------------------------------------------


def _wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.005)


def test_max_training_jobs_reads_the_environment(monkeypatch):
    monkeypatch.delenv("AEMODELS_MAX_TRAINING_JOBS", raising=False)
    assert max_training_jobs() == 1
    monkeypatch.setenv("AEMODELS_MAX_TRAINING_JOBS", "3")
    assert max_training_jobs() == 3
    for bad in ("0", "-1", "two", "1.5", "1000"):
        monkeypatch.setenv("AEMODELS_MAX_TRAINING_JOBS", bad)
        with pytest.raises(ConfigError):
            max_training_jobs()


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_limiter_never_exceeds_its_limit_and_serves_in_arrival_order(limit):
    limiter = TrainingLimiter(limit)
    lock = threading.Lock()
    active, peak, admitted = [0], [0], []
    gate = threading.Event()

    def job(name):
        with limiter.slot(name, poll_seconds=0.05):
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
                admitted.append(name)
            gate.wait(5)
            time.sleep(0.01)
            with lock:
                active[0] -= 1

    threads = []
    for i in range(8):  # start one at a time so the arrival order is known
        thread = threading.Thread(target=job, args=(f"s{i}",))
        thread.start()
        threads.append(thread)
        _wait_for(lambda: len(limiter.running()) + len(limiter.waiting()) == i + 1)
    assert len(limiter.running()) == limit
    assert limiter.waiting() == [f"s{i}" for i in range(limit, 8)]
    gate.set()
    for thread in threads:
        thread.join(10)
    assert peak[0] == limit
    assert admitted[:limit] == [f"s{i}" for i in range(limit)]
    assert admitted[limit:] == [f"s{i}" for i in range(limit, 8)]
    assert limiter.running() == [] and limiter.waiting() == []


def test_waiting_callers_are_told_their_place_in_line():
    limiter = TrainingLimiter(1)
    told = {"b": [], "c": []}
    release_a = threading.Event()
    holding = threading.Event()

    def holder():
        with limiter.slot("a"):
            holding.set()
            release_a.wait(5)

    def waiter(name):
        with limiter.slot(name, on_wait=told[name].append, poll_seconds=0.05):
            time.sleep(0.02)

    a = threading.Thread(target=holder)
    a.start()
    holding.wait(5)
    b = threading.Thread(target=waiter, args=("b",))
    b.start()
    _wait_for(lambda: told["b"] == [1])
    c = threading.Thread(target=waiter, args=("c",))
    c.start()
    _wait_for(lambda: told["c"] == [2])
    assert limiter.position("a") == 0 and limiter.position("b") == 1 and limiter.position("c") == 2
    assert limiter.position("nobody") is None
    release_a.set()
    for thread in (a, b, c):
        thread.join(5)
    assert told == {"b": [1], "c": [2, 1]}


def test_slot_is_released_when_the_job_fails():
    limiter = TrainingLimiter(1)
    for _ in range(3):
        with pytest.raises(ZeroDivisionError):
            with limiter.slot("s"):
                1 / 0
    with pytest.raises(AemodelsError):
        with limiter.slot("s"):
            raise AemodelsError("stopped")
    assert limiter.running() == []
    with limiter.slot("next"):
        assert limiter.running() == ["next"]


def test_timeout_and_failing_callback_leave_the_line():
    limiter = TrainingLimiter(1)
    with limiter.slot("a"):
        with pytest.raises(TrainingBusy):
            with limiter.slot("b", timeout=0.1, poll_seconds=0.02):
                pass
        assert limiter.waiting() == []

        def boom(position):
            raise RuntimeError("the page went away")

        with pytest.raises(RuntimeError):
            with limiter.slot("c", on_wait=boom):
                pass
        assert limiter.waiting() == []
    with limiter.slot("d", timeout=0.1):  # the line is empty again
        assert limiter.running() == ["d"]


def test_training_slot_uses_the_environment_limit(monkeypatch):
    monkeypatch.setenv("AEMODELS_MAX_TRAINING_JOBS", "2")
    lock, active, peak = threading.Lock(), [0], [0]

    def job(i):
        with training_slot(f"env-{i}", poll_seconds=0.02):
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
            time.sleep(0.05)
            with lock:
                active[0] -= 1

    threads = [threading.Thread(target=job, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert peak[0] == 2


def test_jobs_module_does_not_import_streamlit():
    code = "import sys, aemodels.jobs; sys.exit('streamlit' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60).returncode == 0
