"""AppTest of the latent explorer: sliders, the clickable map, interpolation, samples, for VAEs
and plain autoencoders (no-run and wrong-kind cases: test_app_run_screens.py; a real click on the
map: test_browser.py)."""

import pytest

from aemodels.ui import code_noise_view
from aemodels.ui.latent import INTERPOLATION_STEPS, SAMPLES, _on_map_click, slider_scales
from aemodels.ui.session import LATENT_ENDS
from tests.apptest import open_page

PAGE = "pages/latent.py"


def _decoded(at):
    return at.get("image")[0].proto.imgs[0]


@pytest.mark.parametrize("kind", ["vae", "dense-vae", "dense-ae", "conv-ae"])
def test_every_control(home_with_runs, kind):
    _, runs = home_with_runs
    at = open_page(PAGE, runs[kind])
    assert not at.exception and not at.error
    assert [chart.key for chart in at.get("plotly_chart")] == ["latent_map", "code_noise_curve"]
    first = _decoded(at).url
    z1 = at.slider(key="z1")
    z1.set_value(z1.max).run()
    assert not at.exception
    assert _decoded(at).url != first
    at.slider(key="z2").set_value(at.slider(key="z2").min).run()
    at.radio(key="interp_way").set_value("two held-out images").run()
    at.number_input(key="interp_b").set_value(5).run()
    assert not at.exception
    at.button(key="resample").click().run()
    assert not at.exception and not at.error
    assert len(at.get("image")) == 1 + (INTERPOLATION_STEPS + 2) + SAMPLES + 3 * code_noise_view.SHOWN
    noisy = at.get("image")[-1].proto.imgs[0].url
    at.slider(key="code_noise").set_value(2.0).run()
    assert not at.exception and not at.error
    assert at.get("image")[-1].proto.imgs[0].url != noisy  # more noise in the code, another decoded image
    assert any("multiplies this run's error by" in caption.value for caption in at.caption)


def test_vae_sliders_are_in_the_prior_units(home_with_runs):
    _, runs = home_with_runs
    at = open_page(PAGE, runs["vae"])
    assert _decoded(at).caption == "decoded from z = (0.00, 0.00)"
    assert (at.slider(key="z1").min, at.slider(key="z1").max) == (-3.0, 3.0)
    at.slider(key="z1").set_value(1.5).run()
    assert _decoded(at).caption == "decoded from z = (1.50, 0.00)"


def _held_out_codes(run_id):
    from aemodels.data.datasets import load_dataset
    from aemodels.store.runs import RunStore

    config = RunStore().get(run_id).config
    held_out = len(load_dataset(config.dataset).split(config.seed, config.test_fraction).x_test)
    return RunStore().views(run_id, held_out).codes


def test_a_plain_autoencoder_says_what_its_holes_decode_to(home_with_runs):
    _, runs = home_with_runs
    at = open_page(PAGE, runs["conv-ae"])
    assert any("holes between the class clusters" in m.value for m in at.markdown)
    codes = _held_out_codes(runs["conv-ae"])
    z1 = at.slider(key="z1")
    assert z1.min <= float(codes[:, 0].min()) and z1.max >= float(codes[:, 0].max())  # spans the codes
    assert any("never trained" in c.value for c in at.caption)  # the samples say where they land


def test_interpolation_by_class_shows_both_originals_at_the_ends(home_with_runs):
    _, runs = home_with_runs
    at = open_page(PAGE, runs["vae"])
    at.selectbox(key="interp_from").set_value("3").run()
    at.selectbox(key="interp_to").set_value("8").run()
    assert not at.exception
    assert any(c.value.startswith("a typical 3 into a typical 8: the originals at the ends") for c in at.caption)


def test_a_click_on_the_map_moves_the_sliders_and_the_decoded_image(home_with_runs, monkeypatch):
    """What the map's selection callback does with a click's coordinates, then the page with the
    sliders where it put them (the click itself, in Chromium: test_browser.py)."""
    import streamlit

    _, runs = home_with_runs
    at = open_page(PAGE, runs["vae"])
    before = _decoded(at).url
    state = {"latent_map": {"selection": {"points": [{"x": 1.234, "y": -0.71}]}}, LATENT_ENDS.name: []}
    scales = slider_scales(_held_out_codes(runs["vae"]), True)
    with monkeypatch.context() as patch:
        patch.setattr(streamlit, "session_state", state)  # the callback reads the event from here
        _on_map_click(scales, (0, 1))
    assert state["z1"] == 1.2 and state["z2"] == -0.7 and state[LATENT_ENDS.name] == [(1.234, -0.71)]
    at.session_state["z1"], at.session_state["z2"] = state["z1"], state["z2"]
    at.run()
    assert not at.exception, at.exception
    assert _decoded(at).caption == "decoded from z = (1.20, -0.70)" and _decoded(at).url != before
