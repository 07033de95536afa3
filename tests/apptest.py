"""Opening one screen of the real app in AppTest, optionally with a run in the URL."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 120  # seconds for one script run (a first run loads TensorFlow and a model)


def open_page(page: str, run_id: str | None = None) -> AppTest:
    """Run app.py switched to ``page`` (e.g. "pages/latent.py") with ``?run=run_id``."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if run_id:
        at.query_params["run"] = run_id
    return at.switch_page(page).run()
