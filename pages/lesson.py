"""Lesson: the autoencoder lesson in its order, each step a button that opens the screen showing it."""

import streamlit as st

from aemodels.errors import ConfigError
from aemodels.ui import lesson, training
from aemodels.ui.entry import require_app
from aemodels.ui.screens import show_heading

require_app(__file__)

lesson.follow_job()  # a step this session started has trained: open its screen first
lesson.step_from_link()

show_heading(__file__)
st.write("This follows the autoencoders lesson of Microsoft's AI-For-Beginners course and its two notebooks, in "
         "their order. Each step opens the screen that shows it with the lesson's settings: the run opens at once "
         "when it has been trained before, and is trained first when it has not (seconds to a few minutes). Each "
         "step's button is also a link to hand out: this page's address with `?step=` and the step's name.")
try:
    lesson.check_epochs_cap()
except ConfigError as exc:
    st.error(str(exc))
    st.stop()
jobs = st.container()  # filled after the steps: a training a button just started shows here, polled

part = None
for step in lesson.STEPS:
    if step.part != part:
        part = step.part
        st.header(part)
    st.subheader(step.heading)
    st.markdown(step.words)
    config = step.config
    st.caption(f"`?step={step.key}` · {config.model} on {config.dataset}, {config.epochs} epochs of batch "
               f"{config.batch_size}")
    if st.button(step.button, key=f"lesson_{step.key}", icon=":material/arrow_forward:"):
        lesson.open_step(step)

st.header("Where the notebooks trip, and what this app does instead")
for title, words in lesson.PITFALLS:
    st.markdown(f"**{title}.** {words}")
with jobs:
    training.job_panel()
