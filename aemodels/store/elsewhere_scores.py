"""Scores of runs on other datasets (``tasks.other_data``), kept beside the runs they are of.

One JSON file per run, ``<store folder>/.other-data/<run id>.json``, mapping dataset name →
``Elsewhere.to_dict()``. It is derived data: a file that cannot be read counts as empty, and
writes replace it whole (written under a temporary name, then renamed).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from aemodels.errors import RunStoreError
from aemodels.store.protocol import Store
from aemodels.tasks.other_data import Elsewhere

FOLDER = ".other-data"


def _path(store: Store, run_id: str) -> Path:
    if not store.holds(run_id):
        raise RunStoreError(f"There is no run '{run_id}': it may have been deleted.")
    return Path(store.key_of(run_id)) / FOLDER / f"{run_id}.json"


def read(store: Store, run_id: str) -> dict[str, Elsewhere]:
    """Dataset name → the run's scores there, for every dataset it was tried on (empty when none,
    or when the run is gone)."""
    if not store.holds(run_id):
        return {}
    try:
        raw = json.loads(_path(store, run_id).read_text())
        return {name: Elsewhere.from_dict(entry) for name, entry in raw.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def save(store: Store, run_id: str, result: Elsewhere) -> None:
    """Add ``result`` to the run's file, replacing an earlier score on the same dataset."""
    path = _path(store, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    every = {name: entry.to_dict() for name, entry in read(store, run_id).items()}
    every[result.dataset] = result.to_dict()
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    temp.write_text(json.dumps(every))
    os.replace(temp, path)
