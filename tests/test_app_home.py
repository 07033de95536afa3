"""AppTest of Home: empty store, the quick training, and the example with runs.

How long the quick model takes is measured in bench/ (BENCHMARKS.md), not here."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.apptest import finish_training

TIMEOUT = 120
APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_home_renders_with_no_runs(home):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "Autoencoder Lab"
    assert at.button(key="quick_train")
    assert "No runs yet" in at.sidebar.caption[0].value


def test_quick_train_leads_to_the_embedding(home):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.button(key="quick_train").click().run()
    assert not at.exception
    assert at.title[0].value == "Autoencoder Lab"  # training in the background, Home follows it
    finish_training(at)
    assert not at.exception
    assert not at.error
    assert at.title[0].value == "Embedding vs PCA"
    assert {"emb_model_chart", "emb_pca_chart", "emb_forming"} <= {chart.key for chart in at.get("plotly_chart")}
    assert any("dense-ae on mnist-10k" in caption.value for caption in at.caption)


def test_home_shows_an_example_with_runs(home_with_runs):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert any("through the newest model" in s.value for s in at.subheader)
    assert len(at.get("image")) >= 1
