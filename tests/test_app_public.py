"""AppTest of public mode: shared runs offer no Delete to a visitor, the owner signs in with the
password from the secrets, and without a password nobody is offered the owner's actions."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from aemodels.store.runs import RunStore
from tests.apptest import APP, TIMEOUT

PAGE = "pages/runs.py"


@pytest.fixture
def public_home(home_with_runs, monkeypatch):
    monkeypatch.setenv("AEMODELS_PUBLIC", "1")
    return home_with_runs


def _runs_page(run_id: str, secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    at.query_params["run"] = run_id
    return at.switch_page(PAGE).run()


def _captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_a_visitor_cannot_delete_a_shared_run(public_home):
    _, run_ids = public_home
    at = _runs_page(run_ids["vae"])
    assert not at.exception and not at.error
    assert "A shared run of this public app: read-only." in _captions(at)
    assert not [b for b in at.button if b.key and b.key.startswith("delete_")]
    assert "Public app: the shared runs are read-only" in " ".join(c.value for c in at.sidebar.caption)
    assert not [t for t in at.text_input if t.key == "owner_password"]  # no password set: no owner panel


def test_the_owner_signs_in_with_the_password_and_may_delete(public_home):
    _, run_ids = public_home
    at = _runs_page(run_ids["vae"], {"aemodels": {"owner_password": "correct horse"}})
    at.text_input(key="owner_password").input("wrong").run()
    at.button(key="owner_sign_in").click().run()
    assert any("not the owner's password" in e.value for e in at.error)
    assert not [b for b in at.button if b.key and b.key.startswith("delete_")]
    at.text_input(key="owner_password").input("correct horse").run()
    at.button(key="owner_sign_in").click().run()
    assert not at.exception
    assert "Signed in as the owner" in " ".join(c.value for c in at.sidebar.caption)
    at.button(key=f"delete_{run_ids['vae']}").click().run()
    assert not at.exception
    assert run_ids["vae"] not in {info.run_id for info in RunStore().list()}


def test_outside_public_mode_everything_is_as_before(home_with_runs):
    _, run_ids = home_with_runs
    at = _runs_page(run_ids["vae"])
    assert [b for b in at.button if b.key == f"delete_{run_ids['vae']}"]
    assert "Public app" not in " ".join(c.value for c in at.sidebar.caption)
