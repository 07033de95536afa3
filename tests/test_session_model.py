"""The session model: every session entry declared once with its owner and lifetime, reruns only
where no widget callback can do the job, and each screen's words in one table."""

from __future__ import annotations

import re
from pathlib import Path

from aemodels.kinds import Screen
from aemodels.ui import screens, session

ROOT = Path(__file__).resolve().parent.parent
APP_CODE = sorted([*ROOT.glob("aemodels/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"])
LIFETIMES = ("session", "screen", "next run", "one script run")
# The reruns left: a fragment (a map click, a poll) whose change must redraw the whole page.
RERUNS_ALLOWED = {"aemodels/ui/latent.py": 1, "aemodels/ui/training.py": 2}


def _declared():
    return [value for value in vars(session).values() if isinstance(value, (session.Entry, session.Entries))]


def _source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_only_the_session_module_touches_session_state():
    touching = [str(path.relative_to(ROOT)) for path in APP_CODE
                if "session_state" in _source(path) and path.name != "session.py"]
    assert touching == []


def test_every_entry_has_one_name_an_owner_that_exists_and_a_lifetime():
    declared = _declared()
    patterns = [getattr(entry, "name", None) or getattr(entry, "pattern") for entry in declared]
    assert len(declared) > 30 and len(patterns) == len(set(patterns))
    for entry in declared:
        owner = entry.owner
        path = ROOT / owner if owner.endswith(".py") else ROOT / "aemodels" / (owner.replace(".", "/") + ".py")
        assert path.exists(), f"{entry}: no module {owner}"
        assert entry.lifetime.startswith(LIFETIMES), entry


def test_each_entry_is_used_by_its_owner():
    for name, entry in vars(session).items():
        if isinstance(entry, (session.Entry, session.Entries)):
            owner = entry.owner
            path = ROOT / owner if owner.endswith(".py") else ROOT / "aemodels" / (owner.replace(".", "/") + ".py")
            assert f"session.{name}" in _source(path) or f"import {name}" in _source(path), (name, owner)


def test_reruns_only_where_a_callback_cannot_do_it():
    found = {}
    for path in APP_CODE:
        count = len(re.findall(r"\bst\.rerun\(", _source(path)))
        if count:
            found[str(path.relative_to(ROOT))] = count
    assert found == RERUNS_ALLOWED


def test_every_screen_has_its_words_in_one_table():
    files = {str(path.relative_to(ROOT)) for path in (ROOT / "pages").glob("*.py")}
    assert {page.file for page in screens.PAGES} == files
    assert {page.screen for page in screens.PAGES if page.screen} == set(Screen)
    for path in (ROOT / "pages").glob("*.py"):
        assert "st.title(" not in _source(path) and "show_heading(__file__)" in _source(path), path.name
    assert "st.Page(" not in _source(ROOT / "app.py")
