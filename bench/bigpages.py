"""Big pages: the whole Embedding and Latent pages of real runs at 2k, 14k and 70k points.

Two runs of the quick model (dense-ae, 2-D code, 2 epochs) in a fresh store: one on mnist-10k
(2,000 held-out images) and one on a 70,000-image set the size of the full MNIST, which cannot be
downloaded here: the shipped 10,000 images and 6 copies shifted by one pixel (uploaded as
``synthetic-mnist-70k.npz``; 14,000 held out, 56,000 training). The third size is the big run with
"Training images too" on: 70,000 points on each map.

Each figure is Chromium's time from asking for the page to both maps' points on screen and the
app idle (the Latent page: its latent map and decoded image), on ``streamlit run``. The first
opening of each run (dataset, model and views loaded into the caches) is reported apart from the
median of the openings after it. On the open Embedding page, "Density contours" is then switched
on and off: the rerun a person feels when changing a setting of the maps.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import Row, median

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_MS = 180_000
SHIFTS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1))
MAPS_DRAWN = """(n) => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')].filter(p => p._fullData).slice(0, 2);
  if (plots.length < 2) return false;
  return plots.every(p => p._fullData.filter(t => t.type !== 'histogram2dcontour')
      .reduce((s, t) => s + (t.x && t.visible !== 'legendonly' ? t.x.length : 0), 0) >= n);
}"""


def _synthetic_70k(home: str) -> str:
    """The 70,000-image set, saved as an upload of the store ``home``; its dataset name."""
    from aemodels.data.datasets import Dataset, load_dataset, save_upload

    base = load_dataset("mnist-10k")
    images = [base.images] + [np.roll(base.images, shift, axis=(1, 2)) for shift in SHIFTS]
    labels = np.tile(base.labels, len(images))
    data = Dataset("synthetic", np.concatenate(images), labels, base.class_names)
    before = os.environ.get("AEMODELS_HOME")
    os.environ["AEMODELS_HOME"] = home  # save_upload writes into the store of $AEMODELS_HOME
    try:
        return save_upload(data, "synthetic-mnist-70k.npz")
    finally:
        if before is None:
            del os.environ["AEMODELS_HOME"]
        else:
            os.environ["AEMODELS_HOME"] = before


def _train(home: str, dataset: str) -> dict:
    env = {**os.environ, "AEMODELS_HOME": home, "TF_CPP_MIN_LOG_LEVEL": "2", "AEMODELS_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-m", "aemodels", "train", "--dataset", dataset, "--model", "dense-ae",
                          "--latent-dim", "2", "--epochs", "2", "--json"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-1500:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _open(tab, url: str, drawn_js: str, points: int) -> float:
    from bench.dashboard import _wait_for_app

    tab.goto("about:blank")
    started = time.perf_counter()
    tab.goto(url)
    tab.wait_for_function(drawn_js, arg=points, timeout=TIMEOUT_MS)
    _wait_for_app(tab, TIMEOUT_MS)
    return time.perf_counter() - started


CONTOURS_SHOWN = """(wanted) => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')].filter(p => p._fullData).slice(0, 2);
  return plots.length === 2 && plots.every(p => p._fullData.some(t => t.type === 'histogram2dcontour') === wanted);
}"""


def _flip_contours(tab, repeats: int) -> list[float]:
    """Seconds from a click on "Density contours" to both maps redrawn with (or without) them and
    the app idle: a rerun of the open page, as a person changing a setting feels it."""
    from bench.dashboard import _wait_for_app

    seconds, shown = [], False
    for _ in range(2 * repeats):
        started = time.perf_counter()
        tab.get_by_text("Density contours").first.click()
        shown = not shown
        tab.wait_for_function(CONTOURS_SHOWN, arg=shown, timeout=TIMEOUT_MS)
        _wait_for_app(tab, TIMEOUT_MS)
        seconds.append(time.perf_counter() - started)
    return seconds


def run(repeats: int, log) -> list[Row]:
    from playwright.sync_api import sync_playwright

    from bench.dashboard import Server, _free_port
    from tests.browser import CHROMIUM_ARGS, chromium_path

    rows = []
    with tempfile.TemporaryDirectory(prefix="aebigpages-") as home:
        big = _synthetic_70k(home)
        small_run, big_run = _train(home, "mnist-10k"), _train(home, big)
        log(f"  runs: {small_run['run_id']} ({small_run['train_seconds']:.0f} s), "
            f"{big_run['run_id']} ({big_run['train_seconds']:.0f} s)")
        cases = (  # (what, URL path and query, points per map)
            ("Embedding, 2,000 held-out points", f"embedding?run={small_run['run_id']}", 2_000),
            ("Embedding, 14,000 held-out points", f"embedding?run={big_run['run_id']}", 14_000),
            ("Embedding, 14,000 held-out + 56,000 training points",
             f"embedding?run={big_run['run_id']}&training_points=True", 70_000),
            ("Latent, 2,000 held-out images", f"latent?run={small_run['run_id']}", 0),
            ("Latent, 14,000 held-out images", f"latent?run={big_run['run_id']}", 0),
        )
        server = Server(home, _free_port())
        server.wait_healthy()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
                tab = browser.new_page(viewport={"width": 1400, "height": 1000})
                for what, path, points in cases:
                    latent = points == 0
                    drawn = ("() => document.querySelector('.js-plotly-plot') && "
                             "document.querySelector(\"[data-testid='stMain'] [data-testid='stImage'] img\")"
                             if latent else MAPS_DRAWN)
                    seconds = [_open(tab, f"{server.url}/{path}", drawn, points) for _ in range(repeats + 1)]
                    first, again = seconds[0], seconds[1:]
                    log(f"  {what}: first {first:.2f} s, then {', '.join(f'{s:.2f}' for s in again)} s")
                    rows.append(Row("bigpages", f"{what}: page asked for → maps drawn, app idle",
                                    f"{median(again):.2f} s (max {max(again):.2f})", "report", None,
                                    f"first opening {first:.2f} s; Chromium, {repeats} openings after it; "
                                    f"dense-ae, 2-D code, 2 epochs"))
                    if not latent:
                        flips = _flip_contours(tab, repeats)
                        log(f"    density contours on/off: {', '.join(f'{s:.2f}' for s in flips)} s")
                        rows.append(Row("bigpages", f"{what}: density contours switched on or off → both maps "
                                        "redrawn, app idle", f"{median(flips):.2f} s (max {max(flips):.2f})",
                                        "report", None, f"{len(flips)} clicks on the open page (a rerun)"))
                browser.close()
        finally:
            server.stop()
    return rows
