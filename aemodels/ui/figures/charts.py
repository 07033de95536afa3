"""Charts of numbers: losses per epoch, the denoising and super-resolution scores, the code-size curves."""

from __future__ import annotations

import plotly.graph_objects as go

from aemodels.ui.figures.style import FIGURE_MARGIN, PALETTE

LOSS_WORDS = {  # Keras history names → words, and the panel each belongs to
    "loss": ("training", "loss"),
    "val_loss": ("held-out", "loss"),
    "reconstruction_loss": ("training", "reconstruction"),
    "val_reconstruction_loss": ("held-out", "reconstruction"),
    "kl_loss": ("training", "kl"),
    "val_kl_loss": ("held-out", "kl"),
    "discriminator_loss": ("discriminator (training)", "adversarial"),
    "val_discriminator_loss": ("discriminator (held-out)", "adversarial"),
    "generator_loss": ("encoder as generator (training)", "adversarial"),
    "val_generator_loss": ("encoder as generator (held-out)", "adversarial"),
    "neighbour_loss": ("neighbour-keeping term (training)", "loss"),
    "val_neighbour_loss": ("neighbour-keeping term (held-out)", "loss"),
}


LOSS_COLOURS = {"training": PALETTE[0], "held-out": PALETTE[1], "neighbour-keeping term (training)": PALETTE[2],
                "neighbour-keeping term (held-out)": PALETTE[4]}


PANEL_TITLES = {
    "loss": "Loss (lower is better)",
    "reconstruction": "Reconstruction error, nats per image",
    "kl": "KL divergence from the prior, nats per image",
    "adversarial": "Adversarial game, cross-entropy per code (0.693: a coin toss)",
}


def _epoch_axis(epochs: int) -> dict:
    """An x axis of whole epochs from 1: a tick every epoch, or every few for long trainings."""
    return dict(title="epoch", tick0=1, dtick=max(1, -(-epochs // 10)))


def loss_chart(history: dict[str, list[float]], title: str = "Loss per epoch") -> go.Figure:
    """Loss curves per epoch (epochs from 1), training and held-out, in words.

    ``history`` maps Keras names (``loss``, ``val_loss``, and for a VAE ``reconstruction_loss``,
    ``kl_loss`` and their ``val_`` forms) to one value per epoch. A VAE's reconstruction and KL
    terms differ by two orders of magnitude, so each gets its own panel (and the total is left
    out); an adversarial autoencoder's game (``discriminator_loss``, ``generator_loss``) is
    another quantity, in a panel beside its loss; other models get one panel.
    """
    from plotly.subplots import make_subplots

    panels = (["reconstruction", "kl"] if "kl_loss" in history
              else ["loss", "adversarial"] if "discriminator_loss" in history else ["loss"])
    # Two panels side by side leave each about half the width: their titles go on two lines.
    titles = [PANEL_TITLES[p].replace(", ", ",<br>") if len(panels) > 1 else PANEL_TITLES[p] for p in panels]
    figure = make_subplots(rows=1, cols=len(panels), subplot_titles=titles, horizontal_spacing=0.12)
    others = iter(PALETTE[5:])
    for name, values in history.items():
        who, panel = LOSS_WORDS.get(name, (name.removesuffix("_loss").replace("_", " "), "loss"))
        if not values or panel not in panels:
            continue
        column = panels.index(panel) + 1
        colour = LOSS_COLOURS.get(who) or next(others, PALETTE[-1])
        figure.add_trace(go.Scatter(x=list(range(1, len(values) + 1)), y=values, mode="lines+markers",
                                    name=who, legendgroup=who, showlegend=column == 1,
                                    line=dict(color=colour, dash="dot" if "term" in who else None)),
                         row=1, col=column)
    figure.update_annotations(font_size=13)
    figure.update_xaxes(**_epoch_axis(max((len(v) for v in history.values()), default=1)))
    figure.update_layout(title=title, margin=dict(FIGURE_MARGIN, t=90 if len(panels) > 1 else 70), height=360)
    return figure


def compare_losses(histories: dict[str, dict[str, list[float]]], units: dict[str, str],
                   log_y: bool = False) -> go.Figure:
    """Held-out loss per epoch (training loss where a run has none) of several runs.

    ``histories``: run label → Keras history; ``units``: run label → what its loss measures
    (``Task.loss_words``). Runs whose losses measure different things get panels of their
    own, side by side, each titled with its unit: on one axis a VAE's nats per image would flatten
    every autoencoder's per-pixel curve to a line at zero.
    """
    from plotly.subplots import make_subplots

    panels = list(dict.fromkeys(units[label] for label in histories))
    figure = make_subplots(rows=1, cols=len(panels), subplot_titles=panels)
    for k, (label, history) in enumerate(histories.items()):
        held_out = bool(history.get("val_loss"))
        values = history.get("val_loss") or history.get("loss") or []
        figure.add_trace(go.Scatter(x=list(range(1, len(values) + 1)), y=values, mode="lines+markers",
                                    name=label if held_out else f"{label} (training loss)",
                                    line=dict(color=PALETTE[k % len(PALETTE)])),
                         row=1, col=panels.index(units[label]) + 1)
    longest = max((len(h.get("val_loss") or h.get("loss") or []) for h in histories.values()), default=1)
    figure.update_xaxes(**_epoch_axis(longest))
    if log_y:
        figure.update_yaxes(type="log")
    figure.update_layout(title="Held-out loss per epoch (lower is better)", margin=dict(FIGURE_MARGIN, t=70),
                         height=380, legend=dict(orientation="h", y=-0.25))
    return figure


def denoising_curve(curve, level: float | None = None) -> go.Figure:
    """PSNR (dB) of noisy input, best filter and model against noise level, ``level`` marked.

    ``curve``: the run's ``scores.DenoisingLevel`` points.
    """
    levels = [point.level for point in curve]
    figure = go.Figure()
    for key, name in (("model_psnr", "model"), ("filter_psnr", "best classical filter"),
                      ("noisy_psnr", "noisy input")):
        figure.add_trace(go.Scatter(x=levels, y=[getattr(point, key) for point in curve],
                                    mode="lines+markers", name=name))
    if level is not None:
        figure.add_vline(x=level, line_dash="dash", line_color="grey",
                         annotation_text=f"slider: {level:g}")
    figure.update_layout(title="Quality against noise level (held-out images)",
                         xaxis_title="noise level", yaxis_title="PSNR (dB)",
                         margin=FIGURE_MARGIN, height=340)
    return figure


def superres_bars(factors, current: int | None = None) -> go.Figure:
    """Grouped bars of PSNR (dB) per upscale factor (``scores.SuperresFactor``s) for nearest,
    bicubic, Lanczos (runs scored before it was compared have none) and the model."""
    figure = go.Figure()
    labels = [f"×{f.factor}" + (" (slider)" if f.factor == current else "") for f in factors]
    for key, name in (("nearest_psnr", "nearest"), ("bicubic_psnr", "bicubic"), ("lanczos_psnr", "Lanczos"),
                      ("model_psnr", "model")):
        if all(getattr(f, key) is not None for f in factors):
            figure.add_trace(go.Bar(x=labels, y=[getattr(f, key) for f in factors], name=name))
    figure.update_layout(title="PSNR per upscale factor (held-out images)", barmode="group",
                         yaxis_title="PSNR (dB)", margin=FIGURE_MARGIN, height=320)
    return figure


def code_size_curves(model: list, pca: list, model_name: str) -> go.Figure:
    """Reconstruction MSE and 5-NN accuracy against code size, the model's runs beside PCA.

    ``model``, ``pca``: ``curve.CurvePoint`` lists (``code_size``, ``reconstruction_mse``,
    ``knn_accuracy``). The x axis is logarithmic, ticked at the sizes drawn; the kNN panel is
    left out when no point has one (unlabelled data).
    """
    from plotly.subplots import make_subplots

    with_knn = any(p.knn_accuracy is not None for p in model + pca)
    titles = ["Reconstruction MSE (lower is better)"] + (["5-NN accuracy (higher is better)"] if with_knn else [])
    figure = make_subplots(rows=1, cols=len(titles), subplot_titles=titles)
    for points, name, colour, dash in ((pca, "PCA", PALETTE[7], "dash"), (model, model_name, PALETTE[0], "solid")):
        if not points:
            continue
        sizes = [p.code_size for p in points]
        figure.add_trace(go.Scatter(x=sizes, y=[p.reconstruction_mse for p in points], mode="lines+markers", name=name,
                                    legendgroup=name, line=dict(color=colour, dash=dash)), row=1, col=1)
        if with_knn:
            figure.add_trace(go.Scatter(x=sizes, y=[p.knn_accuracy for p in points], mode="lines+markers", name=name,
                                        legendgroup=name, showlegend=False, line=dict(color=colour, dash=dash)),
                             row=1, col=2)
    ticks = sorted({p.code_size for p in model + pca})
    figure.update_xaxes(type="log", tickvals=ticks, ticktext=[str(t) for t in ticks], title="numbers in the code")
    figure.update_layout(margin=dict(FIGURE_MARGIN, t=40), height=340, legend=dict(orientation="h", y=-0.3))
    return figure


def parameter_scatter(rows, setting: str, score: str, group_column: str = "seed group") -> go.Figure:
    """One point per run (a row of the runs table, a ``pandas.DataFrame`` with a ``run``, a
    ``model`` and a ``group_column`` column): ``setting`` across, ``score`` up, one colour per
    model kind. Runs of one seed group (two or more of them in ``rows``) are faint, and their
    mean is a diamond with ± the standard deviation (3 runs or more) or the range of 2."""
    import pandas as pd
    from plotly.colors import qualitative

    from aemodels.scoring.seed_groups import Spread

    figure = go.Figure()
    grouped = rows[group_column].map(rows[group_column].value_counts()).fillna(0) >= 2 if group_column in rows else None
    for index, (model, group) in enumerate(rows.groupby("model", sort=True)):
        colour = qualitative.Plotly[index % len(qualitative.Plotly)]
        faint = grouped[group.index] if grouped is not None else pd.Series(False, index=group.index)
        figure.add_trace(go.Scatter(x=group[setting], y=group[score], mode="markers+text", name=str(model),
                                    text=[run[-6:] for run in group["run"]], textposition="top center",
                                    marker=dict(size=11, color=colour, opacity=[0.35 if f else 1.0 for f in faint]),
                                    customdata=list(group["run"]), legendgroup=str(model),
                                    hovertemplate="%{customdata}<br>" + f"{setting} %{{x}}<br>{score} %{{y}}<extra></extra>"))
        for name, members in group[faint].groupby(group_column, sort=True):
            values = [float(v) for v in members[score] if pd.notna(v)]
            if len(values) < 2:
                continue
            spread = Spread.of(values)
            below, above = spread.error
            figure.add_trace(go.Scatter(
                x=[members[setting].iloc[0] if members[setting].nunique() == 1 else members[setting].mean()],
                y=[spread.mean], mode="markers", name=f"{model} · group {name}", legendgroup=str(model),
                showlegend=False, marker=dict(size=14, symbol="diamond", color=colour),
                error_y=dict(type="data", symmetric=False, array=[above], arrayminus=[below], thickness=2, width=8),
                hovertemplate=f"group {name}<br>{score} {spread.text()}<extra></extra>"))
    figure.update_layout(title=f"{score} against {setting}", xaxis_title=setting, yaxis_title=score,
                         margin=FIGURE_MARGIN, height=360)
    return figure


def rate_distortion(rows) -> go.Figure:
    """The rate–distortion plane: one point per VAE run (rows of the runs table, a
    ``pandas.DataFrame`` with ``run``, ``model``, ``β``, ``rate nats`` and ``distortion nats``),
    rate across, distortion up, one colour per kind, each labelled with its β; dotted diagonals
    are lines of equal negative ELBO (rate + distortion)."""
    from plotly.colors import qualitative

    figure = go.Figure()
    for index, (model, group) in enumerate(rows.groupby("model", sort=True)):
        figure.add_trace(go.Scatter(
            x=group["rate nats"], y=group["distortion nats"], mode="markers+text", name=str(model),
            text=[f"β {beta:g}" for beta in group["β"]], textposition="top center", customdata=list(group["run"]),
            marker=dict(size=11, color=qualitative.Plotly[index % len(qualitative.Plotly)]),
            hovertemplate="%{customdata}<br>rate %{x:.2f} nats<br>distortion %{y:.2f} nats<extra></extra>"))
    totals = rows["rate nats"] + rows["distortion nats"]
    rate_top = float(rows["rate nats"].max()) * 1.1 + 1
    for total in sorted({float(totals.min()), float(totals.max())}):
        figure.add_trace(go.Scatter(x=[0, min(total, rate_top)], y=[total, total - min(total, rate_top)], mode="lines",
                                    line=dict(dash="dot", color="grey", width=1), showlegend=False,
                                    hovertemplate=f"negative ELBO {total:.1f} nats<extra></extra>"))
    figure.update_layout(title="Rate against distortion (held-out images)", margin=FIGURE_MARGIN, height=380,
                         xaxis_title="rate: KL of the codes from the prior (nats per image)",
                         yaxis_title="distortion: reconstruction (nats per image)")
    return figure


def forming_curve(frames, accuracy, trust) -> go.Figure:
    """5-NN accuracy and trustworthiness (S,) of the map at epochs ``frames`` (S,), 0 before training."""
    import numpy as np

    figure = go.Figure()
    if np.isfinite(accuracy).any():
        figure.add_trace(go.Scatter(x=frames, y=accuracy, mode="lines+markers", name="5-NN accuracy"))
    figure.add_trace(go.Scatter(x=frames, y=trust, mode="lines+markers", name="trustworthiness, k = 5"))
    figure.update_layout(title="The map's scores at each epoch (higher is better)", xaxis_title="epoch (0: before training)",
                         yaxis_title="score", margin=FIGURE_MARGIN, height=300, legend=dict(orientation="h", y=-0.3))
    return figure


def code_noise_curves(curves: dict, current: str, size: float | None = None) -> go.Figure:
    """Reconstruction MSE against the noise added to the codes, one line per run (``curves``:
    label → ``code_noise.CodeNoiseCurve``), the ``current`` run's drawn thicker, ``size`` marked."""
    figure = go.Figure()
    for index, (label, curve) in enumerate(curves.items()):
        figure.add_trace(go.Scatter(x=list(curve.sizes), y=list(curve.mse), mode="lines+markers", name=label,
                                    line=dict(width=4 if label == current else 2, color=PALETTE[index % len(PALETTE)])))
    if size is not None:
        figure.add_vline(x=size, line_dash="dash", line_color="grey", annotation_text=f"slider: {size:g}")
    figure.update_layout(title="Reconstruction error against noise in the code (held-out images)",
                         xaxis_title="noise added, in standard deviations of each code number",
                         yaxis_title="MSE per pixel", margin=FIGURE_MARGIN, height=360,
                         legend=dict(orientation="h", y=-0.3))
    return figure
