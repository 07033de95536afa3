"""AppTest of Embedding vs PCA: each embedding kind, a selection (no-run and wrong-kind cases:
test_app_run_screens.py)."""

import pytest

from tests.apptest import open_page

PAGE = "pages/embedding.py"


@pytest.mark.parametrize("kind", ["dense-ae", "vae"])
def test_embedding_draws_two_maps_and_scores(home_with_runs, kind):
    _, runs = home_with_runs
    at = open_page(PAGE, runs[kind])
    assert not at.exception and not at.error
    assert len(at.get("plotly_chart")) == 2
    table = at.dataframe[0].value
    assert list(table.columns) == [kind, "PCA"]
    assert any("kNN" in row for row in table.index)


def test_selection_shows_images(home_with_runs):
    _, runs = home_with_runs
    at = open_page(PAGE, runs["dense-ae"])
    at.session_state["emb_model_chart"] = {"selection": {"points": [{"customdata": 0}, {"customdata": 3}], "box": [], "lasso": []}}
    at.run()
    assert not at.exception
    assert any("2 selected" in s.value for s in at.subheader)
    assert len(at.get("image")) >= 4
