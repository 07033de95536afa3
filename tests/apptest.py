"""Opening one screen of the real app in AppTest, optionally with a run in the URL."""

from __future__ import annotations

import time
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


def finish_training(at: AppTest, timeout: float = 300) -> AppTest:
    """Wait until no background training is left, then run the app again, as the page's poll
    would: it takes the finished job in (its run becomes current)."""
    from aemodels.jobs.background import board

    deadline = time.monotonic() + timeout
    while board().unfinished():
        assert time.monotonic() < deadline, "a background training did not finish in time"
        time.sleep(0.1)
    return at.run()
