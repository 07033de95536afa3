"""The AE-against-PCA curve: PCA at every code size, the model's runs per size, and `sweep`."""

from __future__ import annotations

import dataclasses
import json

from aemodels.config import TrainConfig
from aemodels.data.datasets import load_dataset
from aemodels.scoring import curve
from aemodels.store.run_folder import RunInfo


def test_pca_error_falls_and_knn_rises_with_the_code_size():
    config = TrainConfig(dataset="digits", model="dense-ae")
    points = curve.pca_curve(config, load_dataset("digits"), (2, 8, 32))
    assert [p.code_size for p in points] == [2, 8, 32]
    errors = [p.reconstruction_mse for p in points]
    assert errors == sorted(errors, reverse=True) and errors[-1] < errors[0] / 3
    assert points[-1].knn_accuracy > points[0].knn_accuracy


def _info(run_id, config, mse, created):
    return RunInfo(run_id, config, {}, {"model": {"reconstruction_mse": mse, "knn_accuracy": 0.5}}, {"created": created})


def test_the_model_curve_takes_the_newest_run_of_each_size_with_the_same_settings():
    base = TrainConfig(model="conv-ae", epochs=5)
    infos = [_info("a", base.replace(latent_dim=4), 0.03, 1), _info("b", base.replace(latent_dim=4), 0.02, 2),
             _info("c", base.replace(latent_dim=8, epochs=6), 0.01, 3),  # other training: not this curve
             _info("d", base.replace(latent_dim=2, neighbour_weight=1.0), 0.05, 4),  # not the plain model
             _info("e", base.replace(latent_dim=16), 0.015, 5)]
    points = curve.model_curve(infos, base)
    assert [(p.code_size, p.run_id) for p in points] == [(4, "b"), (16, "e")]
    assert curve.missing_sizes(points) == [2, 8, 32]
    broken = dataclasses.replace(infos[-1], broken="weights missing")
    assert [p.code_size for p in curve.model_curve(infos[:-1] + [broken], base)] == [4]


def test_sweep_trains_each_size_once_then_reuses_the_runs(home):
    from tests.test_cli import _cli, _last_json

    args = ["sweep", "--model", "dense-ae", "--dataset", "digits", "--latent-dims", "2", "4",
            "--epochs", "2", "--train-images", "300", "--json"]
    first = _cli(home, *args)
    assert first.returncode == 0, first.stderr
    result = _last_json(first.stdout)
    assert [p["latent_dim"] for p in result["points"]] == [2, 4] and not any(p["reused"] for p in result["points"])
    for point in result["points"]:
        assert point["model"]["reconstruction_mse"] > 0 and point["pca"]["reconstruction_mse"] > 0
    again = _last_json(_cli(home, *args).stdout)
    assert all(p["reused"] for p in again["points"])
    assert [p["run_id"] for p in again["points"]] == [p["run_id"] for p in result["points"]]
    refused = _cli(home, "sweep", "--model", "denoise", "--dataset", "digits")
    assert refused.returncode == 2 and "has no code to sweep" in refused.stderr and "Traceback" not in refused.stderr
    json.dumps(result)
