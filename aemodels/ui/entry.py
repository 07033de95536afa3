"""Every screen runs inside ``app.py``, even when Streamlit starts a page file on its own.

Streamlit treats a ``pages/`` folder beside the entry point as an old-style multipage app until the
entry point has called ``st.navigation`` once in the server process. So the first request a fresh
server gets, if it is a deep link such as ``/denoising?run=...``, runs ``pages/denoising.py`` alone:
no page config, no shared sidebar, the file names as navigation. ``require_app`` notices that and
runs ``app.py`` instead, which calls ``st.navigation`` (switching Streamlit to it for good) and then
runs the requested page inside it.
"""

from __future__ import annotations

import contextlib
import contextvars
import runpy
from pathlib import Path
from typing import Iterator

import streamlit as st

APP_FILE = "app.py"  # the entry point, in the folder above pages/

_inside_app = contextvars.ContextVar("inside_app", default=False)


@contextlib.contextmanager
def inside_app() -> Iterator[None]:
    """Marks the page that ``app.py`` runs as running inside the app."""
    token = _inside_app.set(True)
    try:
        yield
    finally:
        _inside_app.reset(token)


def require_app(page_file: str) -> None:
    """Call first in a page file (``page_file`` is its ``__file__``): runs ``app.py`` if it is not running."""
    if _inside_app.get():
        return
    runpy.run_path(str(Path(page_file).resolve().parent.parent / APP_FILE))
    st.stop()
