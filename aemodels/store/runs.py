"""The run store: every finished training as one folder under ``$AEMODELS_HOME/runs``.

A run folder holds ``config.json``, ``history.json``, ``metrics.json``, ``meta.json`` and
``model.weights.h5``, and for embedding kinds ``views.npz`` (``views.EmbeddingViews``: derived
data, recomputed when missing or unfit). Folders are written under a temporary name and renamed into place, so a
run is either all there or not there at all, whatever kills the process. Run ids are made here
(never taken from a user as a path) and checked against ``RUN_ID_PATTERN`` before any use.
Loading rebuilds the architecture from the config and loads weights only: no code stored in
a file is ever run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import time
import warnings
import zipfile
import zlib
from pathlib import Path

from aemodels import __version__
from aemodels.config import TrainConfig
from aemodels.errors import AemodelsError, RunStoreError
from aemodels.home import home_dir
from aemodels.kinds import NAME_PATTERN
from aemodels.models.forming import FORMING_FILE, Forming
from aemodels.scoring import scoresheet
from aemodels.scoring.views import VIEWS_FILE, EmbeddingViews

# date-time, kind name (any name kinds.NAME_PATTERN allows), random part
RUN_ID_PATTERN = re.compile(r"^\d{8}-\d{6}-" + NAME_PATTERN.pattern.strip("^$") + r"-[0-9a-f]{6}$")
WEIGHTS_FILE = "model.weights.h5"
JSON_FILES = ("config.json", "history.json", "metrics.json", "meta.json")
RUN_FILES = (*JSON_FILES, WEIGHTS_FILE)
OPTIONAL_FILES = (VIEWS_FILE, FORMING_FILE)  # arrays (npz), checked on import
WORDS_FILE = "words.json"  # the run's name and note, typed by people; optional
MAX_NAME, MAX_NOTE = 40, 2000  # characters
TRASH_FOLDER = ".trash"  # deleted runs, restorable for TRASH_SECONDS
TRASH_SECONDS = 24 * 3600
MAX_RUN_ZIP_BYTES = 100 * 1024 * 1024
MAX_JSON_BYTES = 5 * 1024 * 1024
STALE_TEMP_SECONDS = 3600


@dataclasses.dataclass(frozen=True)
class RunInfo:
    """What the store knows of one run folder.

    ``broken`` is None for a sound run, else a one-line reason (and the other fields may be
    empty). ``meta`` holds ``created`` (Unix seconds), ``train_seconds``, ``image_shape``,
    ``config_id``, ``aemodels_version``. ``name`` and ``note`` are what people wrote on the run
    (empty when nothing): the name in plain characters (``words.safe_label``), the note as text.
    """

    run_id: str
    config: TrainConfig | None
    history: dict
    metrics: dict
    meta: dict
    broken: str | None = None
    name: str = ""
    note: str = ""

    @property
    def created(self) -> float:
        return float(self.meta.get("created", 0.0))


class RunStore:
    """Save, list, load, export, import and delete runs under ``root``."""

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root is not None else home_dir() / "runs"
        self.root.mkdir(parents=True, exist_ok=True)

    # --- writing ------------------------------------------------------------------------------

    def save(self, result, metrics: dict, views: EmbeddingViews | None = None) -> str:
        """Store a finished ``training.TrainResult`` with its ``metrics`` and, for embedding kinds,
        its 2-D ``views`` (``evaluation.assess`` gives both) and the codes of every epoch
        (``result.forming``); returns the run id."""
        config = result.config
        meta = {
            "created": time.time(),
            "train_seconds": float(result.train_seconds),
            "image_shape": list(result.bundle.image_shape),
            "config_id": config.config_id,
            "aemodels_version": __version__,
            "replicas": int(getattr(result, "replicas", 1)),
            "mixed_precision": bool(getattr(result, "mixed_precision", False)),
        }
        documents = {"config.json": config.to_dict(), "history.json": result.history,
                     "metrics.json": metrics, "meta.json": meta}

        def write_files(folder: Path) -> None:
            result.bundle.model.save_weights(folder / WEIGHTS_FILE)
            if views is not None:
                views.save(folder)
            if getattr(result, "forming", None) is not None:
                result.forming.save(folder)

        return self._write(config.model, documents, write_files)

    def _write(self, model_kind: str, documents: dict, write_files) -> str:
        temp = self.root / f".tmp-{secrets.token_hex(8)}"
        temp.mkdir()
        try:
            write_files(temp)
            for name, document in documents.items():
                (temp / name).write_text(json.dumps(document, indent=1, allow_nan=True))
            _fsync_folder(temp)
            while True:
                run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{model_kind}-{secrets.token_hex(3)}"
                try:
                    os.rename(temp, self.root / run_id)  # atomic on one file system
                    return run_id
                except OSError:
                    if not (self.root / run_id).exists():
                        raise
        finally:
            if temp.exists():
                shutil.rmtree(temp, ignore_errors=True)

    def delete(self, run_id: str) -> None:
        """Remove a run (sound or broken); the folder leaves the listing at once."""
        folder = self._folder(run_id)
        if not folder.exists():
            raise RunStoreError(f"Run '{run_id}' does not exist: it may have been deleted already.")
        trash = self.root / f".trash-{secrets.token_hex(8)}"
        os.rename(folder, trash)
        shutil.rmtree(trash, ignore_errors=True)

    # --- reading ------------------------------------------------------------------------------

    def list(self) -> list[RunInfo]:
        """Every run, newest first; broken ones included, with their reason."""
        self._sweep_temporaries()
        infos = [self._read(p.name) for p in self.root.iterdir() if RUN_ID_PATTERN.match(p.name) and p.is_dir()]
        return sorted(infos, key=lambda info: (info.created, info.run_id), reverse=True)

    def get(self, run_id: str) -> RunInfo:
        """One run's info; ``RunStoreError`` if the id is malformed or unknown."""
        folder = self._folder(run_id)
        if not folder.is_dir():
            raise RunStoreError(f"There is no run '{run_id}': pick one from the list of runs.")
        return self._read(run_id)

    def find(self, config: TrainConfig) -> RunInfo | None:
        """The newest sound run trained with exactly ``config``, if any."""
        for info in self.list():
            if info.broken is None and info.config == config:
                return info
        return None

    def _find_copy(self, config: TrainConfig, image_shape: list, weights: bytes) -> str | None:
        """The id of a sound run with ``config`` and ``image_shape`` whose weights file holds
        exactly ``weights``."""
        digest = hashlib.sha256(weights).digest()
        for info in self.list():
            if info.broken is None and info.config == config and info.meta.get("image_shape") == image_shape:
                path = self._folder(info.run_id) / WEIGHTS_FILE
                if path.stat().st_size == len(weights) and hashlib.sha256(path.read_bytes()).digest() == digest:
                    return info.run_id
        return None

    def load_bundle(self, run_id: str):
        """The run's model, rebuilt from its config and loaded with its weights."""
        info = self.get(run_id)
        if info.broken:
            raise RunStoreError(f"Run '{run_id}' is broken ({info.broken}): delete it or train again.")
        return _rebuild(info.config, info.meta["image_shape"], self._folder(run_id) / WEIGHTS_FILE)

    def views(self, run_id: str, test_images: int) -> EmbeddingViews | None:
        """The 2-D views saved with the run, if it has them and they fit its ``test_images``
        held-out images."""
        return EmbeddingViews.load(self._folder(run_id), test_images)

    def forming(self, run_id: str, test_images: int) -> Forming | None:
        """The codes of every epoch saved with the run (None for runs saved without them)."""
        return Forming.load(self._folder(run_id), test_images)

    def _folder(self, run_id: str) -> Path:
        if not isinstance(run_id, str) or not RUN_ID_PATTERN.match(run_id):
            raise RunStoreError(f"'{run_id}' is not a run id: run ids look like 20260101-120000-vae-0a1b2c.")
        return self.root / run_id

    def _read(self, run_id: str) -> RunInfo:
        folder = self._folder(run_id)
        documents = {}
        for name in JSON_FILES:
            try:
                documents[name] = json.loads((folder / name).read_text())
            except FileNotFoundError:
                return RunInfo(run_id, None, {}, {}, {}, f"{name} is missing")
            except (OSError, ValueError):
                return RunInfo(run_id, None, {}, {}, {}, f"{name} is not valid JSON")
        try:
            config = TrainConfig.from_dict(documents["config.json"])
        except AemodelsError as exc:
            return RunInfo(run_id, None, {}, {}, {}, f"config.json: {exc}")
        meta = documents["meta.json"]
        history, metrics = documents["history.json"], documents["metrics.json"]
        problem = None
        if not (isinstance(meta, dict) and _valid_shape(meta.get("image_shape"))):
            meta, problem = {}, "meta.json has no valid image_shape"
        elif not isinstance(history, dict) or not isinstance(metrics, dict):
            problem = "history.json or metrics.json is not a JSON object"
        elif not (folder / WEIGHTS_FILE).is_file():
            problem = f"{WEIGHTS_FILE} is missing"
        name, note = _read_words(folder / WORDS_FILE)
        return RunInfo(run_id, config, history if isinstance(history, dict) else {},
                       scoresheet.upgrade(metrics) if isinstance(metrics, dict) else {}, meta, problem, name, note)

    # --- words and the trash ------------------------------------------------------------------

    def can_change(self, run_id: str) -> bool:
        """Whether this store's user may rename or delete the run: always, in a store of one's
        own (``public.VisitorStore`` says otherwise for the shared runs of a public app)."""
        return True

    def set_words(self, run_id: str, name: str, note: str) -> None:
        """Give the run a ``name`` (at most ``MAX_NAME`` plain characters) and a ``note`` (at most
        ``MAX_NOTE`` characters); empty strings remove them."""
        folder = self._folder(run_id)
        if not folder.is_dir():
            raise RunStoreError(f"There is no run '{run_id}': it may have been deleted.")
        if len(name) > MAX_NAME or len(note) > MAX_NOTE:
            raise RunStoreError(f"A run's name has at most {MAX_NAME} characters and its note {MAX_NOTE}: "
                                "shorten them.")
        words = _clean_words({"name": name, "note": note})
        temp = folder / f".{WORDS_FILE}.{secrets.token_hex(4)}"
        temp.write_text(json.dumps(words))
        os.replace(temp, folder / WORDS_FILE)

    def trash(self, run_id: str) -> None:
        """Move a run to the trash: gone from every listing, restorable for ``TRASH_SECONDS``."""
        folder = self._folder(run_id)
        if not folder.exists():
            raise RunStoreError(f"Run '{run_id}' does not exist: it may have been deleted already.")
        bin_ = self.root / TRASH_FOLDER
        bin_.mkdir(exist_ok=True)
        shutil.rmtree(bin_ / run_id, ignore_errors=True)
        os.rename(folder, bin_ / run_id)
        os.utime(bin_ / run_id)  # when it was deleted: the trash keeps it for TRASH_SECONDS from now

    def restore(self, run_id: str) -> None:
        """Bring a run back from the trash."""
        self._folder(run_id)  # checks the id
        trashed = self.root / TRASH_FOLDER / run_id
        if not trashed.is_dir():
            raise RunStoreError(f"Run '{run_id}' is not in the trash any more: it was emptied.")
        if (self.root / run_id).exists():
            raise RunStoreError(f"A run '{run_id}' is already in the store.")
        os.rename(trashed, self.root / run_id)

    def empty_trash(self, run_ids: list[str]) -> None:
        """Delete these trashed runs for good."""
        for run_id in run_ids:
            self._folder(run_id)  # checks the id
            shutil.rmtree(self.root / TRASH_FOLDER / run_id, ignore_errors=True)

    def in_trash(self, run_id: str) -> bool:
        return RUN_ID_PATTERN.match(run_id) is not None and (self.root / TRASH_FOLDER / run_id).is_dir()

    def _sweep_temporaries(self) -> None:
        """Remove what interrupted saves and deletes left behind."""
        now = time.time()
        for path in self.root.glob(".t*-*"):
            try:
                if path.name.startswith(".trash-") or now - path.stat().st_mtime > STALE_TEMP_SECONDS:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass
        for path in (self.root / TRASH_FOLDER).glob("*") if (self.root / TRASH_FOLDER).is_dir() else ():
            try:
                if now - path.stat().st_mtime > TRASH_SECONDS:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass

    # --- sharing ------------------------------------------------------------------------------

    def export_zip(self, run_id: str) -> bytes:
        """The run folder as a zip (config, history, metrics, meta, weights, and the arrays of
        ``OPTIONAL_FILES`` it has)."""
        info = self.get(run_id)
        if info.broken:
            raise RunStoreError(f"Run '{run_id}' is broken ({info.broken}) and cannot be exported.")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in RUN_FILES + OPTIONAL_FILES + (WORDS_FILE,):
                if name in RUN_FILES or (self._folder(run_id) / name).is_file():
                    archive.write(self._folder(run_id) / name, name)
        return buffer.getvalue()

    def import_zip(self, data: bytes, filename: str = "run.zip") -> str:
        """Check an exported run and store it under a new id; returns that id.

        A run already in the store (same config, same weights, byte for byte) is not stored
        twice: its existing id is returned.

        Only a zip made by ``export_zip`` is accepted: whole-model files (``.keras``, ``.h5``)
        are refused, since loading them could run code. The weights must fit the architecture
        the config describes. Nothing is written unless every check passes.
        """
        suffix = Path(filename).suffix.lower()
        if suffix in (".keras", ".h5", ".hdf5", ".pb", ".pkl", ".pickle"):
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
            info = archive.getinfo(name)
            if info.file_size > MAX_JSON_BYTES:
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
        if not isinstance(meta, dict) or not _valid_shape(meta.get("image_shape")):
            raise RunStoreError(f"meta.json in '{filename}' has no valid image_shape.")
        if not isinstance(documents["history.json"], dict) or not isinstance(documents["metrics.json"], dict):
            raise RunStoreError(f"history.json and metrics.json in '{filename}' must be JSON objects.")
        weights = archive.getinfo(WEIGHTS_FILE)
        if weights.file_size > MAX_RUN_ZIP_BYTES:
            raise RunStoreError(f"The weights in '{filename}' are too large for this app.")
        try:
            weights_bytes = archive.read(WEIGHTS_FILE)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
            raise RunStoreError(f"The weights in '{filename}' cannot be read: the zip is damaged.") from None

        extra_files = {name: _read_arrays(archive, name, filename) for name in OPTIONAL_FILES if name in names}
        if WORDS_FILE in names:
            extra_files[WORDS_FILE] = json.dumps(_clean_words(_zip_json(archive, WORDS_FILE, filename))).encode()

        same = self._find_copy(config, meta["image_shape"], weights_bytes)
        if same is not None:
            return same  # importing the same run again adds nothing

        def write_files(folder: Path) -> None:
            path = folder / WEIGHTS_FILE
            path.write_bytes(weights_bytes)
            _rebuild(config, meta["image_shape"], path, checked=True)  # raises if the weights do not fit
            for name, data in extra_files.items():
                (folder / name).write_bytes(data)

        meta = {**meta, "config_id": config.config_id, "imported": time.time()}
        documents["meta.json"] = meta
        documents["config.json"] = config.to_dict()
        return self._write(config.model, documents, write_files)


def _clean_words(words) -> dict:
    """``{"name", "note"}`` fit to show: the name in plain characters, the note without control
    characters, both cut to their lengths; anything else in ``words`` is dropped."""
    from aemodels.words import safe_label

    words = words if isinstance(words, dict) else {}
    name, note = str(words.get("name") or "").strip(), str(words.get("note") or "")
    note = "".join(c for c in note if c in "\n\t" or c.isprintable())[:MAX_NOTE].strip()
    return {"name": safe_label(name[:MAX_NAME]) if name else "", "note": note}


def _read_words(path: Path) -> tuple[str, str]:
    try:
        words = _clean_words(json.loads(path.read_text()))
    except (OSError, ValueError):
        return "", ""
    return words["name"], words["note"]


def _zip_json(archive: zipfile.ZipFile, member: str, filename: str):
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


def _valid_shape(shape) -> bool:
    return (isinstance(shape, list) and len(shape) == 3 and all(isinstance(s, int) for s in shape)
            and 8 <= shape[0] <= 256 and 8 <= shape[1] <= 256 and shape[2] in (1, 3))


def _rebuild(config: TrainConfig, image_shape, weights: Path, checked: bool = False):
    """The model of ``config`` with the weights of file ``weights``; with ``checked`` (a file from
    outside), its HDF5 structure is checked against a fresh model's first (``weights_check``)."""
    from aemodels.models.architectures import build_model

    bundle = build_model(config, tuple(image_shape))
    if checked:
        from aemodels.models import weights_check

        fresh = weights.with_name(f".fresh-{secrets.token_hex(4)}.weights.h5")
        try:
            bundle.model.save_weights(fresh)
            weights_check.check(weights, fresh)
        except OSError:
            raise RunStoreError(f"The weights do not fit a {config.model} model of this config "
                                "(not an HDF5 file): export the run again.") from None
        except RunStoreError as exc:
            raise RunStoreError(f"The weights do not fit a {config.model} model of this config ({exc}).") from None
        finally:
            fresh.unlink(missing_ok=True)
    try:
        with warnings.catch_warnings():
            # The file also holds Adam's state, which inference does not need.
            warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
            # Keras 3.15 loads a file that lacks some layers' groups with a warning and leaves those
            # layers at random weights: for us that file does not fit.
            warnings.filterwarnings("error", message="Skipping nested container")
            bundle.model.load_weights(weights)
    except Exception as exc:  # h5py and Keras raise many kinds for bad or mismatched weights
        first_line = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise RunStoreError(f"The weights do not fit a {config.model} model of this config ({first_line}).") from None
    return bundle


def _fsync_folder(folder: Path) -> None:
    """Flush every file of ``folder`` to disk before it is renamed into place."""
    for path in folder.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
