"""The dashboard: the quick-model button, a latent-slider rerun, a cold server start, its peak
memory after a quick training and a visit to every screen, and its CPU use while idle after that."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import Row, median, p95

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 180
def page_file(name: str) -> str:
    """The page script's path relative to app.py."""
    return f"pages/{name}.py"


PAGES = ["train", "embedding", "denoising", "superres", "latent", "runs", ""]


@contextlib.contextmanager
def fresh_home():
    old = os.environ.get("AEMODELS_HOME")
    with tempfile.TemporaryDirectory(prefix="aebench-home-") as home:
        os.environ["AEMODELS_HOME"] = home
        try:
            yield home
        finally:
            if old is not None:
                os.environ["AEMODELS_HOME"] = old


def quick_button(repeats: int, log) -> list[Row]:
    """Home's quick-model click to the drawn embedding, in AppTest, each in an empty store."""
    from streamlit.testing.v1 import AppTest

    seconds = []
    for i in range(repeats + 1):  # the first one warms imports and TensorFlow up; not counted
        with fresh_home():
            at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
            start = time.perf_counter()
            at.button(key="quick_train").click().run()
            from tests.apptest import finish_training

            finish_training(at)  # as Home's poll would, once the background job is done
            elapsed = time.perf_counter() - start
            drawn = {chart.key for chart in at.get("plotly_chart")}
            ok = not at.exception and at.title[0].value == "Embedding vs PCA" and {"emb_model_chart", "emb_pca_chart"} <= drawn
            if not ok:
                raise RuntimeError(f"the quick button did not lead to the embedding: {at.exception}")
            if i:
                seconds.append(elapsed)
    log(f"  quick button {[round(s, 1) for s in seconds]} s")
    return [Row("speed", "quick model: button → drawn embedding (AppTest, train + score + save + draw), median",
                f"{median(seconds):.1f} s", "≤ 20 s", median(seconds) <= 20,
                f"{repeats} clicks after a warm-up, each in an empty store; max {max(seconds):.1f} s")]


def _vae_run() -> str:
    """A small VAE whose codes spread (std about 1), so that every slider step changes the image."""
    from aemodels.config import TrainConfig
    from aemodels.store.runs import RunStore
    from aemodels.tasks.assessment import evaluate
    from aemodels.tasks.training import train

    config = TrainConfig(model="vae", latent_dim=2, epochs=3, train_images=1000, batch_size=32, learning_rate=3e-3)
    result = train(config)
    return RunStore().save(result, evaluate(result.bundle))


def _image_runs() -> dict[str, str]:
    """Small denoise and super-resolution runs (400 images, 2 epochs): page name → run id."""
    from aemodels.config import TrainConfig
    from aemodels.store.runs import RunStore
    from aemodels.tasks.assessment import evaluate
    from aemodels.tasks.training import train

    runs = {}
    for page, kind in (("denoising", "denoise"), ("superres", "superres")):
        result = train(TrainConfig(model=kind, epochs=2, train_images=400, batch_size=64))
        runs[page] = RunStore().save(result, evaluate(result.bundle))
    return runs


def _page_changes(tab, changes: int) -> list[float]:
    """Seconds from a click on a sidebar link to the other screen's title drawn and the app idle."""
    seconds = []
    for i in range(changes + 2):  # two warm-up changes
        title = ("Super-resolution", "Denoising")[i % 2]
        start = time.perf_counter()
        tab.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True).click()
        tab.get_by_role("heading", name=title).first.wait_for(timeout=TIMEOUT * 1000)
        _wait_for_app(tab)
        if i >= 2:
            seconds.append(time.perf_counter() - start)
    return seconds


EMPTY_FRAGMENT_APP = """import streamlit as st

@st.fragment
def view():
    value = st.slider("x", -3.0, 3.0, 0.0, 0.1, key="x")
    st.write(f"value {value:.1f}")

view()
"""
SLIDER_THUMB = "[data-testid='stSlider'] input[type='range']"


def _slider_round_trips(tab, moves: int, changed_js: str, turn_every: int = 20) -> list[float]:
    """Seconds from a key press on the first slider to ``changed_js(before)`` turning true; the
    direction turns every ``turn_every`` presses (1 for short sliders, so each press moves it).

    A press that gets no rerun within ``DROPPED_AFTER`` seconds (Streamlit sometimes drops the
    first widget change after a page is drawn) is not timed: it is pressed again and counted in
    ``DROPPED[0]``, which the table reports."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    thumb = tab.locator(SLIDER_THUMB).first
    seconds = []
    for i in range(moves + 3):  # three warm-up moves
        for attempt in range(3):
            before = tab.evaluate(f"() => ({changed_js}).snapshot()")
            thumb.focus()
            start = time.perf_counter()
            tab.keyboard.press("ArrowRight" if (i // turn_every) % 2 == 0 else "ArrowLeft")
            try:
                tab.wait_for_function(f"(before) => ({changed_js}).changed(before)", arg=before,
                                      timeout=DROPPED_AFTER * 1000)
                break
            except PlaywrightTimeout:
                DROPPED[0] += 1
                _wait_for_app(tab)
        else:
            raise RuntimeError(f"three presses in a row got no rerun (move {i})")
        if i >= 3 and attempt == 0:
            seconds.append(time.perf_counter() - start)
        _wait_for_app(tab)
    return seconds


DROPPED_AFTER = 10
DROPPED = [0]


# The caption under the decoded image gives the code, so it changes with every step even when
# two neighbouring codes decode to the same pixels; the image must then be drawn, and the latent
# map's cross (the sliders' point, in the same fragment) redrawn where the sliders are.
DECODED_IMAGE = ("{ snapshot: () => document.querySelector(\"[data-testid='stMain'] [data-testid='stImageCaption']\").innerText,"
                 " changed: (b) => { const c = document.querySelector(\"[data-testid='stMain'] [data-testid='stImageCaption']\");"
                 " const i = document.querySelector(\"[data-testid='stMain'] [data-testid='stImage'] img\");"
                 " if (!(c && c.innerText !== b && i && i.complete && i.naturalWidth > 0)) return false;"
                 " const gd = document.querySelector(\"[data-testid='stMain'] .js-plotly-plot\");"
                 " const cross = gd && (gd._fullData || []).find(t => t.name === \"the sliders' point\");"
                 " if (!cross) return false;"
                 " const z = c.innerText.match(/\\(([-0-9.]+), ([-0-9.]+)/);"
                 " return z && Math.abs(cross.x[0] - parseFloat(z[1])) < 1e-3 && Math.abs(cross.y[0] - parseFloat(z[2])) < 1e-3; } }")
# Every caption of the main area (they name the noise level or the factor and its PSNR), and every
# image drawn.
IMAGE_CAPTIONS = ("{ snapshot: () => [...document.querySelectorAll(\"[data-testid='stMain'] [data-testid='stImageCaption']\")]"
                  ".map(c => c.innerText).join('|'),"
                  " changed: (b) => { const now = [...document.querySelectorAll(\"[data-testid='stMain'] [data-testid='stImageCaption']\")]"
                  ".map(c => c.innerText).join('|');"
                  " const imgs = [...document.querySelectorAll(\"[data-testid='stMain'] [data-testid='stImage'] img\")];"
                  " return now !== b && imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0); } }")
WRITTEN_VALUE = ("{ snapshot: () => document.querySelector(\"[data-testid='stMain'] [data-testid='stMarkdown'] p\").innerText,"
                 " changed: (b) => document.querySelector(\"[data-testid='stMain'] [data-testid='stMarkdown'] p\").innerText !== b }")


def slider_reruns(context, moves: int, log) -> list[Row]:
    """The latent slider on the real server: the fragment's own server-side time (its timing log)
    and the browser's key press → new decoded image; the floor: the same round trip for an empty
    fragment that only writes the slider's value."""
    from aemodels.ui.timing import TIMING_LOG_VARIABLE

    rows = []
    with fresh_home() as home:
        run_id = _vae_run()
        image_runs = _image_runs()
        timing_log = Path(home) / "timing.log"
        server = Server(home, _free_port(), {TIMING_LOG_VARIABLE: str(timing_log)})
        try:
            server.wait_healthy()
            tab = context.new_page()
            tab.goto(f"{server.url}/latent?run={run_id}")
            _wait_for_app(tab)
            tab.locator(SLIDER_THUMB).first.wait_for(timeout=TIMEOUT * 1000)
            # The sliders are drawn before the decoded image: wait for the image's caption too.
            tab.locator("[data-testid='stMain'] [data-testid='stImageCaption']").first.wait_for(timeout=TIMEOUT * 1000)
            timing_log.write_text("")  # the first, full run of the page is not a slider move
            browser = _slider_round_trips(tab, moves, DECODED_IMAGE)
            image_sliders = {}
            for page, label in (("denoising", "noise level"), ("superres", "upscale factor")):
                tab.goto(f"{server.url}/{page}?run={image_runs[page]}")
                _wait_for_app(tab)
                tab.locator(SLIDER_THUMB).first.wait_for(timeout=TIMEOUT * 1000)
                image_sliders[label] = _slider_round_trips(tab, moves, IMAGE_CAPTIONS, turn_every=1)
            page_changes = _page_changes(tab, moves)
            tab.close()
        finally:
            server.stop()
        fragment = [float(line.split()[1]) / 1e3 for line in timing_log.read_text().splitlines()
                    if line.startswith("latent_sliders ")][-moves:]
    with tempfile.TemporaryDirectory(prefix="aebench-floor-") as folder:
        script = Path(folder) / "empty_fragment.py"
        script.write_text(EMPTY_FRAGMENT_APP)
        server = Server(folder, _free_port(), script=str(script))
        try:
            server.wait_healthy()
            tab = context.new_page()
            tab.goto(server.url)
            _wait_for_app(tab)
            tab.locator(SLIDER_THUMB).first.wait_for(timeout=TIMEOUT * 1000)
            floor = _slider_round_trips(tab, moves, WRITTEN_VALUE)
            tab.close()
        finally:
            server.stop()
    rows.append(Row("speed", "latent slider rerun, server side: the fragment alone (sliders + decode + image + latent map), median / p95",
                    f"{median(fragment) * 1e3:.1f} / {p95(fragment) * 1e3:.1f} ms", "≤ 50 ms p95", p95(fragment) <= 0.050,
                    f"{len(fragment)} moves in Chromium on `streamlit run`, timed inside the fragment (AEMODELS_TIMING_LOG)"))
    rows.append(Row("speed", "latent slider in the browser: key press → new decoded image and the map's cross drawn, median / p95",
                    f"{median(browser) * 1e3:.0f} / {p95(browser) * 1e3:.0f} ms", "≤ 80 ms median, ≤ 150 ms p95",
                    median(browser) <= 0.080 and p95(browser) <= 0.150,
                    f"{moves} moves; includes the websocket, Streamlit's rerun and the image download; "
                    f"on all sliders of this part {DROPPED[0]} presses got no rerun within {DROPPED_AFTER} s "
                    "and were pressed again, not timed"))
    rows.append(Row("speed", "floor: the same key press → redraw for an empty fragment that writes the slider value, median / p95",
                    f"{median(floor) * 1e3:.0f} / {p95(floor) * 1e3:.0f} ms", "report", None, f"{moves} moves"))
    for label, seconds in image_sliders.items():
        rows.append(Row("speed", f"{label} slider in the browser: key press → every image and caption redrawn, median / p95",
                        f"{median(seconds) * 1e3:.0f} / {p95(seconds) * 1e3:.0f} ms", "≤ 150 ms median",
                        median(seconds) <= 0.150, f"{moves} moves, each press turning back; floor above"))
    rows.append(Row("speed", "page change in the browser: sidebar link → the other screen drawn and idle, median / p95",
                    f"{median(page_changes) * 1e3:.0f} / {p95(page_changes) * 1e3:.0f} ms", "≤ 400 ms median",
                    median(page_changes) <= 0.400, f"{len(page_changes)} changes between Denoising and Super-resolution"))
    log(f"  fragment {median(fragment) * 1e3:.1f} ms, browser {median(browser) * 1e3:.0f} ms, "
        f"empty-fragment browser {median(floor) * 1e3:.0f} ms")
    return rows


class Server:
    """``streamlit run`` of ``script`` (app.py by default) with ``home`` as its store and log folder."""

    def __init__(self, home: str, port: int, extra_env: dict[str, str] | None = None, script: str = "app.py"):
        self.url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "AEMODELS_HOME": home, "TF_CPP_MIN_LOG_LEVEL": "2", "AEMODELS_OFFLINE": "1",
               **(extra_env or {})}
        self.log = open(Path(home) / "server.log", "w")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false"],  # the file watcher as .streamlit/config.toml sets it
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_healthy(self) -> float:
        while time.perf_counter() - self.started < 120:
            if self.process.poll() is not None:
                raise RuntimeError("streamlit exited at start")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        return time.perf_counter() - self.started
            time.sleep(0.05)
        raise RuntimeError("streamlit did not answer")

    def peak_rss_mib(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_app(tab, timeout_ms: int = TIMEOUT * 1000) -> None:
    tab.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms)


def server_and_browser(repeats: int, slider_moves: int, log) -> list[Row]:
    """Cold ``streamlit run`` → health answer → Home drawn in Chromium (Playwright), ``repeats``
    times; on the last server, a quick training and every screen, then the server's VmHWM; then
    ``slider_moves`` moves of the latent slider and of an empty fragment's slider."""
    import shutil

    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    health, home_drawn = [], []
    rows = []
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="aebench-chromium-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=args, viewport={"width": 1400, "height": 1000})
        try:
            for i in range(repeats):
                with tempfile.TemporaryDirectory(prefix="aebench-server-") as home:
                    server = Server(home, _free_port())  # the browser is already up: not timed
                    try:
                        health.append(server.wait_healthy())
                        tab = context.new_page()
                        tab.goto(server.url)
                        _wait_for_app(tab)
                        tab.get_by_text("Train a quick model").first.wait_for(timeout=TIMEOUT * 1000)
                        home_drawn.append(time.perf_counter() - server.started)
                        if i == repeats - 1:
                            try:
                                rows += _visit_everything(server, tab, log)
                            except Exception:
                                shot = Path(tempfile.gettempdir()) / "aebench-failure.png"
                                tab.screenshot(path=str(shot), full_page=True)
                                log(f"  browser visit failed; screenshot {shot}; server log:\n{Path(home, 'server.log').read_text()[-3000:]}")
                                raise
                        tab.close()
                    finally:
                        server.stop()
            log("  latent slider and empty fragment in the browser")
            try:
                rows += slider_reruns(context, slider_moves, log)
            except Exception as exc:  # keep the cold-start and memory rows measured above
                log(f"  slider reruns failed: {type(exc).__name__}: {exc}")
                rows.append(Row("speed", "latent slider rerun (browser)", "not measured", "see note", False,
                                f"{type(exc).__name__}: {str(exc)[:120]}"))
        finally:
            context.close()
    log(f"  health {[round(s, 2) for s in health]} s, Home drawn {[round(s, 2) for s in home_drawn]} s")
    rows.insert(0, Row("speed", "Home from a cold `streamlit run`: process start → Home drawn in Chromium, median",
                       f"{median(home_drawn):.2f} s", "≤ 3 s", median(home_drawn) <= 3.0,
                       f"{repeats} cold starts; /_stcore/health answered after {median(health):.2f} s (median); "
                       f"max Home {max(home_drawn):.2f} s"))
    return rows


IDLE_SECONDS = 60


def _visit_everything(server: Server, tab, log) -> list:
    tab.get_by_role("button", name="Train a quick model").click()
    # The page's own title (the sidebar's link has the same words, but is no heading).
    tab.get_by_role("heading", name="Embedding vs PCA").first.wait_for(timeout=TIMEOUT * 1000)
    tab.wait_for_selector("[data-testid='stPlotlyChart']", timeout=TIMEOUT * 1000)
    _wait_for_app(tab)
    run = dict(p.split("=", 1) for p in tab.url.split("?", 1)[1].split("&")).get("run") if "?" in tab.url else None
    for page in PAGES:
        tab.goto(f"{server.url}/{page}" + (f"?run={run}" if run else ""))
        _wait_for_app(tab)
        tab.wait_for_timeout(500)  # let a page that starts drawing late finish
        _wait_for_app(tab)
    peak = server.peak_rss_mib()
    log(f"  server peak RSS {peak:.0f} MiB (run {run})")
    rows = [Row("speed", "peak RSS of the Streamlit server after a quick training and every screen (VmHWM)",
                f"{peak:.0f} MiB", "≤ 1024 MiB", peak <= 1024,
                "Chromium via Playwright: quick model, then " + ", ".join(p or "home" for p in PAGES))]
    tab.goto("about:blank")  # nobody is looking: the server should rest
    before, started = server.cpu_seconds(), time.perf_counter()
    time.sleep(IDLE_SECONDS)
    share = (server.cpu_seconds() - before) / (time.perf_counter() - started)
    log(f"  idle server CPU {share * 100:.1f} % of a core over {IDLE_SECONDS} s")
    rows.append(Row("speed", f"idle server after that training: CPU over {IDLE_SECONDS} s with no browser",
                    f"{share * 100:.1f} % of a core", "≤ 2 %", share <= 0.02,
                    "utime+stime from /proc; file watcher as .streamlit/config.toml sets it (none)"))
    return rows
