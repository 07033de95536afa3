"""Rows of small images, enlarged with nearest-neighbour so pixels stay sharp."""

from __future__ import annotations

import numpy as np
import streamlit as st

DISPLAY_SIDE = 112  # pixels on screen for one image


def as_display(image: np.ndarray, side: int = DISPLAY_SIDE) -> np.ndarray:
    """One image (H, W, C) float in [0, 1] or uint8 → uint8 (≈side, ≈side, C or none)."""
    if image.dtype != np.uint8:
        image = np.clip(np.rint(np.asarray(image) * 255), 0, 255).astype(np.uint8)
    scale = max(1, side // max(image.shape[0], image.shape[1]))
    image = image.repeat(scale, axis=0).repeat(scale, axis=1)
    return image[..., 0] if image.shape[-1] == 1 else image


def image_row(images: list[np.ndarray], captions: list[str]) -> None:
    """Images side by side at their display size (not spread over the page), a caption under each."""
    row = st.container(horizontal=True, gap="medium")
    for image, caption in zip(images, captions):
        row.image(as_display(image), caption=caption, output_format="PNG", width=DISPLAY_SIDE)


def image_grid(rows: list[tuple[str, np.ndarray]], max_columns: int = 10) -> None:
    """Labelled rows of images: (label, images (N, H, W, C)); at most ``max_columns`` each."""
    for label, images in rows:
        st.caption(label)
        shown = images[:max_columns]
        row = st.container(horizontal=True, gap="small")
        for image in shown:
            row.image(as_display(image, 72), output_format="PNG", width=72)
