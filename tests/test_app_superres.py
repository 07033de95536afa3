"""AppTest of Super-resolution: no run, wrong kind, and the factor slider on a superres run."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/superres.py"


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
    at = open_page(runs["denoise"])
    assert not at.exception
    assert "current run is a **denoise**" in at.info[0].value


def test_factor_slider(home_with_runs):
    _, runs = home_with_runs
    at = open_page(runs["superres"])
    assert not at.exception and not at.error
    assert len(at.get("image")) == 15
    assert any("bicubic by" in m.value for m in at.markdown)
    at.slider(key="factor").set_value(4).run()
    assert not at.exception and not at.error
    assert "7×7" in at.get("image")[0].proto.imgs[0].caption
