"""AppTest of the latent explorer on VAE runs: sliders, grid, interpolation, samples (no-run and
wrong-kind cases: test_app_run_screens.py)."""

import pytest

from tests.apptest import open_page

PAGE = "pages/latent.py"


@pytest.mark.parametrize("kind", ["vae", "dense-vae"])
def test_every_control(home_with_runs, kind):
    _, runs = home_with_runs
    at = open_page(PAGE, runs[kind])
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


def test_sliders_are_in_the_prior_units(home_with_runs):
    _, runs = home_with_runs
    at = open_page(PAGE, runs["vae"])
    assert at.get("image")[0].proto.imgs[0].caption == "decoded from z = (0.0, 0.0)"
    assert any("0 is the prior's centre" in c.value and "average (" in c.value for c in at.caption)
    at.slider(key="z_0").set_value(1.5).run()
    assert at.get("image")[0].proto.imgs[0].caption == "decoded from z = (1.5, 0.0)"
