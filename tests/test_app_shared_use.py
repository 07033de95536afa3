"""Shared use: jobs belong to the browser, a job is not queued twice, a run that vanishes is said
in one line and never silently replaced, and the trash names its runs.

Fragment reruns (a slider move after another visitor deleted the run) need the browser:
``test_browser_shared.py``. Here AppTest reruns whole pages.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from aemodels.jobs.background import JobState, board
from aemodels.jobs.limiter import limiter
from aemodels.store.runs import RunStore
from tests.test_app_state import APP

RESULT_PAGES = {"pages/embedding.py": "vae", "pages/latent.py": "vae", "pages/denoising.py": "denoise",
                "pages/superres.py": "superres"}


def app(page: str, token: str | None = None, **params) -> AppTest:
    """``page`` in a session of the browser whose cookie holds ``token`` (None: a new browser)."""
    at = AppTest.from_file(APP, default_timeout=180)
    if token is not None:
        at.session_state["visitor_token"] = token
    for key, value in params.items():
        at.query_params[key] = value
    return at.switch_page(page).run()


def _wait(predicate, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "the board did not get there in time"
        time.sleep(0.05)


def _stop_buttons(at) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith("stop_")]


def _train(at, kind: str = "dense-ae", epochs: int = 3, latent: int | None = None) -> None:
    at.selectbox(key="kind").set_value(kind).run()
    at.number_input(key="epochs").set_value(epochs).run()
    if latent is not None:
        at.slider(key="latent").set_value(latent).run()
    at.button(key="train").click().run()


@pytest.fixture
def held_line():
    """The one training slot held by someone else: jobs queued meanwhile wait. Every job left is
    stopped afterwards."""
    with limiter().slot("someone-else"):
        yield
        for job in board().unfinished():
            job.stop()
    _wait(lambda: not board().unfinished())


def test_a_browser_sees_its_jobs_in_every_tab_and_after_a_reload(home, held_line):
    first = app("pages/train.py", token="browser-a" * 4, dataset="digits")
    _train(first)
    job_id = _stop_buttons(first)[0]
    reloaded = app("pages/train.py", token="browser-a" * 4, dataset="digits")  # a reload: a new session
    assert _stop_buttons(reloaded) == [job_id]
    assert any("waiting for its turn" in c.value for c in reloaded.sidebar.caption)
    stranger = app("pages/train.py", token="browser-b" * 4, dataset="digits")
    assert _stop_buttons(stranger) == []
    assert not any("waiting for its turn" in c.value for c in stranger.sidebar.caption)
    reloaded.button(key=job_id).click().run()  # Cancel from the other tab
    _wait(lambda: board().get(job_id[len("stop_"):]).finished)
    assert board().get(job_id[len("stop_"):]).state is JobState.STOPPED


def test_the_same_training_is_not_queued_twice_and_queued_jobs_say_what_they_are(home, held_line):
    at = app("pages/train.py", dataset="digits")
    _train(at, latent=2)
    _train(at, latent=4)
    at.button(key="train").click().run()  # latent 4 again
    unfinished = board().unfinished()
    assert sorted(job.config.latent_dim for job in unfinished) == [2, 4]
    assert any("already waiting for its turn, yours: it was not queued again" in s.value for s in at.success)
    _wait(lambda: {job.place for job in unfinished} == {1, 2})
    at.run()
    waiting = [i.value for i in at.info if i.value.startswith("Waiting")]
    assert any("dense-ae, code 2 on digits is next" in text for text in waiting), waiting
    assert any("dense-ae, code 4 on digits has 1 training ahead of it" in text for text in waiting), waiting


@pytest.mark.parametrize("page", RESULT_PAGES)
def test_a_run_deleted_elsewhere_is_said_in_one_line_and_not_replaced(home_with_runs, page):
    path, runs = home_with_runs
    run_id = runs[RESULT_PAGES[page]]
    at = app(page, run=run_id)
    assert not at.exception and not [w for w in at.warning if "not in the store" in w.value]
    RunStore(path / "runs").delete(run_id)  # another visitor, for good
    at.run()
    assert not at.exception, at.exception
    assert [w.value for w in at.warning if run_id in w.value and "is not in the store" in w.value]
    assert at.query_params["run"] == run_id  # not silently replaced by another run
    assert any(link.proto.label == "Open Runs" for link in at.main.get("page_link"))


def test_a_run_moved_to_the_trash_elsewhere_points_to_its_restore(home_with_runs):
    path, runs = home_with_runs
    at = app("pages/denoising.py", run=runs["denoise"])
    RunStore(path / "runs").trash(runs["denoise"])
    at.run()
    assert not at.exception
    assert any("was moved to the trash" in w.value and "restore it on Runs" in w.value for w in at.warning)


def test_the_trash_lists_runs_by_name(home_with_runs):
    path, runs = home_with_runs
    RunStore(path / "runs").set_words(runs["vae"], "my first vae", "")
    at = app("pages/runs.py", run=runs["vae"])
    at.selectbox(key="one_run").set_value(runs["vae"]).run()
    at.button(key=f"delete_{runs['vae']}").click().run()
    assert not at.exception
    trash = [t.value for t in at.text]
    assert any(text.startswith("my first vae: vae on") for text in trash), trash


def test_every_point_of_the_latent_map_is_within_the_sliders_reach():
    """A plain autoencoder's codes skewed to one side: the decoded grid (mean ± 2.5 s.d.) reaches
    past the codes' own range, and the sliders reach it too, so a click there is not clamped."""
    from aemodels.ui.latent import grid_extent, slider_scales

    rng = np.random.default_rng(0)
    codes = np.stack([rng.exponential(6.0, 2000) - 3.0, rng.normal(0.0, 1.0, 2000)], axis=1).astype(np.float32)
    x0, x1, y0, y1 = grid_extent(codes)
    assert x0 < codes[:, 0].min()  # the map reaches past the codes on the left
    for variational in (False, True):
        scales = slider_scales(codes, variational)
        assert scales[0].low <= x0 and scales[0].high >= x1, (scales[0], (x0, x1))
        assert scales[1].low <= y0 and scales[1].high >= y1, (scales[1], (y0, y1))
        assert scales[0].snap(x0 + 1e-3) == pytest.approx(x0, abs=scales[0].step)


def test_the_sidebar_names_the_run_a_screen_falls_back_to_from_its_first_draw(home_with_runs, monkeypatch):
    """With no run chosen, Denoising shows the newest denoiser: the sidebar is drawn naming it at
    once (it used to say "Pick a run" until the page, models and all, had finished)."""
    from aemodels.ui import sidebar

    drawn: list[tuple] = []
    draw = sidebar.draw

    def recording(slot):
        drawn.append(sidebar.shown_state())
        return draw(slot)

    monkeypatch.setattr(sidebar, "draw", recording)
    _, runs = home_with_runs
    at = app("pages/denoising.py")
    assert not at.exception
    assert at.query_params["run"] == runs["denoise"]
    assert drawn and all(run == runs["denoise"] for _, run in drawn), drawn
    assert any("No run was chosen: showing the newest denoise run" in c.value for c in at.caption)


def test_the_latent_sliders_take_their_start_through_the_session_state(home_with_runs, monkeypatch):
    """A click on the map sets z1 and z2 through the session state; a slider also given a default
    value makes Streamlit log "created with a default value but also had its value set via the
    Session State API", with a stack, in the server log. So the sliders get no default value."""
    from streamlit.elements.lib import policies

    from aemodels.ui.session import LATENT_ENDS

    defaults: dict[str, object] = {}
    check = policies.check_session_state_rules

    def recording(default_value, key, writes_allowed=True):
        if key in ("z1", "z2"):
            defaults[key] = default_value
        return check(default_value=default_value, key=key, writes_allowed=writes_allowed)

    monkeypatch.setattr(policies, "check_session_state_rules", recording)
    _, runs = home_with_runs
    at = app("pages/latent.py", run=runs["vae"])
    at.session_state["z1"] = 0.5  # what the map's click callback does
    at.session_state[LATENT_ENDS.name] = [(0.5, 0.0)]
    at.run()
    assert not at.exception
    assert at.slider(key="z1").value == 0.5
    assert defaults == {"z1": None, "z2": None}, defaults


def test_a_finished_jobs_run_deleted_since_is_said_on_train_and_no_longer_offered(home):
    at = app("pages/train.py", dataset="digits")
    _train(at, epochs=1)
    _wait(lambda: not board().unfinished(), seconds=300)
    at.run()
    offered = [link.proto.query_string for link in at.sidebar.get("page_link")
               if link.proto.label == "Open the new run"]
    assert len(offered) == 1
    run_id = offered[0].split("run=")[1].split("&")[0]
    RunStore().delete(run_id)  # another tab, for good
    at.run()
    assert not at.exception, at.exception
    assert any(f"Run {run_id} has since left the store" in c.value for c in at.caption)
    assert not [link for link in at.sidebar.get("page_link") if link.proto.label == "Open the new run"]


def test_a_delete_clicked_on_a_run_trashed_meanwhile_trashes_no_other_run(home_with_runs):
    """The other person trashed the run this page still offers to delete: the click deletes
    nothing (it used to land on the run the list fell back to), and the page says where it went."""
    path, runs = home_with_runs
    gone = runs["superres"]
    at = app("pages/runs.py", run=gone)
    at.selectbox(key="one_run").set_value(gone).run()
    stale = next(b for b in at.button if b.key and b.key.startswith("delete_"))
    RunStore(path / "runs").trash(gone)  # the other person, meanwhile
    stale.click().run()
    assert not at.exception
    assert {info.run_id for info in RunStore(path / "runs").list()} == set(runs.values()) - {gone}
    assert any(gone in w.value and "moved to the trash" in w.value for w in at.warning)
