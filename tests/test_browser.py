"""A real browser walks the running app: the server, the websocket, Plotly, uploads, the URL.

Run only these with ``python -m pytest -m browser``. Screenshots go to ``tests/artifacts/``
(ignored by git); ``docs/screenshots/`` holds the README's copies.

The server's store is filled before it starts with tiny denoise, super-resolution and VAE runs
(400 images, 2 epochs), so the result screens have something to show; the quick model on Home
is trained through the browser.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import numpy as np
import pytest

from tests.browser import ROOT, StreamlitServer, saved_runs, two_browsers

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / "artifacts"
README_SHOTS = ROOT / "docs" / "screenshots"
README_SCREENSHOTS = ("home", "embedding", "embedding_neighbours", "embedding_forming", "denoising", "superres",
                      "latent", "runs", "train_bad_upload", "embedding_point_trust")
README_WIDTH = 900
APP_TIMEOUT_MS = 60_000
TRAIN_TIMEOUT_MS = 240_000
PRETRAINED_KINDS = ("denoise", "superres", "vae")
SMALL_TRAINING = {"train_images": 400, "epochs": 2, "batch_size": 64, "seed": 0}
# A VAE of 400 images × 2 epochs collapses (every code decodes to nearly the same grey): the
# latent slider would change no pixel. This one spreads its codes (std about 0.2 and 0.7) in about 8 s.
TRAINING = {"vae": {**SMALL_TRAINING, "train_images": 1000, "epochs": 3, "batch_size": 32,
                    "learning_rate": 3e-3}}


def _pretrain(home: Path) -> dict[str, str]:
    """Tiny real runs of the kinds the result screens need; model kind → run id."""
    return saved_runs(home, {kind: {"model": kind, **TRAINING.get(kind, SMALL_TRAINING)} for kind in PRETRAINED_KINDS})


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("browser-home")
    run_ids = _pretrain(home)
    app = StreamlitServer(home, home / "server.log").start()
    app.run_ids = run_ids
    yield app
    app.stop()
    assert "Traceback" not in app.log(), f"the server logged a traceback:\n{app.log()}"


@pytest.fixture(scope="module")
def browser_contexts(tmp_path_factory):
    """Two browsers (two profiles, so two cookies: two people)."""
    with two_browsers(tmp_path_factory) as contexts:
        yield contexts


@pytest.fixture(scope="module")
def browser_context(browser_contexts):
    """The browser of the person most tests follow."""
    return browser_contexts[0]


@pytest.fixture
def page(browser_context, server):
    """A tab that records console errors and failed media requests; the test fails on any error
    from the app, any media file the server no longer has, or a traceback in the log. (Other 404s
    are Streamlit's own probes for its base path, such as /superres/_stcore/health.)"""
    tab = browser_context.new_page()
    errors: list[str] = []
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("response", lambda response: errors.append(f"HTTP {response.status} {response.url}")
           if response.status >= 400 and "/media/" in response.url else None)
    yield tab
    tab.close()
    app_errors = [e for e in errors if not _is_outside_noise(e)]
    assert not app_errors, f"browser console errors: {app_errors}"
    assert "Traceback" not in server.log(), f"the server logged a traceback:\n{server.log()}"


def _is_outside_noise(text: str) -> bool:
    """Console lines that come from the closed network, not from the app."""
    return "net::ERR_" in text or "Failed to load resource" in text


def wait_for_app(tab) -> None:
    """Wait until Streamlit has finished running the script and no element is left stale (drawn
    faded by a run still under way: a second slider step queued behind the first)."""
    tab.wait_for_selector("[data-testid='stApp']", timeout=APP_TIMEOUT_MS)
    tab.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')", timeout=APP_TIMEOUT_MS
    )


def open_page(tab, url: str, title: str) -> None:
    """Go to ``url`` and wait for the page ``title`` and the end of the script run."""
    tab.goto(url)
    wait_for_app(tab)
    tab.get_by_role("heading", name=title).first.wait_for(timeout=APP_TIMEOUT_MS)
    wait_for_app(tab)
    assert_no_traceback(tab)


def assert_no_traceback(tab) -> None:
    text = tab.inner_text("body")
    assert "Traceback" not in text, text[:2000]
    assert tab.locator("[data-testid='stException']").count() == 0, text[:2000]


def screenshot(tab, name: str) -> Path:
    """The page into ``tests/artifacts/``; with ``AEMODELS_README_SCREENSHOTS=1`` also a small copy
    of what the window shows into ``docs/screenshots/`` for the README."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    if os.environ.get("AEMODELS_README_SCREENSHOTS") == "1" and name in README_SCREENSHOTS:
        from PIL import Image

        README_SHOTS.mkdir(parents=True, exist_ok=True)
        image = Image.open(io.BytesIO(tab.screenshot()))
        image.thumbnail((README_WIDTH, README_WIDTH))
        image.convert("P", palette=Image.Palette.ADAPTIVE, colors=128).save(README_SHOTS / f"{name}.png", optimize=True)
    return path


MAIN_IMAGES = "[data-testid='stMain'] [data-testid='stImage'] img"


def image_sources(tab) -> list[str]:
    return tab.eval_on_selector_all(MAIN_IMAGES, "imgs => imgs.map(i => i.getAttribute('src'))")


def wait_for_images(tab) -> list[str]:
    tab.wait_for_function(
        f"() => {{ const imgs = [...document.querySelectorAll(\"{MAIN_IMAGES}\")];"
        " return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0); }",
        timeout=APP_TIMEOUT_MS,
    )
    return image_sources(tab)


def move_slider(tab, label: str, presses: int = 2, key: str = "ArrowRight") -> None:
    """Focus the thumb of the slider labelled ``label`` and move it with the keyboard; focus and
    press again when a rerun redrew the slider and swallowed the keys (up to three rounds)."""
    from playwright.sync_api import expect

    thumb = tab.locator("[data-testid='stSlider']").filter(has_text=label).first.locator("input[type='range']").first
    before = thumb.input_value()
    for _ in range(3):
        thumb.focus()
        for _ in range(presses):
            tab.keyboard.press(key)
        try:
            expect(thumb).not_to_have_value(before, timeout=APP_TIMEOUT_MS // 3)
            return
        except AssertionError:
            continue
    raise AssertionError(f"the slider {label!r} stayed at {before} after three rounds of {key}")


def move_slider_and_check_images_change(tab, label: str, key: str = "ArrowRight") -> None:
    """Move the slider and wait for an image that was not there before; one more press if the
    first change got no rerun."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    wait_for_app(tab)
    before = wait_for_images(tab)
    for attempt in range(3):
        move_slider(tab, label, presses=2 if attempt == 0 else 1, key=key if attempt == 0 else "ArrowLeft")
        try:
            tab.wait_for_function(
                f"(before) => [...document.querySelectorAll(\"{MAIN_IMAGES}\")]"
                ".some(i => !before.includes(i.getAttribute('src')))",
                arg=before, timeout=30_000,
            )
            break
        except PlaywrightTimeout:
            if attempt == 2:
                screenshot(tab, f"failed-{label[:10]}")
                raise
    wait_for_app(tab)
    after = wait_for_images(tab)
    assert set(after) - set(before)
    assert_no_traceback(tab)


def drawn_plots(tab) -> list[int]:
    """For each Plotly chart in the page: how many points it drew (svg points, or 1 for a gl canvas)."""
    return tab.eval_on_selector_all(
        ".js-plotly-plot",
        "plots => plots.map(p => p.querySelectorAll('.scatterlayer .point').length"
        " + (p.querySelector('.gl-container canvas, canvas.gl-canvas') ? 1 : 0))",
    )


def wait_for_plots(tab, count: int) -> list[int]:
    """Wait until ``count`` Plotly charts have drawn their points (Plotly draws after the script
    run ends); returns ``drawn_plots``."""
    tab.wait_for_function(
        "(count) => { const plots = [...document.querySelectorAll('.js-plotly-plot')];"
        " return plots.length >= count && plots.every(p => p.querySelectorAll('.scatterlayer .point').length > 0"
        " || p.querySelector('canvas')); }",
        arg=count, timeout=APP_TIMEOUT_MS,
    )
    return drawn_plots(tab)


def npz_bytes(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_deep_link_as_the_first_request_runs_inside_the_app(server, page):
    # The first request a fresh server gets: with a pages/ folder, Streamlit would run the page
    # file alone (no sidebar, file names as navigation) unless the page hands over to app.py.
    open_page(page, f"{server.url}/superres?run={server.run_ids['superres']}", "Super-resolution")
    sidebar = page.inner_text("[data-testid='stSidebar']")
    assert "Dataset:" in sidebar and "Embedding vs PCA" in sidebar, sidebar
    assert server.run_ids["superres"] in page.inner_text("[data-testid='stMain']")
    assert page.title() == "Autoencoder Lab"


def test_home_renders(server, page):
    open_page(page, server.url, "Autoencoder Lab")
    page.get_by_text("One held-out image through the newest model").wait_for(timeout=APP_TIMEOUT_MS)
    assert len(wait_for_images(page)) == 2
    screenshot(page, "home")


def test_quick_model_opens_both_embedding_maps(server, page):
    open_page(page, server.url, "Autoencoder Lab")
    page.get_by_role("button", name="Train a quick model").click()
    page.get_by_role("heading", name="Embedding vs PCA").first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    wait_for_app(page)
    # The two maps, the map forming and PCA's beside it, the map's scores per epoch, then error and
    # kNN accuracy by code size.
    points = wait_for_plots(page, 6)
    assert_no_traceback(page)
    assert len(points) == 6 and all(n > 0 for n in points), points
    assert "dense-ae on mnist-10k" in page.inner_text("[data-testid='stMain']")
    assert "run=" in page.url and "dataset=mnist-10k" in page.url
    screenshot(page, "embedding")


def test_denoising_noise_slider_changes_the_output(server, page):
    open_page(page, f"{server.url}/denoising?run={server.run_ids['denoise']}", "Denoising")
    assert server.run_ids["denoise"] in page.inner_text("[data-testid='stMain']")
    move_slider_and_check_images_change(page, "Noise level")
    screenshot(page, "denoising")


def test_superres_factor_slider_changes_the_output(server, page):
    open_page(page, f"{server.url}/superres?run={server.run_ids['superres']}", "Super-resolution")
    move_slider_and_check_images_change(page, "Upscale factor")
    screenshot(page, "superres")


def test_latent_explorer_coordinate_slider_changes_the_image(server, page):
    open_page(page, f"{server.url}/latent?run={server.run_ids['vae']}", "Latent explorer")
    move_slider_and_check_images_change(page, "z1", key="End")
    assert len(wait_for_plots(page, 2)) == 2  # the latent map and the code-noise curve


def _open_upload(tab, url: str) -> None:
    open_page(tab, f"{url}/train", "Train a model")
    tab.locator("[data-testid='stSelectbox']").filter(has_text="Dataset").first.click()
    tab.get_by_role("option", name="upload a file…").click()
    tab.locator("input[type='file']").first.wait_for(state="attached", timeout=APP_TIMEOUT_MS)
    wait_for_app(tab)


def test_upload_a_valid_npz_through_the_file_input(server, page, tmp_path):
    path = tmp_path / "digits.npz"
    rng = np.random.default_rng(0)
    path.write_bytes(npz_bytes(x=rng.integers(0, 256, (50, 28, 28), dtype=np.uint8),
                               y=rng.integers(0, 5, 50)))
    _open_upload(page, server.url)
    page.locator("input[type='file']").first.set_input_files(str(path))
    page.get_by_text("Uploaded").first.wait_for(timeout=APP_TIMEOUT_MS)
    page.get_by_role("button", name="Train", exact=True).wait_for(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    assert_no_traceback(page)
    assert "dataset=upload" in page.url
    assert "digits.npz (upload)" in page.inner_text("[data-testid='stSidebar']")
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    screenshot(page, "train_upload")


def test_upload_a_bad_npz_shows_one_line(server, page, tmp_path):
    path = tmp_path / "nan.npz"
    x = np.zeros((50, 28, 28), dtype=np.float32)
    x[3, 4, 5] = np.nan
    path.write_bytes(npz_bytes(x=x))
    _open_upload(page, server.url)
    page.locator("input[type='file']").first.set_input_files(str(path))
    error = page.locator("[data-testid='stAlertContentError']").first
    error.wait_for(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    assert_no_traceback(page)
    message = error.inner_text().strip()
    assert message and "\n" not in message, message
    assert page.get_by_role("button", name="Train").first.is_disabled()
    screenshot(page, "train_bad_upload")


def test_runs_lists_every_run(server, page):
    open_page(page, f"{server.url}/runs", "Runs")
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=APP_TIMEOUT_MS)
    page.get_by_role("combobox").first.wait_for(timeout=APP_TIMEOUT_MS)
    rows = 1 + len(server.run_ids)  # the header and one row per run
    page.wait_for_function(
        "(n) => document.querySelectorAll(\"[data-testid='stDataFrame'] [role='row']\").length >= n",
        arg=rows, timeout=APP_TIMEOUT_MS)
    screenshot(page, "runs")


def test_reload_keeps_the_chosen_run(server, page):
    open_page(page, f"{server.url}/superres?run={server.run_ids['superres']}&dataset=mnist-10k",
              "Super-resolution")
    main = "[data-testid='stMain']"
    assert server.run_ids["superres"] in page.inner_text(main)
    # Choose the VAE run in the sidebar: the URL must follow, and a reload must come back to it.
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option").filter(has_text=server.run_ids["vae"]).click()
    page.wait_for_function("(id) => location.search.includes(id)", arg=server.run_ids["vae"],
                           timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    url = page.url
    page.reload()
    wait_for_app(page)
    page.get_by_role("heading", name="Super-resolution").first.wait_for(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    screenshot(page, "reload")
    assert page.url == url
    picker = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.evaluate(
        "box => box.innerText + ' ' + [...box.querySelectorAll('input')].map(i => i.value).join(' ')")
    assert server.run_ids["vae"][:12] in picker or "vae on mnist-10k" in picker, picker
    page.get_by_text("but the current run is a").wait_for(timeout=APP_TIMEOUT_MS)
    assert "current run is a vae" in page.inner_text(main).lower()
    assert_no_traceback(page)


def test_quick_slider_moves_never_ask_for_a_dropped_image(server, page):
    # Streamlit drops a run's media files as soon as the next run ends; the browser used to ask
    # for some of them afterwards (404, "Image source error"). The page fixture fails on either.
    open_page(page, f"{server.url}/denoising?run={server.run_ids['denoise']}", "Denoising")
    for move in range(8):
        move_slider(page, "Noise level", presses=2, key="ArrowRight" if move % 2 else "ArrowLeft")
        wait_for_app(page)
    wait_for_images(page)
    assert_no_traceback(page)


def test_stop_ends_the_training_with_where_it_stopped(server, page):
    open_page(page, f"{server.url}/train?dataset=digits", "Train a model")
    epochs = page.get_by_label("Epochs", exact=True)
    epochs.fill("60")
    epochs.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Train", exact=True).click()
    try:  # epochs of the 8×8 digits take a fifth of a second: wait for the third, not one exact text
        page.wait_for_function("() => /epoch ([3-9]|[1-9][0-9])\\/60/i.test(document.body.innerText)",
                               timeout=TRAIN_TIMEOUT_MS, polling=50)
    except Exception:
        screenshot(page, "failed-train-progress")
        raise
    page.get_by_role("button", name="Stop training").click()
    notice = page.get_by_text("stopped at epoch")
    notice.first.wait_for(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    text = notice.first.inner_text()
    assert "of 60; nothing was saved" in text, text
    assert page.get_by_role("button", name="Stop training").count() == 0
    assert page.get_by_label("Epochs", exact=True).input_value() == "60"  # the page as it was before the click
    screenshot(page, "train_stopped")


def test_an_imported_run_is_listed_and_current_at_once(server, page, tmp_path):
    from aemodels.config import TrainConfig
    from aemodels.store.runs import RunStore
    from aemodels.tasks.assessment import evaluate
    from aemodels.tasks.training import train

    laptop = RunStore(tmp_path / "laptop" / "runs")  # a run trained on another machine
    result = train(TrainConfig(model="dense-ae", train_images=200, epochs=1, batch_size=32, seed=7))
    path = tmp_path / "laptop-run.zip"
    path.write_bytes(laptop.export_zip(laptop.save(result, evaluate(result.bundle))))

    open_page(page, f"{server.url}/runs?run={server.run_ids['vae']}", "Runs")
    table_rows = "() => document.querySelector(\"[data-testid='stDataFrame']\").querySelectorAll(\"[role='row']\").length"
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=APP_TIMEOUT_MS)
    page.wait_for_function(f"() => ({table_rows})() > 1", timeout=APP_TIMEOUT_MS)
    before = page.evaluate(table_rows)
    again = tmp_path / "the-same-run-again.zip"
    again.write_bytes(path.read_bytes())
    for upload, attempt in ((path, "Imported laptop-run.zip as run"), (again, "already in the store")):
        page.locator("[data-testid='stFileUploader'] input[type='file']").last.set_input_files(str(upload))
        page.get_by_text(attempt).first.wait_for(timeout=APP_TIMEOUT_MS)
        wait_for_app(page)
        current = page.url.split("run=")[1].split("&")[0]
        assert "dense-ae" in current, page.url
        picker = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.evaluate(
            "box => box.innerText + ' ' + [...box.querySelectorAll('input')].map(i => i.value).join(' ')")
        assert current in picker or "dense-ae on mnist-10k" in picker, picker
        try:
            page.wait_for_function(f"(n) => ({table_rows})() === n", arg=before + 1,
                                   timeout=20_000)  # listed once, at once
        except Exception:
            screenshot(page, "failed-import")
            raise AssertionError(f"table rows {page.evaluate(table_rows)}, expected {before + 1}") from None
    screenshot(page, "runs_imported")


def test_a_training_goes_on_while_the_person_reads_other_screens(server, page):
    open_page(page, f"{server.url}/train?dataset=digits", "Train a model")
    page.get_by_label("Epochs", exact=True).fill("25")
    page.get_by_label("Epochs", exact=True).press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_role("button", name="Stop training").wait_for(timeout=TRAIN_TIMEOUT_MS)
    # the map of held-out images forms epoch by epoch
    page.get_by_text("held-out images, after epoch").first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    assert len(wait_for_plots(page, 1)) >= 1
    # Off to another screen while it trains: the sidebar follows the job there.
    page.locator("[data-testid='stSidebarNav']").get_by_text("Runs").click()
    page.get_by_role("heading", name="Runs").first.wait_for(timeout=APP_TIMEOUT_MS)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Follow the training").wait_for(timeout=APP_TIMEOUT_MS)
    assert "dense-ae, code 2 on digits: " in sidebar.inner_text()
    # When it ends, the sidebar offers its run; the person is still on Runs, with the run they had.
    sidebar.get_by_text("dense-ae, code 2 on digits: saved as run").first.wait_for(timeout=TRAIN_TIMEOUT_MS)
    offer = sidebar.get_by_role("link", name="Open the new run").last  # its jobs oldest first: this one is the newest
    wait_for_app(page)
    sidebar.get_by_text("Follow the training").wait_for(state="detached", timeout=APP_TIMEOUT_MS)
    assert "run=" not in page.url
    assert page.get_by_role("heading", name="Runs").count() >= 1
    screenshot(page, "training_elsewhere")
    offer.click()
    page.wait_for_function("() => /run=[0-9-]+dense-ae-/.test(location.search)", timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    assert "dense-ae on digits" in sidebar.locator("[data-testid='stSelectbox']").first.evaluate(
        "box => box.innerText + ' ' + [...box.querySelectorAll('input')].map(i => i.value).join(' ')")


def _start_training(tab, url: str, kind: str, epochs: int) -> None:
    open_page(tab, url, "Train a model")
    tab.get_by_label("Model kind", exact=True).click()
    tab.get_by_role("option", name=re.compile(f"^{re.escape(kind)}:")).click()
    wait_for_app(tab)
    tab.get_by_label("Epochs", exact=True).fill(str(epochs))
    tab.get_by_label("Epochs", exact=True).press("Enter")
    wait_for_app(tab)
    tab.get_by_role("button", name="Train", exact=True).click()


def test_two_sessions_each_see_their_own_job(server, page, browser_contexts):
    """Two people on one server: the second job waits its turn, each sees only their own job,
    and each can stop or cancel only their own."""
    other = browser_contexts[1].new_page()  # another browser: another person (a tab of one browser sees its jobs)
    try:
        # 500 epochs (about 75 s here): still training when the other's job is cancelled, on a slow CI too.
        _start_training(page, f"{server.url}/train?dataset=digits", "dense-ae", 500)
        page.get_by_role("button", name="Stop training").wait_for(timeout=TRAIN_TIMEOUT_MS)
        _start_training(other, f"{server.url}/train?dataset=digits", "vae", 5)
        other.get_by_text("Waiting: the server trains one model at a time").first.wait_for(timeout=APP_TIMEOUT_MS)
        other_sidebar = other.locator("[data-testid='stSidebar']")
        other_sidebar.get_by_text("vae, code 2 on digits: waiting for its turn").wait_for(timeout=APP_TIMEOUT_MS)
        assert "dense-ae:" not in other_sidebar.inner_text()
        assert other.get_by_role("button", name="Stop training").count() == 0  # not theirs to stop
        sidebar = page.locator("[data-testid='stSidebar']")
        sidebar.get_by_text("dense-ae, code 2 on digits: epoch").wait_for(timeout=APP_TIMEOUT_MS)
        assert "vae" not in sidebar.inner_text() and page.get_by_text("Waiting:").count() == 0
        screenshot(other, "two_sessions_waiting")
        other.get_by_role("button", name="Cancel").click()
        other.get_by_text("stopped before its first epoch").first.wait_for(timeout=APP_TIMEOUT_MS)
        assert page.get_by_role("button", name="Stop training").count() == 1  # the first job goes on
        page.get_by_role("button", name="Stop training").click()
        page.get_by_text("stopped at epoch").first.wait_for(timeout=APP_TIMEOUT_MS)
        assert other.get_by_text("stopped at epoch").count() == 0
    finally:
        other.close()


# Pixel coordinates, in the page, of a point of the ``index``-th Plotly chart: the held-out image
# ``row`` (its customdata), or the data point (x, y).
POINT_OF_ROW = """([index, row]) => { const gd = [...document.querySelectorAll('.js-plotly-plot')][index];
  for (const trace of gd._fullData) { const ids = Array.from(trace.customdata || []); const at = ids.indexOf(row);
    if (at >= 0 && trace.visible === true) { const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
      const box = gd.getBoundingClientRect();
      return [box.left + xa._offset + xa.l2p(trace.x[at]), box.top + ya._offset + ya.l2p(trace.y[at])]; } }
  return null; }"""
LONELIEST_ROW = """(index) => { const gd = [...document.querySelectorAll('.js-plotly-plot')][index];
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis; const pts = [];
  for (const t of gd._fullData) { if (t.visible !== true || !t.customdata) continue;
    for (let i = 0; i < t.x.length; i++) pts.push([t.customdata[i], xa.l2p(t.x[i]), ya.l2p(t.y[i])]); }
  let best = null, far = -1;
  for (const [row, x, y] of pts) { let near = Infinity;
    for (const [other, u, v] of pts) if (other !== row) near = Math.min(near, (x - u) ** 2 + (y - v) ** 2);
    if (near > far) { far = near; best = row; } }
  return best; }"""
POINT_AT = """([index, x, y]) => { const gd = [...document.querySelectorAll('.js-plotly-plot')][index];
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis; const box = gd.getBoundingClientRect();
  return [box.left + xa._offset + xa.l2p(x), box.top + ya._offset + ya.l2p(y)]; }"""


def test_a_click_on_a_point_opens_its_neighbours(server, page):
    open_page(page, f"{server.url}/embedding?run={server.run_ids['vae']}", "Embedding vs PCA")
    wait_for_plots(page, 2)
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    # A tiny VAE's 2,000 dots crowd: a click lands on the topmost dot under it, so the test clicks
    # the held-out image whose dot stands farthest from any other.
    row = page.evaluate(LONELIEST_ROW, 0)
    page.mouse.click(*page.evaluate(POINT_OF_ROW, [0, row]))
    heading = page.get_by_role("heading", name=re.compile(rf"^Image {row}, class \d"))
    heading.wait_for(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    main = page.inner_text("[data-testid='stMain']")
    assert "nearest 8 in the model's code" in main and "nearest 8 in PCA's code (2 components)" in main
    assert len(wait_for_images(page)) == 3 + 3 * 8
    assert f"point={row}" in page.url  # the link reopens this point
    assert_no_traceback(page)
    heading.scroll_into_view_if_needed()
    screenshot(page, "embedding_neighbours")


def test_the_embedding_forming_plays_one_frame_per_epoch(server, page):
    open_page(page, f"{server.url}/embedding?run={server.run_ids['vae']}", "Embedding vs PCA")
    page.get_by_text("How the map formed, epoch by epoch").scroll_into_view_if_needed()
    wait_for_plots(page, 4)
    frames = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')][2]._transitionData._frames.length")
    assert frames == TRAINING["vae"]["epochs"] + 1
    page.get_by_text("▶ Play", exact=True).click()  # from the last frame, Play starts again at the first
    page.wait_for_function("() => { const s = [...document.querySelectorAll('.js-plotly-plot')][2]"
                           "._fullLayout.sliders[0]; return s.active < s.steps.length - 1; }", timeout=APP_TIMEOUT_MS)
    page.wait_for_function("() => { const s = [...document.querySelectorAll('.js-plotly-plot')][2]"
                           "._fullLayout.sliders[0]; return s.active === s.steps.length - 1; }", timeout=APP_TIMEOUT_MS)
    screenshot(page, "embedding_forming")


def test_a_click_on_the_latent_map_decodes_that_point(server, page):
    open_page(page, f"{server.url}/latent?run={server.run_ids['vae']}", "Latent explorer")
    wait_for_plots(page, 1)
    before = wait_for_images(page)[0]
    caption = page.locator("[data-testid='stMain'] [data-testid='stImageCaption']").first
    assert caption.inner_text() == "decoded from z = (0.00, 0.00)"
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    # A point three quarters across and one quarter up the map (its extent follows the codes' spread).
    (x0, x1), (y0, y1) = page.evaluate("() => { const l = document.querySelector('.js-plotly-plot')._fullLayout;"
                                       " return [l.xaxis.range, l.yaxis.range]; }")
    x, y = x0 + 0.75 * (x1 - x0), y0 + 0.25 * (y1 - y0)
    page.mouse.click(*page.evaluate(POINT_AT, [0, x, y]))
    page.wait_for_function("() => !document.querySelector(\"[data-testid='stMain'] [data-testid='stImageCaption']\")"
                           ".innerText.endsWith('(0.00, 0.00)')", timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    z1, z2 = (float(v) for v in re.findall(r"-?\d+\.\d+", caption.inner_text()))
    # The lattice point under the click (21 per side), on the sliders' 0.1 steps.
    near_x, near_y = max(abs(x1 - x0) / 20, 0.1), max(abs(y1 - y0) / 20, 0.1)
    assert abs(z1 - x) <= near_x and abs(z2 - y) <= near_y, (caption.inner_text(), x, y)
    assert wait_for_images(page)[0] != before
    assert f"z1={z1:g}" in page.url  # the sliders followed, and the URL with them
    screenshot(page, "latent")


def test_a_shared_link_reopens_the_slider_where_it_was(server, page, browser_context):
    """Share this view copies the address; a second person opening it sees the same point."""
    browser_context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    open_page(page, f"{server.url}/latent?run={server.run_ids['vae']}", "Latent explorer")
    move_slider(page, "z1", presses=7)
    page.wait_for_function("() => document.querySelector(\"[data-testid='stMain'] [data-testid='stImageCaption']\")"
                           ".innerText.startsWith('decoded from z = (0.70')", timeout=APP_TIMEOUT_MS)
    page.get_by_role("button", name="Share this view").click()
    page.get_by_text("Link copied").wait_for(timeout=APP_TIMEOUT_MS)
    link = page.evaluate("() => navigator.clipboard.readText()")
    assert "z1=0.7" in link and f"run={server.run_ids['vae']}" in link
    other = browser_context.new_page()
    try:
        open_page(other, link, "Latent explorer")
        other.get_by_text("decoded from z = (0.70, 0.00)").wait_for(timeout=APP_TIMEOUT_MS)
        thumb = other.locator("[data-testid='stSlider']").filter(has_text="z1").first.locator("input[type='range']").first
        assert float(thumb.input_value()) == 0.7
    finally:
        other.close()


RUN_ID = re.compile(r"\d{8}-\d{6}-[a-z][a-z0-9-]*-[0-9a-f]{6}")


def test_ticking_rows_of_the_run_table_compares_those_runs(server, page):
    open_page(page, f"{server.url}/runs", "Runs")
    table = page.locator("[data-testid='stDataFrame']").first
    table.wait_for(timeout=APP_TIMEOUT_MS)
    table.scroll_into_view_if_needed()
    cells_js = ("() => [...document.querySelector(\"[data-testid='stDataFrame']\")"
                ".querySelectorAll(\"[role='gridcell']\")].map(c => c.textContent)")
    page.wait_for_function(f"() => ({cells_js})().filter(t => /^\\d{{8}}-\\d{{6}}-/.test(t.trim())).length >= 3",
                           timeout=APP_TIMEOUT_MS)  # the grid's accessible cells come after its canvas
    in_order = [cell for cell in page.evaluate(cells_js) if RUN_ID.fullmatch(cell.strip())]
    assert len(in_order) >= 3, in_order
    box = table.bounding_box()
    row_height = 35  # Streamlit's data grid: a 35 px header, then 35 px rows; the tick box leads each row
    for row in (1, 2):
        page.mouse.click(box["x"] + 14, box["y"] + row_height * (row + 1) + row_height / 2)
        wait_for_app(page)
    chips = page.locator("[data-testid='stMultiSelect']").filter(has_text="Compare runs")
    page.wait_for_function(
        "([a, b]) => { const box = [...document.querySelectorAll(\"[data-testid='stMultiSelect']\")]"
        ".find(m => m.innerText.includes('Compare runs')); return box && box.innerText.includes(a)"
        " && box.innerText.includes(b); }", arg=[in_order[1], in_order[2]], timeout=APP_TIMEOUT_MS)
    assert in_order[0] not in chips.inner_text()
    assert_no_traceback(page)
    screenshot(page, "runs_rows_ticked")


def _drawn_trace(tab, test: str) -> None:
    """Wait until a Plotly chart on the page holds a trace for which ``test`` (JS, of ``t``) holds."""
    tab.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                          f".some(p => (p.data || []).some(t => {test}))", timeout=APP_TIMEOUT_MS)


def test_the_latent_layers_and_each_points_trustworthiness_draw(server, page):
    open_page(page, f"{server.url}/latent?run={server.run_ids['vae']}", "Latent explorer")
    wait_for_plots(page, 1)
    for choice, words, name in (("stretch", "per unit step of the code", "latent_stretch"),
                                ("which class?", "nonsense share", "latent_confidence")):
        page.locator("[data-testid='stButtonGroup']").get_by_text(choice, exact=True).click()
        page.get_by_text(words).first.wait_for(timeout=APP_TIMEOUT_MS)
        _drawn_trace(page, "t.type === 'heatmap'")
        wait_for_app(page)
        assert_no_traceback(page)
        page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
        screenshot(page, name)
    open_page(page, f"{server.url}/embedding?run={server.run_ids['vae']}", "Embedding vs PCA")
    wait_for_plots(page, 2)
    page.locator("[data-testid='stButtonGroup']").get_by_text("each point's own trustworthiness", exact=True).click()
    _drawn_trace(page, "t.name === 'own trustworthiness'")
    wait_for_app(page)
    assert_no_traceback(page)
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    screenshot(page, "embedding_point_trust")
