"""AppTest of every screen that shows one run: with no run yet, and with a run of the wrong kind."""

import pytest

from tests.apptest import open_page

# screen, a kind it cannot show, the words of its wrong-kind message
SCREENS = [
    ("pages/embedding.py", "denoise"),
    ("pages/denoising.py", "vae"),
    ("pages/superres.py", "denoise"),
    ("pages/latent.py", "superres"),
]


@pytest.mark.parametrize("page", [screen for screen, _ in SCREENS])
def test_no_run_offers_training(home, page):
    at = open_page(page)
    assert not at.exception
    assert "there is none yet" in at.info[0].value
    at.button(key="train_fitting").click().run()
    assert not at.exception
    assert at.title[0].value == "Train a model"


@pytest.mark.parametrize("page, wrong_kind", SCREENS)
def test_wrong_kind_says_why_and_opens_a_fitting_run(home_with_runs, page, wrong_kind):
    _, runs = home_with_runs
    at = open_page(page, runs[wrong_kind])
    assert not at.exception
    assert f"current run is a **{wrong_kind}**" in at.info[0].value
    at.button(key="open_fitting").click().run()
    assert not at.exception and not at.error
    assert not any("current run is a" in info.value for info in at.info)
