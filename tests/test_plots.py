"""Figures read in words, on scales that show every curve."""

from aemodels import plots

VAE_HISTORY = {"loss": [210.0, 180.0, 170.0], "reconstruction_loss": [205.0, 175.0, 165.0], "kl_loss": [1.0, 4.0, 5.0],
               "val_loss": [200.0, 178.0, 169.0], "val_reconstruction_loss": [196.0, 173.0, 164.0],
               "val_kl_loss": [1.1, 4.2, 5.1]}


def test_a_vae_loss_chart_has_a_panel_for_kl_and_one_for_reconstruction():
    figure = plots.loss_chart(VAE_HISTORY)
    titles = [a.text for a in figure.layout.annotations]
    assert any("KL" in t for t in titles) and any("Reconstruction" in t for t in titles)
    kl_traces = [t for t in figure.data if t.xaxis == "x2"]
    assert {t.name for t in kl_traces} == {"training", "held-out"}
    assert max(max(t.y) for t in kl_traces) < 10  # KL on its own axis, not flattened under 200
    assert not any("val_" in t.name or "_loss" in t.name for t in figure.data)


def test_epoch_axes_have_whole_ticks():
    figure = plots.loss_chart({"loss": [0.3, 0.2, 0.1], "val_loss": [0.3, 0.25, 0.2]})
    assert figure.layout.xaxis.dtick == 1 and figure.layout.xaxis.tick0 == 1
    assert {t.name for t in figure.data} == {"training", "held-out"}
    long = plots.loss_chart({"loss": [0.1] * 45})
    assert long.layout.xaxis.dtick == 5
