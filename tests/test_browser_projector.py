"""The standalone projector page, in headless Chromium, reading an export across origins.

The page is TensorBoard's bundled copy of the Embedding Projector (its ``projector_binary.js``) in
the standalone ("demo") mode that projector.tensorflow.org runs, served from one origin, while
``serve-projector`` serves the export from another: the browser's cross-origin rules apply as
they do for a person opening projector.tensorflow.org.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from aemodels.cli.main import main
from aemodels.store import projector_page
from tests.browser import chromium_path
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
WEBGL_ARGS = ["--no-sandbox", "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
SHOTS = ROOT / "tests" / "artifacts"


def _standalone_page(folder: Path) -> Path:
    """TensorBoard's bundled projector page with its dashboard swapped for the standalone app."""
    import tensorboard.plugins.projector as plugin

    bundled = Path(plugin.__file__).parent / "tf_projector_plugin"
    html = (bundled / "projector_binary.html").read_text()
    assert "<vz-projector-dashboard></vz-projector-dashboard>" in html
    folder.mkdir()
    (folder / "index.html").write_text(html.replace(
        "<vz-projector-dashboard></vz-projector-dashboard>",
        '<vz-projector-app serving-mode="demo" page-view-logging="false" event-logging="false"></vz-projector-app>'))
    (folder / "projector_binary.js").write_bytes((bundled / "projector_binary.js").read_bytes())
    return folder


def _serve(server: ThreadingHTTPServer) -> str:
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"{server.server_address[0]}:{server.server_address[1]}"


def test_the_standalone_page_draws_a_2_number_code_served_from_another_origin(home_with_runs, tmp_path):
    from playwright.sync_api import sync_playwright

    run_id = home_with_runs[1]["vae"]
    export = tmp_path / "projector"
    assert main(["export", run_id, "--projector", str(export)]) == 0
    data = projector_page.server(export, port=0, host="localhost")
    page_files = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(
        SimpleHTTPRequestHandler, directory=str(_standalone_page(tmp_path / "page"))))
    try:
        data_host, page_host = _serve(data), _serve(page_files)
        config = f"http://localhost:{data_host.split(':')[1]}/{projector_page.CONFIG}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=WEBGL_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                errors = []
                page.on("console", lambda message: errors.append(message.text) if "CORS" in message.text else None)
                page.goto(f"http://{page_host}/index.html?config={config}")
                held_out = sum(1 for _ in (export / run_id / "metadata.tsv").open()) - 1
                page.get_by_text(f"Points: {held_out}").wait_for(timeout=60_000)
                page.get_by_text("Dimension: 3").wait_for(timeout=10_000)
                page.get_by_text("Total variance described: 100.0%").wait_for(timeout=30_000)
                assert page.get_by_text("NaN").count() == 0
                SHOTS.mkdir(exist_ok=True)
                page.screenshot(path=SHOTS / "projector_standalone_2d.png")
                assert not errors, errors
            finally:
                browser.close()
    finally:
        for server in (data, page_files):
            server.shutdown()
            server.server_close()
