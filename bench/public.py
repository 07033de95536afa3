"""Public mode's memory: three visitors, one after another, each training the quick model and
browsing every screen, on one server with shared runs of every kind.

The figure is what a Community Cloud container holds: the server and its trainer processes
together (sum of VmRSS over the process tree, sampled every 0.2 s), and the server's own VmHWM.
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

from bench.common import Row

VISITORS = 3
SHARED_KINDS = ("denoise", "superres", "vae")
PAGES = ("", "train", "embedding", "denoising", "superres", "latent", "runs")
LIMIT_MIB = 1024


def _tree_rss_mib(pid: int) -> float:
    """VmRSS of ``pid`` and every process below it, MiB."""
    children: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            children.setdefault(int(fields["PPid"]), []).append(int(fields["Pid"]))
        except (OSError, KeyError, ValueError):
            continue
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        pending.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


class _Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, _tree_rss_mib(self.pid))
            time.sleep(0.2)


SETTINGS = (("with the spare trainer (default)", {}), ("AEMODELS_WARM_TRAINER=0", {"AEMODELS_WARM_TRAINER": "0"}))


def run(log) -> list[Row]:
    rows = []
    for label, env in SETTINGS:
        log(f"  {label}")
        rows += _visitors(label, env, log)
    return rows


def _visitors(label: str, extra_env: dict, log) -> list[Row]:
    from playwright.sync_api import sync_playwright

    from aemodels.config import TrainConfig
    from aemodels.store.runs import RunStore
    from aemodels.tasks.assessment import assess
    from aemodels.tasks.training import train
    from bench.dashboard import TIMEOUT, Server, _free_port, _wait_for_app
    from tests.browser import CHROMIUM_ARGS, chromium_path

    with tempfile.TemporaryDirectory(prefix="aepublic-") as home:
        store = RunStore(Path(home) / "runs")
        shared = {}
        for kind in SHARED_KINDS:
            result = train(TrainConfig(model=kind, train_images=2000, epochs=2))
            assessment = assess(result.bundle)
            shared[kind] = store.save(result, assessment.metrics, assessment.views)
        server = Server(home, _free_port(), {"AEMODELS_PUBLIC": "1", **extra_env})
        server.wait_healthy()
        sampler = _Sampler(server.process.pid)
        sampler.start()
        after_each = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
                for visitor in range(VISITORS):
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    tab = context.new_page()
                    tab.goto(server.url)
                    _wait_for_app(tab)
                    tab.get_by_role("button", name="Train a quick model").click()
                    tab.get_by_role("heading", name="Embedding vs PCA").first.wait_for(timeout=TIMEOUT * 1000)
                    _wait_for_app(tab)
                    own = tab.url.split("run=")[1].split("&")[0]
                    for page in PAGES:
                        run = {"denoising": shared["denoise"], "superres": shared["superres"],
                               "latent": shared["vae"]}.get(page, own)
                        tab.goto(f"{server.url}/{page}?run={run}")
                        _wait_for_app(tab)
                        tab.wait_for_timeout(500)
                        _wait_for_app(tab)
                    context.close()
                    after_each.append(_tree_rss_mib(server.process.pid))
                    log(f"  visitor {visitor + 1}: run {own}; server and trainers now {after_each[-1]:.0f} MiB, "
                        f"peak so far {sampler.peak:.0f} MiB")
                browser.close()
        finally:
            sampler.done.set()
            sampler.join()
            server_peak = server.peak_rss_mib()
            server.stop()
    return [
        Row("public", f"public mode {label}, {VISITORS} visitors one after another (quick training + every "
                      "screen): the Streamlit server's peak memory (VmHWM)",
            f"{server_peak:.0f} MiB", f"≤ {LIMIT_MIB} MiB", server_peak <= LIMIT_MIB,
            "trainings run in trainer processes of their own, below"),
        Row("public", f"the same, {label}: peak of the server and its trainer processes together",
            f"{sampler.peak:.0f} MiB", "report (what a Cloud container holds)", None,
            "VmRSS summed over the process tree every 0.2 s; after each visitor "
            + " / ".join(f"{m:.0f}" for m in after_each) + " MiB"),
    ]
