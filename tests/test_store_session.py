"""The session's store is built once and read once per script run; the cache key of a run's data
names whose run it is."""

from __future__ import annotations

from collections import Counter

import pytest

from aemodels.store.runs import RunStore
from aemodels.store.visitors import Limits, VisitorStore
from tests.apptest import open_page


@pytest.fixture
def counted(monkeypatch) -> Counter:
    """Counts of the store's constructor, listings and one-folder reads (the real methods run)."""
    counts: Counter = Counter()
    for name, label in (("__init__", "stores built"), ("list", "listings"), ("_read", "run folders read")):
        real = getattr(RunStore, name)

        def wrapper(*args, _real=real, _label=label, **kwargs):
            counts[_label] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(RunStore, name, wrapper)
    return counts


@pytest.mark.parametrize("page", ["pages/embedding.py", "pages/latent.py", "pages/runs.py"])
def test_a_warm_rerun_builds_no_store_and_lists_it_once(home_with_runs, counted, page):
    _, run_ids = home_with_runs
    at = open_page(page, run_ids["dense-ae"])
    assert not at.exception
    counted.clear()
    at.run()
    assert not at.exception
    assert counted["stores built"] == 0
    assert counted["listings"] == 1
    assert counted["run folders read"] <= len(run_ids) + 1, counted  # the listing, and at most one export  # the listing, and at most one export


def test_a_run_deleted_meanwhile_is_found_gone_though_this_run_listed_it(home_with_runs):
    _, run_ids = home_with_runs
    at = open_page("pages/embedding.py", run_ids["dense-ae"])
    RunStore().delete(run_ids["dense-ae"])
    at.run()
    assert not at.exception
    assert any("is not in the store" in w.value for w in at.warning)


def test_a_run_is_keyed_on_the_store_that_holds_it(tmp_path):
    shared, mine, theirs = (RunStore(tmp_path / name) for name in ("shared", "mine", "theirs"))
    assert mine.key_of("20260101-000000-vae-000000") == str(mine.root)
    visitor = VisitorStore(shared, mine, Limits())
    other = VisitorStore(shared, theirs, Limits())
    run_id = "20260101-000000-vae-0a0b0c"
    (shared.root / run_id).mkdir()
    assert visitor.key_of(run_id) == other.key_of(run_id) == str(shared.root)  # one cache entry for all
    private_id = "20260101-000000-vae-0d0e0f"
    (theirs.root / private_id).mkdir()
    assert other.key_of(private_id) == str(theirs.root)
    assert visitor.key_of(private_id) == str(mine.root) != other.key_of(private_id)
    assert other.holds(private_id) and not visitor.holds(private_id)
