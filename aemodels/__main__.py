"""Command line: ``python -m aemodels {datasets,train,evaluate,runs,delete,export,import,check-data}``.

Bad input exits with status 2 and one line on standard error; ``--json`` makes the last line
printed one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from aemodels import native_log  # noqa: E402
from aemodels.config import TrainConfig  # noqa: E402
from aemodels.errors import AemodelsError  # noqa: E402
from aemodels.kinds import KINDS  # noqa: E402
from aemodels.scoring.curve import SWEEP_SIZES  # noqa: E402
from aemodels.scoring.scoresheet import by_k  # noqa: E402

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other bad input
        raise AemodelsError(f"{message} (see 'python -m aemodels {self.prog.split()[-1]} --help')")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m aemodels", description="Train and inspect autoencoders.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    commands.add_parser("datasets", help="list the datasets and whether each is available offline")

    train = commands.add_parser("train", help="train a model, save it as a run, compare with PCA")
    train.add_argument("--dataset", default="mnist-10k")
    train.add_argument("--model", default="dense-ae", help=f"one of {', '.join(KINDS)}")
    train.add_argument("--latent-dim", type=int, default=2)
    train.add_argument("--neighbour-weight", type=float, default=0.0, metavar="W",
                       help="keep input-space neighbours together in the code (embedding kinds): "
                            "0 the plain model, 1 recommended")
    recommended_help = "default: recommended for the kind and the number of training images"
    train.add_argument("--epochs", type=int, default=None, help=recommended_help)
    train.add_argument("--batch-size", type=int, default=None, help=recommended_help)
    train.add_argument("--learning-rate", type=float, default=None, help=recommended_help)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--train-images", type=int, default=None, help="use only this many training images")
    train.add_argument("--noise-kind", default="gaussian", help="denoise: gaussian or salt-and-pepper")
    train.add_argument("--noise-max", type=float, default=0.5, help="denoise: largest training noise level")
    train.add_argument("--upscale-factors", default="2,3,4,7", help="superres: comma-separated factors")
    train.add_argument("--devices", type=int, default=1, metavar="N",
                       help="train on N devices of this machine (tf.distribute.MirroredStrategy): N GPUs, or N "
                            "logical CPU devices without GPUs; --batch-size is the global batch")
    train.add_argument("--jit", action="store_true", help="compile the training step with XLA")
    train.add_argument("--mixed-precision", action="store_true",
                       help="compute in float16 with float32 weights (GPU only)")
    train.add_argument("--json", action="store_true")

    sweep = commands.add_parser("sweep", help="train an embedding kind at several code sizes, against PCA")
    sweep.add_argument("--dataset", default="mnist-10k")
    sweep.add_argument("--model", default="dense-ae", help="an embedding kind: dense-ae, conv-ae, vae, dense-vae")
    sweep.add_argument("--latent-dims", type=int, nargs="+", default=list(SWEEP_SIZES), metavar="N")
    sweep.add_argument("--epochs", type=int, default=None, help=recommended_help)
    sweep.add_argument("--batch-size", type=int, default=None, help=recommended_help)
    sweep.add_argument("--learning-rate", type=float, default=None, help=recommended_help)
    sweep.add_argument("--seed", type=int, default=0)
    sweep.add_argument("--train-images", type=int, default=None, help="use only this many training images")
    sweep.add_argument("--json", action="store_true")

    evaluate = commands.add_parser("evaluate", help="score a saved run on its held-out split")
    evaluate.add_argument("run")
    evaluate.add_argument("--json", action="store_true")

    runs = commands.add_parser("runs", help="list saved runs")
    runs.add_argument("--json", action="store_true")

    delete = commands.add_parser("delete", help="delete a saved run")
    delete.add_argument("run")

    export = commands.add_parser("export", help="write a run as the .zip the Runs screen downloads")
    export.add_argument("run")
    export.add_argument("-o", "--output", default=None, help="the zip to write (default: RUN.zip here)")
    export.add_argument("--projector", metavar="DIR", default=None,
                        help="instead, write the held-out codes, PCA's, the labels and a sprite for the "
                             "TensorBoard Embedding Projector into DIR")
    export.add_argument("--mlflow", metavar="URI", nargs="?", const="sqlite:///mlflow.db", default=None,
                        help="instead, log the run to MLflow at URI (default sqlite:///mlflow.db); needs "
                             "the optional mlflow-skinny, sqlalchemy and alembic")

    import_ = commands.add_parser("import", help="add a run .zip (from export or the Runs screen) to the store")
    import_.add_argument("file")

    check = commands.add_parser("check-data", help="validate a .npz or .zip upload")
    check.add_argument("file")
    return parser


def _factors(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise AemodelsError(f"--upscale-factors must be whole numbers separated by commas, not {text!r}.") from None


def _cmd_datasets(args) -> int:
    from aemodels.data.datasets import NAMED_DATASETS

    for info in NAMED_DATASETS.values():
        state = "available" if info.offline else "cached" if info.available() else "needs download"
        print(f"{info.name:<14} {info.images:>7,} images  {state:<15} {info.description}")
    return 0


def _result_json(run_id: str, config: TrainConfig, train_seconds: float, metrics: dict, replicas: int = 1) -> dict:
    return {"run_id": run_id, "dataset": config.dataset, "model": config.model,
            "latent_dim": config.to_dict().get("latent_dim"), "epochs": config.epochs, "replicas": replicas,
            "train_seconds": round(train_seconds, 3), "metrics": metrics}


def _figure(value) -> str:
    return "-" if value is None else format(value, ".4f")


def _print_metrics(metrics: dict) -> None:
    print(f"{'':<22}{'model':>10}{'pca':>10}")
    for key in ("knn_accuracy", "knn1_accuracy", "trustworthiness", "continuity", "silhouette",
                "reconstruction_mse", "psnr"):
        cells = [metrics[side].get(key) for side in ("model", "pca")]
        if any(isinstance(c, dict) for c in cells):
            per_k = [by_k(c) for c in cells]
            for k in sorted({k for scores in per_k for k in scores}, key=int):
                print(f"{key + ' k=' + k:<22}" + "".join(f"{_figure(scores.get(k)):>10}" for scores in per_k))
        elif any(c is not None for c in cells):
            print(f"{key:<22}" + "".join(f"{_figure(c):>10}" for c in cells))
    for row in metrics.get("denoising", {}).get("curve", []):
        print(f"noise {row['level']:.1f}: model {row['model_psnr']:.2f} dB, "
              f"best filter {row['filter_psnr']:.2f} dB ({row['filter']}), noisy {row['noisy_psnr']:.2f} dB")
    for row in metrics.get("superres", {}).get("factors", []):
        lanczos = f"Lanczos {row['lanczos_psnr']:.2f} dB, " if "lanczos_psnr" in row else ""
        print(f"factor {row['factor']}: model {row['model_psnr']:.2f} dB, {lanczos}bicubic {row['bicubic_psnr']:.2f} dB, "
              f"nearest {row['nearest_psnr']:.2f} dB")


def _given(args) -> dict:
    """The training settings given on the command line (the others take the recommended ones)."""
    return {name: value for name, value in (("epochs", args.epochs), ("batch_size", args.batch_size),
                                            ("learning_rate", args.learning_rate)) if value is not None}


def _with_recommended(config: TrainConfig, dataset, given: dict) -> TrainConfig:
    """``config`` with the recommended epochs, batch and rate for its kind and data, except ``given``."""
    from aemodels.models.defaults import recommended
    from aemodels.models.training import training_split

    best = recommended(config.kind, len(training_split(config, dataset).x_train), given.get("batch_size"))
    return config.replace(**{"epochs": best.epochs, "batch_size": best.batch_size,
                             "learning_rate": best.learning_rate, **given})


def _cmd_sweep(args) -> int:
    from aemodels.data.datasets import load_dataset
    from aemodels.models.training import train
    from aemodels.scoring.curve import sweep_config
    from aemodels.scoring.evaluation import assess
    from aemodels.store.runs import RunStore

    base = TrainConfig(dataset=args.dataset, model=args.model, seed=args.seed, train_images=args.train_images)
    if not base.has_embedding:
        raise AemodelsError(f"'{args.model}' has no code to sweep: use an embedding kind (dense-ae, conv-ae, vae, dense-vae).")
    sizes = sorted(set(args.latent_dims))
    configs = [sweep_config(base, size) for size in sizes]  # every size checked before any training
    dataset = load_dataset(base.dataset)
    store, out = RunStore(), sys.stderr if args.json else sys.stdout
    points = []
    for config in configs:
        config = _with_recommended(config, dataset, _given(args))
        found = store.find(config)
        if found is not None:
            run_id, metrics = found.run_id, found.metrics
            print(f"code size {config.latent_dim}: reusing run {run_id}", file=out, flush=True)
        else:
            print(f"code size {config.latent_dim}: training {config.epochs} epochs…", file=out, flush=True)
            result = train(config, dataset)
            assessment = assess(result.bundle, dataset)
            run_id, metrics = store.save(result, assessment.metrics, assessment.views), assessment.metrics
        points.append({"latent_dim": config.latent_dim, "run_id": run_id, "reused": found is not None,
                       "model": _curve_scores(metrics.get("model", {})), "pca": _curve_scores(metrics.get("pca", {}))})
    if args.json:
        print(json.dumps({"dataset": base.dataset, "model": base.model, "points": points}))
        return 0
    print(f"{'code size':>9}  {'MSE model':>10}  {'MSE PCA':>10}  {'5-NN model':>10}  {'5-NN PCA':>10}")
    for point in points:
        model, pca = point["model"], point["pca"]
        print(f"{point['latent_dim']:>9}  {_figure(model['reconstruction_mse']):>10}  {_figure(pca['reconstruction_mse']):>10}  "
              f"{_figure(model['knn_accuracy']):>10}  {_figure(pca['knn_accuracy']):>10}")
    return 0


def _curve_scores(scores: dict) -> dict:
    return {key: scores.get(key) for key in ("reconstruction_mse", "knn_accuracy")}


def _cmd_train(args) -> int:
    from aemodels.data.datasets import load_dataset
    from aemodels.models.training import TrainProgress, train
    from aemodels.scoring.diagnosis import advice
    from aemodels.scoring.evaluation import assess
    from aemodels.store.runs import RunStore

    given = _given(args)
    config = TrainConfig(
        dataset=args.dataset, model=args.model, latent_dim=args.latent_dim, seed=args.seed,
        neighbour_weight=args.neighbour_weight,
        train_images=args.train_images, noise_kind=args.noise_kind, noise_max=args.noise_max,
        upscale_factors=_factors(args.upscale_factors), **given,
    )
    dataset = load_dataset(config.dataset)
    config = _with_recommended(config, dataset, given)
    out = sys.stderr if args.json else sys.stdout

    interactive = out.isatty()

    def show(progress: TrainProgress) -> None:
        if progress.epoch == 0 or not (interactive or progress.epoch_done):
            return  # a log file gets one line per epoch, a terminal a live bar
        width = 30
        filled = int(width * progress.fraction)
        loss = progress.losses.get("loss", float("nan"))
        line = (f"{chr(13) if interactive else ''}epoch {progress.epoch}/{progress.epochs} [{'#' * filled}{'.' * (width - filled)}] "
                f"loss {loss:.4f}  {progress.seconds:5.1f}s")
        print(line, end="\n" if not interactive or (progress.epoch_done and progress.epoch == progress.epochs) else "", file=out, flush=True)

    result = train(config, dataset, progress=show, devices=args.devices, jit=args.jit,
                   mixed_precision=args.mixed_precision)
    assessment = assess(result.bundle, dataset)
    metrics = assessment.metrics
    run_id = RunStore().save(result, metrics, assessment.views)
    verdict = advice(config, metrics, metrics.get("train_images"))
    if args.json:
        print(json.dumps({**_result_json(run_id, config, result.train_seconds, metrics, result.replicas),
                          "jit": bool(args.jit), "mixed_precision": result.mixed_precision, "advice": verdict}))
    else:
        print(f"saved run {run_id} ({result.train_seconds:.1f} s of training)")
        _print_metrics(metrics)
        if verdict:
            print(verdict)
    return 0


def _cmd_evaluate(args) -> int:
    from aemodels.scoring.evaluation import evaluate
    from aemodels.store.runs import RunStore

    store = RunStore()
    info = store.get(args.run)
    metrics = evaluate(store.load_bundle(args.run))
    if args.json:
        print(json.dumps(_result_json(info.run_id, info.config, info.meta.get("train_seconds", 0.0), metrics,
                                      int(info.meta.get("replicas", 1)))))
    else:
        _print_metrics(metrics)
    return 0


def _cmd_runs(args) -> int:
    from aemodels.store.runs import RunStore

    infos = RunStore().list()
    if args.json:
        print(json.dumps([
            {"run_id": i.run_id, "broken": i.broken, "config": i.config.to_dict() if i.config else None,
             "metrics": i.metrics, "meta": i.meta} for i in infos
        ]))
        return 0
    if not infos:
        print("no runs yet: train one with 'python -m aemodels train'")
    for info in infos:
        if info.broken:
            print(f"{info.run_id}  BROKEN: {info.broken}")
            continue
        created = time.strftime("%Y-%m-%d %H:%M", time.localtime(info.created))
        knn = info.metrics.get("model", {}).get("knn_accuracy")
        knn_text = f"5-NN {knn:.3f}" if isinstance(knn, (int, float)) else ""
        print(f"{info.run_id}  {created}  {info.config.dataset:<12} {info.config.model:<9} "
              f"latent {info.config.latent_dim:<3} epochs {info.config.epochs:<4} {knn_text}")
    return 0


def _cmd_delete(args) -> int:
    from aemodels.store.runs import RunStore

    RunStore().delete(args.run)
    print(f"deleted run {args.run}")
    return 0


def _cmd_export(args) -> int:
    from pathlib import Path

    from aemodels.store.runs import RunStore

    if args.mlflow:
        from aemodels.store import mlflow_export

        mlflow_id = mlflow_export.export(RunStore(), args.run, args.mlflow)
        print(f"logged run {args.run} to MLflow at {args.mlflow} as run {mlflow_id} "
              f"(experiment {mlflow_export.EXPERIMENT})")
        return 0
    if args.projector:
        from aemodels.store import projector

        written = projector.export(RunStore(), args.run, Path(args.projector))
        print(f"wrote {len(written)} files for the Embedding Projector into {args.projector}: "
              + ", ".join(p.name for p in written))
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


def _cmd_import(args) -> int:
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


def _cmd_check_data(args) -> int:
    from aemodels.data.uploads import read_upload, summary

    dataset = read_upload(args.file)
    print(f"ok: {summary(dataset)}")
    return 0


COMMANDS = {"datasets": _cmd_datasets, "train": _cmd_train, "sweep": _cmd_sweep, "evaluate": _cmd_evaluate,
            "runs": _cmd_runs, "delete": _cmd_delete, "export": _cmd_export, "import": _cmd_import,
            "check-data": _cmd_check_data}


def main(argv: list[str] | None = None) -> int:
    native_log.quiet_python_loggers()
    try:
        args = _parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except AemodelsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("\nstopped: nothing was saved", file=sys.stderr)
        return 130


if __name__ == "__main__":
    try:
        with native_log.silenced():
            code = main()
    except OSError as exc:  # only opening the file AEMODELS_NATIVE_LOG names can fail here
        print(f"error: {native_log.NATIVE_LOG_VARIABLE} names a file that cannot be written ({exc.strerror}): "
              "give a writable path, or 'stderr'", file=sys.stderr)
        code = EXIT_BAD_INPUT
    sys.exit(code)
