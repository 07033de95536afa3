"""Background training on the real server in Chromium: Home's quick model from click to the first
live map and to the drawn Embedding page, and the server's memory over ten trainings in a row."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import Row, median
from bench.dashboard import TIMEOUT, Server, _free_port, _wait_for_app

READING_SECONDS = 8  # a person reading Home before the click; the spare trainer warms meanwhile
DRAWN_CHART = "[data-testid='stPlotlyChart'] .main-svg"
LIVE_MAP_TITLE = ".gtitle >> text=/held-out images, (before training|after epoch)/"  # drawn by Plotly


def _browser(playwright, profile: str):
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
    return playwright.chromium.launch_persistent_context(
        profile, executable_path=chromium, headless=True, args=args, viewport={"width": 1400, "height": 1000})


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _quick_click(context, server: Server, wait_seconds: float) -> tuple[float, float]:
    """Home drawn, ``wait_seconds`` of reading, then the quick-model click: (seconds to the first
    live map drawn on Home, seconds to the Embedding page's two maps drawn)."""
    tab = context.new_page()
    try:
        tab.goto(server.url)
        _wait_for_app(tab)
        button = tab.get_by_role("button", name="Train a quick model")
        button.wait_for(timeout=TIMEOUT * 1000)
        time.sleep(wait_seconds)
        start = time.perf_counter()
        button.click()
        tab.wait_for_selector(LIVE_MAP_TITLE, timeout=TIMEOUT * 1000)
        first_map = time.perf_counter() - start
        tab.get_by_role("heading", name="Embedding vs PCA").first.wait_for(timeout=TIMEOUT * 1000)
        tab.wait_for_function(f"() => document.querySelectorAll(\"{DRAWN_CHART}\").length >= 2",
                              timeout=TIMEOUT * 1000)
        return first_map, time.perf_counter() - start
    finally:
        tab.close()


def quick_model(repeats: int, log) -> list[Row]:
    """Each repeat: a new server and an empty store, Home, a reading pause, the click."""
    from playwright.sync_api import sync_playwright

    timings = {READING_SECONDS: [], 0: []}
    spare_mib = []
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="aebench-chromium-") as profile:
        context = _browser(playwright, profile)
        try:
            for i in range(repeats + 1):
                for wait in (READING_SECONDS, 0):
                    with tempfile.TemporaryDirectory(prefix="aebench-server-") as home:
                        server = Server(home, _free_port())
                        try:
                            server.wait_healthy()
                            if wait and i:
                                # The spare's memory after Home and the reading pause, before the click.
                                probe = context.new_page()
                                probe.goto(server.url)
                                _wait_for_app(probe)
                                time.sleep(READING_SECONDS)
                                spare_mib += [_rss_mib(pid) for pid in _children(server.process.pid)
                                              if _rss_mib(pid) > 100]
                                probe.close()
                            first_map, drawn = _quick_click(context, server, wait)
                        finally:
                            server.stop()
                    if i:  # the first round warms the browser and the disk cache: not counted
                        timings[wait].append((first_map, drawn))
                    log(f"  quick model (read {wait} s): first live map {first_map:.1f} s, embedding drawn {drawn:.1f} s")
        finally:
            context.close()
    rows = []
    for wait, label in ((READING_SECONDS, f"after {READING_SECONDS} s on Home"), (0, "the moment Home is drawn")):
        firsts, drawns = [t[0] for t in timings[wait]], [t[1] for t in timings[wait]]
        rows.append(Row("speed", f"quick model, click {label} → Embedding page's two maps drawn (Chromium), median / max",
                        f"{median(drawns):.1f} / {max(drawns):.1f} s", "≤ 10 s median", median(drawns) <= 10,
                        f"{repeats} clicks, each on a new server with an empty store; train + score + save + open"))
        rows.append(Row("speed", f"quick model, click {label} → first live map drawn on Home (Chromium), median / max",
                        f"{median(firsts):.1f} / {max(firsts):.1f} s", "≤ 3 s median", median(firsts) <= 3,
                        "the held-out codes before the first epoch; the panel polls every 0.5 s"))
    if spare_mib:
        rows.append(Row("speed", "memory of the idle spare trainer (VmRSS), median",
                        f"{median(spare_mib):.0f} MiB", "report", None,
                        "a process that has imported TensorFlow and Keras; AEMODELS_WARM_TRAINER=0 keeps none"))
    return rows


def _train_once(tab, server: Server, seed: int) -> None:
    """Train a dense-ae for one epoch with ``seed`` on Train, wait for the saved run, then open
    its Embedding page."""
    tab.goto(f"{server.url}/train")
    _wait_for_app(tab)
    for label, value in (("Epochs", 1), ("Seed", seed)):
        box = tab.get_by_label(label, exact=True)
        box.fill(str(value))
        box.press("Enter")
        _wait_for_app(tab)
    tab.get_by_role("button", name="Train", exact=True).click()
    tab.get_by_text("Saved as run").first.wait_for(timeout=TIMEOUT * 1000)
    _wait_for_app(tab)
    tab.get_by_role("link", name="See the results").first.click()
    tab.get_by_role("heading", name="Embedding vs PCA").first.wait_for(timeout=TIMEOUT * 1000)
    tab.wait_for_function(f"() => document.querySelectorAll(\"{DRAWN_CHART}\").length >= 2", timeout=TIMEOUT * 1000)


def memory_over_trainings(trainings: int, log) -> list[Row]:
    """The server's VmRSS after each of ``trainings`` trainings from the Train screen, each
    followed by a visit to its Embedding page (which loads the model and its maps)."""
    from playwright.sync_api import sync_playwright

    rss = []
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="aebench-chromium-") as profile, \
            tempfile.TemporaryDirectory(prefix="aebench-server-") as home:
        context = _browser(playwright, profile)
        server = Server(home, _free_port())
        try:
            server.wait_healthy()
            tab = context.new_page()
            tab.goto(server.url)
            _wait_for_app(tab)
            for seed in range(1, trainings + 1):
                _train_once(tab, server, seed)
                time.sleep(1.0)
                rss.append(_rss_mib(server.process.pid))
                log(f"  training {seed}: server VmRSS {rss[-1]:.0f} MiB")
        finally:
            context.close()
            server.stop()
    import numpy as np

    later = rss[len(rss) // 2:]
    slope = float(np.polyfit(np.arange(len(later)), later, 1)[0])  # least squares: one reading is noisy
    return [Row("speed", f"server memory over {trainings} trainings in a row (VmRSS after each, from Train, with its Embedding page)",
                f"{rss[0]:.0f} → {rss[len(rss) // 2 - 1]:.0f} → {rss[-1]:.0f} MiB (max {max(rss):.0f})", "flat: ≤ 2 MiB per training over the second half",
                slope <= 2.0, f"{slope:+.1f} MiB per training over trainings {len(rss) // 2 + 1}–{len(rss)} (least squares); "
                              "the screens' caches hold 4 runs, so the first half fills them")]


def run(repeats: int, log) -> list[Row]:
    log("training: the quick model in the browser")
    rows = quick_model(repeats, log)
    log("training: memory over twenty trainings")
    rows += memory_over_trainings(20, log)
    return rows
