"""Log a saved run to MLflow: its config as params, its history as step metrics, its scores as
metrics and its files as artifacts. Exporting a run again updates the MLflow run that carries its
run id (tag ``aemodels.run_id``) instead of making a second one.

MLflow is an optional extra, imported here only, and only when an export is asked for; the app
never imports it. A SQLite tracking store is the default (MLflow 3.13 and later refuse a plain
``./mlruns`` folder).

In a SQLite store the artifacts go to ``mlartifacts/`` beside the database, under the
``mlflow-artifacts:`` scheme that ``mlflow ui`` and ``mlflow server`` serve from their
``--artifacts-destination`` (``./mlartifacts`` by default). The database keeps no absolute path,
so the folder holding ``mlflow.db`` and ``mlartifacts/`` can be moved.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from pathlib import Path

from aemodels.errors import AemodelsError
from aemodels.scoring.scores import flat_scores

DEFAULT_URI = "sqlite:///mlflow.db"
EXPERIMENT = "autoencoder-lab"
PROXIED_ARTIFACTS = f"mlflow-artifacts:/{EXPERIMENT}"
ARTIFACTS_FOLDER = "mlartifacts"
INSTALL = 'pip install "mlflow-skinny>=3.13,<4" "sqlalchemy>=2,<3" "alembic>=1.13,<2"'
BATCH = 900  # MLflow takes at most 1,000 metrics per log_batch


@dataclasses.dataclass(frozen=True)
class Exported:
    """An export's outcome: the MLflow run id, and whether that MLflow run was already there."""

    mlflow_id: str
    updated: bool


def history_names(info) -> dict[str, str]:
    """Each history key of run ``info`` → its MLflow metric name, which carries the quantity and
    its unit (``loss.bce_per_pixel``, ``val_loss.neg_elbo_nats_per_image``,
    ``kl_loss.nats_per_image``): different kinds' losses never share a name, so never an axis."""
    from aemodels.tasks.registry import task_of

    units = task_of(info.config).history_units(info.config)
    names = {}
    for key in info.history:
        term = key.removeprefix("val_")
        names[key] = f"{key}.{units[term]}" if term in units else key
    return names


def params(info) -> dict[str, str]:
    """``config.json`` as params, each value as the JSON text the file holds; a setting left to
    its default (null) shows the value the run used where its scores record it
    (``train_images``: the training images it had)."""
    values = info.config.to_dict()
    return {key: json.dumps(info.metrics.get(key) if value is None and info.metrics.get(key) is not None else value)
            .strip('"') for key, value in sorted(values.items())}


def training_times(info) -> tuple[int, int, list[int]]:
    """When run ``info`` started and ended training, and each epoch's end, in Unix milliseconds.
    Runs saved before the store kept them are placed from their save time and training seconds,
    their epochs evenly spread."""
    seconds = float(info.meta.get("train_seconds", 0.0))
    started = float(info.meta.get("started", info.created - seconds))
    epochs = max(1, len(next(iter(info.history.values()), [])))
    ends = info.meta.get("epoch_ends") or [seconds * (epoch + 1) / epochs for epoch in range(epochs)]
    return (round(started * 1000), round((started + seconds) * 1000),
            [round((started + end) * 1000) for end in ends])


def _mlflow():
    try:
        import mlflow
    except ImportError:
        raise AemodelsError(f"MLflow is not installed: {INSTALL}, then export again.") from None
    return mlflow


def whole_uri(uri: str) -> str:
    """``uri`` with a relative SQLite path made absolute from the current folder: the message
    names the real file, and MLflow, which keeps one store per URI, never reuses another folder's."""
    if uri.startswith("sqlite:///") and not Path(uri[len("sqlite:///"):]).is_absolute():
        return f"sqlite:///{Path(uri[len('sqlite:///'):]).resolve()}"
    return uri


def _database_folder(uri: str) -> Path | None:
    return Path(uri[len("sqlite:///"):]).resolve().parent if uri.startswith("sqlite:///") else None


def _experiment(client, uri: str) -> str:
    experiment = client.get_experiment_by_name(EXPERIMENT)
    if experiment is not None:
        return experiment.experiment_id
    return client.create_experiment(EXPERIMENT, artifact_location=PROXIED_ARTIFACTS if _database_folder(uri) else None)


def _log_files(client, run, files: bytes, uri: str) -> None:
    """The run's zip, unpacked as its artifacts: written into ``mlartifacts/`` beside a SQLite
    database where the run's artifacts are proxied (what ``mlflow ui`` serves), else through the
    client."""
    artifact_uri = run.info.artifact_uri
    folder = _database_folder(uri)
    if artifact_uri.startswith("mlflow-artifacts:") and folder is not None:
        target = folder / ARTIFACTS_FOLDER / artifact_uri.removeprefix("mlflow-artifacts:").lstrip("/")
        target.mkdir(parents=True, exist_ok=True)
        zipfile.ZipFile(io.BytesIO(files)).extractall(target)
        return
    import tempfile

    with tempfile.TemporaryDirectory() as temp:
        zipfile.ZipFile(io.BytesIO(files)).extractall(temp)
        client.log_artifacts(run.info.run_id, temp)


def export(store, run_id: str, uri: str = DEFAULT_URI) -> Exported:
    """Log run ``run_id`` of ``store`` to the MLflow tracking store at ``uri`` under the
    experiment ``EXPERIMENT``, or update the MLflow run it was logged to before."""
    mlflow = _mlflow()
    from mlflow.entities import Metric, Param, RunTag

    uri = whole_uri(uri)

    info = store.get(run_id)
    if info.broken:
        raise AemodelsError(f"Run '{run_id}' is broken ({info.broken}) and cannot be exported.")
    files = store.export_zip(run_id)
    started, ended, epoch_ends = training_times(info)
    scores = flat_scores(info.metrics)
    names = history_names(info)
    try:
        client = mlflow.MlflowClient(tracking_uri=uri)
        experiment_id = _experiment(client, uri)
        earlier = client.search_runs([experiment_id], filter_string=f"tags.`aemodels.run_id` = '{run_id}'",
                                     max_results=1)
        run = earlier[0] if earlier else client.create_run(experiment_id, start_time=started,
                                                           run_name=info.name or run_id)
        mlflow_id = run.info.run_id
        tags = {"aemodels.run_id": run_id, "aemodels.model": info.config.model, "aemodels.dataset": info.config.dataset,
                **{f"aemodels.{key}_means": words for key, words in _meanings(info).items()},
                **{name: value for name, value in scores.items() if isinstance(value, str)}}
        if info.note:
            tags["mlflow.note.content"] = info.note
        logged = run.data.params if earlier else {}
        for key, value in params(info).items():
            if key in logged and logged[key] != value:
                raise AemodelsError(f"MLflow run {mlflow_id} holds {key} = {logged[key]}, where run {run_id} has "
                                    f"{value}: it was logged by an older export; delete it in MLflow and export again.")
        client.log_batch(mlflow_id, params=[Param(k, v) for k, v in params(info).items() if k not in logged],
                         tags=[RunTag(k, v) for k, v in tags.items()])
        history = [Metric(names[key], float(value), epoch_ends[min(step, len(epoch_ends)) - 1], step)
                   for key, values in info.history.items()
                   for step, value in enumerate(values, start=1) if isinstance(value, (int, float))]
        numbers = [Metric(name, value, ended, 0) for name, value in sorted(scores.items()) if not isinstance(value, str)]
        metrics = history + numbers
        for start in range(0, len(metrics), BATCH):
            client.log_batch(mlflow_id, metrics=metrics[start:start + BATCH])
        _log_files(client, run, files, uri)
        client.set_terminated(mlflow_id, end_time=ended)
    except AemodelsError:
        raise
    except Exception as exc:  # MLflow raises its own kinds for a bad URI or an unreachable server
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise AemodelsError(f"MLflow at '{uri}' did not take the run: {message}") from None
    return Exported(mlflow_id, bool(earlier))


def _meanings(info) -> dict[str, str]:
    """The training loss in words, for the MLflow run's tags (``aemodels.loss_means``)."""
    from aemodels.tasks.registry import task_of

    return {"loss": task_of(info.config).loss_words(info.config)}
