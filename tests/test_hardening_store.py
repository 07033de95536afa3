"""The training limiter, many sessions on one store, memory over many runs, and interrupted work.

- ``aemodels.jobs.limiter``: at most N trainings at once, FIFO line, place in line reported, released on
  errors (threads only, no Keras).
- Several sessions training at once through ``training_slot`` into one ``RunStore`` while another
  thread deletes runs: every surviving run loads, matches its config and holds its own weights.
- Ten tiny trainings in a row do not grow the process's memory without bound.
- Child processes saving and deleting runs are SIGKILLed at random moments: the store lists only
  whole runs. Hand-damaged run folders are listed as broken with a reason and can be deleted.
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from aemodels.errors import AemodelsError, ConfigError, RunStoreError
from aemodels.jobs.limiter import TrainingBusy, TrainingLimiter, max_training_jobs, training_slot

ROOT = Path(__file__).resolve().parent.parent


# --- the limiter ----------------------------------------------------------------------------


def _wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.005)


def test_max_training_jobs_reads_the_environment(monkeypatch):
    monkeypatch.delenv("AEMODELS_MAX_TRAINING_JOBS", raising=False)
    assert max_training_jobs() == 1
    monkeypatch.setenv("AEMODELS_MAX_TRAINING_JOBS", "3")
    assert max_training_jobs() == 3
    for bad in ("0", "-1", "two", "1.5", "1000"):
        monkeypatch.setenv("AEMODELS_MAX_TRAINING_JOBS", bad)
        with pytest.raises(ConfigError):
            max_training_jobs()


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_limiter_never_exceeds_its_limit_and_serves_in_arrival_order(limit):
    limiter = TrainingLimiter(limit)
    lock = threading.Lock()
    active, peak, admitted = [0], [0], []
    gate = threading.Event()

    def job(name):
        with limiter.slot(name, poll_seconds=0.05):
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
                admitted.append(name)
            gate.wait(5)
            time.sleep(0.01)
            with lock:
                active[0] -= 1

    threads = []
    for i in range(8):  # start one at a time so the arrival order is known
        thread = threading.Thread(target=job, args=(f"s{i}",))
        thread.start()
        threads.append(thread)
        _wait_for(lambda: len(limiter.running()) + len(limiter.waiting()) == i + 1)
    assert len(limiter.running()) == limit
    assert limiter.waiting() == [f"s{i}" for i in range(limit, 8)]
    gate.set()
    for thread in threads:
        thread.join(10)
    assert peak[0] == limit
    assert admitted[:limit] == [f"s{i}" for i in range(limit)]
    assert admitted[limit:] == [f"s{i}" for i in range(limit, 8)]
    assert limiter.running() == [] and limiter.waiting() == []


def test_waiting_callers_are_told_their_place_in_line():
    limiter = TrainingLimiter(1)
    told = {"b": [], "c": []}
    release_a = threading.Event()
    holding = threading.Event()

    def holder():
        with limiter.slot("a"):
            holding.set()
            release_a.wait(5)

    def waiter(name):
        with limiter.slot(name, on_wait=told[name].append, poll_seconds=0.05):
            time.sleep(0.02)

    a = threading.Thread(target=holder)
    a.start()
    holding.wait(5)
    b = threading.Thread(target=waiter, args=("b",))
    b.start()
    _wait_for(lambda: told["b"] == [1])
    c = threading.Thread(target=waiter, args=("c",))
    c.start()
    _wait_for(lambda: told["c"] == [2])
    assert limiter.position("a") == 0 and limiter.position("b") == 1 and limiter.position("c") == 2
    assert limiter.position("nobody") is None
    release_a.set()
    for thread in (a, b, c):
        thread.join(5)
    assert told == {"b": [1], "c": [2, 1]}


def test_slot_is_released_when_the_job_fails():
    limiter = TrainingLimiter(1)
    for _ in range(3):
        with pytest.raises(ZeroDivisionError):
            with limiter.slot("s"):
                1 / 0
    with pytest.raises(AemodelsError):
        with limiter.slot("s"):
            raise AemodelsError("stopped")
    assert limiter.running() == []
    with limiter.slot("next"):
        assert limiter.running() == ["next"]


def test_timeout_and_failing_callback_leave_the_line():
    limiter = TrainingLimiter(1)
    with limiter.slot("a"):
        with pytest.raises(TrainingBusy):
            with limiter.slot("b", timeout=0.1, poll_seconds=0.02):
                pass
        assert limiter.waiting() == []

        def boom(position):
            raise RuntimeError("the page went away")

        with pytest.raises(RuntimeError):
            with limiter.slot("c", on_wait=boom):
                pass
        assert limiter.waiting() == []
    with limiter.slot("d", timeout=0.1):  # the line is empty again
        assert limiter.running() == ["d"]


def test_training_slot_uses_the_environment_limit(monkeypatch):
    monkeypatch.setenv("AEMODELS_MAX_TRAINING_JOBS", "2")
    lock, active, peak = threading.Lock(), [0], [0]

    def job(i):
        with training_slot(f"env-{i}", poll_seconds=0.02):
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
            time.sleep(0.05)
            with lock:
                active[0] -= 1

    threads = [threading.Thread(target=job, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert peak[0] == 2


def test_jobs_module_does_not_import_streamlit():
    code = "import sys, aemodels.jobs.limiter; sys.exit('streamlit' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60).returncode == 0


# --- many sessions on one store ---------------------------------------------------------------


SESSION_CONFIGS = (
    {"model": "dense-ae", "latent_dim": 2, "epochs": 1, "seed": 1},
    {"model": "conv-ae", "latent_dim": 3, "epochs": 2, "seed": 2},
    {"model": "dense-vae", "latent_dim": 4, "epochs": 1, "seed": 3},
    {"model": "denoise", "epochs": 1, "seed": 4},
)


def _untrained_result(config):
    from aemodels.models.training import TrainResult
    from aemodels.tasks.registry import build_model

    return TrainResult(config, build_model(config, (28, 28, 1)), {"loss": [1.0]}, 0.0)


def _weights(model) -> list[np.ndarray]:
    return [np.asarray(w) for w in model.get_weights()]


def test_sessions_train_at_once_while_runs_are_deleted(home, monkeypatch):
    from aemodels.config import TrainConfig
    from aemodels.store.runs import RunStore
    from aemodels.tasks.training import train

    monkeypatch.setenv("AEMODELS_MAX_TRAINING_JOBS", "2")
    store = RunStore()
    errors, results, deleted, told = [], {}, set(), {}
    done = threading.Event()
    lock = threading.Lock()

    def session(index, settings):
        name = f"session-{index}"
        try:
            config = TrainConfig(train_images=200, batch_size=50, **settings)
            with training_slot(name, on_wait=lambda p: told.setdefault(name, []).append(p), poll_seconds=0.1):
                result = train(config)
            run_id = store.save(result, {"session": name})
            with lock:
                results[name] = (run_id, config, _weights(result.bundle.model))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(f"{name}: {type(exc).__name__}: {exc}")

    def deleter():
        """Saves throw-away runs and deletes them, and deletes session-1's run as soon as it appears."""
        spare = TrainConfig(model="dense-ae", latent_dim=1, epochs=1, seed=99)
        result = _untrained_result(spare)
        try:
            while not done.is_set():
                store.save(result, {})
                for info in store.list():
                    own = info.config is not None and info.config.seed == 99
                    if own or info.metrics.get("session") == "session-1":
                        try:
                            store.delete(info.run_id)
                            with lock:
                                deleted.add(info.run_id)
                        except RunStoreError:
                            pass  # another deleter may have won: fine
                time.sleep(0.05)
        except BaseException as exc:  # noqa: BLE001
            errors.append(f"deleter: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=session, args=(i, s)) for i, s in enumerate(SESSION_CONFIGS)]
    cleaner = threading.Thread(target=deleter)
    cleaner.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(240)
    deadline = time.monotonic() + 30  # the deleter's next pass takes session-1's run, however late it came
    while time.monotonic() < deadline and not ("session-1" in results and results["session-1"][0] in deleted):
        time.sleep(0.05)
    done.set()
    cleaner.join(30)
    assert not errors, "\n".join(errors)
    assert len(results) == len(SESSION_CONFIGS)
    assert told, "with 2 slots for 4 sessions someone should have waited"
    assert results["session-1"][0] in deleted

    listed = {info.run_id: info for info in store.list()}
    assert all(info.broken is None for info in listed.values())
    survivors = 0
    for name, (run_id, config, weights) in results.items():
        if run_id in deleted:
            assert run_id not in listed
            continue
        survivors += 1
        assert listed[run_id].config == config
        assert listed[run_id].metrics == {"session": name}  # nobody else's result
        loaded = store.load_bundle(run_id)
        assert loaded.config == config
        for a, b in zip(_weights(loaded.model), weights):
            np.testing.assert_array_equal(a, b)
    print(f"\nsessions: {len(results)} trained at once (2 slots), {len(deleted)} deletions, "
          f"{survivors} session runs survived and load")


def _vm_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    pytest.skip("no /proc/self/status")


def test_ten_runs_in_a_row_do_not_grow_memory_without_bound(home):
    import gc

    from aemodels.config import TrainConfig
    from aemodels.store.runs import RunStore
    from aemodels.tasks.training import train

    store = RunStore()
    rss = []
    for i in range(10):
        config = TrainConfig(model="dense-ae", latent_dim=2, epochs=1, train_images=100, batch_size=50, seed=i)
        with training_slot("rss"):
            result = train(config)
        run_id = store.save(result, {})
        store.load_bundle(run_id)
        store.delete(run_id)
        del result
        gc.collect()
        rss.append(_vm_rss_mb())
    first, last = rss[2] - rss[0], rss[-1] - rss[5]
    print(f"\nVmRSS MB over ten runs: {[round(r) for r in rss]}")
    # Keras keeps some per-model state; what matters is that it levels off.
    assert last < max(150.0, 3 * max(first, 0.0)), rss


# --- interrupted work -------------------------------------------------------------------------


# The child writes runs exactly as ``RunStore.save`` does (documents + ``_write``), but copies
# weights saved once by the parent instead of importing Keras: it starts in a fraction of a
# second, so it can be killed many times at random points of a save or a delete.
CHILD = r"""
import json, random, sys
from aemodels.store.run_folder import WEIGHTS_FILE
from aemodels.store.runs import RunStore

store = RunStore(sys.argv[1])
weights = open(sys.argv[2], "rb").read()
documents = json.loads(open(sys.argv[3]).read())
rng = random.Random(int(sys.argv[4]))
print("ready", flush=True)
while True:
    run_id = store._write("conv-ae", documents, lambda folder: (folder / WEIGHTS_FILE).write_bytes(weights))
    if rng.random() < 0.4:
        store.delete(run_id)
"""


def test_killed_saves_and_deletes_leave_only_whole_runs(tmp_path):
    from aemodels.config import TrainConfig
    from aemodels.store.runs import RunStore

    root = tmp_path / "runs"
    config = TrainConfig(model="conv-ae", latent_dim=3, epochs=1)
    result = _untrained_result(config)
    weights = tmp_path / "model.weights.h5"
    result.bundle.model.save_weights(weights)
    meta = {"created": time.time(), "train_seconds": 0.0, "image_shape": [28, 28, 1],
            "config_id": config.config_id, "aemodels_version": "test"}
    documents = tmp_path / "documents.json"
    documents.write_text(json.dumps({"config.json": config.to_dict(), "history.json": {"loss": [1.0]},
                                     "metrics.json": {}, "meta.json": meta}))
    store = RunStore(root)
    rng = random.Random(7)
    kills, parallel, rounds = 0, 2, 10
    for round_ in range(rounds):
        children = [
            subprocess.Popen([sys.executable, "-c", CHILD, str(root), str(weights), str(documents), str(round_ * 10 + j)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            for j in range(parallel)
        ]
        for child in children:
            assert child.stdout.readline().strip() == "ready"
        for child in children:
            time.sleep(rng.uniform(0.01, 0.3))
            child.send_signal(signal.SIGKILL)
            child.wait(30)
            assert child.returncode == -signal.SIGKILL, "the child stopped before it was killed"
            kills += 1
        # Between kills the store must already be consistent.
        assert all(info.broken is None for info in store.list())
    infos = store.list()
    assert infos, "the children never saved a run"
    expected = weights.read_bytes()
    for info in infos:  # every listed run is whole: sound documents and the full weights file
        assert info.broken is None, f"{info.run_id}: {info.broken}"
        assert info.config == config
        assert (root / info.run_id / "model.weights.h5").read_bytes() == expected, info.run_id
    for info in rng.sample(infos, min(5, len(infos))):  # and loads (a sample: loading costs ~0.1 s)
        assert store.load_bundle(info.run_id).config == config
    store.tidy()
    leftovers = [p.name for p in root.iterdir() if p.name.startswith(".")]
    assert not any(p.startswith(".trash-") for p in leftovers), "tidy() removes half-deleted runs"
    assert all(p.startswith(".tmp-") for p in leftovers), leftovers
    print(f"\nkills: {kills} SIGKILLs survived, {len(infos)} whole runs listed (weights intact), "
          f"{len(leftovers)} unfinished temp folders hidden, 0 runs broken")


@pytest.fixture
def damaged_store(home):
    from aemodels.config import TrainConfig
    from aemodels.store.runs import RunStore

    store = RunStore()
    config = TrainConfig(model="dense-ae", latent_dim=2, epochs=1)
    sound = store.save(_untrained_result(config), {})
    root = store.root

    def clone(run_id, damage):
        shutil.copytree(root / sound, root / run_id)
        damage(root / run_id)
        return run_id

    def rewrite(name, change):
        def damage(folder):
            document = json.loads((folder / name).read_text())
            change(document)
            (folder / name).write_text(json.dumps(document))
        return damage

    damaged = {
        clone("20250101-000001-dense-ae-000001", lambda f: (f / "model.weights.h5").unlink()): "model.weights.h5 is missing",
        clone("20250101-000002-dense-ae-000002", lambda f: (f / "metrics.json").write_text("{oops")): "metrics.json is not valid JSON",
        clone("20250101-000003-dense-ae-000003", lambda f: (f / "config.json").unlink()): "config.json is missing",
        clone("20250101-000004-dense-ae-000004", rewrite("config.json", lambda d: d.update(model="gpt"))): "Unknown model kind",
        clone("20250101-000005-dense-ae-000005", rewrite("config.json", lambda d: d.update(latent_dim=0))): "latent size",
        clone("20250101-000006-dense-ae-000006", rewrite("meta.json", lambda d: d.update(image_shape=[1, 1, 9]))): "image_shape",
        clone("20250101-000007-dense-ae-000007", lambda f: (f / "history.json").write_text("[1, 2]")): "not a JSON object",
        clone("20250101-000008-dense-ae-000008", lambda f: (f / "config.json").write_bytes(b"\xff\xfe\x00")): "config.json",
    }
    mismatched = clone("20250101-000009-dense-ae-000009", rewrite("config.json", lambda d: d.update(latent_dim=7)))
    return store, sound, damaged, mismatched


def test_damaged_run_folders_are_listed_as_broken_and_can_be_deleted(damaged_store):
    store, sound, damaged, mismatched = damaged_store
    listed = {info.run_id: info for info in store.list()}
    assert set(listed) == {sound, mismatched, *damaged}
    assert listed[sound].broken is None
    for run_id, reason in damaged.items():
        broken = listed[run_id].broken
        assert broken and reason in broken, (run_id, broken)
        assert "\n" not in broken
        with pytest.raises(RunStoreError):
            store.load_bundle(run_id)
        with pytest.raises(RunStoreError):
            store.export_zip(run_id)
    # Valid JSON naming a different architecture than the weights: refused when loaded.
    with pytest.raises(RunStoreError, match="do not fit"):
        store.load_bundle(mismatched)
    for run_id in [*damaged, mismatched]:
        store.delete(run_id)
    assert [info.run_id for info in store.list()] == [sound]
    store.load_bundle(sound)


def test_damaged_runs_through_the_command_line(damaged_store, capsys):
    from aemodels.cli.main import main

    store, sound, damaged, mismatched = damaged_store
    assert main(["runs"]) == 0
    out = capsys.readouterr().out
    assert out.count("BROKEN") == len(damaged)
    for run_id in list(damaged)[:3] + [mismatched]:
        assert main(["evaluate", run_id]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1
    for run_id in damaged:
        assert main(["delete", run_id]) == 0
    capsys.readouterr()
    assert {info.run_id for info in store.list()} == {sound, mismatched}
