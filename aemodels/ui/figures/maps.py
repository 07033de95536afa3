"""Maps of codes: the 2-D embedding scatter, the embedding as it forms, and the latent space decoded on a grid."""

from __future__ import annotations

import dataclasses

import numpy as np
import plotly.graph_objects as go

from aemodels.ui.figures.style import FIGURE_MARGIN, MAP_MARGIN, PALETTE, WEBGL_FROM_POINTS, map_title, marker_style


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


def quality_scatter(points: np.ndarray, quality: np.ndarray, title: str, axis_titles: tuple[str, str],
                    shown: np.ndarray, marked: int | None = None, highlight: np.ndarray | None = None) -> go.Figure:
    """The map's points coloured by each point's own trustworthiness ``quality`` (N,), red where
    the map invents neighbours; only the rows ``shown`` are coloured, the others stay as pale grey
    dots for context. ``customdata`` is each point's row, so a click chooses it as on the class map."""
    size, opacity = marker_style(len(points))
    scatter = go.Scattergl if len(points) >= WEBGL_FROM_POINTS else go.Scatter
    others = np.setdiff1d(np.arange(len(points)), shown)
    figure = go.Figure()
    if len(others):
        figure.add_trace(scatter(x=points[others, 0], y=points[others, 1], mode="markers", name="the others",
                                 customdata=others, hovertemplate="image %{customdata}<extra></extra>",
                                 marker=dict(size=size, color="#c8c8c8", opacity=0.5)))
    figure.add_trace(scatter(
        x=points[shown, 0], y=points[shown, 1], mode="markers", name="own trustworthiness", customdata=shown,
        text=[f"{q:.2f}" for q in quality[shown]],
        hovertemplate="image %{customdata}<br>own trustworthiness %{text}<extra></extra>",
        marker=dict(size=max(size, 6 if len(shown) < len(points) else size), color=quality[shown], colorscale="RdYlGn",
                    cmin=0.5, cmax=1.0, opacity=max(opacity, 0.8),
                    colorbar=dict(title=dict(text="own trust k=10", side="right"), thickness=12))))
    if highlight is not None and len(highlight):
        figure.add_trace(scatter(x=points[highlight, 0], y=points[highlight, 1], mode="markers", name="selected",
                                 customdata=highlight, hoverinfo="skip",
                                 marker=dict(size=max(size + 5, 9), color="rgba(0,0,0,0)",
                                             line=dict(color="black", width=1.5))))
    if marked is not None:
        figure.add_trace(scatter(x=points[[marked], 0], y=points[[marked], 1], mode="markers", name=f"image {marked}",
                                 customdata=[marked], hoverinfo="skip",
                                 marker=dict(size=18, symbol="x", color="black", line=dict(color="white", width=1.5))))
    figure.update_layout(title=map_title(title), margin=MAP_MARGIN, height=450, uirevision=title, showlegend=False,
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


@dataclasses.dataclass(frozen=True)
class MapLayer:
    """Values over a grid of the latent plane, drawn over the decoded grid: ``values`` (rows, cols)
    at tile centres ``xs`` (cols,) and ``ys`` (rows,), row 0 at the lowest ``ys``."""

    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray
    title: str
    colorscale: str
    zmin: float
    zmax: float


def latent_map(picture: str, extent: tuple[float, float, float, float], points: np.ndarray,
               labels: np.ndarray, class_names: tuple[str, ...], axis_titles: tuple[str, str] = ("z1", "z2"),
               current: tuple[float, float] | None = None, ends: list[tuple[float, float]] = (),
               layer: MapLayer | None = None) -> go.Figure:
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
    if layer is not None:
        figure.add_trace(go.Heatmap(x=layer.xs, y=layer.ys, z=layer.values, colorscale=layer.colorscale,
                                    zmin=layer.zmin, zmax=layer.zmax, opacity=0.6, name=layer.title, hoverongaps=False,
                                    colorbar=dict(title=dict(text=layer.title, side="right"), thickness=12),
                                    hovertemplate="(%{x:.2f}, %{y:.2f})<br>" + layer.title + " %{z:.2f}<extra></extra>"))
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
