"""A run as one zip file: written from a run folder, and read back from a stranger's upload.

The zip holds the files of ``run_folder.RUN_FILES`` and those of ``OPTIONAL_FILES`` and
``WORDS_FILE`` the run has, at its top level. Reading checks everything it can without a model:
the member names, the sizes, the JSON documents, the config and that the arrays are plain
(never pickles). Whether the weights fit the config is the store's check, when it writes.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
import zlib
from pathlib import Path

from aemodels.config import TrainConfig
from aemodels.errors import AemodelsError, RunStoreError
from aemodels.store.run_folder import (
    JSON_FILES,
    OPTIONAL_FILES,
    RUN_FILES,
    WEIGHTS_FILE,
    WORDS_FILE,
    clean_words,
    valid_shape,
)

MAX_RUN_ZIP_BYTES = 100 * 1024 * 1024
MAX_JSON_BYTES = 5 * 1024 * 1024
WHOLE_MODEL_SUFFIXES = (".keras", ".h5", ".hdf5", ".pb", ".pkl", ".pickle")


@dataclasses.dataclass(frozen=True)
class RunExport:
    """The checked contents of a run zip.

    Attributes:
        config: the run's settings.
        documents: file name → JSON document, for every name of ``JSON_FILES``.
        weights: the bytes of ``model.weights.h5``, not yet checked against the config.
        extra_files: file name → bytes, for the optional files the zip holds.
    """

    config: TrainConfig
    documents: dict
    weights: bytes
    extra_files: dict[str, bytes]

    @property
    def image_shape(self) -> list[int]:
        return self.documents["meta.json"]["image_shape"]


def zip_run(folder: Path) -> bytes:
    """The run ``folder`` as a zip: the run's files, and the optional ones it has."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in RUN_FILES + OPTIONAL_FILES + (WORDS_FILE,):
            if name in RUN_FILES or (folder / name).is_file():
                archive.write(folder / name, name)
    return buffer.getvalue()


def read_run_zip(data: bytes, filename: str = "run.zip") -> RunExport:
    """Check the bytes of an uploaded run zip named ``filename``; ``RunStoreError`` says what is wrong.

    Only a zip made by ``zip_run`` is accepted: whole-model files (``.keras``, ``.h5``) are
    refused, since loading them could run code.
    """
    if Path(filename).suffix.lower() in WHOLE_MODEL_SUFFIXES:
        raise RunStoreError(
            f"'{filename}' is a whole-model file, which is never loaded (it could run code): "
            "upload a run .zip exported from this app."
        )
    if len(data) > MAX_RUN_ZIP_BYTES:
        raise RunStoreError(f"'{filename}' is larger than {MAX_RUN_ZIP_BYTES // 2**20} MB: it is not a run export.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise RunStoreError(f"'{filename}' is not a readable zip: upload a run exported from this app.") from None
    if not set(RUN_FILES) <= names <= set(RUN_FILES + OPTIONAL_FILES + (WORDS_FILE,)):
        raise RunStoreError(
            f"'{filename}' is not a run export: it must hold {', '.join(RUN_FILES)} "
            f"(and may hold {', '.join(OPTIONAL_FILES)}), nothing else."
        )
    documents = {}
    for name in JSON_FILES:
        if archive.getinfo(name).file_size > MAX_JSON_BYTES:
            raise RunStoreError(f"{name} in '{filename}' is too large to be a run's {name}.")
        try:
            documents[name] = json.loads(archive.read(name))
        except (ValueError, zipfile.BadZipFile, OSError, EOFError, zlib.error):
            raise RunStoreError(f"{name} in '{filename}' is not valid JSON.") from None
    try:
        config = TrainConfig.from_dict(documents["config.json"])
    except AemodelsError as exc:
        raise RunStoreError(f"config.json in '{filename}' cannot be used: {exc}") from None
    meta = documents["meta.json"]
    if not isinstance(meta, dict) or not valid_shape(meta.get("image_shape")):
        raise RunStoreError(f"meta.json in '{filename}' has no valid image_shape.")
    if not isinstance(documents["history.json"], dict) or not isinstance(documents["metrics.json"], dict):
        raise RunStoreError(f"history.json and metrics.json in '{filename}' must be JSON objects.")
    if archive.getinfo(WEIGHTS_FILE).file_size > MAX_RUN_ZIP_BYTES:
        raise RunStoreError(f"The weights in '{filename}' are too large for this app.")
    try:
        weights = archive.read(WEIGHTS_FILE)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        raise RunStoreError(f"The weights in '{filename}' cannot be read: the zip is damaged.") from None

    extra_files = {name: _read_arrays(archive, name, filename) for name in OPTIONAL_FILES if name in names}
    if WORDS_FILE in names:
        extra_files[WORDS_FILE] = json.dumps(clean_words(_read_json(archive, WORDS_FILE, filename))).encode()
    return RunExport(config, documents, weights, extra_files)


def _read_json(archive: zipfile.ZipFile, member: str, filename: str):
    if archive.getinfo(member).file_size > MAX_JSON_BYTES:
        raise RunStoreError(f"{member} in '{filename}' is too large.")
    try:
        return json.loads(archive.read(member))
    except ValueError:
        raise RunStoreError(f"{member} in '{filename}' is not valid JSON: export the run again.") from None


def _read_arrays(archive: zipfile.ZipFile, member: str, filename: str) -> bytes:
    """The bytes of a zip's ``member`` (an ``.npz``), checked to be plain arrays (never pickles)."""
    import numpy as np

    if archive.getinfo(member).file_size > MAX_RUN_ZIP_BYTES:
        raise RunStoreError(f"{member} in '{filename}' is too large to be a run's arrays.")
    try:
        data = archive.read(member)
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            for name in arrays.files:
                arrays[name]
    except (ValueError, zipfile.BadZipFile, OSError, EOFError, zlib.error):
        raise RunStoreError(f"{member} in '{filename}' is not a file of plain arrays: export the run again.") from None
    return data
