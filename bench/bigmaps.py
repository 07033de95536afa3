"""Big maps: how long Chromium takes to draw the Embedding page's map at 2k, 14k and 70k points.

A one-chart Streamlit script (``bench/bigmap_page.py``) draws ``plots.embedding_scatter``, the
figure the Embedding page draws, for ``?n=`` points in 10 classes; the time is from the click
that asks for the map to the map's points on screen (WebGL canvas from ``plots.WEBGL_FROM_POINTS``
points). With ``&contours=1`` the density contours are drawn too.
"""

from __future__ import annotations

import time

from bench.common import Row, median

SIZES = (2_000, 14_000, 70_000)
TIMEOUT_MS = 120_000


def run(repeats: int, log) -> list[Row]:
    import tempfile

    from playwright.sync_api import sync_playwright

    from bench.dashboard import Server, _free_port, _wait_for_app
    from tests.browser import CHROMIUM_ARGS, chromium_path

    rows = []
    with tempfile.TemporaryDirectory(prefix="aebigmap-") as home:
        server = Server(home, _free_port(), script="bench/bigmap_page.py")
        server.wait_healthy()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
                tab = browser.new_page(viewport={"width": 1400, "height": 1000})
                for contours in (False, True):
                    for n in SIZES:
                        seconds = []
                        for attempt in range(repeats + 1):  # the first is a warm-up
                            tab.goto(f"{server.url}/?n=100")
                            _wait_for_app(tab)
                            started = time.perf_counter()
                            tab.goto(f"{server.url}/?n={n}&contours={int(contours)}&attempt={attempt}")
                            tab.wait_for_function(  # this map's points are all on screen
                                "(n) => { const p = document.querySelector('.js-plotly-plot');"
                                " if (!p || !p._fullData) return false;"
                                " const drawn = p._fullData.filter(t => t.type !== 'histogram2dcontour')"
                                "   .reduce((s, t) => s + (t.x ? t.x.length : 0), 0);"
                                " return drawn >= n && (p.querySelector('canvas.gl-canvas, .gl-container canvas')"
                                "   || p.querySelectorAll('.scatterlayer .point').length >= n); }",
                                arg=n, timeout=TIMEOUT_MS)
                            if attempt:
                                seconds.append(time.perf_counter() - started)
                        log(f"  {n} points{' with contours' if contours else ''}: "
                            f"{', '.join(f'{s:.2f}' for s in seconds)} s")
                        rows.append(Row("bigmaps", f"the Embedding map at {n:,} points"
                                        + (" with density contours" if contours else "") + ": page load to points drawn",
                                        f"{median(seconds):.2f} s (max {max(seconds):.2f})", "report", None,
                                        f"Chromium, {repeats} loads after a warm-up; 10 classes; plots.embedding_scatter"))
                browser.close()
        finally:
            server.stop()
    return rows
