"""The Train form's settings, drawn from their declarations (``settings.SETTINGS``).

Each setting with a ``Form`` that applies to the chosen kind gets its widget, in declaration
order, in its column; its value outlives the page (``remembered``). The recommended settings
(epochs, batch, rate) follow the recommendation whenever the kind or the data changes, and keep
what the person chose until then.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from aemodels.kinds import ModelKind
from aemodels.settings import SETTINGS, Setting
from aemodels.tasks.defaults import Recommendation
from aemodels.ui import session
from aemodels.ui.remembered import remember, remembered, reset


def settings_form(kind: ModelKind, best: Recommendation, train_images: int | None) -> dict[str, Any]:
    """Draw the widgets of ``kind``'s settings; returns setting name → chosen value.

    ``best`` is the recommendation for the kind on ``train_images`` images (None: data not
    known yet, so nothing follows it)."""
    if train_images is not None and session.RECOMMENDED_FOR.get() != (kind.name, train_images):
        session.RECOMMENDED_FOR.set((kind.name, train_images))
        for setting in _on_form():
            if setting.recommended:
                reset(setting.form.key, getattr(best, setting.name))
    chosen: dict[str, Any] = {}
    columns = st.columns(2)
    for setting in _on_form():
        if setting.applies(kind) and setting.form.shown(chosen):
            start = getattr(best, setting.name) if setting.recommended else setting.default
            with columns[setting.form.column]:
                chosen[setting.name] = _widget(setting, start, train_images)
    for setting in _on_form():
        remember(setting.form.key)
    return chosen


def _on_form() -> list[Setting]:
    return [setting for setting in SETTINGS.values() if setting.form is not None]


def _widget(setting: Setting, start: Any, train_images: int | None) -> Any:
    form, key = setting.form, remembered(setting.form.key, start)
    # The recommended settings' help is the command line's; the form says it in the caption below.
    tip = None if setting.recommended else setting.help or None
    if form.widget == "slider":
        return st.slider(setting.words, form.low, form.high, step=form.step, key=key, help=tip)
    if form.widget == "number":
        return st.number_input(setting.words, form.low, form.high, key=key, help=tip)
    if form.widget == "radio":
        return st.radio(setting.words, form.options, horizontal=True, key=key, help=tip)
    if form.widget == "selectbox":
        return st.selectbox(setting.words, form.options, key=key, help=tip,
                            format_func=lambda value: str(value) if value != "" else "none (a flat code)")
    if form.widget == "multiselect":
        return tuple(sorted(st.multiselect(setting.words, form.options, key=key, help=tip)))
    options = sorted(set(form.options) | {start})
    if form.at_most_images and train_images:
        options = [value for value in options if value <= train_images or value == start]
    if session.FORM(key).get() not in options:
        reset(key, start)
    return st.select_slider(setting.words, options, key=key, help=tip)
