"""The command line's arguments: ``python -m aemodels {datasets,train,sweep,evaluate,runs,delete,export,
serve-projector,import,check-data}``."""

from __future__ import annotations

import argparse

from aemodels.errors import AemodelsError
from aemodels.scoring.curve import SWEEP_SIZES
from aemodels.settings import SETTINGS, Setting

SWEEP_SETTINGS = ("dataset", "model", "epochs", "batch_size", "learning_rate", "seed", "train_images")


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other bad input
        raise AemodelsError(f"{message} (see 'python -m aemodels {self.prog.split()[-1]} --help')")


def add_setting_flags(parser: argparse.ArgumentParser, names: tuple[str, ...] | None = None) -> None:
    """A flag for each training setting on the command line (``settings.SETTINGS``), or each of
    ``names``; a recommended setting left out defaults to None (then the recommended value)."""
    for setting in SETTINGS.values():
        if setting.command_line and (names is None or setting.name in names):
            default = None if setting.recommended else setting.default
            shown = "" if setting.recommended or default in (None, "") else f" (default {setting.show(default)})"
            parser.add_argument(setting.flag, type=_reader(setting), default=default, dest=setting.name,
                                help=setting.help + shown)


def _reader(setting: Setting):
    def read(text: str):
        try:
            return setting.parse(text)
        except ValueError:
            expected = {int: "a whole number", float: "a number", "factors": "whole numbers separated by commas",
                        "optional int": "a whole number"}.get(setting.value_type, "a value")
            raise argparse.ArgumentTypeError(f"{setting.flag} takes {expected}, not {text!r}") from None
    return read


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m aemodels", description="Train and inspect autoencoders.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    datasets = commands.add_parser("datasets", help="list the datasets, their image shape and whether each is "
                                                    "available offline")
    datasets.add_argument("--json", action="store_true")

    train = commands.add_parser("train", help="train a model, save it as a run, compare with PCA")
    add_setting_flags(train)
    train.add_argument("--devices", type=int, default=1, metavar="N",
                       help="train on N devices of this machine (tf.distribute.MirroredStrategy): N GPUs, or N "
                            "logical CPU devices without GPUs; --batch-size is the global batch")
    train.add_argument("--jit", action="store_true", help="compile the training step with XLA")
    train.add_argument("--mixed-precision", action="store_true",
                       help="compute in float16 with float32 weights (GPU only)")
    train.add_argument("--seeds", type=int, default=1, metavar="N",
                       help="train N seeds, --seed and the N-1 after it (seeds already saved are kept), then "
                            "print the group's mean and spread")
    train.add_argument("--json", action="store_true")

    sweep = commands.add_parser("sweep", help="train an embedding kind at several code sizes, against PCA")
    add_setting_flags(sweep, SWEEP_SETTINGS)
    sweep.add_argument("--latent-dims", type=int, nargs="+", default=list(SWEEP_SIZES), metavar="N")
    sweep.add_argument("--json", action="store_true")

    evaluate = commands.add_parser("evaluate", help="score a saved run on its held-out split, or on another dataset's")
    evaluate.add_argument("run")
    evaluate.add_argument("--on", metavar="DATASET", default=None,
                          help="score it on DATASET's held-out images instead (split with the run's seed; sizes "
                               "resized, colour made grey by luminance or grey repeated in R, G and B) beside its "
                               "own, and keep the result for the screens")
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
                             "TensorBoard Embedding Projector into DIR/RUN, beside the runs already there")
    export.add_argument("--mlflow", metavar="URI", nargs="?", const="sqlite:///mlflow.db", default=None,
                        help="instead, log the run to MLflow at URI (default sqlite:///mlflow.db); needs "
                             "the optional mlflow-skinny, sqlalchemy and alembic")

    serve = commands.add_parser("serve-projector",
                                help="serve a --projector folder to the standalone projector page "
                                     "(projector.tensorflow.org), with the headers its browser requests need")
    serve.add_argument("folder")
    serve.add_argument("--port", type=int, default=8765)

    import_ = commands.add_parser("import", help="add a run .zip (from export or the Runs screen) to the store")
    import_.add_argument("file")

    check = commands.add_parser("check-data", help="validate a .npz or .zip upload")
    check.add_argument("file")
    return parser
