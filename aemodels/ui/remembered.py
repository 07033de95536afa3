"""Widget values that outlive their page.

Streamlit forgets a widget's value when a run does not draw it (the user went to another page).
``remembered(name, default)`` puts the last value back into the widget's key before the widget
is drawn, and ``remember(name)`` keeps it after; the widget itself gets no ``value`` argument.
"""

from __future__ import annotations

from typing import Any

from aemodels.ui import session


def _store() -> dict[str, Any]:
    return session.REMEMBERED.setdefault({})


def remembered(key: str, default: Any) -> str:
    """Prepare the widget ``key`` with its last value (or ``default``); returns ``key``."""
    widget = session.FORM(key)
    if not widget.present:
        widget.set(_store().get(key, default))
    return key


def remember(key: str) -> Any:
    """Keep the widget's current value for later runs; returns it (the last kept value, or None,
    when the widget was not drawn)."""
    widget = session.FORM(key)
    if widget.present:
        _store()[key] = widget.get()
    return _store().get(key)


def reset(key: str, value: Any) -> None:
    """Set a widget's value before it is drawn (and remember it)."""
    session.FORM(key).set(value)
    _store()[key] = value
