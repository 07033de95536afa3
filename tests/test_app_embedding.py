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


def test_unlabelled_data_gets_no_class_words(home):
    import numpy as np

    from aemodels.config import TrainConfig
    from aemodels.datasets import Dataset, save_upload
    from aemodels.evaluation import evaluate
    from aemodels.runs import RunStore
    from aemodels.training import train

    images = np.random.default_rng(0).integers(0, 256, (200, 8, 8, 1), dtype=np.uint8)
    name = save_upload(Dataset("upload", images, np.zeros(200, np.int64), ("unlabelled",)), "patches.npz")
    config = TrainConfig(dataset=name, model="dense-ae", epochs=1, batch_size=32)
    result = train(config)
    run_id = RunStore().save(result, evaluate(result.bundle))
    at = open_page(PAGE, run_id)
    assert not at.exception and not at.error
    words = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "no labels" in words and "true classes" not in words and "kNN accuracy" not in words
    assert "patches.npz" in " ".join(m.value for m in at.sidebar.markdown)
