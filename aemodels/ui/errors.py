"""Show a user's mistake as one line in the page, never as a traceback."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import streamlit as st

from aemodels.errors import AemodelsError


def one_line(exc: AemodelsError) -> str:
    """The error's first line (its class name when it has no words)."""
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


@contextlib.contextmanager
def callback_errors() -> Iterator[None]:
    """``user_errors`` for a widget callback, which runs before the page is drawn: the line shows at
    the top of the page that follows (``state.notice_error``)."""
    from aemodels.ui import state

    try:
        yield
    except AemodelsError as exc:
        state.notice_error(one_line(exc))


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Run the block; an ``AemodelsError`` ends it with a one-line ``st.error``."""
    try:
        yield
    except AemodelsError as exc:
        st.error(one_line(exc))
