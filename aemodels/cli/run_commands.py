"""The commands on datasets and saved runs: list, score, delete, export, import, check an upload."""

from __future__ import annotations

import json
import time

from aemodels.cli.printing import print_metrics, result_json
from aemodels.errors import AemodelsError


def datasets_command(args) -> int:
    """``datasets``: list the datasets and whether each is there offline."""
    from aemodels.data.datasets import NAMED_DATASETS

    if args.json:
        print(json.dumps([{"name": info.name, "images": info.images, "image_shape": list(info.image_shape),
                           "offline": info.available(), "ships_with_app": info.offline,
                           "description": info.description} for info in NAMED_DATASETS.values()]))
        return 0
    for info in NAMED_DATASETS.values():
        state = "available" if info.offline else "cached" if info.available() else "needs download"
        shape = "×".join(map(str, info.image_shape))
        print(f"{info.name:<14} {info.images:>7,} images {shape:>8}  {state:<15} {info.description}")
    return 0


def evaluate_command(args) -> int:
    """``evaluate``: score a saved run again on its held-out split."""
    from aemodels.store.runs import RunStore
    from aemodels.tasks.assessment import evaluate

    store = RunStore()
    info = store.get(args.run)
    if args.on:
        return _evaluate_elsewhere(store, info, args.on, args.json)
    metrics = evaluate(store.load_bundle(args.run))
    if args.json:
        print(json.dumps(result_json(info.run_id, info.config, info.meta.get("train_seconds", 0.0), metrics,
                                      int(info.meta.get("replicas", 1)))))
    else:
        print_metrics(metrics)
    return 0


def _evaluate_elsewhere(store, info, dataset_name: str, as_json: bool) -> int:
    """``evaluate RUN --on DATASET``: the run's margin over its baseline there and on its own data."""
    from aemodels.data.datasets import load_dataset
    from aemodels.store import elsewhere_scores
    from aemodels.tasks.other_data import score_on
    from aemodels.tasks.registry import task_of

    other = load_dataset(dataset_name)
    result = score_on(store.load_bundle(info.run_id), other, info.scores)
    elsewhere_scores.save(store, info.run_id, result)
    if as_json:
        print(json.dumps({"run_id": info.run_id, "trained_on": info.config.dataset, **result.to_dict()}))
        return 0
    baseline = task_of(info.config).baseline
    print(f"run {info.run_id} ({info.config.model} trained on {info.config.dataset}) against {baseline}:")
    for name, gain in ((info.config.dataset, result.own_gain_db), (other.name, result.gain_db)):
        text = "not scored" if gain is None else f"{'+' if gain >= 0 else '−'}{abs(gain):.2f} dB"
        print(f"  on {name:<14} {text}")
    print(f"  the images of {other.name}: {result.matching}; {result.scores.test_images} held-out images")
    return 0


def runs_command(args) -> int:
    """``runs``: list the saved runs."""
    from aemodels.scoring.seed_groups import group_of, seed_groups
    from aemodels.store.runs import RunStore

    infos = RunStore().list()
    groups = seed_groups(infos)
    if args.json:
        print(json.dumps([
            {"run_id": i.run_id, "broken": i.broken, "config": i.config.to_dict() if i.config else None,
             "metrics": i.metrics, "meta": i.meta,
             "seed_group": group.to_dict() if (group := group_of(i.run_id, groups)) else None} for i in infos
        ]))
        return 0
    if not infos:
        print("no runs yet: train one with 'python -m aemodels train'")
    for info in infos:
        if info.broken:
            print(f"{info.run_id}  BROKEN: {info.broken}")
            continue
        created = time.strftime("%Y-%m-%d %H:%M", time.localtime(info.created))
        knn = info.scores.model.knn_accuracy
        knn_text = f"5-NN {knn:.3f}" if knn is not None else ""
        print(f"{info.run_id}  {created}  {info.config.dataset:<12} {info.config.model:<9} "
              f"latent {info.config.latent_dim:<3} epochs {info.config.epochs:<4} seed {info.config.seed:<3} {knn_text}")
    for group in groups:
        knn = group.scores.get("model.knn_accuracy")
        print(f"seed group: {group.config.model} on {group.config.dataset}, {group.title}"
              + (f": 5-NN {knn.text()}" if knn else "") + f" ({', '.join(group.run_ids)})")
    return 0


def delete_command(args) -> int:
    """``delete``: delete a saved run."""
    from aemodels.store.runs import RunStore

    RunStore().delete(args.run)
    print(f"deleted run {args.run}")
    return 0


def export_command(args) -> int:
    """``export``: write a run as a zip, for the Projector or to MLflow."""
    from pathlib import Path

    from aemodels.store.runs import RunStore

    if args.mlflow:
        from aemodels.store import mlflow_export

        exported = mlflow_export.export(RunStore(), args.run, args.mlflow)
        done = "updated the MLflow run it was logged to before" if exported.updated else "logged it as a new MLflow run"
        print(f"run {args.run}: {done}, {exported.mlflow_id}, at {mlflow_export.whole_uri(args.mlflow)} "
              f"(experiment {mlflow_export.EXPERIMENT})")
        return 0
    if args.projector:
        from aemodels.store import projector

        folder = Path(args.projector)
        projector.export(RunStore(), args.run, folder)
        runs = len(projector.exported_runs(folder))
        print(f"wrote run {args.run} for the Embedding Projector into {folder / args.run}; {folder} now holds "
              f"{runs} run{'s' if runs > 1 else ''}. Look with 'tensorboard --logdir {folder}' (Projector tab), "
              f"or 'python -m aemodels serve-projector {folder}' for the standalone page")
        return 0
    data = RunStore().export_zip(args.run)
    path = Path(args.output or f"{args.run}.zip")
    if path.suffix.lower() != ".zip":
        raise AemodelsError(f"'{path}' does not end in .zip: give the export a .zip name.")
    try:
        temp = path.with_name(f".{path.name}.part")
        temp.write_bytes(data)
        temp.replace(path)  # a half-written zip never carries the real name
    except OSError as exc:
        raise AemodelsError(f"cannot write '{path}' ({exc.strerror}): choose a writable place.") from None
    print(f"wrote run {args.run} to {path} ({len(data) / 1e6:.1f} MB)")
    return 0


def serve_projector_command(args) -> int:
    """``serve-projector``: serve a projector folder to the standalone page until stopped."""
    from pathlib import Path

    from aemodels.store import projector_page

    server = projector_page.server(Path(args.folder), args.port)
    config = f"http://localhost:{args.port}/{projector_page.CONFIG}"
    print(f"serving {args.folder}: open {projector_page.page_url(config)} (Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped serving")
    finally:
        server.server_close()
    return 0


def import_command(args) -> int:
    """``import``: add a run zip to the store."""
    from pathlib import Path

    from aemodels.store.runs import RunStore

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AemodelsError(f"cannot read '{path}' ({exc.strerror}): give the path of a run .zip.") from None
    store = RunStore()
    known = {info.run_id for info in store.list()}
    run_id = store.import_zip(data, path.name)
    if run_id in known:
        print(f"{path.name} is run {run_id}, already in the store: nothing added")
    else:
        print(f"imported {path.name} as run {run_id}")
    return 0


def check_data_command(args) -> int:
    """``check-data``: validate an upload."""
    from aemodels.data.uploads import read_upload, summary

    dataset = read_upload(args.file)
    print(f"ok: {summary(dataset)}")
    return 0
