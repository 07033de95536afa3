"""Rows of small images, enlarged with nearest-neighbour so pixels stay sharp.

Images go to the browser inside the page as PNG data URLs, not through Streamlit's media files.
Streamlit deletes a run's media files as soon as the next run (fragment runs included) has drawn
without them (``remove_orphaned_files`` in ``runtime/scriptrunner/script_runner.py``, with no grace
period for images in ``runtime/media_file_manager.py``), while the browser fetches them a moment
after it hears of them: after two quick slider moves it asked for files already gone (404, "Image
source error"), and a user saw a broken image. A data URL has nothing to fetch. The images here are
small (a few kB each), so sending them in the page costs little.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import streamlit as st

DISPLAY_SIDE = 112  # pixels on screen for one image
THUMBNAIL_SIDE = 72


def as_display(image: np.ndarray, side: int = DISPLAY_SIDE) -> np.ndarray:
    """One image (H, W, C) float in [0, 1] or uint8 → uint8 (≈side, ≈side, C or none)."""
    if image.dtype != np.uint8:
        image = np.clip(np.rint(np.asarray(image) * 255), 0, 255).astype(np.uint8)
    scale = max(1, side // max(image.shape[0], image.shape[1]))
    image = image.repeat(scale, axis=0).repeat(scale, axis=1)
    return image[..., 0] if image.shape[-1] == 1 else image


def png_data_url(image: np.ndarray, side: int = DISPLAY_SIDE) -> str:
    """``data:image/png;base64,...`` of one image (H, W, C), enlarged as ``as_display`` does."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(as_display(image, side)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def image_row(images: list[np.ndarray], captions: list[str], side: int = DISPLAY_SIDE) -> None:
    """Images side by side at ``side`` pixels (not spread over the page), a caption under each."""
    row = st.container(horizontal=True, gap="medium")
    for image, caption in zip(images, captions):
        row.image(png_data_url(image, side), caption=caption, width=side)


def image_grid(rows: list[tuple[str, np.ndarray]], max_columns: int = 10) -> None:
    """Labelled rows of images: (label, images (N, H, W, C)); at most ``max_columns`` each."""
    for label, images in rows:
        st.caption(label)
        row = st.container(horizontal=True, gap="small")
        for image in images[:max_columns]:
            row.image(png_data_url(image, THUMBNAIL_SIDE), width=THUMBNAIL_SIDE)


def tiled(images: np.ndarray, gap: int = 2) -> np.ndarray:
    """A grid of images (R, C, H, W, ch) in [0, 1] as one image (R·(H+gap)−gap, C·(W+gap)−gap, ch),
    the tiles separated by ``gap`` grey pixels."""
    rows, columns, height, width, channels = images.shape
    picture = np.full((rows * (height + gap) - gap, columns * (width + gap) - gap, channels), 0.5, np.float32)
    for r in range(rows):
        for c in range(columns):
            picture[r * (height + gap):r * (height + gap) + height, c * (width + gap):c * (width + gap) + width] = images[r, c]
    return picture


def code_channels(code: np.ndarray, grid: tuple[int, int, int], low: float, high: float) -> np.ndarray:
    """A shaped code (H·W·C,) as C grey images (C, H, W, 1) in [0, 1]: ``low`` black, ``high`` white."""
    height, width, channels = grid
    maps = (np.asarray(code, np.float32).reshape(height, width, channels) - low) / (high - low + 1e-12)
    return np.clip(maps.transpose(2, 0, 1)[..., None], 0.0, 1.0)


def code_maps_row(code: np.ndarray, grid: tuple[int, int, int], low: float, high: float) -> None:
    """One labelled row: a shaped code's channels, each a small grey image."""
    captioned_row(f"its code, one map per channel (black {low:.2f}, white {high:.2f}: the held-out codes' range)",
                  code_channels(code, grid, low, high), [f"channel {c + 1}" for c in range(grid[2])])


def captioned_row(label: str, images: np.ndarray, captions: list[str]) -> None:
    """One labelled row of thumbnails (N, H, W, C), a short caption under each."""
    st.caption(label)
    row = st.container(horizontal=True, gap="small")
    for image, caption in zip(images, captions):
        row.image(png_data_url(image, THUMBNAIL_SIDE), caption=caption, width=THUMBNAIL_SIDE + 24)
