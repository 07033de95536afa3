"""What every figure shares: the class colours, the margins, map titles, and markers that thin out as points crowd."""

from __future__ import annotations

import numpy as np

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
