"""AppTest of Denoising: no run, wrong kind, and the slider and radio on a denoise run."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/denoising.py"


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
    at = open_page(runs["vae"])
    assert not at.exception
    assert "current run is a **vae**" in at.info[0].value


def test_slider_and_kind_update_the_scores(home_with_runs):
    _, runs = home_with_runs
    at = open_page(runs["denoise"])
    assert not at.exception and not at.error
    assert len(at.get("image")) == 12
    assert len(at.metric) == 4
    assert len(at.get("plotly_chart")) == 1
    at.slider(key="noise_level").set_value(0.2).run()
    assert not at.exception
    assert "0.2" in at.get("image")[1].proto.imgs[0].caption
    at.radio(key="noise_kind_view").set_value("salt-and-pepper").run()
    assert not at.exception and not at.error
    assert any("trained on gaussian" in c.value for c in at.caption)
