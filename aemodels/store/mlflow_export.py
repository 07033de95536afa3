"""Log a saved run to MLflow: its config as params, its history as step metrics, its scores as
metrics and its files as artifacts.

MLflow is an optional extra, imported here only, and only when an export is asked for; the app
never imports it. A SQLite tracking store is the default (MLflow 3.13 and later refuse a plain
``./mlruns`` folder).
"""

from __future__ import annotations

import io
import tempfile
import time
import zipfile
from pathlib import Path

from aemodels.errors import AemodelsError

DEFAULT_URI = "sqlite:///mlflow.db"
EXPERIMENT = "autoencoder-lab"
INSTALL = 'pip install "mlflow-skinny>=3.13,<4" "sqlalchemy>=2,<3" "alembic>=1.13,<2"'
BATCH = 900  # MLflow takes at most 1,000 metrics per log_batch


def flat_scores(metrics: dict, prefix: str = "") -> dict[str, float]:
    """Every number in a run's ``metrics.json`` under a dotted name (``model.knn_accuracy``,
    ``model.trustworthiness.5``, ``denoising.level_0.3.model_psnr``, ``superres.x2.model_psnr``);
    text, None and booleans are left out."""
    flat: dict[str, float] = {}
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (int, float)):
            flat[name] = float(value)
        elif isinstance(value, dict):
            flat.update(flat_scores(value, name + "."))
        elif isinstance(value, list):
            for i, row in enumerate(value):
                if isinstance(row, dict):
                    label = (f"level_{row['level']:g}" if isinstance(row.get("level"), (int, float))
                             else f"x{row['factor']}" if isinstance(row.get("factor"), int) else str(i))
                    flat.update(flat_scores({k: v for k, v in row.items() if k not in ("level", "factor")},
                                            f"{name}.{label}."))
    return flat


def _mlflow():
    try:
        import mlflow
    except ImportError:
        raise AemodelsError(f"MLflow is not installed: {INSTALL}, then export again.") from None
    return mlflow


def _artifact_location(uri: str) -> str | None:
    """Beside the database for a SQLite store (``mlflow.db`` → ``mlartifacts/``); the server's
    default for any other store."""
    if uri.startswith("sqlite:///"):
        return (Path(uri[len("sqlite:///"):]).resolve().parent / "mlartifacts").as_uri()
    return None


def export(store, run_id: str, uri: str = DEFAULT_URI) -> str:
    """Log run ``run_id`` of ``store`` to the MLflow tracking store at ``uri`` under the
    experiment ``EXPERIMENT``; returns the MLflow run id."""
    mlflow = _mlflow()
    from mlflow.entities import Metric, Param

    info = store.get(run_id)
    if info.broken:
        raise AemodelsError(f"Run '{run_id}' is broken ({info.broken}) and cannot be exported.")
    files = store.export_zip(run_id)
    try:
        client = mlflow.MlflowClient(tracking_uri=uri)
        experiment = client.get_experiment_by_name(EXPERIMENT)
        experiment_id = (experiment.experiment_id if experiment is not None
                         else client.create_experiment(EXPERIMENT, artifact_location=_artifact_location(uri)))
        tags = {"aemodels.run_id": run_id, "aemodels.model": info.config.model, "aemodels.dataset": info.config.dataset}
        if info.note:
            tags["mlflow.note.content"] = info.note
        run = client.create_run(experiment_id, run_name=info.name or run_id, tags=tags)
        mlflow_id = run.info.run_id
        now = int(time.time() * 1000)
        params = [Param(key, str(value)) for key, value in sorted(info.config.to_dict().items())]
        history = [Metric(name, float(value), now, step) for name, values in info.history.items()
                   for step, value in enumerate(values, start=1) if isinstance(value, (int, float))]
        scores = [Metric(name, value, now, 0) for name, value in sorted(flat_scores(info.metrics).items())]
        client.log_batch(mlflow_id, params=params)
        metrics = history + scores
        for start in range(0, len(metrics), BATCH):
            client.log_batch(mlflow_id, metrics=metrics[start:start + BATCH])
        with tempfile.TemporaryDirectory() as folder:
            zipfile.ZipFile(io.BytesIO(files)).extractall(folder)
            client.log_artifacts(mlflow_id, folder)
        client.set_terminated(mlflow_id)
    except AemodelsError:
        raise
    except Exception as exc:  # MLflow raises its own kinds for a bad URI or an unreachable server
        first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise AemodelsError(f"MLflow at '{uri}' did not take the run ({first}).") from None
    return mlflow_id
