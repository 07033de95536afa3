"""Where the quick model's seconds go in the browser, phase by phase, for any checkout.

    python bench/quick_phases.py [CHECKOUT]   # default: this one

Starts that checkout's server on an empty store, opens Home in Chromium, waits as a reader would
(``READING_SECONDS``), clicks "Train a quick model" and prints the seconds from the click to: the
first live map, each epoch on it, the Embedding page's URL, its heading and its two maps drawn;
and the CPU seconds the server and Chromium spent meanwhile. Run it on two commits one after the
other, on a quiet machine, to compare them under the same conditions (the checkout's own
``bench/training.py`` and ``bench/dashboard.py`` drive it, so it needs a checkout that has them).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

EPOCHS = 6  # the quick model's


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _chromium_cpu_seconds() -> float:
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if b"chrom" in Path(f"/proc/{pid}/cmdline").read_bytes()[:200]:
                total += _cpu_seconds(int(pid))
        except OSError:
            pass
    return total


def main(checkout: str) -> None:
    os.chdir(checkout)
    sys.path.insert(0, checkout)
    os.environ.update(TF_CPP_MIN_LOG_LEVEL="2", AEMODELS_OFFLINE="1")
    from playwright.sync_api import sync_playwright

    from bench.dashboard import Server, _free_port, _wait_for_app
    from bench.training import DRAWN_CHART, LIVE_MAP_TITLE, READING_SECONDS, _browser

    timeout = 120_000
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile, \
            tempfile.TemporaryDirectory() as home:
        context = _browser(playwright, profile)
        server = Server(home, _free_port())
        server.wait_healthy()
        tab = context.new_page()
        tab.goto(server.url)
        _wait_for_app(tab)
        button = tab.get_by_role("button", name="Train a quick model")
        button.wait_for(timeout=timeout)
        time.sleep(READING_SECONDS)
        marks = {}
        server_before, chromium_before = _cpu_seconds(server.process.pid), _chromium_cpu_seconds()
        start = time.perf_counter()
        button.click()
        tab.wait_for_selector(LIVE_MAP_TITLE, timeout=timeout)
        marks["first live map"] = time.perf_counter() - start
        for epoch in range(1, EPOCHS + 1):
            tab.wait_for_function(f"() => /after epoch {epoch}\\b/.test(document.body.innerText)", timeout=timeout,
                                  polling=50)
            marks[f"epoch {epoch} on the live map"] = time.perf_counter() - start
        tab.wait_for_url("**/embedding**", timeout=timeout)
        marks["URL is Embedding"] = time.perf_counter() - start
        tab.get_by_role("heading", name="Embedding vs PCA").first.wait_for(timeout=timeout)
        marks["heading"] = time.perf_counter() - start
        tab.wait_for_function(f"() => document.querySelectorAll(\"{DRAWN_CHART}\").length >= 2", timeout=timeout,
                              polling=50)
        marks["two maps drawn"] = time.perf_counter() - start
        print(f"CPU seconds from click to maps: server {_cpu_seconds(server.process.pid) - server_before:.1f}, "
              f"Chromium {_chromium_cpu_seconds() - chromium_before:.1f}")
        server.stop()
        context.close()
    for name, seconds in marks.items():
        print(f"{seconds:6.1f} s  {name}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parent.parent))
