"""Keep TensorFlow's chatter off the terminal and the server log; an operator's lines stay.

TensorFlow's absl and oneDNN start-up lines ("All log messages before absl::InitializeLog()
...", "oneDNN custom operations are on") are written by C++ straight to file descriptor 2, and
``TF_CPP_MIN_LOG_LEVEL`` does not silence them in TensorFlow 2.21. Its Python logger warns that
predict functions were "retraced" whenever one process runs several models: a note for its
developers, not for whoever reads our output. ``AEMODELS_NATIVE_LOG`` names a file that gets the
native lines instead (``stderr`` leaves them where they were), for debugging.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Iterator

NATIVE_LOG_VARIABLE = "AEMODELS_NATIVE_LOG"
_import_lock = threading.Lock()


def quiet_python_loggers() -> None:
    """TensorFlow's Python logger says errors only (no retracing notes)."""
    logging.getLogger("tensorflow").setLevel(logging.ERROR)


@contextlib.contextmanager
def silenced(strict: bool = True) -> Iterator[None]:
    """Send what C++ libraries write to descriptor 2 to ``os.devnull`` (or the file
    ``AEMODELS_NATIVE_LOG`` names) for the block, while Python's ``sys.stderr`` is re-pointed at
    the real descriptor 2, so our own messages, warnings and any traceback still reach it.
    When the named file cannot be written: ``OSError`` if ``strict``, else nothing is silenced."""
    target = os.environ.get(NATIVE_LOG_VARIABLE) or os.devnull
    if target == "stderr":
        yield
        return
    try:
        sink = open(target, "ab")
    except OSError:
        if strict:
            raise
        yield
        return
    sys.stderr.flush()
    terminal = os.dup(2)
    python_stderr = sys.stderr
    with sink:
        os.dup2(sink.fileno(), 2)
        sys.stderr = open(os.dup(terminal), "w", buffering=1, encoding=python_stderr.encoding,
                          errors="backslashreplace")
        try:
            yield
        finally:
            sys.stderr.flush()
            sys.stderr.close()
            sys.stderr = python_stderr
            os.dup2(terminal, 2)
            os.close(terminal)


def import_tensorflow() -> None:
    """Import TensorFlow and Keras with their start-up lines silenced (``silenced``), once per
    process; for a long-lived process such as the web server, which imports them only when a
    screen first needs a model. Other threads' writes to descriptor 2 during the import (about
    3 s) are silenced too; Python's ``sys.stderr`` is not."""
    if "keras" in sys.modules:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with _import_lock:
        if "keras" in sys.modules:
            return
        with silenced(strict=False):
            import keras  # noqa: F401
        quiet_python_loggers()
