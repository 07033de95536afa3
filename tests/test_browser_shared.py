"""Two people on one server, in two browsers: a run deleted by one under the other's screen, a
slider moved by the other afterwards (a fragment rerun); and a browser's jobs across a reload and
a second tab. Screenshots go to ``tests/artifacts/shared_*.png``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import CHROMIUM_ARGS, StreamlitServer, chromium_path
from tests.test_browser import (APP_TIMEOUT_MS, SMALL_TRAINING, TRAIN_TIMEOUT_MS, TRAINING, _start_training,
                                assert_no_traceback, open_page, screenshot, wait_for_app)

pytestmark = pytest.mark.browser

# screen → (page path, its title, the kind of run it shows, the control moved after the delete)
SCREENS = {
    "denoising": ("denoising", "Denoising", "denoise", "Noise level"),
    "superres": ("superres", "Super-resolution", "superres", "Upscale factor"),
    "latent": ("latent", "Latent explorer", "vae", "z1"),
    "embedding": ("embedding", "Embedding vs PCA", "dense-ae", None),  # no fragment: a toggle reruns the page
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from aemodels.config import TrainConfig
    from aemodels.evaluation import evaluate
    from aemodels.runs import RunStore
    from aemodels.training import train

    home = tmp_path_factory.mktemp("shared-home")
    store = RunStore(home / "runs")
    run_ids = {}
    for kind in sorted({kind for _, _, kind, _ in SCREENS.values()}):
        result = train(TrainConfig(model=kind, **TRAINING.get(kind, SMALL_TRAINING)))
        run_ids[kind] = store.save(result, evaluate(result.bundle))
    app = StreamlitServer(home, home / "server.log").start()
    app.run_ids, app.store_root = run_ids, home / "runs"
    yield app
    app.stop()
    assert "Traceback" not in app.log(), f"the server logged a traceback:\n{app.log()}"


@pytest.fixture(scope="module")
def browsers(tmp_path_factory):
    """Two browsers (two profiles: two cookies, two people)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        contexts = [playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp(f"profile-{who}")), executable_path=chromium_path(), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1000}) for who in ("a", "b")]
        yield contexts
        for context in contexts:
            context.close()


def _delete_for_good(tab, url: str, run_id: str) -> None:
    """On Runs: move ``run_id`` to the trash, then empty the trash."""
    open_page(tab, f"{url}/runs?run={run_id}", "Runs")
    tab.get_by_role("button", name="Delete this run").click()
    tab.get_by_role("button", name="Delete", exact=True).click()
    tab.get_by_role("button", name="Empty the trash").wait_for(timeout=APP_TIMEOUT_MS)
    wait_for_app(tab)
    tab.get_by_role("button", name="Empty the trash").click()
    wait_for_app(tab)
    tab.get_by_text("for good").first.wait_for(timeout=APP_TIMEOUT_MS)


@pytest.mark.parametrize("screen", SCREENS)
def test_a_run_deleted_by_another_person_is_said_at_the_next_move(server, browsers, screen):
    path, title, kind, control = SCREENS[screen]
    run_id = server.run_ids[kind]
    a, b = (context.new_page() for context in browsers)
    try:
        open_page(a, f"{server.url}/{path}?run={run_id}", title)
        shown = (a.locator("[data-testid='stSlider']").filter(has_text=control) if control is not None
                 else a.get_by_text("Training images too"))
        shown.first.wait_for(timeout=APP_TIMEOUT_MS)  # the screen drawn in full (the first load loads the model)
        wait_for_app(a)
        _delete_for_good(b, server.url, run_id)
        assert not (Path(server.store_root) / run_id).exists()
        if control is not None:  # a fragment rerun, which replaces the slider with the message
            thumb = a.locator("[data-testid='stSlider']").filter(has_text=control).first.locator("input[type='range']")
            thumb.focus()
            a.keyboard.press("ArrowRight")
        else:
            a.get_by_text("Training images too").first.click()  # a toggle: the whole page reruns
        wait_for_app(a)
        message = a.get_by_text(f"Run {run_id} is not in the store").first
        message.wait_for(timeout=APP_TIMEOUT_MS)
        assert_no_traceback(a)
        assert a.get_by_role("link", name="Open Runs").count() >= 1
        screenshot(a, f"shared_vanished_{screen}")
    finally:
        a.close()
        b.close()


def test_a_browsers_job_survives_a_reload_and_shows_in_its_other_tab(server, browsers):
    mine, stranger = browsers
    tab = mine.new_page()
    second = mine.new_page()
    other = stranger.new_page()
    try:
        _start_training(tab, f"{server.url}/train?dataset=digits", "dense-ae", 300)
        tab.get_by_role("button", name="Stop training").wait_for(timeout=TRAIN_TIMEOUT_MS)
        tab.reload()
        wait_for_app(tab)
        tab.get_by_role("button", name="Stop training").wait_for(timeout=APP_TIMEOUT_MS)
        tab.locator("[data-testid='stSidebar']").get_by_text("dense-ae, code 2 on digits: epoch").wait_for(
            timeout=APP_TIMEOUT_MS)
        screenshot(tab, "shared_job_after_reload")
        open_page(second, f"{server.url}/train", "Train a model")  # a second tab of the same browser
        second.get_by_role("button", name="Stop training").wait_for(timeout=APP_TIMEOUT_MS)
        open_page(other, f"{server.url}/train", "Train a model")  # another person
        assert other.get_by_role("button", name="Stop training").count() == 0
        second.get_by_role("button", name="Stop training").click()  # stopped from the second tab
        tab.get_by_text("stopped at epoch").first.wait_for(timeout=APP_TIMEOUT_MS)
        assert_no_traceback(tab)
    finally:
        for page in (tab, second, other):
            page.close()
