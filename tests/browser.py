"""Helpers for the browser tests: the real Streamlit server and Debian's headless Chromium.

Playwright's own browser download cannot work on these machines, so Playwright drives the
``chromium`` binary from Debian's package through ``executable_path``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
SERVER_START_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def saved_runs(home: Path, settings: dict[str, dict]) -> dict[str, str]:
    """Small real runs trained and saved in ``home``'s store: name → ``TrainConfig`` settings in,
    name → run id out."""
    from aemodels.config import TrainConfig
    from aemodels.store.runs import RunStore
    from aemodels.tasks.assessment import assess
    from aemodels.tasks.training import train

    store = RunStore(home / "runs")
    run_ids = {}
    for name, chosen in settings.items():
        result = train(TrainConfig(**chosen))
        assessment = assess(result.bundle)
        run_ids[name] = store.save(result, assessment.metrics, assessment.views)
    return run_ids


class StreamlitServer:
    """``streamlit run app.py`` on a free localhost port, with its own ``AEMODELS_HOME``."""

    def __init__(self, home: Path, log_path: Path, env: dict | None = None, options: tuple[str, ...] = ()):
        """``env``: more environment variables; ``options``: more ``streamlit run`` arguments."""
        self.home = home
        self.log_path = log_path
        self.extra_env, self.options = dict(env or {}), tuple(options)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> StreamlitServer:
        env = {**os.environ, "AEMODELS_HOME": str(self.home), "TF_CPP_MIN_LOG_LEVEL": "2",
               "AEMODELS_OFFLINE": "1", **self.extra_env}
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *self.options],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited at start:\n{self.log()}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit did not answer within {SERVER_START_SECONDS} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()


@contextlib.contextmanager
def two_browsers(tmp_path_factory):
    """Two Chromium browsers with profiles of their own (two cookies: two people), as a list of
    two persistent Playwright contexts."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        contexts = [playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp(f"chromium-profile-{who}")), executable_path=chromium_path(), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1000}) for who in ("first", "second")]
        try:
            yield contexts
        finally:
            for context in contexts:
                context.close()


@contextlib.contextmanager
def serving(home: Path, env: dict | None = None):
    """The real server on ``home``'s store while the block runs; afterwards, no traceback in its log."""
    app = StreamlitServer(home, home / "server.log", env=env).start()
    try:
        yield app
    finally:
        app.stop()
    assert "Traceback" not in app.log(), f"the server logged a traceback:\n{app.log()}"


@contextlib.contextmanager
def watched_tab(tmp_path_factory):
    """A tab of the first of ``two_browsers``; afterwards, no JavaScript error on any page it showed."""
    with two_browsers(tmp_path_factory) as (context, _):
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        yield tab
    assert not errors, f"page errors: {errors}"


def chromium_path() -> str:
    """Debian's Chromium; the tests fail (not skip) without it: ``apt-get install chromium``."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Chromium is not installed: run 'apt-get install -y chromium' (CI does).")
    return path
