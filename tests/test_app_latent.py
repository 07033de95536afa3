"""AppTest of the latent explorer: no run, wrong kind, sliders, grid, interpolation, samples."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/latent.py"


def open_page(run_id=None):
    at = AppTest.from_file(APP, default_timeout=120)
    if run_id:
        at.query_params["run"] = run_id
    return at.switch_page(PAGE).run()


def test_no_run_offers_training(home):
    at = open_page()
    assert not at.exception
    assert at.button(key="train_fitting")


def test_wrong_kind_says_why(home_with_runs):
    _, runs = home_with_runs
    at = open_page(runs["dense-ae"])
    assert not at.exception
    assert "current run is a **dense-ae**" in at.info[0].value


@pytest.mark.parametrize("kind", ["vae", "dense-vae"])
def test_every_control(home_with_runs, kind):
    _, runs = home_with_runs
    at = open_page(runs[kind])
    assert not at.exception and not at.error
    assert len(at.get("plotly_chart")) == 1
    first = at.get("image")[0].proto.imgs[0].url
    at.slider(key="z_0").set_value(2.0).run()
    assert not at.exception
    assert at.get("image")[0].proto.imgs[0].url != first
    at.slider(key="z_1").set_value(-1.5).run()
    at.number_input(key="interp_b").set_value(5).run()
    assert not at.exception
    at.button(key="resample").click().run()
    assert not at.exception and not at.error
    assert len(at.get("image")) == 1 + 8 + 10
