"""Where the model lies: each point's own trustworthiness, the decoder's stretch and the
decodings' confidence over the latent plane, the map's scores per epoch; computed with the run's
scores and shown on Embedding and Latent explorer."""

from __future__ import annotations

import json

import numpy as np
import pytest

from aemodels.scoring import latent_layers, metrics
from aemodels.scoring.image_reader import ImageReader, reader_for
from aemodels.store.runs import RunStore
from tests.apptest import open_page
from tests.test_app_embedding import _array


def test_each_points_trustworthiness_averages_to_scikit_learns():
    from sklearn.manifold import trustworthiness

    rng = np.random.default_rng(0)
    images = rng.random((300, 20))
    embedding = images[:, :2] + 0.3 * rng.standard_normal((300, 2))
    own = metrics.pointwise_trust(images, embedding, 10)
    assert own.shape == (300,) and np.isfinite(own).all()
    assert own.mean() == pytest.approx(trustworthiness(images, embedding, n_neighbors=10), abs=1e-12)
    assert own.min() < own.mean() < own.max()  # points differ: that is what the colouring shows


def test_the_stretch_of_a_linear_decoder_is_its_columns_length():
    columns = np.array([[3.0, 0.0], [4.0, 1.0], [0.0, 2.0]])  # a 2-number code to 3 "pixels"

    def decode(z):
        return (z @ columns.T).reshape(len(z), 3, 1, 1)

    codes = np.random.default_rng(1).standard_normal((100, 2))
    layers = latent_layers.measure(decode, codes, has_prior=True, read=None, side=6)
    expected = (np.linalg.norm(columns[:, 0]) + np.linalg.norm(columns[:, 1])) / 2
    assert layers.stretch.shape == (6, 6) and np.allclose(layers.stretch, expected, rtol=1e-4)
    assert layers.extent == (-3.0, 3.0, -3.0, 3.0) and layers.confidence is None and layers.nonsense_share is None
    plain = latent_layers.measure(decode, codes, has_prior=False, read=None, side=6)
    assert plain.extent[0] == pytest.approx(codes[:, 0].min()) and plain.extent[3] == pytest.approx(codes[:, 1].max())


def test_the_reader_is_fitted_once_per_split_and_read_back(tmp_path):
    from aemodels.data.datasets import load_dataset
    from aemodels.data.splits import Split

    split = Split("digits", 0, 0.2, None)
    images = split.images(load_dataset("digits"))
    reader = reader_for(split, images, tmp_path)
    assert reader.accuracy > 0.85  # logistic regression on 50 components of 8×8 digits
    [kept] = list(tmp_path.glob("digits-*.npz"))
    again = ImageReader.load(kept)
    assert again.accuracy == reader.accuracy and np.array_equal(again.coef, reader.coef)
    probabilities = reader.probabilities(images.x_test[:5] / 255.0)
    assert probabilities.shape == (5, 10) and np.allclose(probabilities.sum(axis=1), 1)


def test_the_forming_curve_rises_from_a_random_map_to_a_faithful_one():
    rng = np.random.default_rng(2)
    centres = rng.standard_normal((4, 30)) * 4
    labels = np.repeat(np.arange(4), 50)
    images = centres[labels] + rng.standard_normal((200, 30))
    faithful = images @ np.linalg.svd(images - images.mean(0), full_matrices=False)[2][:2].T
    maps = np.stack([rng.standard_normal((200, 2)), faithful]).astype(np.float32)
    frames, accuracy, trust = metrics.forming_curve(maps, images, labels)
    assert list(frames) == [0, 1]
    assert accuracy[0] < 0.5 < 0.95 < accuracy[1] and trust[0] < 0.6 < 0.9 < trust[1]


def test_embedding_runs_are_scored_with_their_layers_and_points(home_with_runs):
    _, runs = home_with_runs
    store = RunStore()
    for kind in ("dense-ae", "vae"):
        info = store.get(runs[kind])
        share = info.scores.model.nonsense_share
        assert share is not None and 0 <= share <= 1
        assert info.metrics["reader"]["held_out_accuracy"] > 0.7
        views = store.views(runs[kind], info.metrics["test_images"])
        assert views.has_point_trust and views.layers is not None
        assert views.layers.confidence.shape == (latent_layers.SIDE, latent_layers.SIDE)
        assert np.mean(views.layers.confidence < latent_layers.NONSENSE_BELOW) == pytest.approx(share)
        trust = info.metrics["model"]["trustworthiness"]["10"]
        assert np.nanmean(views.trust_model) == pytest.approx(trust, abs=1e-6)  # kept as float32


def test_latent_explorer_draws_either_layer_with_how_to_read_it(home_with_runs):
    _, runs = home_with_runs
    at = open_page("pages/latent.py", runs["vae"])
    assert not at.exception and not at.error
    control = at.get("button_group")[0]
    assert "stretch" in control.proto.options[1].content and "which class?" in control.proto.options[2].content
    for choice, words in (("stretch", "per unit step of the code"), ("which class?", "nonsense share")):
        at.get("button_group")[0].set_value(choice).run()
        assert not at.exception and not at.error
        spec = json.loads(next(c for c in at.get("plotly_chart") if c.key == "latent_map").proto.spec)
        [heatmap] = [trace for trace in spec["data"] if trace["type"] == "heatmap"]
        assert _array(heatmap["z"]).size == latent_layers.SIDE ** 2
        assert any(words in caption.value for caption in at.caption)


def test_embedding_colours_each_point_by_its_own_trustworthiness_and_keeps_the_worst(home_with_runs):
    _, runs = home_with_runs
    at = open_page("pages/embedding.py", runs["dense-ae"])
    assert not at.exception and not at.error
    at.get("button_group")[0].set_value("each point's own trustworthiness").run()
    at.selectbox(key="emb_quality_show").set_value("the worst placed").run()
    at.number_input(key="emb_quality_n").set_value(25).run()
    assert not at.exception and not at.error
    charts = {chart.key: json.loads(chart.proto.spec) for chart in at.get("plotly_chart")}
    coloured = next(t for t in charts["emb_model_chart"]["data"] if t["name"] == "own trustworthiness")
    views = RunStore().views(runs["dense-ae"], RunStore().get(runs["dense-ae"]).metrics["test_images"])
    worst = np.sort(np.argsort(views.trust_model, kind="stable")[:25])
    assert sorted(_array(coloured["customdata"]).tolist()) == worst.tolist()
    assert "emb_forming_curve" in charts
