"""The lesson's other models in the real server and Chromium: the adversarial AE, the conditional
VAE with its class picker and class grid, the notebook's 4×4×8 code drawn as maps, VAEs of two βs
on the Runs screen's rate–distortion plane, and the Train form offering each kind and setting.

Screenshots go to ``tests/artifacts/`` (ignored by git)."""

from __future__ import annotations

import re

import pytest

from tests.browser import saved_runs, serving, watched_tab
from tests.test_browser import APP_TIMEOUT_MS, assert_no_traceback, open_page, screenshot, wait_for_app, wait_for_plots

SMALL = {"train_images": 1000, "epochs": 3, "batch_size": 32, "seed": 0}
RUNS = {
    "aae": dict(model="aae", **SMALL),
    "cvae": dict(model="cvae", **SMALL, learning_rate=3e-3),
    "shaped": dict(model="conv-ae", code_shape="4x4x8", **SMALL),
    "vae": dict(model="dense-vae", **SMALL, learning_rate=3e-3),
    "vae-beta4": dict(model="dense-vae", beta=4.0, **SMALL, learning_rate=3e-3),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("models-home")
    run_ids = saved_runs(home, RUNS)
    with serving(home) as app:
        app.run_ids = run_ids
        yield app


@pytest.fixture(scope="module")
def page(tmp_path_factory, server):
    with watched_tab(tmp_path_factory) as tab:
        yield tab


def test_the_adversarial_autoencoder_opens_like_a_vae(server, page):
    run = server.run_ids["aae"]
    open_page(page, f"{server.url}/latent?run={run}", "Latent explorer")
    page.get_by_text("discriminator learns to tell its codes").first.wait_for(timeout=APP_TIMEOUT_MS)
    page.get_by_text("Random samples from the prior").first.wait_for(timeout=APP_TIMEOUT_MS)
    wait_for_plots(page, 1)
    screenshot(page, "latent_aae")
    open_page(page, f"{server.url}/embedding?run={run}", "Embedding vs PCA")
    wait_for_plots(page, 2)
    page.get_by_text("Distance from the prior: MMD²").first.wait_for(timeout=APP_TIMEOUT_MS)
    page.get_by_text("trained to fill that prior").first.wait_for(timeout=APP_TIMEOUT_MS)
    assert_no_traceback(page)


def test_the_conditional_vae_decodes_the_class_picked(server, page):
    run = server.run_ids["cvae"]
    open_page(page, f"{server.url}/latent?run={run}", "Latent explorer")
    page.get_by_text("Every class in the same styles").first.wait_for(timeout=APP_TIMEOUT_MS)
    page.get_by_text("reads").first.wait_for(timeout=APP_TIMEOUT_MS)
    decoded = page.get_by_text("decoded from z =").first
    decoded.wait_for(timeout=APP_TIMEOUT_MS)
    decoded_image = page.locator("[data-testid='stImage']").filter(has_text="decoded from z").locator("img").first
    before = decoded_image.get_attribute("src")
    page.locator("[data-testid='stButtonGroup']").first.get_by_text("2", exact=True).click()
    wait_for_app(page)
    page.wait_for_function("() => new URL(location.href).searchParams.get('latent_class') === '2'",
                           timeout=APP_TIMEOUT_MS)
    assert decoded_image.get_attribute("src") != before  # the same style, now as a 2
    page.get_by_text("decoded as 2").first.wait_for(timeout=APP_TIMEOUT_MS)
    assert_no_traceback(page)
    screenshot(page, "latent_cvae")
    open_page(page, f"{server.url}/embedding?run={run}", "Embedding vs PCA")
    page.get_by_text("this map is of style").first.wait_for(timeout=APP_TIMEOUT_MS)
    wait_for_plots(page, 2)
    assert_no_traceback(page)


def test_a_code_with_a_shape_is_drawn_as_maps(server, page):
    run = server.run_ids["shaped"]
    open_page(page, f"{server.url}/latent?run={run}", "Latent explorer")
    page.get_by_text("The code as 8 maps of 4×4").first.wait_for(timeout=APP_TIMEOUT_MS)
    page.get_by_text("This code has a shape").first.wait_for(timeout=APP_TIMEOUT_MS)
    page.get_by_text("channel 8").first.wait_for(timeout=APP_TIMEOUT_MS)
    page.get_by_text("the notebook's 7 · rand(4, 4, 8)").first.wait_for(timeout=APP_TIMEOUT_MS)
    assert_no_traceback(page)
    page.get_by_text("The code as 8 maps of 4×4").first.scroll_into_view_if_needed()
    screenshot(page, "latent_code_maps")
    open_page(page, f"{server.url}/embedding?run={run}", "Embedding vs PCA")
    page.get_by_text("8 maps of 4×4 (128 numbers)").first.wait_for(timeout=APP_TIMEOUT_MS)
    wait_for_plots(page, 2)
    assert_no_traceback(page)


def test_runs_draws_the_rate_distortion_plane_of_the_vaes(server, page):
    open_page(page, f"{server.url}/runs", "Runs")
    page.get_by_text("Rate and distortion of the VAE runs").first.wait_for(timeout=APP_TIMEOUT_MS)
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].some(p => (p.data || [])"
                           ".some(t => (t.text || []).includes('β 4')))", timeout=APP_TIMEOUT_MS)
    page.get_by_text("β trades one for the other").first.scroll_into_view_if_needed()
    assert_no_traceback(page)
    screenshot(page, "runs_rate_distortion")


@pytest.mark.parametrize("kind, shown", [("aae", "Neighbour keeping"), ("cvae", "β, the weight of the KL term"),
                                         ("conv-ae", "Code shape"), ("vae", "Architecture version")])
def test_the_train_form_offers_each_kind_and_its_settings(server, page, kind, shown):
    open_page(page, f"{server.url}/train", "Train")
    page.get_by_label("Model kind", exact=True).click()
    page.get_by_role("option", name=re.compile(f"^{re.escape(kind)}:")).click()
    wait_for_app(page)
    if kind == "aae":  # neighbour keeping does not apply to it
        assert page.get_by_text(shown, exact=True).count() == 0
    else:
        page.get_by_text(shown, exact=True).first.wait_for(timeout=APP_TIMEOUT_MS)
    assert_no_traceback(page)
