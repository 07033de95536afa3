"""AppTest of the Lesson screen: its steps, a link to a step that does not exist, and a bad
classroom setting (the steps opened in a browser: test_browser_lesson.py)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from aemodels.config import TrainConfig
from aemodels.ui import lesson, screens
from tests.apptest import APP, TIMEOUT, open_page

PAGE = "pages/lesson.py"


def test_every_step_is_a_valid_training_shown_on_a_screen_with_its_button(home):
    pages = {page.file for page in screens.PAGES}
    at = open_page(PAGE)
    assert not at.exception and not at.error
    labels = [button.label for button in at.button]
    for step in lesson.STEPS:
        assert isinstance(step.config, TrainConfig) and step.page in pages, step.key
        assert labels.count(step.button) == 1, step.key
    assert len(lesson.BY_KEY) == len(lesson.STEPS)
    assert any("Where the notebooks trip" in header.value for header in at.header)


def test_the_cap_lowers_the_epochs_only(home, monkeypatch):
    uncapped = {step.key: step.config for step in lesson.STEPS}
    monkeypatch.setenv(lesson.EPOCHS_CAP, "2")
    for step in lesson.STEPS:
        assert step.config.epochs == min(2, uncapped[step.key].epochs)
        assert step.config.model == uncapped[step.key].model and step.config.dataset == uncapped[step.key].dataset


def test_a_link_to_no_step_says_so_in_one_line_and_stays(home):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["step"] = "nothing"
    at.switch_page(PAGE).run()
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "The link asks for a lesson step called 'nothing', and there is none: pick a step below."]
    at.run()  # a rerun (the browser's, after its cookie) keeps the warning
    assert len(at.warning) == 1


def test_a_bad_classroom_setting_is_one_line(home, monkeypatch):
    monkeypatch.setenv(lesson.EPOCHS_CAP, "lots")
    at = open_page(PAGE)
    assert not at.exception
    assert len(at.error) == 1 and "AEMODELS_LESSON_EPOCHS='lots' is not a whole number" in at.error[0].value
