"""The page file of each result screen, and the screen that shows a run's results."""

from __future__ import annotations

from aemodels.kinds import ModelKind, Screen

PAGE_FILES = {
    Screen.EMBEDDING: "pages/embedding.py",
    Screen.DENOISING: "pages/denoising.py",
    Screen.SUPER_RESOLUTION: "pages/superres.py",
    Screen.LATENT: "pages/latent.py",
}
TRAIN_PAGE = "pages/train.py"


def results_page(kind: ModelKind) -> str:
    """The page that shows a run of ``kind`` first."""
    return PAGE_FILES[kind.main_screen]


def screen_of(page_file: str) -> Screen | None:
    """The result screen drawn by ``page_file`` (``pages/denoising.py``), or None."""
    return next((screen for screen, path in PAGE_FILES.items() if path == page_file), None)
