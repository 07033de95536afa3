"""Figures read in words, on scales that show every curve."""

from aemodels.config import TrainConfig
from aemodels.tasks.registry import task_of
from aemodels.ui.figures import charts, maps, style

VAE_HISTORY = {"loss": [210.0, 180.0, 170.0], "reconstruction_loss": [205.0, 175.0, 165.0], "kl_loss": [1.0, 4.0, 5.0],
               "val_loss": [200.0, 178.0, 169.0], "val_reconstruction_loss": [196.0, 173.0, 164.0],
               "val_kl_loss": [1.1, 4.2, 5.1]}


def test_a_vae_loss_chart_has_a_panel_for_kl_and_one_for_reconstruction():
    figure = charts.loss_chart(VAE_HISTORY)
    titles = [a.text for a in figure.layout.annotations]
    assert any("KL" in t for t in titles) and any("Reconstruction" in t for t in titles)
    kl_traces = [t for t in figure.data if t.xaxis == "x2"]
    assert {t.name for t in kl_traces} == {"training", "held-out"}
    assert max(max(t.y) for t in kl_traces) < 10  # KL on its own axis, not flattened under 200
    assert not any("val_" in t.name or "_loss" in t.name for t in figure.data)


def test_epoch_axes_have_whole_ticks():
    figure = charts.loss_chart({"loss": [0.3, 0.2, 0.1], "val_loss": [0.3, 0.25, 0.2]})
    assert figure.layout.xaxis.dtick == 1 and figure.layout.xaxis.tick0 == 1
    assert {t.name for t in figure.data} == {"training", "held-out"}
    long = charts.loss_chart({"loss": [0.1] * 45})
    assert long.layout.xaxis.dtick == 5


def test_compared_losses_of_other_units_get_panels_of_their_own():
    """An autoencoder (cross-entropy per pixel, about 0.2) beside a VAE (nats per image, about
    170): each on its own axis, titled with its unit, so neither is a flat line."""
    from aemodels.kinds import KINDS

    histories = {"ae": {"loss": [0.3, 0.2], "val_loss": [0.28, 0.21]}, "vae": VAE_HISTORY}
    units = {"ae": task_of(KINDS["dense-ae"]).loss_words(TrainConfig(model="dense-ae")),
             "vae": task_of(KINDS["vae"]).loss_words(TrainConfig(model="vae"))}
    figure = charts.compare_losses(histories, units)
    titles = [a.text for a in figure.layout.annotations]
    assert titles == [units["ae"], units["vae"]] and units["ae"] != units["vae"]
    axes = {t.name: t.xaxis for t in figure.data}
    assert axes["ae"] != axes["vae"]
    assert list(next(t for t in figure.data if t.name == "ae").y) == [0.28, 0.21]  # held-out, not training
    assert charts.compare_losses(histories, units, log_y=True).layout.yaxis.type == "log"
    same = charts.compare_losses({"a": histories["ae"], "b": histories["ae"]}, {"a": units["ae"], "b": units["ae"]})
    assert len(same.layout.annotations) == 1 and {t.xaxis for t in same.data} == {"x"}


def test_the_neighbour_term_has_words_and_a_colour_of_its_own():
    figure = charts.loss_chart({"loss": [0.3, 0.2], "val_loss": [0.31, 0.22], "neighbour_loss": [0.9, 0.5]})
    lines = {t.name: t.line.color for t in figure.data}
    assert set(lines) == {"training", "held-out", "neighbour-keeping term (training)"}
    assert len(set(lines.values())) == 3  # it used to share the held-out line's colour, under a raw name


def test_a_vae_chart_panel_titles_fit_their_half_of_the_width():
    """Each title of the two side-by-side panels is broken into lines no wider than its panel
    (at 13 px, about 7 px a character, over half of a 600 px chart)."""
    figure = charts.loss_chart(VAE_HISTORY)
    for annotation in figure.layout.annotations:
        longest = max(len(line) for line in annotation.text.split("<br>"))
        assert longest * 7 < 300 * 0.88, annotation.text


def test_a_marked_point_is_drawn_above_webgl_dots_and_titles_clear_the_toolbar():
    """With WebGL dots (many points) the chosen point's cross is WebGL too: an SVG trace lies
    under every WebGL one. The title sits on the plot area, below the toolbar's strip."""
    import numpy as np

    points = np.random.default_rng(0).normal(size=(style.WEBGL_FROM_POINTS + 10, 2))
    labels = np.arange(len(points)) % 3
    figure = maps.embedding_scatter(points, labels, ("a", "b", "c"), "a long title " * 4, marked=5)
    cross = next(trace for trace in figure.data if trace.name == "image 5")
    assert cross.type == "scattergl" and {t.type for t in figure.data} == {"scattergl"}
    assert figure.layout.title.yref == "paper" and figure.layout.title.yanchor == "bottom"
    assert figure.layout.margin.t >= 60
