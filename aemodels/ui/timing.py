"""Opt-in timing of fragment reruns, for the benchmarks.

With ``AEMODELS_TIMING_LOG`` set to a file path, each run of a function wrapped by ``timed``
appends one line ``<name> <milliseconds>`` to that file; without it, ``timed`` changes nothing.
"""

from __future__ import annotations

import functools
import os
import time
from typing import Callable, TypeVar

F = TypeVar("F", bound=Callable)
TIMING_LOG_VARIABLE = "AEMODELS_TIMING_LOG"


def timed(name: str) -> Callable[[F], F]:
    """Decorator: log the wall time of each call as ``name`` when the timing log is on."""

    def wrap(function: F) -> F:
        @functools.wraps(function)
        def timed_call(*args, **kwargs):
            path = os.environ.get(TIMING_LOG_VARIABLE)
            if not path:
                return function(*args, **kwargs)
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                with open(path, "a") as log:
                    log.write(f"{name} {(time.perf_counter() - start) * 1e3:.3f}\n")

        return timed_call  # type: ignore[return-value]

    return wrap
