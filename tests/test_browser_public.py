"""Public mode in a real browser, two people in two browser contexts on one server.

A uploads a dataset whose class folders are hostile names and trains on it; B sees neither the
upload nor the run; neither may delete a shared run; A's private store is gone after A's session
ends; the owner, with the password from the secrets, deletes a shared run.
"""

from __future__ import annotations

import io
import time
import zipfile

import numpy as np
import pytest
from PIL import Image

from tests.browser import CHROMIUM_ARGS, StreamlitServer, chromium_path
from tests.test_browser import (
    APP_TIMEOUT_MS,
    SMALL_TRAINING,
    TRAIN_TIMEOUT_MS,
    _open_upload,
    assert_no_traceback,
    open_page,
    screenshot,
    wait_for_app,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
HOSTILE = ("<img src=x onerror=alert(1)>", '<a href="javascript:alert(2)">b</a>')
SESSION_TTL_SECONDS = 2  # server.disconnectedSessionTTL: how long a closed tab's session is kept
SWEEP_WAIT_SECONDS = 90  # the sweep runs at most every 30 s, on some session's script run


@pytest.fixture(scope="module")
def public_server(tmp_path_factory):
    from aemodels.config import TrainConfig
    from aemodels.store.runs import RunStore
    from aemodels.tasks.assessment import evaluate
    from aemodels.tasks.training import train

    home = tmp_path_factory.mktemp("public-home")
    result = train(TrainConfig(model="vae", **SMALL_TRAINING))
    shared = RunStore(home / "runs").save(result, evaluate(result.bundle))
    secrets = home / "secrets.toml"
    secrets.write_text(f'[aemodels]\npublic = true\nowner_password = "{PASSWORD}"\n')
    app = StreamlitServer(home, home / "server.log", options=(
        "--secrets.files", str(secrets), "--server.disconnectedSessionTTL", str(SESSION_TTL_SECONDS))).start()
    app.shared_run = shared
    yield app
    app.stop()
    assert "Traceback" not in app.log(), f"the server logged a traceback:\n{app.log()}"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _person(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.dialogs = dialogs
    return context, tab


def _hostile_zip() -> bytes:
    rng = np.random.default_rng(0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for k, folder in enumerate(HOSTILE):
            for i in range(30):
                image = Image.fromarray(rng.integers(0, 256, (16, 16), dtype=np.uint8) // (k + 1))
                png = io.BytesIO()
                image.save(png, format="PNG")
                archive.writestr(f"{folder}/{i}.png", png.getvalue())
    return buffer.getvalue()


def _run_ids_in(tab) -> str:
    """The page's text with the run table's cells (a canvas, with an accessible copy of its cells)
    and what the select boxes show."""
    wait_for_app(tab)
    tab.locator("[data-testid='stDataFrame']").first.wait_for(timeout=APP_TIMEOUT_MS)
    cells = tab.evaluate("() => [...document.querySelectorAll(\"[data-testid='stDataFrame'] [role='gridcell']\")]"
                         ".map(c => c.textContent).join(' ')")
    boxes = tab.evaluate("() => [...document.querySelectorAll('input')].map(i => i.value).join(' ')")
    return " ".join((tab.inner_text("body"), cells, boxes))


def _visitor_folders(server) -> set[str]:
    root = server.home / "visitors"
    return {p.name for p in root.iterdir()} if root.is_dir() else set()


def test_two_visitors_keep_their_work_apart_and_cannot_delete_shared_runs(public_server, browser, tmp_path):
    server = public_server
    a_context, a = _person(browser)
    b_context, b = _person(browser)
    # A uploads a dataset whose class folders are HTML and a javascript: link, then trains on it.
    _open_upload(a, server.url)
    upload = tmp_path / "hostile.zip"
    upload.write_bytes(_hostile_zip())
    a.locator("input[type='file']").first.set_input_files(str(upload))
    a.get_by_text("Uploaded").first.wait_for(timeout=APP_TIMEOUT_MS)
    wait_for_app(a)
    a.get_by_text("img src=x onerror=alert(1)").first.wait_for(timeout=APP_TIMEOUT_MS)  # as text, plain characters
    assert a.locator("img[src='x']").count() == 0 and a.locator("a[href^='javascript']").count() == 0
    a.get_by_role("button", name="Train", exact=True).click()
    a.get_by_text("Saved as run").first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    wait_for_app(a)
    a_run = a.get_by_text("See the results of run ").first.inner_text().split("See the results of run ")[1].strip()
    assert "dense-ae" in a_run or "vae" in a_run or "conv-ae" in a_run, a.url
    open_page(a, f"{server.url}/embedding?run={a_run}", "Embedding vs PCA")  # a new page load: the same visitor
    a.get_by_text("How the map formed").first.wait_for(timeout=APP_TIMEOUT_MS)
    assert "is not in the store" not in a.inner_text("[data-testid='stMain']")
    assert a_run in a.url
    assert a.locator("img[src='x']").count() == 0 and a.locator("a[href^='javascript']").count() == 0
    assert not a.dialogs, a.dialogs  # no alert() ran
    screenshot(a, "public_hostile_names")

    # B sees the shared run, not A's run nor A's upload, and may delete neither.
    open_page(b, f"{server.url}/runs?run={server.shared_run}", "Runs")
    assert server.shared_run in _run_ids_in(b) and a_run not in _run_ids_in(b)
    b.get_by_text("A shared run of this public app: read-only.").wait_for(timeout=APP_TIMEOUT_MS)
    assert b.get_by_text("Delete this run").count() == 0
    open_page(b, f"{server.url}/embedding?run={a_run}", "Embedding vs PCA")
    b.get_by_text(f"Run {a_run} belongs to another visitor of this public app").first.wait_for(timeout=APP_TIMEOUT_MS)
    assert "hostile.zip" not in b.inner_text("[data-testid='stSidebar']")
    open_page(a, f"{server.url}/runs?run={server.shared_run}", "Runs")
    a.get_by_text("A shared run of this public app: read-only.").wait_for(timeout=APP_TIMEOUT_MS)
    assert a.get_by_text("Delete this run").count() == 0
    screenshot(b, "public_visitor_runs")

    # A leaves: A's private store goes once the session has ended and a sweep has run.
    a_folders = {name for name in _visitor_folders(server) if any((server.home / "visitors" / name / "runs").iterdir())}
    assert len(a_folders) == 1, _visitor_folders(server)
    a_context.close()
    deadline = time.monotonic() + SWEEP_WAIT_SECONDS
    while a_folders & _visitor_folders(server):
        assert time.monotonic() < deadline, "A's private store outlived A's session"
        time.sleep(5)
        open_page(b, f"{server.url}/runs", "Runs")  # any script run may sweep
    assert_no_traceback(b)
    b_context.close()


def test_the_owner_signs_in_and_deletes_a_shared_run(public_server, browser):
    server = public_server
    context, owner = _person(browser)
    open_page(owner, f"{server.url}/runs?run={server.shared_run}", "Runs")
    assert owner.get_by_text("Delete this run").count() == 0
    owner.get_by_text("Owner", exact=True).click()
    owner.get_by_label("Owner password", exact=True).fill(PASSWORD)
    owner.get_by_role("button", name="Sign in").click()
    owner.get_by_text("Signed in as the owner").wait_for(timeout=APP_TIMEOUT_MS)
    wait_for_app(owner)
    owner.get_by_text("Delete this run").first.click()
    owner.get_by_role("button", name="Delete", exact=True).click()
    owner.get_by_text(f"Moved run {server.shared_run} to the trash").wait_for(timeout=APP_TIMEOUT_MS)
    assert not (server.home / "runs" / server.shared_run).exists()
    assert_no_traceback(owner)
    context.close()
