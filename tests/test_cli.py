"""``python -m aemodels``: in-process through ``main`` for most cases, plus real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from aemodels.cli.main import main
from aemodels.store.runs import RunStore
from tests.conftest import ROOT

METRIC_KEYS = {"knn_accuracy", "knn1_accuracy", "trustworthiness", "continuity", "reconstruction_mse"}
RESULT_KEYS = {"run_id", "dataset", "model", "latent_dim", "epochs", "train_seconds", "metrics"}
TINY = ["--dataset", "digits", "--epochs", "2", "--train-images", "300", "--batch-size", "64"]


def _cli(home, *args, timeout=300):
    """The real entry point in a fresh interpreter, with ``home`` as the store."""
    env = {**os.environ, "AEMODELS_HOME": str(home), "AEMODELS_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run([sys.executable, "-m", "aemodels", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def _last_json(stdout: str):
    lines = [line for line in stdout.splitlines() if line.strip()]
    assert lines, "no output"
    return json.loads(lines[-1])


def _check_result(result: dict, model: str = "dense-ae") -> None:
    assert RESULT_KEYS <= set(result)
    assert result["dataset"] == "digits" and result["model"] == model
    assert result["latent_dim"] == 2 and result["epochs"] == 2
    assert isinstance(result["train_seconds"], (int, float)) and result["train_seconds"] >= 0
    for side in ("model", "pca"):
        scores = result["metrics"][side]
        assert METRIC_KEYS <= set(scores), side
        assert 0 <= scores["knn_accuracy"] <= 1 and 0 <= scores["knn1_accuracy"] <= 1
        for key in ("trustworthiness", "continuity"):  # keyed by k
            assert set(scores[key]) == {"5", "10", "50"} and all(0 <= v <= 1 for v in scores[key].values())
        assert scores["reconstruction_mse"] >= 0


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# --- the real entry point ---------------------------------------------------------------------


def test_subprocess_datasets(home):
    proc = _cli(home, "datasets")
    assert proc.returncode == 0, proc.stderr
    lines = {line.split()[0]: line for line in proc.stdout.splitlines() if line.strip()}
    assert set(lines) == {"mnist-10k", "digits", "flowers", "people", "mnist", "fashion-mnist"}
    assert "available" in lines["mnist-10k"] and "needs download" not in lines["mnist-10k"]
    assert "available" in lines["digits"]
    assert "32×32×3" in lines["flowers"]


def test_subprocess_datasets_as_json_says_which_work_offline(home):
    proc = _cli(home, "datasets", "--json")
    assert proc.returncode == 0, proc.stderr
    listed = {entry["name"]: entry for entry in json.loads(proc.stdout)}
    for name in ("mnist-10k", "digits", "flowers", "people"):
        assert listed[name]["offline"] is True, name
    for name in ("mnist", "fashion-mnist"):  # not downloaded into this fresh home
        assert listed[name]["offline"] is False, name
    assert listed["flowers"]["image_shape"] == [32, 32, 3] and listed["people"]["image_shape"] == [32, 32, 3]
    assert listed["mnist-10k"]["image_shape"] == [28, 28, 1] and listed["digits"]["image_shape"] == [8, 8, 1]


def test_subprocess_train_then_runs_evaluate_delete(home, capsys):
    proc = _cli(home, "train", "--model", "dense-ae", *TINY, "--json")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    result = _last_json(proc.stdout)
    _check_result(result)
    run_id = result["run_id"]

    # The rest in-process against the same store (the home fixture set AEMODELS_HOME).
    assert main(["runs", "--json"]) == 0
    listed = _last_json(capsys.readouterr().out)
    assert [r["run_id"] for r in listed] == [run_id]
    assert listed[0]["broken"] is None and listed[0]["config"]["model"] == "dense-ae"

    assert main(["evaluate", run_id, "--json"]) == 0
    evaluated = _last_json(capsys.readouterr().out)
    _check_result(evaluated)
    assert evaluated["run_id"] == run_id
    # Same saved weights, same held-out split: the same scores as at training time.
    for side in ("model", "pca"):
        for key in METRIC_KEYS:
            assert evaluated["metrics"][side][key] == pytest.approx(result["metrics"][side][key], rel=1e-4, abs=1e-6)

    assert main(["evaluate", run_id]) == 0  # the text table
    out = capsys.readouterr().out
    for key in ("knn_accuracy", "knn1_accuracy", "trustworthiness k=5", "continuity k=10", "reconstruction_mse", "psnr"):
        assert key in out

    assert main(["delete", run_id]) == 0
    assert run_id in capsys.readouterr().out
    assert RunStore().list() == []
    assert main(["runs", "--json"]) == 0
    assert _last_json(capsys.readouterr().out) == []


def test_subprocess_delete_missing_run_is_one_line(home):
    proc = _cli(home, "delete", "20260101-120000-vae-0a1b2c")
    assert proc.returncode == 2
    assert _one_error_line(proc.stderr).startswith("error:")
    assert proc.stdout == ""


# --- in-process -------------------------------------------------------------------------------


def test_delete_twice(home_with_runs, capsys):
    _, run_ids = home_with_runs
    run_id = run_ids["conv-ae"]
    assert main(["delete", run_id]) == 0
    capsys.readouterr()
    assert main(["delete", run_id]) == 2
    captured = capsys.readouterr()
    assert run_id in _one_error_line(captured.err)
    assert run_id not in {info.run_id for info in RunStore().list()}


def test_evaluate_unknown_run(home, capsys):
    assert main(["evaluate", "20260101-120000-vae-0a1b2c", "--json"]) == 2
    _one_error_line(capsys.readouterr().err)
    assert main(["evaluate", "not-a-run"]) == 2
    _one_error_line(capsys.readouterr().err)


def test_runs_text_listing(home_with_runs, capsys):
    _, run_ids = home_with_runs
    assert main(["runs"]) == 0
    out = capsys.readouterr().out
    for run_id in run_ids.values():
        assert run_id in out


def test_runs_empty(home, capsys):
    assert main(["runs"]) == 0
    assert "no runs yet" in capsys.readouterr().out
    assert main(["runs", "--json"]) == 0
    assert _last_json(capsys.readouterr().out) == []


def test_check_data_good_npz(home, tmp_path, capsys):
    path = tmp_path / "good.npz"
    rng = np.random.default_rng(0)
    np.savez(path, x=rng.integers(0, 256, (6, 8, 8)).astype(np.uint8), y=np.array([0, 1, 0, 1, 0, 1]))
    assert main(["check-data", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("ok:") and captured.err == ""


def test_check_data_bad_file(home, tmp_path, capsys):
    path = tmp_path / "bad.npz"
    path.write_bytes(b"not a zip at all")
    assert main(["check-data", str(path)]) == 2
    _one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize("bad", [
    ["--epochs", "0"],
    ["--latent-dim", "0"],
    ["--learning-rate", "-1"],
    ["--dataset", "nope"],
    ["--model", "nope"],
    ["--upscale-factors", "x"],
    ["--epochs", "two"],
])
def test_train_bad_arguments(home, capsys, bad):
    assert main(["train", "--dataset", "digits", "--epochs", "1", "--train-images", "100", *bad]) == 2
    captured = capsys.readouterr()
    line = _one_error_line(captured.err)
    assert line.startswith("error:")
    assert RunStore().list() == []  # nothing was trained or saved


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["evaluate"], ["delete"]])
def test_bad_command_line(home, capsys, argv):
    assert main(argv) == 2
    _one_error_line(capsys.readouterr().err)


def test_train_denoise_prints_per_level_lines(home, capsys):
    assert main(["train", "--model", "denoise", *TINY]) == 0
    out = capsys.readouterr().out
    assert "saved run" in out
    levels = [line for line in out.splitlines() if line.startswith("noise ")]
    assert len(levels) == 5
    assert all("model" in line and "best filter" in line and "noisy" in line for line in levels)
    assert [info.config.model for info in RunStore().list()] == ["denoise"]


def test_train_superres_prints_per_factor_lines(home, capsys):
    assert main(["train", "--model", "superres", *TINY, "--upscale-factors", "2,4"]) == 0
    out = capsys.readouterr().out
    factors = [line for line in out.splitlines() if line.startswith("factor ")]
    assert [line.split()[1].rstrip(":") for line in factors] == ["2", "4"]
    assert all("bicubic" in line and "nearest" in line for line in factors)
    (info,) = RunStore().list()
    assert info.config.upscale_factors == (2, 4)


def test_train_json_progress_goes_to_stderr(home, capsys):
    assert main(["train", "--model", "dense-ae", *TINY, "--json"]) == 0
    captured = capsys.readouterr()
    _check_result(_last_json(captured.out))
    assert len(captured.out.strip().splitlines()) == 1  # only the JSON on stdout
    epochs = [line for line in captured.err.splitlines() if line.startswith("epoch ")]
    assert [line.split()[1] for line in epochs] == ["1/2", "2/2"]


def test_native_log_goes_where_it_is_told_and_a_bad_place_is_one_line(home, tmp_path):
    log = tmp_path / "native.log"
    env = {**os.environ, "AEMODELS_HOME": str(home), "AEMODELS_OFFLINE": "1", "AEMODELS_NATIVE_LOG": str(log)}
    proc = subprocess.run([sys.executable, "-m", "aemodels", "train", *TINY, "--json"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "absl" not in proc.stderr and "oneDNN" not in proc.stderr
    assert "oneDNN" in log.read_text() or "absl" in log.read_text()  # kept, not lost
    bad = {**env, "AEMODELS_NATIVE_LOG": str(tmp_path / "no" / "such" / "folder" / "x.log")}
    proc = subprocess.run([sys.executable, "-m", "aemodels", "datasets"], cwd=ROOT, env=bad,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stderr.startswith("error: AEMODELS_NATIVE_LOG")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_export_then_import_elsewhere_then_again(home_with_runs, tmp_path, monkeypatch, capsys):
    """A run exported on one machine imports on another, with the same config, scores and
    views; a second import of the same zip adds nothing."""
    _, run_ids = home_with_runs
    run_id = run_ids["vae"]
    target = tmp_path / "shared.zip"
    assert main(["export", run_id, "-o", str(target)]) == 0
    assert f"wrote run {run_id} to {target}" in capsys.readouterr().out
    assert target.read_bytes() == RunStore().export_zip(run_id)  # the zip the Runs screen downloads
    original = RunStore().get(run_id)

    elsewhere = tmp_path / "other-machine"
    monkeypatch.setenv("AEMODELS_HOME", str(elsewhere))
    assert main(["import", str(target)]) == 0
    new_id = capsys.readouterr().out.split(" as run ")[1].strip()
    imported = RunStore().get(new_id)
    assert imported.config == original.config and imported.metrics == original.metrics
    assert main(["import", str(target)]) == 0
    assert f"is run {new_id}, already in the store: nothing added" in capsys.readouterr().out
    assert [info.run_id for info in RunStore().list()] == [new_id]


def test_mlflow_export_without_mlflow_says_how_to_install_it(home_with_runs, monkeypatch, capsys):
    _, run_ids = home_with_runs
    monkeypatch.setitem(sys.modules, "mlflow", None)  # as if it were not installed
    assert main(["export", run_ids["vae"], "--mlflow", "sqlite:///x.db"]) == 2
    assert "pip install" in _one_error_line(capsys.readouterr().err)


def test_projector_export_of_a_model_without_codes_is_one_line(home_with_runs, tmp_path, capsys):
    _, run_ids = home_with_runs
    assert main(["export", run_ids["denoise"], "--projector", str(tmp_path / "p")]) == 2
    assert "has no code to project" in _one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize("argv, words", [
    (["export", "20260101-120000-vae-0a1b2c"], "no run"),
    (["export", "{run}", "-o", "run.txt"], "does not end in .zip"),
    (["export", "{run}", "-o", "/no/such/folder/run.zip"], "cannot write"),
    (["import", "/no/such/file.zip"], "cannot read"),
])
def test_export_import_bad_input_is_one_line(home_with_runs, capsys, argv, words):
    _, run_ids = home_with_runs
    assert main([a.replace("{run}", run_ids["dense-ae"]) for a in argv]) == 2
    assert words in _one_error_line(capsys.readouterr().err).lower()


def test_import_of_a_dataset_zip_says_what_it_is(home, tmp_path, capsys):
    bad = tmp_path / "digits.zip"
    bad.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip
    assert main(["import", str(bad)]) == 2
    assert "not a run export" in _one_error_line(capsys.readouterr().err)
