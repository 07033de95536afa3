"""AppTest of Embedding vs PCA: no run, wrong kind, each embedding kind, a selection."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/embedding.py"


def open_page(run_id=None):
    at = AppTest.from_file(APP, default_timeout=120)
    if run_id:
        at.query_params["run"] = run_id
    return at.switch_page(PAGE).run()


def test_no_run_offers_training(home):
    at = open_page()
    assert not at.exception
    assert "there is none yet" in at.info[0].value
    at.button(key="train_fitting").click().run()
    assert not at.exception
    assert at.title[0].value == "Train a model"


def test_wrong_kind_says_why(home_with_runs):
    _, runs = home_with_runs
    at = open_page(runs["denoise"])
    assert not at.exception
    assert "current run is a **denoise**" in at.info[0].value
    at.button(key="open_fitting").click().run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2


@pytest.mark.parametrize("kind", ["dense-ae", "vae"])
def test_embedding_draws_two_maps_and_scores(home_with_runs, kind):
    _, runs = home_with_runs
    at = open_page(runs[kind])
    assert not at.exception and not at.error
    assert len(at.get("plotly_chart")) == 2
    table = at.dataframe[0].value
    assert list(table.columns) == [kind, "PCA"]
    assert any("kNN" in row for row in table.index)


def test_selection_shows_images(home_with_runs):
    _, runs = home_with_runs
    at = open_page(runs["dense-ae"])
    at.session_state["emb_model_chart"] = {"selection": {"points": [{"customdata": 0}, {"customdata": 3}], "box": [], "lasso": []}}
    at.run()
    assert not at.exception
    assert any("2 selected" in s.value for s in at.subheader)
    assert len(at.get("image")) >= 4
