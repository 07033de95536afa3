"""Every screen of the dashboard in one table: its page file, its name and icon in the navigation,
its heading, and the result screen it draws; the one place a screen's words live."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import streamlit as st

from aemodels.kinds import ModelKind, Screen


@dataclasses.dataclass(frozen=True)
class Page:
    """One screen: ``file`` (relative to the app's folder), ``title`` and ``icon`` in the
    navigation, ``heading`` at the top of the page, and ``screen``, the result screen it draws
    (None for Home, Train and Runs)."""

    file: str
    title: str
    icon: str
    heading: str
    screen: Screen | None = None


PAGES = (
    Page("pages/home.py", "Home", ":material/home:", "Autoencoder Lab"),
    Page("pages/lesson.py", "Lesson", ":material/school:", "The lesson, step by step"),
    Page("pages/train.py", "Train", ":material/model_training:", "Train a model"),
    Page("pages/embedding.py", "Embedding vs PCA", ":material/scatter_plot:", "Embedding vs PCA", Screen.EMBEDDING),
    Page("pages/denoising.py", "Denoising", ":material/blur_off:", "Denoising", Screen.DENOISING),
    Page("pages/superres.py", "Super-resolution", ":material/zoom_in:", "Super-resolution", Screen.SUPER_RESOLUTION),
    Page("pages/latent.py", "Latent explorer", ":material/tune:", "Latent explorer", Screen.LATENT),
    Page("pages/runs.py", "Runs", ":material/folder_open:", "Runs"),
)
HOME_PAGE, TRAIN_PAGE = "pages/home.py", "pages/train.py"


def navigation() -> list:
    """The ``st.Page`` of every screen, Home the default, for ``st.navigation``."""
    return [st.Page(page.file, title=page.title, icon=page.icon, default=page.file == HOME_PAGE) for page in PAGES]


def show_heading(page_file: str) -> None:
    """The heading of the page whose ``__file__`` is ``page_file``."""
    st.title(_page(f"pages/{Path(page_file).name}").heading)


def title_of(screen: Screen) -> str:
    """The result screen's name, as the navigation shows it."""
    return next(page.title for page in PAGES if page.screen is screen)


def results_page(kind: ModelKind) -> str:
    """The page that shows a run of ``kind`` first."""
    return next(page.file for page in PAGES if page.screen is kind.main_screen)


def screen_of(page_file: str) -> Screen | None:
    """The result screen drawn by ``page_file`` (``pages/denoising.py``), or None."""
    return next((page.screen for page in PAGES if page.file == page_file), None)


def _page(page_file: str) -> Page:
    return next(page for page in PAGES if page.file == page_file)
