"""A real browser walks the running app: the server, the websocket, Plotly, uploads, the URL.

Run only these with ``python -m pytest -m browser``. Screenshots go to ``tests/artifacts/``
(ignored by git); ``docs/screenshots/`` holds the README's copies.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import CHROMIUM_ARGS, ROOT, StreamlitServer, chromium_path

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / "artifacts"
APP_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("browser-home")
    app = StreamlitServer(home, home / "server.log").start()
    yield app
    app.stop()
    assert "Traceback" not in app.log(), f"the server logged a traceback:\n{app.log()}"


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        yield context
        context.close()


@pytest.fixture
def page(browser_context):
    """A tab that records console errors; the test fails on any error from the app."""
    tab = browser_context.new_page()
    errors: list[str] = []
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    tab.close()
    app_errors = [e for e in errors if not _is_outside_noise(e)]
    assert not app_errors, f"browser console errors: {app_errors}"


def _is_outside_noise(text: str) -> bool:
    """Console lines that come from the closed network, not from the app."""
    return "net::ERR_" in text or "Failed to load resource" in text


def wait_for_app(tab) -> None:
    """Wait until Streamlit has finished running the script."""
    tab.wait_for_selector("[data-testid='stApp']", timeout=APP_TIMEOUT_MS)
    tab.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=APP_TIMEOUT_MS
    )


def assert_no_traceback(tab) -> None:
    text = tab.inner_text("body")
    assert "Traceback" not in text, text[:2000]
    assert tab.locator("[data-testid='stException']").count() == 0, text[:2000]


def screenshot(tab, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


def test_home_renders(server, page):
    page.goto(server.url)
    wait_for_app(page)
    page.get_by_text("Autoencoder Lab").first.wait_for(timeout=APP_TIMEOUT_MS)
    assert_no_traceback(page)
    screenshot(page, "home")
