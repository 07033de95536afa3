"""Check an uploaded Keras weights file's HDF5 structure before Keras reads it.

An imported run's ``model.weights.h5`` comes from a stranger. Before ``load_weights`` opens it,
h5py walks it without following any link, and it must hold exactly the datasets a freshly built
model of the run's config writes (same paths, shapes and dtypes), plus only the optimizer's
state under ``optimizer/``: no soft or external links, no external or virtual storage, nothing
larger than the model needs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from aemodels.errors import RunStoreError

OPTIMIZER_GROUP = "optimizer/"
OPTIMIZER_DTYPES = ("<f4", "<i8", "<f8")


def structure(path: Path) -> dict[str, tuple[tuple[int, ...], str]]:
    """Dataset path → (shape, dtype string) of an HDF5 file; ``RunStoreError`` on any link or
    dataset whose data lives outside the file."""
    import h5py

    found: dict[str, tuple[tuple[int, ...], str]] = {}
    with h5py.File(path, "r") as handle:
        pending = [("", handle)]
        while pending:
            prefix, group = pending.pop()
            for name in group:
                link = group.get(name, getlink=True)
                if not isinstance(link, h5py.HardLink):
                    raise RunStoreError(f"The weights file has a link at '{prefix}{name}': a run's weights never do.")
                item = group[name]
                if isinstance(item, h5py.Group):
                    pending.append((f"{prefix}{name}/", item))
                elif isinstance(item, h5py.Dataset):
                    if item.external or item.is_virtual:
                        raise RunStoreError(f"The weights file keeps '{prefix}{name}' outside itself: refused.")
                    found[f"{prefix}{name}"] = (tuple(item.shape), item.dtype.str)
                else:
                    raise RunStoreError(f"The weights file holds an unexpected object at '{prefix}{name}'.")
    return found


def check(uploaded: Path, expected: Path) -> None:
    """``RunStoreError`` unless ``uploaded`` has every dataset of ``expected`` (a fresh model's
    weights file) with its shape and dtype, and nothing more than optimizer state no larger
    than twice the model's own weights plus a counter."""
    theirs, ours = structure(uploaded), structure(expected)
    for path, (shape, dtype) in ours.items():
        if path not in theirs:
            raise RunStoreError(f"The weights file lacks '{path}': it is not from a model of this config.")
        if theirs[path] != (shape, dtype):
            raise RunStoreError(f"The weights file's '{path}' is {theirs[path][0]} {theirs[path][1]}, "
                                f"not {shape} {dtype}: it is not from a model of this config.")
    model_values = sum(int(np.prod(shape)) for shape, _ in ours.values())
    extra_values = 0
    for path, (shape, dtype) in theirs.items():
        if path in ours:
            continue
        if not path.startswith(OPTIMIZER_GROUP) or dtype not in OPTIMIZER_DTYPES:
            raise RunStoreError(f"The weights file holds '{path}' ({dtype}), which no model of this config has.")
        extra_values += int(np.prod(shape))
    if extra_values > 2 * model_values + 16:  # Adam keeps two values per weight and a few counters
        raise RunStoreError("The weights file holds more optimizer state than this model can have: refused.")
