"""Public mode without Streamlit: shared runs read-only to visitors, each visitor's store private,
limits with one-line messages, and ended sessions' stores swept."""

from __future__ import annotations

import os
import time

import pytest

from aemodels.errors import RunStoreError
from aemodels.store import visitors
from aemodels.store.runs import RunStore


def _visitor(name: str, owner: bool = False, **limits) -> visitors.VisitorStore:
    return visitors.VisitorStore(RunStore(), visitors.private_store(name, f"{name}-tab"), visitors.Limits(**limits), owner)


def test_a_visitor_sees_the_shared_runs_and_only_their_own(home_with_runs):
    _, run_ids = home_with_runs
    alice, bob = _visitor("session-a"), _visitor("session-b")
    exported = alice.export_zip(run_ids["vae"])
    RunStore().delete(run_ids["vae"])  # so that Alice's import is a run of her own, not a shared one
    mine = alice.import_zip(exported, "vae.zip")
    assert mine in {info.run_id for info in alice.list()}
    assert mine not in {info.run_id for info in bob.list()}
    with pytest.raises(RunStoreError):
        bob.get(mine)
    shared = {info.run_id for info in RunStore().list()}
    assert shared <= {info.run_id for info in bob.list()} and mine not in shared
    assert alice.load_bundle(mine).config.model == "vae"


def test_a_run_in_another_visitors_store_is_known_as_theirs_not_as_deleted(home_with_runs):
    _, run_ids = home_with_runs
    alice, bob = _visitor("session-a"), _visitor("session-b")
    exported = alice.export_zip(run_ids["vae"])
    RunStore().delete(run_ids["vae"])
    mine = alice.import_zip(exported, "vae.zip")
    assert bob.held_by_another_visitor(mine) and not alice.held_by_another_visitor(mine)
    assert not bob.held_by_another_visitor("20200101-000000-vae-abcdef")
    assert not bob.held_by_another_visitor("../../etc")


def test_shared_runs_are_read_only_except_for_the_owner(home_with_runs):
    _, run_ids = home_with_runs
    visitor = _visitor("session-a")
    assert visitor.is_shared(run_ids["dense-ae"]) and not visitor.can_change(run_ids["dense-ae"])
    with pytest.raises(RunStoreError, match="shared runs: visitors cannot delete it"):
        visitor.delete(run_ids["dense-ae"])
    assert RunStore().get(run_ids["dense-ae"]).broken is None
    owner = _visitor("session-o", owner=True)
    assert owner.can_change(run_ids["dense-ae"]) and owner.root == RunStore().root
    owner.delete(run_ids["dense-ae"])
    assert run_ids["dense-ae"] not in {info.run_id for info in RunStore().list()}


def test_a_visitor_keeps_at_most_the_allowed_runs(home_with_runs):
    _, run_ids = home_with_runs
    visitor = _visitor("session-a", runs_per_visitor=1)
    zips = [visitor.export_zip(run_ids[kind]) for kind in ("vae", "superres")]
    for kind in ("vae", "superres"):
        RunStore().delete(run_ids[kind])
    visitor.import_zip(zips[0], "one.zip")
    with pytest.raises(visitors.LimitReached, match="1 of the 1 runs a visitor may keep"):
        visitor.import_zip(zips[1], "two.zip")
    assert len(visitor.private.list()) == 1


def test_a_training_too_big_for_the_public_queue_is_refused():
    limits = visitors.Limits(image_epochs=100_000)
    visitors.check_training_size(10, 8_000, limits)
    with pytest.raises(visitors.LimitReached, match="Choose at most 12 epochs"):
        visitors.check_training_size(20, 8_000, limits)


def test_ended_sessions_and_idle_ones_are_swept_and_the_quota_evicts_the_oldest(home):
    for name in ("ended", "alive", "idle", "old-but-alive"):
        visitors.private_store(f"token-{name}", name)
    root = visitors.visitors_root()
    folders = {p.read_text(): p.parent for p in root.glob(f"*/{visitors.SESSION_FILE}")}
    long_ago = time.time() - 13 * 3600
    os.utime(folders["idle"] / visitors.SESSION_FILE, (long_ago, long_ago))
    removed = visitors.sweep(lambda session: session != "ended", visitors.Limits())
    assert sorted(removed) == sorted(folders[name].name for name in ("ended", "idle"))
    assert not folders["ended"].exists() and folders["alive"].exists()
    # Over the quota, the least recently seen goes first.
    (folders["alive"] / "runs" / "weights.bin").write_bytes(b"x" * 700_000)
    (folders["old-but-alive"] / "runs" / "weights.bin").write_bytes(b"x" * 700_000)
    an_hour_ago = time.time() - 3600
    os.utime(folders["old-but-alive"] / visitors.SESSION_FILE, (an_hour_ago, an_hour_ago))
    removed = visitors.sweep(lambda session: True, visitors.Limits(private_quota_mb=1))
    assert removed == [folders["old-but-alive"].name] and folders["alive"].exists()


def test_a_reload_is_the_same_visitor_and_the_store_lives_while_one_of_its_sessions_does(home):
    first = visitors.private_store("browser-token", "tab-1")
    second = visitors.private_store("browser-token", "tab-2")  # a reload, or a second tab
    assert first.root == second.root
    other = visitors.private_store("other-browser", "tab-3")
    assert other.root != first.root
    assert visitors.sweep(lambda session: session == "tab-2", visitors.Limits()) == [other.root.parent.name]
    assert first.root.exists() and not other.root.exists()
    assert visitors.sweep(lambda session: False, visitors.Limits()) and not first.root.exists()
