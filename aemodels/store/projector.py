"""A run's codes for the TensorBoard Embedding Projector, as plain files (no checkpoint).

``export(store, run_id, folder)`` writes, for the first ``PROJECTOR_IMAGES`` held-out images:
- ``model_codes.tsv``: the model's code of each image, one row of ``latent_dim`` numbers;
- ``pca_codes.tsv``: PCA's code of the same size (fitted on the run's training images);
- ``metadata.tsv``: a header line, then each image's index and class;
- ``sprite.png``: the images tiled row by row on a square grid, first image top left;
- ``projector_config.pbtxt``: both embeddings, with the metadata and the sprite.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from aemodels.errors import AemodelsError

PROJECTOR_IMAGES = 2000
FILES = ("model_codes.tsv", "pca_codes.tsv", "metadata.tsv", "sprite.png", "projector_config.pbtxt")


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


def _tsv(rows: np.ndarray) -> str:
    return "".join("\t".join(f"{v:.6g}" for v in row) + "\n" for row in rows)


def export(store, run_id: str, folder: Path) -> list[Path]:
    """Write the run's projector files into ``folder`` (created); returns their paths."""
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
                            "export an embedding run (dense-ae, conv-ae, vae, dense-vae).")
    dataset = load_dataset(config.dataset)
    split = Split.of(config).images(dataset)
    images = split.x_test[:PROJECTOR_IMAGES]
    codes = inference.encode(store.load_bundle(run_id), to_float(images))
    pca_codes = pixel_pca(config, dataset).transform(to_float(images))[:, :config.latent_dim]
    names = dataset.class_names
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "model_codes.tsv").write_text(_tsv(codes))
        (folder / "pca_codes.tsv").write_text(_tsv(pca_codes))
        (folder / "metadata.tsv").write_text("index\tclass\n" + "".join(
            f"{i}\t{names[label] if dataset.is_labelled else 'unlabelled'}\n"
            for i, label in enumerate(split.y_test[:PROJECTOR_IMAGES])))
        picture = sprite(images)
        Image.fromarray(picture[..., 0] if picture.shape[-1] == 1 else picture).save(folder / "sprite.png")
        h, w = images.shape[1:3]
        embeddings = "".join(
            f'embeddings {{\n  tensor_name: "{title}"\n  tensor_path: "{path}"\n  metadata_path: "metadata.tsv"\n'
            f'  sprite {{\n    image_path: "sprite.png"\n    single_image_dim: {w}\n    single_image_dim: {h}\n  }}\n}}\n'
            for title, path in ((f"{config.model} {run_id}", "model_codes.tsv"), ("PCA", "pca_codes.tsv")))
        (folder / "projector_config.pbtxt").write_text(embeddings)
    except OSError as exc:
        raise AemodelsError(f"cannot write into '{folder}' ({exc.strerror}): choose a writable folder.") from None
    return [folder / name for name in FILES]
