"""A process-wide limit on concurrent training jobs, with a first-come-first-served queue.

Training is the heaviest thing the app does; on a small machine two trainings at once can use
all memory. ``training_slot`` lets at most ``max_training_jobs()`` trainings run at a time
(``AEMODELS_MAX_TRAINING_JOBS``, default 1); the others wait in line, in arrival order, and are
told their place in line while they wait::

    with training_slot(session_id, on_wait=lambda position: show(f"{position} ahead of you")):
        result = train(config)

The slot is released however the block ends (exception, ``TrainingStopped``, ...). Pure
``threading``: no Streamlit import, usable from the command line, tests and the dashboard.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
import time
from collections import deque
from typing import Callable, Iterator

from aemodels.errors import AemodelsError, ConfigError, TrainingStopped

ENV_VAR = "AEMODELS_MAX_TRAINING_JOBS"
DEFAULT_MAX_JOBS = 1
MAX_ALLOWED_JOBS = 64


class TrainingBusy(AemodelsError):
    """Waiting for a training slot took longer than the caller allowed."""


def max_training_jobs() -> int:
    """The configured number of trainings that may run at once (``AEMODELS_MAX_TRAINING_JOBS``)."""
    raw = os.environ.get(ENV_VAR, "").strip()
    if not raw:
        return DEFAULT_MAX_JOBS
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{ENV_VAR} must be a whole number from 1 to {MAX_ALLOWED_JOBS}, not {raw!r}.") from None
    if not 1 <= value <= MAX_ALLOWED_JOBS:
        raise ConfigError(f"{ENV_VAR} must be a whole number from 1 to {MAX_ALLOWED_JOBS}, not {value}.")
    return value


class TrainingLimiter:
    """At most ``limit`` holders at once; waiters are served strictly in arrival order.

    ``limit`` may be a number or a function returning one (read on every admission, so a
    changed environment variable takes effect for the next job).
    """

    def __init__(self, limit: int | Callable[[], int] = max_training_jobs):
        self._limit = limit
        self._cond = threading.Condition()
        self._queue: deque[tuple[int, str]] = deque()  # (ticket, session id), waiting, oldest first
        self._running: dict[int, str] = {}  # ticket -> session id
        self._tickets = itertools.count()

    def limit(self) -> int:
        return self._limit() if callable(self._limit) else int(self._limit)

    # --- inspection ---------------------------------------------------------------------------

    def running(self) -> list[str]:
        """Session ids holding a slot now."""
        with self._cond:
            return list(self._running.values())

    def waiting(self) -> list[str]:
        """Session ids waiting, first in line first."""
        with self._cond:
            return [session for _, session in self._queue]

    def position(self, session_id: str) -> int | None:
        """0 if ``session_id`` holds a slot, 1.. its place in line, None if neither."""
        with self._cond:
            if session_id in self._running.values():
                return 0
            for index, (_, session) in enumerate(self._queue):
                if session == session_id:
                    return index + 1
            return None

    # --- the slot -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def slot(
        self,
        session_id: str,
        on_wait: Callable[[int], None] | None = None,
        timeout: float | None = None,
        poll_seconds: float = 0.5,
        cancelled: Callable[[], bool] | None = None,
    ) -> Iterator[None]:
        """Hold one training slot for the block; wait in line first if all are taken.

        Args:
            session_id: who is asking (shown by ``running``/``waiting``).
            on_wait: called with the caller's place in line (1 = next) whenever it changes while
                waiting (not on the first try if a slot is free). It runs on the waiting thread, outside the limiter's lock; an exception from it
                leaves the line and propagates.
            timeout: give up with ``TrainingBusy`` after this many seconds of waiting.
            poll_seconds: how often a waiter re-checks (also woken at once on every release).
            cancelled: polled while waiting; when it returns True the caller leaves the line with
                ``TrainingStopped``.
        """
        ticket = self._acquire(session_id, on_wait, timeout, poll_seconds, cancelled)
        try:
            yield
        finally:
            self._release(ticket)

    def _acquire(self, session_id, on_wait, timeout, poll_seconds, cancelled=None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            ticket = next(self._tickets)
            self._queue.append((ticket, session_id))
        told = None
        try:
            while True:
                with self._cond:
                    place = self._place(ticket)
                    if place == 1 and len(self._running) < max(1, self.limit()):
                        self._queue.popleft()
                        self._running[ticket] = session_id
                        self._cond.notify_all()  # the next in line may fit too
                        return ticket
                if on_wait is not None and place != told:
                    on_wait(place)  # outside the lock: a slow UI never blocks the line
                    told = place
                if cancelled is not None and cancelled():
                    raise TrainingStopped("Cancelled while waiting for a training slot; nothing was trained.")
                with self._cond:
                    if self._place(ticket) != place or self._can_enter(ticket):
                        continue
                    wait = poll_seconds
                    if deadline is not None:
                        left = deadline - time.monotonic()
                        if left <= 0:
                            raise TrainingBusy(
                                f"All {self.limit()} training slot(s) are busy and {place - 1} job(s) "
                                "are ahead in line: try again in a few minutes."
                            )
                        wait = min(wait, left)
                    self._cond.wait(wait)
        except BaseException:
            with self._cond:
                self._remove(ticket)
                self._cond.notify_all()
            raise

    def _place(self, ticket: int) -> int:
        for index, (queued, _) in enumerate(self._queue):
            if queued == ticket:
                return index + 1
        raise RuntimeError("ticket not in queue")  # pragma: no cover - internal invariant

    def _can_enter(self, ticket: int) -> bool:
        return self._place(ticket) == 1 and len(self._running) < max(1, self.limit())

    def _remove(self, ticket: int) -> None:
        self._running.pop(ticket, None)
        for item in list(self._queue):
            if item[0] == ticket:
                self._queue.remove(item)

    def _release(self, ticket: int) -> None:
        with self._cond:
            self._running.pop(ticket, None)
            self._cond.notify_all()


_LIMITER = TrainingLimiter()


def limiter() -> TrainingLimiter:
    """The process-wide limiter every training should go through."""
    return _LIMITER


def training_slot(
    session_id: str,
    on_wait: Callable[[int], None] | None = None,
    timeout: float | None = None,
    poll_seconds: float = 0.5,
):
    """``with training_slot(session_id, on_wait=...):`` around a training; see ``TrainingLimiter.slot``."""
    return _LIMITER.slot(session_id, on_wait=on_wait, timeout=timeout, poll_seconds=poll_seconds)
