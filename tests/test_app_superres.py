"""AppTest of Super-resolution on a superres run: the factor slider (no-run and wrong-kind cases:
test_app_run_screens.py)."""

from tests.apptest import open_page

PAGE = "pages/superres.py"


def test_factor_slider(home_with_runs):
    _, runs = home_with_runs
    at = open_page(PAGE, runs["superres"])
    assert not at.exception and not at.error
    assert len(at.get("image")) == 3 * 6  # low-res, nearest, bicubic, Lanczos, model, original
    assert any("classical interpolation (bicubic or Lanczos) by" in m.value for m in at.markdown)
    at.slider(key="factor").set_value(4).run()
    assert not at.exception and not at.error
    assert "7×7" in at.get("image")[0].proto.imgs[0].caption
