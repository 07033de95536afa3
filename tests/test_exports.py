"""The exports, read back by the tools they are for: TensorBoard's projector plugin (its own HTTP
routes, in process), the standalone projector page's config as served, and MLflow's client."""

from __future__ import annotations

import io
import json
import shutil
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from aemodels.cli.main import main
from aemodels.store.runs import RunStore
from tests.conftest import SMALL_TRAINING


@pytest.fixture
def two_code_sizes(home_with_runs):
    """The session's 2-number conv-ae run and a new dense-ae run with an 8-number code, in one store."""
    from aemodels.config import TrainConfig
    from aemodels.tasks.assessment import assess
    from aemodels.tasks.training import train

    _, run_ids = home_with_runs
    result = train(TrainConfig(model="dense-ae", latent_dim=8, **SMALL_TRAINING))
    assessment = assess(result.bundle)
    eight = RunStore().save(result, assessment.metrics, assessment.views)
    return run_ids["conv-ae"], eight


def _plugin_client(folder):
    from tensorboard.plugins import base_plugin
    from tensorboard.plugins.projector.projector_plugin import ProjectorPlugin
    from werkzeug.test import Client
    from werkzeug.wrappers import Response

    apps = ProjectorPlugin(base_plugin.TBContext(logdir=str(folder))).get_plugin_apps()

    def get(route, **query):
        response = Client(apps[route], Response).get("/", query_string=query)
        assert response.status_code == 200, (route, query, response.get_data(as_text=True)[:300])
        return response
    return get


def test_two_runs_in_one_folder_are_read_by_tensorboards_projector_plugin(two_code_sizes, tmp_path, capsys):
    from PIL import Image

    two, eight = two_code_sizes
    folder = tmp_path / "projector"
    assert main(["export", two, "--projector", str(folder)]) == 0
    assert main(["export", eight, "--projector", str(folder)]) == 0
    assert main(["export", two, "--projector", str(folder)]) == 0  # again: replaced, not added
    assert f"{folder} now holds 2 runs" in capsys.readouterr().out

    get = _plugin_client(folder)
    assert json.loads(get("/runs").get_data()) == ["."]
    embeddings = json.loads(get("/info", run=".").get_data())["embeddings"]
    names = [e["tensorName"] for e in embeddings]
    assert len(names) == 4 and len(set(names)) == 4
    assert [n.split(",")[0] for n in names] == ["model", "model", "pca", "pca"]
    assert all(n.isascii() and "+" not in n and "&" not in n for n in names)  # the page puts names in URLs unencoded
    for embedding in embeddings:
        name = embedding["tensorName"]
        rows, columns = embedding["tensorShape"]
        tensor = np.frombuffer(get("/tensor", run=".", name=name).get_data(), np.float32).reshape(rows, columns)
        assert columns >= 3 and np.isfinite(tensor).all()  # the projector's PCA needs a third column
        if two in name:
            assert columns == 3 and "1 zero column" in name
            assert np.all(tensor[:, 2] == 0) and tensor[:, :2].std(axis=0).min() > 0
        else:
            assert columns == 8 and "zero column" not in name
        metadata = get("/metadata", run=".", name=name).get_data(as_text=True).splitlines()
        assert metadata[0] == "index\tclass" and len(metadata) == rows + 1
        sprite = Image.open(io.BytesIO(get("/sprite_image", run=".", name=name).get_data()))
        side = int(np.ceil(np.sqrt(rows)))
        assert sprite.size == tuple(d * side for d in embedding["sprite"]["singleImageDim"])


def test_the_first_image_is_the_sprites_top_left_and_codes_match_the_model(two_code_sizes, tmp_path):
    from PIL import Image

    from aemodels.data.datasets import to_float
    from aemodels.data.splits import Split
    from aemodels.models import inference

    two, _ = two_code_sizes
    folder = tmp_path / "p"
    assert main(["export", two, "--projector", str(folder)]) == 0
    store = RunStore()
    x_test = Split.of(store.get(two).config).images().x_test
    codes = np.loadtxt(folder / two / "model_codes.tsv", delimiter="\t", ndmin=2)
    expected = inference.encode(store.load_bundle(two), to_float(x_test[:5]))
    assert np.allclose(codes[:5, :2], expected, atol=1e-4)
    sprite = np.asarray(Image.open(folder / two / "sprite.png"))
    assert np.array_equal(sprite[:28, :28], x_test[0][..., 0])


def test_the_standalone_page_gets_urls_and_cross_origin_headers(two_code_sizes, tmp_path):
    from aemodels.store import projector_page

    two, eight = two_code_sizes
    folder = tmp_path / "p"
    for run_id in (two, eight):
        assert main(["export", run_id, "--projector", str(folder)]) == 0
    server = projector_page.server(folder, port=0, host="127.0.0.1")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with urllib.request.urlopen(f"{base}/projector_config.json") as response:
            assert response.headers["Access-Control-Allow-Origin"] == "*"
            config = json.load(response)
        first = config["embeddings"][0]
        assert first["tensorName"].startswith("model, ")  # the page opens the first one
        for url in (first["tensorPath"], first["metadataPath"], first["sprite"]["imagePath"]):
            assert url.startswith(base + "/")
            with urllib.request.urlopen(url) as response:
                assert response.headers["Access-Control-Allow-Origin"] == "*" and response.read()
    finally:
        server.shutdown()
        server.server_close()


def test_serving_a_folder_without_an_export_is_one_line(tmp_path, capsys):
    assert main(["serve-projector", str(tmp_path), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "export a run into it first" in err


# --- MLflow ------------------------------------------------------------------------------------


def test_exporting_twice_updates_one_mlflow_run_with_the_trainings_times(home_with_runs, tmp_path, monkeypatch, capsys):
    import mlflow

    from aemodels.store.mlflow_export import EXPERIMENT

    _, run_ids = home_with_runs
    run_id = run_ids["vae"]
    monkeypatch.chdir(tmp_path)
    assert main(["export", run_id, "--mlflow"]) == 0  # the documented default, sqlite:///mlflow.db
    assert "logged it as a new MLflow run" in capsys.readouterr().out
    assert main(["export", run_id, "--mlflow"]) == 0
    assert "updated the MLflow run it was logged to before" in capsys.readouterr().out

    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{Path.cwd() / 'mlflow.db'}")
    [logged] = client.search_runs([client.get_experiment_by_name(EXPERIMENT).experiment_id])
    info = RunStore().get(run_id)
    started = info.meta["started"]
    assert logged.info.start_time == round(started * 1000)
    assert logged.info.end_time == round((started + info.meta["train_seconds"]) * 1000)
    history = client.get_metric_history(logged.info.run_id, "val_loss.neg_elbo_nats_per_image")
    assert [m.value for m in history] == pytest.approx(info.history["val_loss"])  # once each, not twice
    assert [m.timestamp for m in history] == [round((started + t) * 1000) for t in info.meta["epoch_ends"]]
    assert "val_loss" not in logged.data.metrics  # no unitless loss to mix with other kinds' losses
    assert logged.data.tags["aemodels.loss_means"].startswith("negative ELBO")


def test_mlflow_params_and_names_match_the_run_files_and_the_readme(home_with_runs, tmp_path, monkeypatch):
    import mlflow

    from aemodels.store.mlflow_export import EXPERIMENT, history_names
    from tests.conftest import ROOT

    _, run_ids = home_with_runs
    monkeypatch.chdir(tmp_path)
    for kind in ("denoise", "dense-ae"):
        assert main(["export", run_ids[kind], "--mlflow"]) == 0
    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{Path.cwd() / 'mlflow.db'}")
    runs = {r.data.tags["aemodels.model"]: r for r in
            client.search_runs([client.get_experiment_by_name(EXPERIMENT).experiment_id])}
    denoise = RunStore().get(run_ids["denoise"])
    config = json.loads((RunStore().root / run_ids["denoise"] / "config.json").read_text())
    params = runs["denoise"].data.params
    assert set(params) == set(config)
    for key, value in config.items():
        assert params[key] == json.dumps(value).strip('"'), key
    level = f"level_{denoise.metrics['denoising']['report_level']:g}"
    name = f"denoising.curve.{level}.model_psnr"
    assert name in (ROOT / "README.md").read_text()
    assert runs["denoise"].data.metrics[name] == pytest.approx(denoise.scores.denoising.at(denoise.scores.denoising.report_level).model_psnr)
    assert runs["denoise"].data.tags[f"denoising.curve.{level}.filter"]  # the best filter's name, kept
    plain = history_names(RunStore().get(run_ids["dense-ae"]))
    variational = history_names(RunStore().get(run_ids["vae"]))
    assert plain["loss"] == "loss.bce_per_pixel" and variational["loss"] == "loss.neg_elbo_nats_per_image"
    assert variational["kl_loss"] == "kl_loss.nats_per_image"


def test_a_default_train_images_is_logged_as_the_number_used(home_with_runs):
    import dataclasses

    from aemodels.store.mlflow_export import params

    info = RunStore().get(home_with_runs[1]["dense-ae"])
    every_image = dataclasses.replace(info, config=dataclasses.replace(info.config, train_images=None))
    assert params(every_image)["train_images"] == str(info.metrics["train_images"])
    assert params(info)["train_images"] == str(info.config.train_images)


def test_moved_mlflow_folder_keeps_its_artifacts_readable(home_with_runs, tmp_path, monkeypatch):
    """The database keeps no absolute path: ``mlflow ui`` serves ``mlflow-artifacts:`` URIs from
    ``./mlartifacts`` wherever the folder now is, with MLflow's local artifact repository, read
    here the same way."""
    import mlflow
    from mlflow.store.artifact.local_artifact_repo import LocalArtifactRepository

    from aemodels.store.mlflow_export import ARTIFACTS_FOLDER, EXPERIMENT

    _, run_ids = home_with_runs
    first = tmp_path / "first"
    first.mkdir()
    monkeypatch.chdir(first)
    assert main(["export", run_ids["conv-ae"], "--mlflow"]) == 0
    moved = tmp_path / "moved"
    shutil.move(first, moved)
    monkeypatch.chdir(moved)
    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{Path.cwd() / 'mlflow.db'}")
    [logged] = client.search_runs([client.get_experiment_by_name(EXPERIMENT).experiment_id])
    uri = logged.info.artifact_uri
    assert uri.startswith("mlflow-artifacts:/") and str(tmp_path) not in uri
    repository = LocalArtifactRepository(str(moved / ARTIFACTS_FOLDER / urllib.parse.urlparse(uri).path.lstrip("/")))
    assert {"config.json", "metrics.json", "model.weights.h5"} <= {a.path for a in repository.list_artifacts()}


def test_an_mlflow_error_is_whole(home_with_runs, tmp_path, capsys):
    _, run_ids = home_with_runs
    assert main(["export", run_ids["vae"], "--mlflow", "nosuchscheme://tracking"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert err.startswith("error: MLflow at") and not err.endswith(("…", "...")) and len(err) > 60
