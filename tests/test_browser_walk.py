"""A seeded random walk of two people through the running app, in a real browser.

Two browser contexts (two people, each with their own session and cookies) take turns. On each
turn one of them does a real action picked by ``random.Random(seed)`` among those its screen
offers: change page in the sidebar, move a slider with the keyboard, click inside a Plotly map,
reload, pick another current run, open the newest fitting run where a screen offers it; on Runs
delete a run (most often the one the other person is looking at, else one trained in this walk),
restore it or empty the trash; on Train, train a tiny model on the 8×8 digits (once per walk, and
waited for, so that no training of one walk runs on into the next). The weights lean towards
trouble: a person whose run has just been deleted by the other moves a slider or clicks a map
more often next, and one whose trained run is gone goes back to Train more often.

After every action the walk fails on:

- an exception box, or a traceback in the page or in the server's log (the failure message names
  the exception and the app's frames from the log);
- a page that names a run (its caption ``Run: … · <run id>``) that is no longer in the store (its
  folder gone from ``AEMODELS_HOME/runs``, to the trash or for good) without an alert that says
  so (one naming the run, or saying it was deleted / is not in the store). This is checked only
  when the server ran the script for the page after the action (read from the websocket's
  ``new_session`` messages), so a page that simply was not redrawn is not blamed for what another
  person did meanwhile;
- a Delete that moves another run to the trash than the one its popover asked about.

The seed is printed first and is part of every failure message; a failure leaves screenshots of
both people's pages in ``tests/artifacts/walk_<seed>_<step>_<person>.png``. Replay one walk with
``AEMODELS_WALK_SEEDS=<seed> python -m pytest tests/test_browser_walk.py -s``.

Every walk starts from the same store: the tiny runs made before the server starts, copied back
(and anything the previous walk added, trashed or trained taken away) between walks.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import time
from pathlib import Path

import pytest

from tests.browser import CHROMIUM_ARGS, ROOT, StreamlitServer, chromium_path
from tests.test_browser import APP_TIMEOUT_MS, POINT_AT, wait_for_app

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / "artifacts"
DEFAULT_SEEDS = "4,5,7"
SEEDS = [int(s) for s in os.environ.get("AEMODELS_WALK_SEEDS", DEFAULT_SEEDS).split(",") if s.strip()]
STEPS = int(os.environ.get("AEMODELS_WALK_STEPS", "24"))  # per walk, both people together
WALK_SECONDS = float(os.environ.get("AEMODELS_WALK_SECONDS", "35"))  # no new step starts after this
TRAINS_PER_WALK = 1
TRAIN_SECONDS = 90
ACTION_TIMEOUT_MS = 20_000

PRETRAINED_KINDS = ("dense-ae", "vae", "denoise", "superres")
SMALL_TRAINING = {"train_images": 400, "epochs": 2, "batch_size": 64, "seed": 0}

# screen (the URL's path) → (its link in the sidebar, its heading)
SCREENS = {
    "": ("Home", "Autoencoder Lab"),
    "train": ("Train", "Train a model"),
    "embedding": ("Embedding vs PCA", "Embedding vs PCA"),
    "denoising": ("Denoising", "Denoising"),
    "superres": ("Super-resolution", "Super-resolution"),
    "latent": ("Latent explorer", "Latent explorer"),
    "runs": ("Runs", "Runs"),
}
# how often a page change goes to each screen: Runs (where runs are deleted) and the screens whose
# fragments re-read the store most
GO_WEIGHTS = {"": 0.7, "train": 1, "embedding": 1.2, "denoising": 3, "superres": 3, "latent": 2, "runs": 4}

RUN_ID = re.compile(r"\d{8}-\d{6}-[a-z][a-z0-9-]*-[0-9a-f]{6}")
SAYS_GONE = re.compile(r"not in the store|deleted|no longer|does not exist|there is no run", re.I)

# A random visible point of the ``index``-th Plotly chart ([x, y] in the page), or null.
RANDOM_POINT = """([index, r]) => { const gd = [...document.querySelectorAll('.js-plotly-plot')][index];
  if (!gd || !gd._fullData) return null; const pts = [];
  for (const trace of gd._fullData) { if (trace.visible !== true || !trace.customdata || !trace.x) continue;
    for (let i = 0; i < trace.x.length; i++) pts.push([trace.x[i], trace.y[i]]); }
  if (!pts.length) return null; const [x, y] = pts[Math.floor(r * pts.length)];
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis; const box = gd.getBoundingClientRect();
  return [box.left + xa._offset + xa.l2p(x), box.top + ya._offset + ya.l2p(y)]; }"""
AXIS_RANGES = """(index) => { const gd = [...document.querySelectorAll('.js-plotly-plot')][index];
  if (!gd || !gd._fullLayout || !gd._fullLayout.xaxis) return null;
  return [gd._fullLayout.xaxis.range, gd._fullLayout.yaxis.range]; }"""


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def traceback_summary(log: str) -> str:
    """Where the first traceback in ``log`` was raised from (the app's innermost frame) and its
    exception line."""
    lines = ANSI.sub("", log[log.find("Traceback"):]).splitlines()
    frames = [m.group(0) for line in lines if (m := re.search(r"\S+\.py:\d+ in \w+", line))]
    exception = next((line.strip() for line in lines[1:] if re.match(r"[A-Za-z_][\w.]*(Error|Exception)\b", line)), "?")
    app_frames = [f for f in frames if "site-packages" not in f]
    return f"{exception} (raised in {app_frames[-1] if app_frames else frames[-1] if frames else '?'}" + (
        f", called from {app_frames[0]})" if len(app_frames) > 1 else ")")


class Skip(Exception):
    """The action is not available here: pick another."""


# --- the server and its store ---------------------------------------------------------------------


def _pretrain(runs: Path) -> dict[str, str]:
    """Tiny real runs of the kinds the screens need; model kind → run id."""
    from aemodels.config import TrainConfig
    from aemodels.store.runs import RunStore
    from aemodels.tasks.assessment import assess
    from aemodels.tasks.training import train

    store = RunStore(runs)
    run_ids = {}
    for kind in PRETRAINED_KINDS:
        result = train(TrainConfig(model=kind, **SMALL_TRAINING))
        assessment = assess(result.bundle)
        run_ids[kind] = store.save(result, assessment.metrics, assessment.views)
    return run_ids


@pytest.fixture(scope="module")
def walk_server(tmp_path_factory):
    home = tmp_path_factory.mktemp("walk-home")
    pristine = home / "pristine-runs"  # outside the store: copied into it before every walk
    run_ids = _pretrain(pristine)
    app = StreamlitServer(home, home / "server.log").start()
    app.run_ids, app.pristine, app.runs = run_ids, pristine, home / "runs"
    yield app
    app.stop()


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _reset_store(runs: Path, pristine: Path) -> None:
    """The store as the pretraining left it: the same run ids, nothing trashed, nothing else."""
    runs.mkdir(exist_ok=True)
    for path in runs.iterdir():
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    for path in pristine.iterdir():
        if RUN_ID.fullmatch(path.name):
            shutil.copytree(path, runs / path.name)


def _in_store(runs: Path, run_id: str) -> bool:
    return (runs / run_id).is_dir()


# --- one person: a browser context with one tab ---------------------------------------------------


class Person:
    """One browser context with one tab. Its websocket messages are read as Streamlit's
    ``ForwardMsg``s: ``new_session`` starts a script run (the page's or a fragment's),
    ``script_finished`` ends it, so the walk knows when the server has answered an action and when
    the answer is complete."""

    def __init__(self, name: str, context, url: str):
        self.name, self.context, self.url = name, context, url
        self.page = context.new_page()
        self.page.set_default_timeout(ACTION_TIMEOUT_MS)
        self.started = 0  # script runs started, over every websocket of the tab
        self.pending = 0  # runs started on the current websocket and not finished yet
        self.socket = 0
        self.errors: list[str] = []  # the browser console's errors, reported (not failed on)
        self.page.on("websocket", self._socket)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _socket(self, ws) -> None:
        self.socket += 1
        self.pending = 0  # a reload: the old socket's unfinished run will never finish here
        socket = self.socket
        ws.on("framereceived", lambda payload: self._frame(socket, payload))

    def _frame(self, socket: int, payload) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if socket != self.socket or isinstance(payload, str):
            return
        try:
            kind = ForwardMsg.FromString(payload).WhichOneof("type")
        except Exception:  # not a message of this Streamlit: count nothing
            return
        if kind == "new_session":
            self.started += 1
            self.pending += 1
        elif kind == "script_finished":
            self.pending = max(0, self.pending - 1)

    @property
    def screen(self) -> str:
        path = self.page.url.split("://", 1)[-1].split("/", 1)[-1]
        return path.split("?", 1)[0].split("#", 1)[0].strip("/")

    def shown_run(self) -> str | None:
        """The run this person's page names in its ``Run:`` caption, else the URL's run."""
        ids = self.captioned_runs()
        if ids:
            return ids[0]
        match = re.search(r"[?&]run=([^&#]+)", self.page.url)
        return match.group(1) if match else None

    def captioned_runs(self) -> list[str]:
        texts = self.page.eval_on_selector_all(
            "[data-testid='stMain'] [data-testid='stCaptionContainer']", "els => els.map(e => e.innerText)")
        return [run_id for text in texts if text.strip().startswith("Run:") for run_id in RUN_ID.findall(text)]

    def alerts(self) -> list[str]:
        return self.page.eval_on_selector_all("[data-testid='stAlert']", "els => els.map(e => e.innerText)")

    def settle(self, started_before: int, expect_answer: bool = True) -> None:
        """Wait for the server's answer to an action (a script run started after ``started_before``
        runs, up to 5 s when one is expected), then until every run has finished (a run that
        calls ``st.rerun`` is followed by another) and the page has drawn it."""
        page = self.page
        deadline = time.monotonic() + (5 if expect_answer else 0)
        while self.started == started_before and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        deadline = time.monotonic() + APP_TIMEOUT_MS / 1000
        while time.monotonic() < deadline:
            while self.pending and time.monotonic() < deadline:
                page.wait_for_timeout(50)
            seen = self.started
            page.wait_for_timeout(250)  # a rerun asked for at the end of a run starts in this time
            if not self.pending and self.started == seen:
                break
        if self.pending:
            raise AssertionError(f"a script run did not finish within {APP_TIMEOUT_MS // 1000} s")
        wait_for_app(page)

    def open(self) -> None:
        before = self.started
        self.page.goto(self.url)
        self.page.get_by_role("heading", name="Autoencoder Lab").first.wait_for(timeout=APP_TIMEOUT_MS)
        self.settle(before)


# --- the actions: each does one real thing on the person's screen, or raises Skip -----------------


def go(person: Person, rng: random.Random, walk) -> str:
    """Another page, through its link in the sidebar."""
    here = person.screen
    targets = [screen for screen in SCREENS if screen != here]
    target = rng.choices(targets, [GO_WEIGHTS[s] for s in targets])[0]
    if person is walk.trainer and here != "train" and walk.lure_to_train \
            and any(not _in_store(walk.server.runs, run_id) for run_id in walk.trained):
        walk.lure_to_train = False  # the run this person trained is gone: back to Train (once), which shows its outcome
        target = "train" if rng.random() < 0.7 else target
    link, heading = SCREENS[target]
    person.page.locator("[data-testid='stSidebarNav']").get_by_text(link, exact=True).first.click()
    person.page.get_by_role("heading", name=heading).first.wait_for(timeout=APP_TIMEOUT_MS)
    return f"go to {link}"


def reload(person: Person, rng: random.Random, walk) -> str:
    """The browser's reload: a new session on the same URL."""
    person.page.reload()
    person.page.get_by_role("heading", name=SCREENS.get(person.screen, ("", "Autoencoder Lab"))[1]).first.wait_for(
        timeout=APP_TIMEOUT_MS)
    return "reload"


def _choose_option(page, box, wanted: str | None, rng: random.Random) -> str:
    """Open the select ``box`` (an ``stSelectbox``) and click an option: one matching the pattern
    ``wanted``, else a random one other than the chosen one; returns its text."""
    field = box.get_by_role("combobox").first
    current = field.input_value()
    # The list closes when the page scrolls (react-aria): the box to the middle of the window
    # first, so that neither the click on it nor the click on an option has to scroll.
    field.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(100)
    field.click()
    options = page.get_by_role("option")
    options.first.wait_for(timeout=ACTION_TIMEOUT_MS)
    texts = options.all_inner_texts()
    if wanted is not None:
        picks = [i for i, text in enumerate(texts) if re.search(wanted, text)]
    else:
        picks = [i for i, text in enumerate(texts) if text.strip() and text.strip() != current.strip()]
    if not picks:
        page.keyboard.press("Escape")
        options.first.wait_for(state="detached", timeout=ACTION_TIMEOUT_MS)
        raise Skip("no such option")
    index = rng.choice(picks)
    options.nth(index).click()
    return texts[index]


def pick_run(person: Person, rng: random.Random, walk) -> str:
    """Another run in the sidebar's Current run box."""
    page = person.page
    box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Current run").first
    if box.count() == 0:
        raise Skip("no run picker")
    chosen = _choose_option(page, box, None, rng)
    return f"pick run {_short(chosen)}"


def slider(person: Person, rng: random.Random, walk) -> str:
    """A slider of the page moved with the keyboard (the first one more often than the others)."""
    page = person.page
    sliders = page.locator("[data-testid='stMain'] [data-testid='stSlider']")
    count = sliders.count()
    if count == 0:
        raise Skip("no slider")
    index = 0 if count == 1 or rng.random() < 0.6 else rng.randrange(count)
    box = sliders.nth(index)
    box.scroll_into_view_if_needed()
    label = box.inner_text().split("\n")[0].strip()
    # a handle, not a locator: the fragment's rerun may replace the slider (or put an error in its
    # place) before the value is read back
    thumb = box.locator("input[type='range']").first.element_handle(timeout=ACTION_TIMEOUT_MS)
    value = "el => el.value"
    before = thumb.evaluate(value)
    key = rng.choice(["ArrowRight", "ArrowLeft"])
    presses = rng.randint(1, 3)
    thumb.focus()
    for _ in range(presses):
        page.keyboard.press(key)
    after = thumb.evaluate(value)
    if after == before:  # at the end of its range: the other way
        key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
        for _ in range(presses):
            page.keyboard.press(key)
        after = thumb.evaluate(value)
    if after == before:
        raise Skip(f"slider {label} does not move")
    return f"slider {label!r} {before} → {after}"


def click_map(person: Person, rng: random.Random, walk) -> str:
    """A click inside the first Plotly map: on a held-out image's point on Embedding, anywhere on
    the Latent explorer's map."""
    page = person.page
    if person.screen not in ("embedding", "latent"):
        raise Skip("no map here")
    plot = page.locator("[data-testid='stMain'] .js-plotly-plot").first
    if page.locator("[data-testid='stMain'] .js-plotly-plot").count() == 0:
        raise Skip("no map drawn")
    plot.scroll_into_view_if_needed()
    index = page.evaluate("(el) => [...document.querySelectorAll('.js-plotly-plot')].indexOf(el)",
                          plot.element_handle())
    if person.screen == "embedding":
        point = page.evaluate(RANDOM_POINT, [index, rng.random()])
        what = "a point of the embedding map"
    else:
        ranges = page.evaluate(AXIS_RANGES, index)
        if ranges is None:
            raise Skip("map without axes")
        (x0, x1), (y0, y1) = ranges
        fx, fy = rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9)
        point = page.evaluate(POINT_AT, [index, x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)])
        what = f"the latent map at ({fx:.2f}, {fy:.2f}) of its extent"
    if point is None:
        raise Skip("no point to click")
    page.mouse.click(*point)
    return f"click {what}"


def delete(person: Person, rng: random.Random, walk) -> str:
    """On Runs: choose a run (most often the one the other person's page shows, else one trained
    in this walk, else any), then Delete this run → Delete."""
    page = person.page
    if person.screen != "runs":
        raise Skip("not on Runs")
    box = page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").filter(
        has=page.get_by_text("Run", exact=True)).first
    if box.count() == 0:
        raise Skip("no run to delete")
    other = walk.other(person).shown_run()
    trained = [run_id for run_id in walk.trained if _in_store(walk.server.runs, run_id)]
    draw = rng.random()
    if other and draw < 0.6:
        wanted = re.escape(other)
    elif trained and draw < 0.85:
        wanted = re.escape(rng.choice(trained))
    else:
        wanted = RUN_ID.pattern
    current = box.get_by_role("combobox").first.input_value()
    mark = person.started
    try:
        chosen = _choose_option(page, box, wanted, rng)
    except Skip:
        chosen = _choose_option(page, box, RUN_ID.pattern, rng)
    run_ids = RUN_ID.findall(chosen)
    if not run_ids:
        raise Skip("no run id in the option")
    person.settle(mark, expect_answer=chosen.strip() != current.strip())
    # the run the box shows now: not the one clicked if that one was gone when the page reran
    run_ids = RUN_ID.findall(box.get_by_role("combobox").first.input_value()) if box.count() else []
    if not run_ids:
        return f"choose {_short(chosen)} to delete: no run left to choose"
    page.get_by_role("button", name="Delete this run").click()
    body = page.locator("[data-testid='stPopoverBody']").last
    body.get_by_role("button", name="Delete", exact=True).wait_for()
    named = RUN_ID.findall(body.inner_text()) or run_ids  # the run the popover asks about
    run_id = named[-1]
    mark = person.started
    body.get_by_role("button", name="Delete", exact=True).click()
    person.settle(mark)
    moved = {moved_id for alert in person.alerts() if "to the trash" in alert for moved_id in RUN_ID.findall(alert)}
    if moved and run_id not in moved:
        raise AssertionError(f"the popover asked to delete run {run_id}; the app moved {', '.join(sorted(moved))} "
                             "to the trash instead")
    whose = (" (the run the other person is looking at)" if run_id == other
             else " (trained in this walk)" if run_id in trained else "")
    return f"delete {run_id}{whose}" + ("" if moved else f", which the app did not move (alerts: {person.alerts()})")


def restore(person: Person, rng: random.Random, walk) -> str:
    """On Runs: Restore one of the runs in this session's trash."""
    page = person.page
    buttons = page.locator("[data-testid='stMain'] button").filter(has_text=re.compile(r"Restore$"))
    if person.screen != "runs" or buttons.count() == 0:
        raise Skip("nothing to restore")
    index = rng.randrange(buttons.count())
    button = buttons.nth(index)
    row = button.evaluate("b => { let e = b; for (let i = 0; i < 8 && e; i++) { e = e.parentElement;"
                          " if (e && e.getAttribute('data-testid') === 'stHorizontalBlock') return e.innerText; }"
                          " return ''; }")
    button.click()
    run_ids = RUN_ID.findall(row)
    return f"restore {run_ids[0] if run_ids else '?'}"


def empty_trash(person: Person, rng: random.Random, walk) -> str:
    """On Runs: Empty the trash (deletes this session's trashed runs for good)."""
    page = person.page
    button = page.get_by_role("button", name="Empty the trash")
    if person.screen != "runs" or button.count() == 0:
        raise Skip("no trash")
    button.click()
    page.get_by_text("for good").first.wait_for(timeout=APP_TIMEOUT_MS)
    return "empty the trash"


def open_fitting(person: Person, rng: random.Random, walk) -> str:
    """A result screen that cannot show the current run offers the newest run that fits."""
    button = person.page.get_by_role("button", name=re.compile(r"^Open the newest"))
    if button.count() == 0:
        raise Skip("no such button")
    button.first.click()
    return "open the newest fitting run"


def train(person: Person, rng: random.Random, walk) -> str:
    """On Train: the digits, 1 or 2 epochs, Train; waits for the job to end (so no training of
    one walk runs on into the next)."""
    page = person.page
    if person.screen != "train" or walk.trains_left <= 0:
        raise Skip("not on Train, or trained already")
    if page.get_by_role("button", name="Stop training").count() or page.get_by_text("Waiting:").count():
        raise Skip("a training is under way")
    walk.trains_left -= 1
    dataset = page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").filter(has_text="Dataset").first
    if not dataset.get_by_role("combobox").first.input_value().startswith("digits:"):
        mark = person.started
        _choose_option(page, dataset, r"^digits:", rng)
        person.settle(mark)
    epochs = rng.randint(1, 2)
    mark = person.started
    page.get_by_label("Epochs", exact=True).fill(str(epochs))
    page.get_by_label("Epochs", exact=True).press("Enter")
    person.settle(mark, expect_answer=False)
    page.get_by_role("button", name="Train", exact=True).click()
    started = time.monotonic()
    shown = False  # the job (or the reused run) has shown in the page
    while time.monotonic() - started < TRAIN_SECONDS:
        page.wait_for_timeout(250)
        text = page.inner_text("[data-testid='stMain']")
        if "trained before" in text or "not queued again" in text:
            return f"train digits × {epochs} epochs: trained or queued before"
        if "See the results" in text or "nothing was saved" in text or page.locator("[data-testid='stException']").count():
            walk.trained.extend(run_id for run_id in set(RUN_ID.findall(text)) if run_id not in walk.server.run_ids.values())
            walk.trainer = person
            return f"train digits × {epochs} epochs ({time.monotonic() - started:.1f} s)"
        shown = shown or bool(page.get_by_role("button", name="Stop training").count() or "Waiting:" in text)
        if not shown and time.monotonic() - started > 15:
            raise AssertionError("15 s after the click on Train, no training and no message showed")
    raise AssertionError(f"the training did not end within {TRAIN_SECONDS} s")


# the actions, and how often each is picked where it is available
ACTIONS = {
    "go": (go, 3),
    "reload": (reload, 0.5),
    "pick_run": (pick_run, 0.8),
    "slider": (slider, 4),
    "click_map": (click_map, 2.5),
    "delete": (delete, 6),
    "restore": (restore, 1.5),
    "empty_trash": (empty_trash, 2),
    "open_fitting": (open_fitting, 1),
    "train": (train, 4),
}
AVAILABLE = {  # what each screen offers (go, reload and pick_run are everywhere)
    "": (), "train": ("slider", "train"), "embedding": ("click_map", "slider"),
    "denoising": ("slider",), "superres": ("slider",), "latent": ("slider", "click_map"),
    "runs": ("delete", "restore", "empty_trash"),
}
RESULT_SCREENS = ("embedding", "denoising", "superres", "latent")
PRESSED_BOOST = 3  # a person whose run another has just deleted moves a slider or clicks a map this much more often


# --- the walk -------------------------------------------------------------------------------------


class Walk:
    def __init__(self, seed: int, server, people: list[Person]):
        self.seed, self.server, self.people = seed, server, people
        self.rng = random.Random(seed)
        self.trains_left = TRAINS_PER_WALK
        self.trained: list[str] = []  # runs trained in this walk
        self.trainer: Person | None = None  # who trained them
        self.lure_to_train = True
        self.pressed: Person | None = None  # whose page shows a run another person has just deleted
        self.trail: list[str] = []
        self.log_start = len(server.log())

    def other(self, person: Person) -> Person:
        return next(p for p in self.people if p is not person)

    def fail(self, step: int, person: Person, what: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shots = []
        for p in self.people:
            path = ARTIFACTS / f"walk_{self.seed}_{step}_{p.name}.png"
            try:
                p.page.screenshot(path=str(path), full_page=True)
                shots.append(str(path.relative_to(ROOT)))
            except Exception as exc:  # a page that cannot be drawn any more: say so, fail anyway
                shots.append(f"({p.name}: no screenshot, {type(exc).__name__})")
        trail = "\n  ".join(self.trail[-12:])
        pytest.fail(f"walk seed {self.seed} (replay with AEMODELS_WALK_SEEDS={self.seed}), step {step}, "
                    f"{person.name} on /{person.screen}: {what}\nlast steps:\n  {trail}\nscreenshots: {', '.join(shots)}",
                    pytrace=False)

    def check(self, step: int, person: Person, answered: bool) -> None:
        """The page of ``person`` after its action, and the server's log."""
        page = person.page
        log = self.server.log()[self.log_start:]
        if page.locator("[data-testid='stException']").count():
            first = page.locator("[data-testid='stException']").first.inner_text().strip().splitlines()
            logged = f"; the server log: {traceback_summary(log)}" if "Traceback" in log else ""
            self.fail(step, person, f"an exception box: {first[0] if first else ''}{logged}")
        body = page.inner_text("body")
        if "Traceback" in body:
            at = body.index("Traceback")
            self.fail(step, person, f"a traceback in the page: {body[at:at + 400]}")
        if "Traceback" in log:
            self.fail(step, person, f"a traceback in the server log: {traceback_summary(log)}\n"
                                    f"{ANSI.sub('', log[log.index('Traceback'):])[:4000]}")
        if not answered:  # the page was not redrawn: it may show what another person has deleted since
            return
        alerts = person.alerts()
        for run_id in person.captioned_runs():
            if _in_store(self.server.runs, run_id):
                continue
            if not any(run_id in alert or SAYS_GONE.search(alert) for alert in alerts):
                where = "in the trash" if (self.server.runs / ".trash" / run_id).is_dir() else "deleted for good"
                self.fail(step, person, f"the page shows run {run_id}, which is not in the store ({where}), "
                                        f"and no alert says so (alerts: {alerts})")

    def choose(self, person: Person) -> list[str]:
        """The actions open to ``person`` now, in a random order weighted by ``ACTIONS``."""
        names = ["go", "reload", "pick_run", "open_fitting", *AVAILABLE.get(person.screen, ())]
        if person.screen not in RESULT_SCREENS:
            names.remove("open_fitting")
        weights = [ACTIONS[name][1] for name in names]
        if person is self.pressed:  # the run on its screen has just gone: a move that makes the screen read it again
            weights = [w * PRESSED_BOOST if name in ("slider", "click_map") else w for name, w in zip(names, weights)]
        order = []
        while names:
            index = self.rng.choices(range(len(names)), weights)[0]
            order.append(names.pop(index))
            weights.pop(index)
        return order

    def step(self, step: int, person: Person) -> None:
        from playwright.sync_api import Error as PlaywrightError

        started = time.monotonic()
        held = {path.name for path in self.server.runs.iterdir() if RUN_ID.fullmatch(path.name)}
        for name in self.choose(person):
            before = person.started
            try:
                done = ACTIONS[name][0](person, self.rng, self)
            except Skip:
                continue
            except (PlaywrightError, AssertionError) as exc:
                self.trail.append(f"{step:2d} {person.name} /{person.screen}: {name} failed")
                self.check(step, person, answered=True)  # an exception box explains it best
                self.fail(step, person, f"action {name} failed: {str(exc).splitlines()[0]}")
            try:
                person.settle(before)
            except (PlaywrightError, AssertionError) as exc:
                self.check(step, person, answered=True)
                self.fail(step, person, f"the page did not settle after {done}: {str(exc).splitlines()[0]}")
            answered = person.started > before
            line = f"{step:2d} {person.name} /{person.screen}: {done} ({time.monotonic() - started:.1f} s)"
            if not answered:
                line += " [no answer from the server]"
            self.trail.append(line)
            print(f"  {line}", flush=True)
            self.check(step, person, answered)
            other = self.other(person)
            shown = other.shown_run()  # as the other's page (not redrawn since) still shows it
            self.pressed = other if shown in held and not _in_store(self.server.runs, shown) else None
            return
        self.trail.append(f"{step:2d} {person.name} /{person.screen}: nothing to do")


@pytest.mark.parametrize("seed", SEEDS)
def test_random_walk_of_two_people(walk_server, chromium, seed):
    print(f"\nwalk seed {seed}: replay with AEMODELS_WALK_SEEDS={seed}", flush=True)
    _reset_store(walk_server.runs, walk_server.pristine)
    contexts = [chromium.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    try:
        people = [Person(name, context, walk_server.url) for name, context in zip(("ann", "bob"), contexts)]
        walk = Walk(seed, walk_server, people)
        for person in people:
            person.open()
            walk.check(0, person, answered=True)
        started = time.monotonic()
        steps = 0
        for steps in range(1, STEPS + 1):
            if time.monotonic() - started > WALK_SECONDS:
                print(f"  walk seed {seed}: stopped after {steps - 1} steps, the {WALK_SECONDS:.0f} s were up")
                steps -= 1
                break
            # mostly in turn, sometimes the same person twice; the one whose run was just deleted next
            person = people[steps % 2] if walk.rng.random() < 0.8 else walk.rng.choice(people)
            person = walk.pressed or person
            walk.step(steps, person)
        errors = [f"{p.name}: {e}" for p in people for e in p.errors]
        print(f"walk seed {seed}: {steps} steps in {time.monotonic() - started:.1f} s"
              + (f"; browser errors (not failed on): {errors}" if errors else ""), flush=True)
    finally:
        for context in contexts:
            context.close()


def _short(text: str) -> str:
    run_ids = RUN_ID.findall(text)
    return run_ids[-1] if run_ids else text.strip()[:40]
