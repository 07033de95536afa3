"""The command line's arguments: ``python -m aemodels {datasets,train,sweep,evaluate,runs,delete,export,import,check-data}``."""

from __future__ import annotations

import argparse

from aemodels.errors import AemodelsError
from aemodels.kinds import KINDS
from aemodels.scoring.curve import SWEEP_SIZES

class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other bad input
        raise AemodelsError(f"{message} (see 'python -m aemodels {self.prog.split()[-1]} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m aemodels", description="Train and inspect autoencoders.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

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
