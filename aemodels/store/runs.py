"""The run store: every finished training as one folder under ``$AEMODELS_HOME/runs``.

What a folder holds is ``run_folder``'s business, and a run as a zip ``transfer``'s. Folders
are written under a temporary name and renamed into place, so a run is either all there or not
there at all, whatever kills the process. Run ids are made here (never taken from a user as a
path) and checked against ``RUN_ID_PATTERN`` before any use.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path

from aemodels import __version__
from aemodels.config import TrainConfig
from aemodels.errors import RunStoreError
from aemodels.home import home_dir
from aemodels.kinds import NAME_PATTERN
from aemodels.models.forming import Forming
from aemodels.scoring.views import EmbeddingViews
from aemodels.store import elsewhere_scores, transfer
from aemodels.store.run_folder import (
    MAX_NAME,
    MAX_NOTE,
    WEIGHTS_FILE,
    WORDS_FILE,
    RunInfo,
    clean_words,
    fsync_folder,
    read_run,
    rebuild,
)

# date-time, kind name (any name kinds.NAME_PATTERN allows), random part
RUN_ID_PATTERN = re.compile(r"^\d{8}-\d{6}-" + NAME_PATTERN.pattern.strip("^$") + r"-[0-9a-f]{6}$")
TRASH_FOLDER = ".trash"  # deleted runs, restorable for TRASH_SECONDS
TRASH_SECONDS = 24 * 3600
STALE_TEMP_SECONDS = 3600


class RunStore:
    """Save, list, load, export, import and delete runs under ``root`` (a ``protocol.Store``)."""

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root is not None else home_dir() / "runs"
        self.root.mkdir(parents=True, exist_ok=True)

    # --- writing ------------------------------------------------------------------------------

    def save(self, result, metrics: dict, views: EmbeddingViews | None = None) -> str:
        """Store a finished ``training.TrainResult`` with its ``metrics`` and, for embedding kinds,
        its 2-D ``views`` (``tasks.assessment.assess`` gives both) and the codes of every epoch
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
        if getattr(result, "started", None) is not None:
            meta["started"] = float(result.started)
            meta["epoch_ends"] = [round(float(t), 3) for t in result.epoch_ends]
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
        self.tidy()
        temp = self.root / f".tmp-{secrets.token_hex(8)}"
        temp.mkdir()
        try:
            write_files(temp)
            for name, document in documents.items():
                (temp / name).write_text(json.dumps(document, indent=1, allow_nan=True))
            fsync_folder(temp)
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
        self._forget_scores_elsewhere(run_id)

    def _forget_scores_elsewhere(self, run_id: str) -> None:
        """Remove what ``elsewhere_scores`` kept of a run deleted for good."""
        with contextlib.suppress(OSError):
            (self.root / elsewhere_scores.FOLDER / f"{run_id}.json").unlink(missing_ok=True)

    # --- reading ------------------------------------------------------------------------------

    def key_of(self, run_id: str) -> str:
        """This store's folder, as text: whose run ``run_id`` is (``protocol.Store.key_of``)."""
        return str(self.root)

    def list(self) -> list[RunInfo]:
        """Every run, newest first; broken ones included, with their reason. Reads only."""
        infos = [self._read(p.name) for p in self.root.iterdir() if RUN_ID_PATTERN.match(p.name) and p.is_dir()]
        return sorted(infos, key=lambda info: (info.created, info.run_id), reverse=True)

    def holds(self, run_id: str) -> bool:
        """Whether the store has a folder for ``run_id`` (sound or broken), without reading it."""
        return isinstance(run_id, str) and RUN_ID_PATTERN.match(run_id) is not None and (self.root / run_id).is_dir()

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
        return rebuild(info.config, info.meta["image_shape"], self._folder(run_id) / WEIGHTS_FILE)

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
        return read_run(self._folder(run_id), run_id)

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
        words = clean_words({"name": name, "note": note})
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
            self._forget_scores_elsewhere(run_id)

    def in_trash(self, run_id: str) -> bool:
        return RUN_ID_PATTERN.match(run_id) is not None and (self.root / TRASH_FOLDER / run_id).is_dir()

    def tidy(self) -> None:
        """Remove what interrupted saves and deletes left behind, and trashed runs past
        ``TRASH_SECONDS``. Called before each save; the dashboard also calls it once when it starts."""
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
        """The run as a zip (``transfer.zip_run``)."""
        info = self.get(run_id)
        if info.broken:
            raise RunStoreError(f"Run '{run_id}' is broken ({info.broken}) and cannot be exported.")
        return transfer.zip_run(self._folder(run_id))

    def import_zip(self, data: bytes, filename: str = "run.zip") -> str:
        """Check an exported run and store it under a new id; returns that id.

        A run already in the store (same config, same weights, byte for byte) is not stored
        twice: its existing id is returned. The zip is checked by ``transfer.read_run_zip``,
        and the weights must fit the architecture the config describes. Nothing is written
        unless every check passes.
        """
        export = transfer.read_run_zip(data, filename)
        same = self._find_copy(export.config, export.image_shape, export.weights)
        if same is not None:
            return same  # importing the same run again adds nothing

        def write_files(folder: Path) -> None:
            path = folder / WEIGHTS_FILE
            path.write_bytes(export.weights)
            rebuild(export.config, export.image_shape, path, checked=True)  # raises if the weights do not fit
            for name, content in export.extra_files.items():
                (folder / name).write_bytes(content)

        documents = {**export.documents, "config.json": export.config.to_dict(),
                     "meta.json": {**export.documents["meta.json"], "config_id": export.config.config_id,
                                   "imported": time.time()}}
        return self._write(export.config.model, documents, write_files)
