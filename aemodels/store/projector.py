"""Runs' codes for the TensorBoard Embedding Projector, as plain files (no checkpoint).

One folder holds any number of runs. ``export(store, run_id, folder)`` writes, into
``folder/RUN_ID/``, for the first ``PROJECTOR_IMAGES`` held-out images of the run:

- ``model_codes.tsv``: the model's code of each image, one row per image;
- ``pca_codes.tsv``: PCA's code of the same size (fitted on the run's training images);
- ``metadata.tsv``: a header line, then each image's index and class;
- ``sprite.png``: the images tiled row by row on a square grid, first image top left;
- ``tensors.json``: the two tensors' names and shapes, which the folder's configs are made from.

Then it rewrites the folder's two configs from every run in it: ``projector_config.pbtxt``, which
TensorBoard reads (``tensorboard --logdir FOLDER``), and ``projector_config.json``, which the
standalone page reads (``projector_page.serve`` makes its paths URLs).

Codes of fewer than ``MIN_COLUMNS`` numbers get columns of zeros, and the tensor's name says so:
the projector's PCA always asks for 10 components, and with 2 columns its third coordinate is NaN
for every point, which draws an empty canvas. A zero column changes no distance.

The projector opens first the tensor that sorts first among those with the most points, by name.
Model tensors are named ``model, …`` and PCA's ``pca, …``, so a model's codes open first.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from aemodels.errors import AemodelsError
from aemodels.kinds import Screen, kinds_for

PROJECTOR_IMAGES = 2000
MIN_COLUMNS = 3
RUN_FILES = ("model_codes.tsv", "pca_codes.tsv", "metadata.tsv", "sprite.png", "tensors.json")
CONFIGS = ("projector_config.pbtxt", "projector_config.json")


def sprite(images: np.ndarray) -> np.ndarray:
    """uint8 images (N, H, W, C) tiled on a ``ceil(sqrt(N))``-wide square grid, left to right then
    top to bottom, black where the grid has no image; returns (side·H, side·W, C)."""
    n, h, w, c = images.shape
    side = max(1, math.ceil(math.sqrt(n)))
    grid = np.zeros((side * h, side * w, c), np.uint8)
    for i, image in enumerate(images):
        row, column = divmod(i, side)
        grid[row * h:(row + 1) * h, column * w:(column + 1) * w] = image
    return grid


def padded(codes: np.ndarray) -> np.ndarray:
    """Codes (N, D) with ``MIN_COLUMNS - D`` columns of zeros appended when D is smaller."""
    missing = MIN_COLUMNS - codes.shape[1]
    return np.hstack([codes, np.zeros((len(codes), missing), codes.dtype)]) if missing > 0 else codes


def tensor_names(model: str, latent_dim: int, label: str) -> tuple[str, str]:
    """The model's and PCA's tensor names for a run shown as ``label``. Plain ASCII without ``+``
    or ``&``: the projector puts the name into a URL without encoding it."""
    zeros = MIN_COLUMNS - latent_dim
    padding = f" (with {zeros} zero column{'s' if zeros > 1 else ''})" if zeros > 0 else ""
    label = "".join(c if c.isascii() and c.isprintable() and c not in "+&#%?" else "-" for c in label)
    return (f"model, {model}, {latent_dim}-number code{padding}, {label}",
            f"pca, {latent_dim} component{'s' if latent_dim > 1 else ''}{padding}, {label}")


def _tsv(rows: np.ndarray) -> str:
    return "".join("\t".join(f"{v:.6g}" for v in row) + "\n" for row in rows)


def export(store, run_id: str, folder: Path) -> list[Path]:
    """Write run ``run_id``'s files into ``folder/run_id/`` (created) and the folder's configs,
    which then list every run exported there; returns the paths written."""
    from PIL import Image

    from aemodels.data.datasets import load_dataset, to_float
    from aemodels.data.splits import Split
    from aemodels.models import inference
    from aemodels.scoring.evaluation import pixel_pca

    info = store.get(run_id)
    if info.broken:
        raise AemodelsError(f"Run '{run_id}' is broken ({info.broken}): it has no codes to export.")
    config = info.config
    if not config.has_embedding:
        raise AemodelsError(f"Run '{run_id}' is a {config.model}, which has no code to project: "
                            f"export an embedding run ({', '.join(kind.name for kind in kinds_for(Screen.EMBEDDING))}).")
    dataset = load_dataset(config.dataset)
    split = Split.of(config).images(dataset)
    images = split.x_test[:PROJECTOR_IMAGES]
    codes = padded(inference.encode(store.load_bundle(run_id), to_float(images), split.y_test[:PROJECTOR_IMAGES]))
    pca_codes = padded(pixel_pca(config, dataset).transform(to_float(images))[:, :config.latent_dim])
    names = dataset.class_names
    model_name, pca_name = tensor_names(config.model, config.latent_dim, info.name or run_id)
    h, w = images.shape[1:3]
    tensors = {"run_id": run_id, "image_size": [w, h], "shape": list(codes.shape),
               "tensors": [{"name": model_name, "file": "model_codes.tsv"}, {"name": pca_name, "file": "pca_codes.tsv"}]}
    folder = Path(folder)
    run_folder = folder / run_id
    try:
        run_folder.mkdir(parents=True, exist_ok=True)
        (run_folder / "model_codes.tsv").write_text(_tsv(codes))
        (run_folder / "pca_codes.tsv").write_text(_tsv(pca_codes))
        (run_folder / "metadata.tsv").write_text("index\tclass\n" + "".join(
            f"{i}\t{names[label] if dataset.is_labelled else 'unlabelled'}\n"
            for i, label in enumerate(split.y_test[:PROJECTOR_IMAGES])))
        picture = sprite(images)
        Image.fromarray(picture[..., 0] if picture.shape[-1] == 1 else picture).save(run_folder / "sprite.png")
        (run_folder / "tensors.json").write_text(json.dumps(tensors, indent=1))
        write_configs(folder)
    except OSError as exc:
        raise AemodelsError(f"cannot write into '{folder}' ({exc.strerror}): choose a writable folder.") from None
    return [run_folder / name for name in RUN_FILES] + [folder / name for name in CONFIGS]


def exported_runs(folder: Path) -> list[dict]:
    """The ``tensors.json`` of every run exported into ``folder``, in run id order."""
    found = []
    for path in sorted(Path(folder).glob("*/tensors.json")):
        try:
            found.append(json.loads(path.read_text()))
        except ValueError:
            continue  # a half-written export: left out until it is exported again
    return found


def _embeddings(folder: Path) -> list[dict]:
    """One entry per tensor, model tensors first, each run's PCA after all the models."""
    runs = exported_runs(folder)
    entries = []
    for position in (0, 1):
        for run in runs:
            tensor = run["tensors"][position]
            entries.append({"name": tensor["name"], "path": f"{run['run_id']}/{tensor['file']}",
                            "metadata": f"{run['run_id']}/metadata.tsv", "sprite": f"{run['run_id']}/sprite.png",
                            "shape": run["shape"], "image_size": run["image_size"]})
    return entries


def write_configs(folder: Path) -> None:
    """Rewrite ``folder``'s TensorBoard (text protobuf) and standalone-page (JSON) configs from
    the runs exported into it."""
    entries = _embeddings(folder)
    pbtxt = "".join(
        f'embeddings {{\n  tensor_name: {json.dumps(e["name"])}\n  tensor_path: "{e["path"]}"\n'
        f'  metadata_path: "{e["metadata"]}"\n  sprite {{\n    image_path: "{e["sprite"]}"\n'
        f'    single_image_dim: {e["image_size"][0]}\n    single_image_dim: {e["image_size"][1]}\n  }}\n}}\n'
        for e in entries)
    page = {"embeddings": [{"tensorName": e["name"], "tensorShape": e["shape"], "tensorPath": e["path"],
                            "metadataPath": e["metadata"],
                            "sprite": {"imagePath": e["sprite"], "singleImageDim": e["image_size"]}}
                           for e in entries]}
    (folder / "projector_config.pbtxt").write_text(pbtxt)
    (folder / "projector_config.json").write_text(json.dumps(page, indent=1, ensure_ascii=False))
