"""AppTest of Embedding vs PCA: each embedding kind, a selection, one image's neighbours, the
embedding forming, the class filter (no-run and wrong-kind cases: test_app_run_screens.py; a real
click on a point: test_browser.py)."""

import base64

import numpy as np
import plotly.io
import pytest
from streamlit.testing.v1 import AppTest

from aemodels.models.forming import FORMING_FILE
from aemodels.scoring.neighbours import SHOWN_NEIGHBOURS
from aemodels.ui.embedding import Selection
from aemodels.ui.session import SELECTION
from tests.apptest import APP, TIMEOUT, open_page

PAGE = "pages/embedding.py"


def _specs(at) -> dict:
    """Plotly charts of the page by key, as the JSON the browser gets."""
    return {chart.key: chart.proto.spec for chart in at.get("plotly_chart")}


def _array(value) -> np.ndarray:
    """An array of a figure from JSON: Plotly ≥ 6 sends numeric arrays as base64 ``bdata``."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value)


def _charts(at) -> dict:
    """Plotly charts of the page by key, as figures."""
    return {key: plotly.io.from_json(spec) for key, spec in _specs(at).items()}


@pytest.mark.parametrize("kind", ["dense-ae", "vae"])
def test_embedding_draws_two_maps_scores_and_the_forming(home_with_runs, kind):
    from aemodels.store.runs import RunStore

    _, runs = home_with_runs
    at = open_page(PAGE, runs[kind])
    assert not at.exception and not at.error
    charts = _charts(at)
    assert {"emb_model_chart", "emb_pca_chart", "emb_forming", "emb_forming_pca", "emb_code_sizes"} <= set(charts)
    epochs = RunStore().get(runs[kind]).config.epochs
    assert len(charts["emb_forming"].frames) == epochs + 1  # before training, then one per epoch
    assert charts["emb_model_chart"].layout.xaxis.title.text  # axes say what they are
    table = at.dataframe[0].value
    assert list(table.columns) == [kind, "PCA"]
    for row in ("kNN accuracy, 5 neighbours (higher is better)", "kNN accuracy, 1 neighbour (higher is better)",
                "trustworthiness at k = 5: neighbours not invented (higher is better)",
                "continuity at k = 50: neighbours not lost (higher is better)"):
        assert row in table.index
    assert at.dataframe[1].value.loc["PCA", "5-NN accuracy"] == 0.420  # the published figures beside
    sizes = charts["emb_code_sizes"]  # the model's size beside PCA at every size
    assert [t.name for t in sizes.data][:2] == ["PCA", "PCA"] and kind in [t.name for t in sizes.data]
    assert at.button(key="emb_sweep").label.startswith("Train the missing sizes (4, 8, 16, 32)")


def test_the_maps_stay_the_same_across_reruns_and_follow_the_class_filter(home_with_runs):
    _, runs = home_with_runs
    at = open_page(PAGE, runs["dense-ae"])
    before = _specs(at)
    at.run()
    assert _specs(at)["emb_model_chart"] == before["emb_model_chart"]  # a selection on it survives
    at.multiselect(key="classes").unselect("3").run()
    for key in ("emb_model_chart", "emb_pca_chart"):
        hidden = [t.name for t in _charts(at)[key].data if t.visible == "legendonly"]
        assert hidden == ["3"], key


def _drawn(figure, training: bool) -> int:
    return sum(len(_array(t.x)) for t in figure.data
               if t.type in ("scatter", "scattergl") and t.name.endswith("(training)") == training
               and t.name not in ("selected",) and not t.name.startswith("image "))


@pytest.mark.parametrize("saved", [True, False])
def test_the_training_images_can_be_drawn_beneath(home_with_runs, saved):
    from aemodels.scoring.views import VIEWS_FILE, EmbeddingViews
    from aemodels.store.runs import RunStore

    home, runs = home_with_runs
    info = RunStore().get(runs["dense-ae"])
    held_out, trained_on = info.metrics["test_images"], info.metrics["train_images"]
    views = EmbeddingViews.load(home / "runs" / info.run_id, held_out)
    assert views.has_training and views.train_model_2d.shape == views.train_pca_2d.shape == (trained_on, 2)
    if not saved:  # a file written before the training maps were: they are computed the same way
        np.savez(home / "runs" / info.run_id / VIEWS_FILE, codes=views.codes, model_2d=views.model_2d,
                 pca_2d=views.pca_2d)
        assert not EmbeddingViews.load(home / "runs" / info.run_id, held_out).has_training
    at = open_page(PAGE, info.run_id)
    assert _drawn(_charts(at)["emb_model_chart"], training=True) == 0
    at.toggle(key="training_points").set_value(True).run()
    assert not at.exception and not at.error
    for key, saved_points in (("emb_model_chart", views.train_model_2d), ("emb_pca_chart", views.train_pca_2d)):
        figure = _charts(at)[key]
        assert _drawn(figure, training=False) == held_out and _drawn(figure, training=True) == trained_on, key
        drawn = np.concatenate([_array(t.x) for t in figure.data if t.name.endswith("(training)")])
        assert np.allclose(np.sort(drawn), np.sort(saved_points[:, 0]), atol=1e-5), key
        assert all(t.customdata is None for t in figure.data if t.name.endswith("(training)"))  # not selectable


def test_a_selection_shows_its_classes_and_both_reconstructions(home_with_runs):
    _, runs = home_with_runs
    at = open_page(PAGE, runs["dense-ae"])
    at.session_state[SELECTION.name] = Selection(runs["dense-ae"], (0, 3))
    at.run()
    assert not at.exception
    assert any("2 selected" in s.value for s in at.subheader)
    assert any("Classes in the selection" in m.value for m in at.markdown)
    assert any("PCA's reconstruction (2 components)" in c.value for c in at.caption)
    assert len(at.get("image")) == 6
    rings = [t for t in _charts(at)["emb_pca_chart"].data if t.name == "selected"]
    assert sorted(_array(rings[0].customdata)) == [0, 3]  # and PCA's map rings them too


def test_one_point_shows_its_world(home_with_runs):
    _, runs = home_with_runs
    at = open_page(PAGE, runs["dense-ae"])
    at.session_state[SELECTION.name] = Selection(runs["dense-ae"], (5,))
    at.run()
    assert not at.exception
    assert any(s.value.startswith("Image 5, class ") for s in at.subheader)
    captions = " ".join(c.value for c in at.caption)
    for row in ("in pixel space", "in the model's code", "in PCA's code (2 components)"):
        assert f"nearest {SHOWN_NEIGHBOURS} {row}" in captions
    assert "The model's code keeps" in captions
    assert len(at.get("image")) == 3 + 3 * SHOWN_NEIGHBOURS
    at.button(key="emb_clear").click().run()
    assert at.session_state[SELECTION.name].rows == ()


def test_a_selection_of_another_run_is_not_shown(home_with_runs):
    _, runs = home_with_runs
    at = open_page(PAGE, runs["dense-ae"])
    at.session_state[SELECTION.name] = Selection(runs["vae"], (5,))
    at.run()
    assert not any(s.value.startswith("Image 5") for s in at.subheader)


def test_a_run_saved_without_its_epochs_says_so(home_with_runs):
    home, runs = home_with_runs
    (home / "runs" / runs["dense-ae"] / FORMING_FILE).unlink()
    at = open_page(PAGE, runs["dense-ae"])
    assert not at.exception
    assert any("saved before the app kept the codes of every epoch" in i.value for i in at.info)


def test_unlabelled_data_gets_no_class_words(home):
    import numpy as np

    from aemodels.config import TrainConfig
    from aemodels.data.datasets import Dataset, save_upload
    from aemodels.store.runs import RunStore
    from aemodels.tasks.assessment import evaluate
    from aemodels.tasks.training import train

    images = np.random.default_rng(0).integers(0, 256, (200, 8, 8, 1), dtype=np.uint8)
    name = save_upload(Dataset("upload", images, np.zeros(200, np.int64), ("unlabelled",)), "patches.npz")
    config = TrainConfig(dataset=name, model="dense-ae", epochs=1, batch_size=32)
    result = train(config)
    run_id = RunStore().save(result, evaluate(result.bundle))
    at = open_page(PAGE, run_id)
    at.session_state[SELECTION.name] = Selection(run_id, (1,))
    at.run()
    assert not at.exception and not at.error
    words = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "no labels" in words and "true classes" not in words and "kNN accuracy" not in words
    assert "class" not in " ".join(s.value for s in at.subheader)
    assert not at.multiselect  # no class filter
    assert "patches.npz" in " ".join(m.value for m in at.sidebar.markdown)


@pytest.mark.parametrize("point", ["²", "99999", "-1", "seven"])
def test_a_link_with_a_point_that_is_no_image_says_so_in_one_line(home_with_runs, point):
    _, runs = home_with_runs
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["run"], at.query_params["point"] = runs["dense-ae"], point
    at.switch_page(PAGE).run()
    assert not at.exception
    assert any("no point is chosen" in w.value for w in at.warning)
    assert not any(s.value.startswith("Image ") for s in at.subheader)


def test_a_link_with_a_point_opens_its_neighbours(home_with_runs):
    _, runs = home_with_runs
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["run"], at.query_params["point"] = runs["dense-ae"], "12"
    at.switch_page(PAGE).run()
    assert not at.exception
    assert any(s.value.startswith("Image 12") for s in at.subheader)
