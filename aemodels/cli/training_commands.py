"""``train`` and ``sweep``: train models from the command line and save them as runs."""

from __future__ import annotations

import json
import sys

from aemodels.cli.parser import SWEEP_SETTINGS
from aemodels.cli.printing import curve_scores, figure, print_metrics, result_json
from aemodels.config import TrainConfig
from aemodels.errors import AemodelsError
from aemodels.kinds import Screen, kinds_for
from aemodels.scoring.scores import Scores
from aemodels.settings import SETTINGS


def given_settings(args, names: tuple[str, ...] | None = None) -> dict:
    """The training settings given on the command line, or those of ``names``; a recommended one
    left out is not given (``with_recommended`` fills it in)."""
    return {setting.name: getattr(args, setting.name) for setting in SETTINGS.values()
            if setting.command_line and (names is None or setting.name in names)
            and not (setting.recommended and getattr(args, setting.name) is None)}


def _recommended_given(given: dict) -> dict:
    return {name: value for name, value in given.items() if SETTINGS[name].recommended}


def with_recommended(config: TrainConfig, dataset, given: dict) -> TrainConfig:
    """``config`` with the recommended epochs, batch and rate for its kind and data, except ``given``."""
    from aemodels.data.splits import Split
    from aemodels.tasks.defaults import recommended

    best = recommended(config.kind, len(Split.of(config).images(dataset).x_train), given.get("batch_size"))
    return config.replace(**{"epochs": best.epochs, "batch_size": best.batch_size,
                             "learning_rate": best.learning_rate, **given})


def train_command(args) -> int:
    """``train``: train one model, save it as a run, print its scores beside PCA's; with
    ``--seeds N``, the same model with N seeds from ``--seed`` on (seeds already saved are kept),
    then the group's spread."""
    from aemodels.data.datasets import load_dataset
    from aemodels.store.runs import RunStore

    if args.seeds < 1:
        raise AemodelsError(f"--seeds takes 1 or more, not {args.seeds}.")
    given = given_settings(args)
    config = TrainConfig(**given)
    dataset = load_dataset(config.dataset)
    config = with_recommended(config, dataset, _recommended_given(given))
    if args.seeds == 1:
        _train_one(config, dataset, args)
        return 0
    store, out = RunStore(), sys.stderr if args.json else sys.stdout
    for seed in range(config.seed, config.seed + args.seeds):
        seeded = config.replace(seed=seed)
        found = store.find(seeded)
        if found is not None:
            print(f"seed {seed}: already saved as run {found.run_id}", file=out, flush=True)
        else:
            print(f"seed {seed}: training {seeded.epochs} epochs…", file=out, flush=True)
            _train_one(seeded, dataset, args)
    _print_group(config, store, args.json)
    return 0


def _train_one(config: TrainConfig, dataset, args) -> str:
    """Train ``config``, save it, print its result (a JSON line with ``--json``); the run id."""
    from aemodels.models.training import TrainProgress
    from aemodels.store.runs import RunStore
    from aemodels.tasks.assessment import assess
    from aemodels.tasks.diagnosis import advice
    from aemodels.tasks.training import train

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
    verdict = advice(config, Scores.read(metrics))
    if args.json:
        print(json.dumps({**result_json(run_id, config, result.train_seconds, metrics, result.replicas),
                          "jit": bool(args.jit), "mixed_precision": result.mixed_precision, "advice": verdict}),
              flush=True)
    else:
        print(f"saved run {run_id} ({result.train_seconds:.1f} s of training)")
        print_metrics(metrics)
        if verdict:
            print(verdict)
    return run_id


def _print_group(config: TrainConfig, store, as_json: bool) -> None:
    """The seed group of ``config``'s runs in ``store``: its spread of the main scores (every
    score with ``--json``, as the last line)."""
    from aemodels.scoring.seed_groups import seed_groups, without_seed

    group = next(g for g in seed_groups(store.list()) if without_seed(g.config) == without_seed(config))
    if as_json:
        print(json.dumps({"seed_group": group.to_dict()}))
        return
    print(f"{config.model} on {config.dataset}, {group.title}:")
    for name in ("model.knn_accuracy", "model.trustworthiness.5", "model.reconstruction_mse", "model.psnr",
                 "pca.knn_accuracy", "superres.gain_db"):
        if name in group.scores:
            print(f"  {name:<26} {group.scores[name].text()}")


def sweep_command(args) -> int:
    """``sweep``: one run per code size (reusing runs already saved), printed as a table."""
    from aemodels.data.datasets import load_dataset
    from aemodels.scoring.curve import sweep_config
    from aemodels.store.runs import RunStore
    from aemodels.tasks.assessment import assess
    from aemodels.tasks.training import train

    given = given_settings(args, SWEEP_SETTINGS)
    base = TrainConfig(**given)
    if not base.has_embedding:
        kinds = ", ".join(kind.name for kind in kinds_for(Screen.EMBEDDING))
        raise AemodelsError(f"'{args.model}' has no code to sweep: use an embedding kind ({kinds}).")
    sizes = sorted(set(args.latent_dims))
    configs = [sweep_config(base, size) for size in sizes]  # every size checked before any training
    dataset = load_dataset(base.dataset)
    store, out = RunStore(), sys.stderr if args.json else sys.stdout
    points = []
    for config in configs:
        config = with_recommended(config, dataset, _recommended_given(given))
        found = store.find(config)
        if found is not None:
            run_id, metrics = found.run_id, found.metrics
            print(f"code size {config.latent_dim}: reusing run {run_id}", file=out, flush=True)
        else:
            print(f"code size {config.latent_dim}: training {config.epochs} epochs…", file=out, flush=True)
            result = train(config, dataset)
            assessment = assess(result.bundle, dataset)
            run_id, metrics = store.save(result, assessment.metrics, assessment.views), assessment.metrics
        scores = Scores.read(metrics)
        points.append({"latent_dim": config.latent_dim, "run_id": run_id, "reused": found is not None,
                       "model": curve_scores(scores.model), "pca": curve_scores(scores.pca)})
    if args.json:
        print(json.dumps({"dataset": base.dataset, "model": base.model, "points": points}))
        return 0
    print(f"{'code size':>9}  {'MSE model':>10}  {'MSE PCA':>10}  {'5-NN model':>10}  {'5-NN PCA':>10}")
    for point in points:
        model, pca = point["model"], point["pca"]
        print(f"{point['latent_dim']:>9}  {figure(model['reconstruction_mse']):>10}  {figure(pca['reconstruction_mse']):>10}  "
              f"{figure(model['knn_accuracy']):>10}  {figure(pca['knn_accuracy']):>10}")
    return 0
