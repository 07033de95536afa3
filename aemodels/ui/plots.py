"""Plotly figure builders: pure functions from arrays and dicts to ``go.Figure``.

Nothing here knows Streamlit or Keras; every builder returns a new figure and changes no input.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
FIGURE_MARGIN = dict(l=10, r=10, t=40, b=10)
# A map's title sits just above its plot area, below the strip where Streamlit shows Plotly's
# toolbar on hover (about 30 px high, up to 270 px wide at the top right), which hid the titles.
MAP_MARGIN = dict(FIGURE_MARGIN, t=64)


def map_title(text: str) -> dict:
    """A title anchored to the top of the plot area, clear of the toolbar strip above it."""
    return dict(text=text, yref="paper", y=1, yanchor="bottom", pad=dict(b=8), x=0, xanchor="left", xref="paper")
# Up to this many points a scatter is SVG; above it WebGL. WebGL draws thousands of points
# faster, but each redraw sets up a GL context: where the browser has no GPU (headless Chromium
# here), that cost about 0.2 s of CPU per redraw of the live map, taken from the training.
WEBGL_FROM_POINTS = 1000


def marker_style(n_points: int) -> tuple[float, float]:
    """Marker size (px) and opacity for a scatter of ``n_points``: smaller and fainter as points
    crowd (6 px at 0.8 up to 1,000 points, about 3 px at 0.3 for 14,000, 2 px at 0.15 for 70,000),
    so that dense regions read as dense instead of as one blot."""
    crowd = max(n_points, 1000) / 1000
    return float(np.clip(6 - 2.4 * np.log10(crowd), 2, 6)), float(np.clip(0.8 * crowd**-0.38, 0.15, 0.8))


def embedding_scatter(points: np.ndarray, labels: np.ndarray, class_names: tuple[str, ...], title: str,
                      highlight: np.ndarray | None = None, axis_titles: tuple[str, str] = ("", ""),
                      hidden_classes: tuple[int, ...] = (), contours: bool = False,
                      marked: int | None = None,
                      background: tuple[np.ndarray, np.ndarray] | None = None) -> go.Figure:
    """A 2-D scatter of ``points`` (N, 2) coloured by ``labels`` (N,) of ``class_names``.

    One trace per class, in class order, with the class's fixed colour, also for classes in
    ``hidden_classes`` (left in the legend, not drawn): the same inputs always give the same
    figure, so a selection made on it survives a rerun. Every point's ``customdata`` is its row
    index in ``points``. ``highlight`` (row indices) are drawn again as black rings, ``marked``
    (one row index) as a large black cross; ``contours`` adds a density contour per class.
    ``background``: other points (M, 2) with their labels (M,), the training images, drawn
    beneath in paler markers without ``customdata`` (a selection ignores them), in their class's
    legend group.
    """
    shown = len(points) + (len(background[0]) if background is not None else 0)
    scatter = go.Scattergl if shown >= WEBGL_FROM_POINTS else go.Scatter
    size, opacity = marker_style(shown)
    labelled = len(class_names) >= 2  # unlabelled data has one class, named "unlabelled"
    figure = go.Figure()
    index = np.arange(len(points))
    for k, name in enumerate(class_names if background is not None else ()):  # first: drawn beneath all
        behind = background[1] == k
        if behind.any():
            figure.add_trace(scatter(
                x=background[0][behind, 0], y=background[0][behind, 1], mode="markers", name=f"{name} (training)",
                legendgroup=name, showlegend=False, visible="legendonly" if k in hidden_classes else True,
                marker=dict(size=size, color=PALETTE[k % len(PALETTE)], opacity=opacity * 0.45),
                hovertemplate=(f"class {name}<br>" if labelled else "") + "a training image<extra></extra>",
            ))
    for k, name in enumerate(class_names):
        picked = labels == k
        if not picked.any():
            continue
        colour = PALETTE[k % len(PALETTE)]
        visible = "legendonly" if k in hidden_classes else True
        figure.add_trace(scatter(
            x=points[picked, 0], y=points[picked, 1], mode="markers", name=name, legendgroup=name,
            customdata=index[picked], marker=dict(size=size, color=colour, opacity=opacity), visible=visible,
            hovertemplate=(f"class {name}<br>" if labelled else "") + "image %{customdata}<extra></extra>",
        ))
        if contours and picked.sum() >= 10:
            figure.add_trace(go.Histogram2dContour(
                x=points[picked, 0], y=points[picked, 1], name=f"{name} density", legendgroup=name,
                showlegend=False, showscale=False, ncontours=4, contours=dict(coloring="none"),
                line=dict(color=colour, width=1.2), hoverinfo="skip", visible=visible,
            ))
    if highlight is not None and len(highlight):
        figure.add_trace(scatter(
            x=points[highlight, 0], y=points[highlight, 1], mode="markers", name="selected",
            customdata=highlight, hoverinfo="skip",
            marker=dict(size=max(size + 5, 9), color="rgba(0,0,0,0)", line=dict(color="black", width=1.5)),
        ))
    if marked is not None:  # the dots' own trace type: WebGL dots are drawn above every SVG trace
        figure.add_trace(scatter(
            x=points[[marked], 0], y=points[[marked], 1], mode="markers", name=f"image {marked}",
            customdata=[marked], hoverinfo="skip",
            marker=dict(size=18, symbol="x", color="black", line=dict(color="white", width=1.5)),
        ))
    # No dragmode: Streamlit then starts the map in pan mode, where a click selects one point
    # (with box or lasso dragging, its frontend turns click selection off).
    figure.update_layout(title=map_title(title), margin=MAP_MARGIN, height=450, uirevision=title,
                         legend=dict(itemsizing="constant"),
                         xaxis=dict(title=axis_titles[0]), yaxis=dict(title=axis_titles[1]))
    return figure


def _padded_range(values: np.ndarray, pad: float = 0.06) -> list[float]:
    low, high = np.percentile(values, [0.5, 99.5])
    span = max(float(high - low), 1e-6)
    return [float(low - pad * span), float(high + pad * span)]


def forming_animation(maps: np.ndarray, labels: np.ndarray, class_names: tuple[str, ...],
                      title: str, axis_titles: tuple[str, str] = ("", "")) -> go.Figure:
    """The 2-D map before training and after every epoch, as frames with play and an epoch slider.

    ``maps``: (epochs + 1, N, 2), frame 0 before training; ``labels`` (N,). One trace per class in
    every frame (the same order, so points move instead of blinking). Each frame sets its own axis
    ranges: early codes span a small fraction of the final ones, and a shared range would draw
    them as one dot.
    """
    size, opacity = marker_style(maps.shape[1])
    present = [k for k in range(len(class_names)) if (labels == k).any()]

    def traces(frame: np.ndarray) -> list:
        return [go.Scatter(x=frame[labels == k, 0], y=frame[labels == k, 1], mode="markers",
                           name=class_names[k], hoverinfo="skip",
                           marker=dict(size=size, color=PALETTE[k % len(PALETTE)], opacity=opacity))
                for k in present]

    def ranges(frame: np.ndarray) -> dict:
        return dict(xaxis=dict(range=_padded_range(frame[:, 0])), yaxis=dict(range=_padded_range(frame[:, 1])))

    names = ["before training"] + [f"epoch {e}" for e in range(1, len(maps))]
    frames = [go.Frame(data=traces(frame), name=name, layout=ranges(frame)) for frame, name in zip(maps, names)]
    play = dict(frame=dict(duration=600, redraw=False), transition=dict(duration=400), fromcurrent=True)
    figure = go.Figure(data=traces(maps[-1]), frames=frames)
    figure.update_layout(
        title=title, margin=dict(FIGURE_MARGIN, b=10), height=560, legend=dict(itemsizing="constant"),
        xaxis=dict(title=axis_titles[0], range=_padded_range(maps[-1][:, 0])),
        yaxis=dict(title=axis_titles[1], range=_padded_range(maps[-1][:, 1])),
        updatemenus=[dict(type="buttons", direction="left", x=0, y=-0.2, xanchor="left", yanchor="top",
                          pad=dict(t=0, r=10), showactive=False, buttons=[
                              dict(label="▶ Play", method="animate", args=[None, play]),
                              dict(label="❚❚ Pause", method="animate",
                                   args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")])])],
        sliders=[dict(active=len(frames) - 1, x=0.32, len=0.68, y=-0.12, yanchor="top", pad=dict(t=0),
                      currentvalue=dict(prefix="after epoch ", visible=True, xanchor="right"),
                      steps=[dict(label=str(epoch),
                                  method="animate",
                                  args=[[name], dict(mode="immediate", frame=dict(duration=0, redraw=False),
                                                     transition=dict(duration=300))])
                             for epoch, name in enumerate(names)])],
    )
    return figure


LOSS_WORDS = {  # Keras history names → words, and the panel each belongs to
    "loss": ("training", "loss"),
    "val_loss": ("held-out", "loss"),
    "reconstruction_loss": ("training", "reconstruction"),
    "val_reconstruction_loss": ("held-out", "reconstruction"),
    "kl_loss": ("training", "kl"),
    "val_kl_loss": ("held-out", "kl"),
    "neighbour_loss": ("neighbour-keeping term (training)", "loss"),
    "val_neighbour_loss": ("neighbour-keeping term (held-out)", "loss"),
}
LOSS_COLOURS = {"training": PALETTE[0], "held-out": PALETTE[1], "neighbour-keeping term (training)": PALETTE[2],
                "neighbour-keeping term (held-out)": PALETTE[4]}
PANEL_TITLES = {
    "loss": "Loss (lower is better)",
    "reconstruction": "Reconstruction error, nats per image",
    "kl": "KL divergence from the prior, nats per image",
}


def _epoch_axis(epochs: int) -> dict:
    """An x axis of whole epochs from 1: a tick every epoch, or every few for long trainings."""
    return dict(title="epoch", tick0=1, dtick=max(1, -(-epochs // 10)))


def loss_chart(history: dict[str, list[float]], title: str = "Loss per epoch") -> go.Figure:
    """Loss curves per epoch (epochs from 1), training and held-out, in words.

    ``history`` maps Keras names (``loss``, ``val_loss``, and for a VAE ``reconstruction_loss``,
    ``kl_loss`` and their ``val_`` forms) to one value per epoch. A VAE's reconstruction and KL
    terms differ by two orders of magnitude, so each gets its own panel (and the total is left
    out); other models get one panel.
    """
    from plotly.subplots import make_subplots

    panels = ["reconstruction", "kl"] if "kl_loss" in history else ["loss"]
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
    (``ModelKind.loss_words``). Runs whose losses measure different things get panels of their
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


def denoising_curve(curve: list[dict], level: float | None = None) -> go.Figure:
    """PSNR (dB) of noisy input, best filter and model against noise level, ``level`` marked.

    ``curve`` is ``metrics.json["denoising"]["curve"]``: dicts with ``level``,
    ``noisy_psnr``, ``filter_psnr``, ``model_psnr``.
    """
    levels = [point["level"] for point in curve]
    figure = go.Figure()
    for key, name in (("model_psnr", "model"), ("filter_psnr", "best classical filter"),
                      ("noisy_psnr", "noisy input")):
        figure.add_trace(go.Scatter(x=levels, y=[point[key] for point in curve],
                                    mode="lines+markers", name=name))
    if level is not None:
        figure.add_vline(x=level, line_dash="dash", line_color="grey",
                         annotation_text=f"slider: {level:g}")
    figure.update_layout(title="Quality against noise level (held-out images)",
                         xaxis_title="noise level", yaxis_title="PSNR (dB)",
                         margin=FIGURE_MARGIN, height=340)
    return figure


def superres_bars(factors: list[dict], current: int | None = None) -> go.Figure:
    """Grouped bars of PSNR (dB) per upscale factor for nearest, bicubic, Lanczos (runs scored
    before it was compared have none) and the model."""
    figure = go.Figure()
    labels = [f"×{f['factor']}" + (" (slider)" if f["factor"] == current else "") for f in factors]
    for key, name in (("nearest_psnr", "nearest"), ("bicubic_psnr", "bicubic"), ("lanczos_psnr", "Lanczos"),
                      ("model_psnr", "model")):
        if all(key in f for f in factors):
            figure.add_trace(go.Bar(x=labels, y=[f[key] for f in factors], name=name))
    figure.update_layout(title="PSNR per upscale factor (held-out images)", barmode="group",
                         yaxis_title="PSNR (dB)", margin=FIGURE_MARGIN, height=320)
    return figure


CLICK_GRID_SIDE = 21  # invisible points per side of a latent map that a click selects


def grid_picture(grid: np.ndarray) -> str:
    """Decoded images tiled into one PNG data URL, highest row of ``grid`` on top.

    ``grid``: float (rows, cols, H, W, C) in [0, 1], row 0 at the *lowest* value of the second
    coordinate. Encoded once per grid (it is the largest part of the latent map's figure).
    """
    import base64
    import io

    from PIL import Image

    rows, cols, h, w, c = grid.shape
    tiled = np.flipud(grid.transpose(0, 2, 1, 3, 4).reshape(rows * h, cols * w, c))  # highest z2 on top
    pixels = (np.clip(tiled, 0, 1) * 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels[..., 0] if c == 1 else pixels).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def latent_map(picture: str, extent: tuple[float, float, float, float], points: np.ndarray,
               labels: np.ndarray, class_names: tuple[str, ...], axis_titles: tuple[str, str] = ("z1", "z2"),
               current: tuple[float, float] | None = None, ends: list[tuple[float, float]] = ()) -> go.Figure:
    """The decoded grid (``grid_picture``) under held-out codes, clickable everywhere.

    Args:
        picture: the tiled decoded images as a data URL; ``extent`` (x_min, x_max, y_min, y_max)
            is where its outer edges lie, in latent units.
        points: codes (N, 2) drawn on top, coloured by ``labels`` (N,).
        current: the sliders' point, drawn as a cross; ``ends``: clicked points kept for
            interpolation, drawn as numbered circles.

    A lattice of ``CLICK_GRID_SIDE``² invisible points covers the extent, so that a click
    anywhere selects the lattice point under it (its ``x``, ``y`` are latent coordinates).
    """
    x0, x1, y0, y1 = extent
    figure = go.Figure()
    figure.add_layout_image(source=picture, xref="x", yref="y", x=x0, y=y1, sizex=x1 - x0, sizey=y1 - y0,
                            sizing="stretch", layer="below")
    for k, name in enumerate(class_names):
        picked = labels == k
        if picked.any():
            figure.add_trace(go.Scatter(x=points[picked, 0], y=points[picked, 1], mode="markers", name=name,
                                        hoverinfo="skip",
                                        marker=dict(size=4, opacity=0.45, color=PALETTE[k % len(PALETTE)])))
    xs, ys = np.meshgrid(np.linspace(x0, x1, CLICK_GRID_SIDE), np.linspace(y0, y1, CLICK_GRID_SIDE))
    figure.add_trace(go.Scatter(x=xs.ravel(), y=ys.ravel(), mode="markers", name="click to decode",
                                showlegend=False, hovertemplate="decode (%{x:.2f}, %{y:.2f})<extra></extra>",
                                marker=dict(size=14, opacity=0), selected=dict(marker=dict(opacity=0)),
                                unselected=dict(marker=dict(opacity=0))))
    for k, (x, y) in enumerate(ends):
        figure.add_trace(go.Scatter(x=[x], y=[y], mode="markers+text", text=[str(k + 1)], textposition="top center",
                                    name=f"end {k + 1}", showlegend=False, hoverinfo="skip",
                                    textfont=dict(color="white", size=14),
                                    marker=dict(size=14, color="rgba(0,0,0,0)", line=dict(color="white", width=2.5))))
    if current is not None:
        figure.add_trace(go.Scatter(x=[current[0]], y=[current[1]], mode="markers", name="the sliders' point",
                                    hoverinfo="skip", marker=dict(size=18, symbol="x", color="#e4002b",
                                                                  line=dict(color="white", width=1.5))))
    figure.update_layout(title=map_title(f"Decoded grid over ({axis_titles[0]}, {axis_titles[1]}), codes as dots"),
                         xaxis=dict(title=axis_titles[0], range=[x0, x1], showgrid=False, zeroline=False,
                                    constrain="domain"),
                         yaxis=dict(title=axis_titles[1], range=[y0, y1], autorange=False, showgrid=False,
                                    zeroline=False, scaleanchor="x", constrain="domain"),
                         margin=MAP_MARGIN, height=620,
                         legend=dict(itemsizing="constant", orientation="h", y=-0.12))
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


def parameter_scatter(rows, setting: str, score: str) -> go.Figure:
    """One point per run (a row of the runs table, a ``pandas.DataFrame`` with a ``run`` and a
    ``model`` column): ``setting`` across, ``score`` up, one colour per model kind."""
    figure = go.Figure()
    for model, group in rows.groupby("model", sort=True):
        figure.add_trace(go.Scatter(x=group[setting], y=group[score], mode="markers+text", name=str(model),
                                    text=[run[-6:] for run in group["run"]], textposition="top center",
                                    marker=dict(size=11), customdata=list(group["run"]),
                                    hovertemplate="%{customdata}<br>" + f"{setting} %{{x}}<br>{score} %{{y}}<extra></extra>"))
    figure.update_layout(title=f"{score} against {setting}", xaxis_title=setting, yaxis_title=score,
                         margin=FIGURE_MARGIN, height=360)
    return figure
