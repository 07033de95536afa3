"""The Lesson screen in the real server and Chromium: every step opens its screen with the lesson's
settings, trained first where the store lacks the run and opened at once where it has it (two
pairs of steps share a run, so both ways are taken); a ``?step=`` link does the same. Then, on
the runs the lesson trained: a run tried on other data, the code-noise curve beside the other
kinds, and pure noise into the upscaler.

The server caps the lesson's epochs at 1 (``AEMODELS_LESSON_EPOCHS``, a classroom setting) so
that its twelve steps train in about two minutes. Screenshots go to ``tests/artifacts/``."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from aemodels.store.runs import RunStore
from aemodels.ui import lesson
from tests.browser import serving, watched_tab
from tests.test_browser import (
    APP_TIMEOUT_MS,
    TRAIN_TIMEOUT_MS,
    assert_no_traceback,
    open_page,
    screenshot,
    wait_for_app,
    wait_for_plots,
)

CAP = {lesson.EPOCHS_CAP: "1"}
LESSON_TITLE = "The lesson, step by step"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("lesson-home"), env=CAP) as app:
        yield app


@pytest.fixture(scope="module")
def page(tmp_path_factory, server):
    with watched_tab(tmp_path_factory) as tab:
        yield tab


@pytest.fixture(autouse=True)
def capped(monkeypatch):
    """``Step.config`` here as the server reads it."""
    monkeypatch.setenv(lesson.EPOCHS_CAP, CAP[lesson.EPOCHS_CAP])


def _landed(page, server, step: lesson.Step) -> str:
    """Wait until the step's screen is open; its run id (checked against the step's settings)."""
    path = step.page.removeprefix("pages/").removesuffix(".py")
    page.wait_for_url(re.compile(rf"/{path}\?.*run="), timeout=TRAIN_TIMEOUT_MS)
    # A screen's first draw on a fresh server may score its baselines (the Denoising screen's
    # filters): longer than a rerun, so wait as long as for a training.
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                           " && !document.querySelector('[data-stale=\"true\"]')", timeout=TRAIN_TIMEOUT_MS)
    wait_for_app(page)
    query = parse_qs(urlparse(page.url).query)
    for _, value in step.view:  # the screen's first slider (the URL drops a value equal to its default)
        thumb = page.locator("[data-testid='stSlider'] input[type='range']").first
        thumb.wait_for(state="attached", timeout=TRAIN_TIMEOUT_MS)
        assert float(thumb.input_value()) == float(value), step.key
    run_id = query["run"][0]
    assert RunStore(server.home / "runs").get(run_id).config == step.config, step.key
    return run_id


@pytest.fixture(scope="module")
def opened(server, page):
    """Every step's button clicked in the lesson's order on the fresh store: step → the run its
    screen opened (each checked by ``_landed``)."""
    runs = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(lesson.EPOCHS_CAP, CAP[lesson.EPOCHS_CAP])
        for step in lesson.STEPS:
            open_page(page, f"{server.url}/lesson", LESSON_TITLE)
            page.get_by_role("button", name=step.button, exact=True).click()
            runs[step.key] = _landed(page, server, step)
            assert_no_traceback(page)
            screenshot(page, f"lesson_{step.key}")
    return runs


def test_every_step_opens_its_screen_with_the_lessons_settings(server, page, opened):
    assert set(opened) == set(lesson.BY_KEY)
    assert opened["code-noise"] == opened["map"]  # the second step found the first one's run
    assert opened["data-specific"] == opened["photos"]
    assert len(RunStore(server.home / "runs").list()) == len({step.config.config_id for step in lesson.STEPS})

    page.goto(f"{server.url}/lesson?step=beta")  # the link a teacher hands out
    assert _landed(page, server, lesson.BY_KEY["beta"]) == opened["beta"]
    page.goto(f"{server.url}/lesson?step=nothing")
    page.get_by_text("there is none: pick a step below").first.wait_for(timeout=APP_TIMEOUT_MS)


def test_the_flower_upscaler_tried_on_people_and_fed_noise(server, page, opened):
    open_page(page, f"{server.url}/superres?run={opened['photos']}&dataset=flowers", "Super-resolution")
    page.get_by_text("On other data").first.scroll_into_view_if_needed()
    page.get_by_test_id("stSelectbox").filter(has_text="Try it on").click()
    page.get_by_role("option", name="people").click()
    wait_for_app(page)
    page.get_by_role("button", name="Score it on people").click()
    page.get_by_text("Its own data, flowers:").first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    assert page.get_by_text("over the baseline").count() == 2  # its own data's margin and people's
    assert page.get_by_role("button", name="Score it on people").count() == 0  # scored: the button is gone
    page.get_by_text("Every run tried on other data").first.wait_for(timeout=APP_TIMEOUT_MS)
    assert_no_traceback(page)
    screenshot(page, "superres_other_data")

    page.get_by_text("Give it pure noise instead of a shrunk image").click()
    page.get_by_text("Here nothing was shrunk").first.wait_for(timeout=APP_TIMEOUT_MS)
    assert page.get_by_text("noise 16×16").count() == 3
    assert_no_traceback(page)
    screenshot(page, "superres_noise_input")


def test_noise_in_the_code_beside_the_other_kinds(server, page, opened):
    open_page(page, f"{server.url}/latent?run={opened['code-noise']}&dataset=mnist-10k", "Latent explorer")
    page.get_by_text("Noise in the code").first.scroll_into_view_if_needed()
    page.get_by_text("decoded from their codes plus noise of 0.5").first.wait_for(timeout=APP_TIMEOUT_MS)
    page.get_by_text("Noise of one standard deviation multiplies this run's error by").first.wait_for(
        timeout=APP_TIMEOUT_MS)
    page.get_by_text("dense-vae (").first.wait_for(timeout=APP_TIMEOUT_MS)
    assert page.get_by_text("vae β 4").count() == 0  # of the two vae runs, the one of β 1 is compared
    curve = page.locator(".js-plotly-plot").filter(has_text="noise in the code")
    curve.wait_for(timeout=APP_TIMEOUT_MS)
    # this conv-ae and the lesson's other 2-number kinds on mnist-10k: dense-vae, vae, aae, cvae
    assert curve.locator(".legendtext").count() == 5
    wait_for_plots(page, 2)
    assert_no_traceback(page)
    screenshot(page, "latent_code_noise")
