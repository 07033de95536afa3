"""Widget values that outlive their page.

Streamlit forgets a widget's value when a run does not draw it (the user went to another page).
``remembered(name, default)`` puts the last value back into the widget's key before the widget
is drawn, and ``remember(name)`` keeps it after; the widget itself gets no ``value`` argument.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

STORE_KEY = "remembered_settings"


def _store() -> dict[str, Any]:
    return st.session_state.setdefault(STORE_KEY, {})


def remembered(key: str, default: Any) -> str:
    """Prepare the widget ``key`` with its last value (or ``default``); returns ``key``."""
    if key not in st.session_state:
        st.session_state[key] = _store().get(key, default)
    return key


def remember(key: str) -> Any:
    """Keep the widget's current value for later runs; returns it (the last kept value, or None,
    when the widget was not drawn)."""
    if key in st.session_state:
        _store()[key] = st.session_state[key]
    return _store().get(key)


def reset(key: str, value: Any) -> None:
    """Set a widget's value before it is drawn (and remember it)."""
    st.session_state[key] = value
    _store()[key] = value
