"""Public mode: shared runs that visitors can only read, and a private store per visitor.

A public app (``AEMODELS_PUBLIC=1``) keeps the owner's runs in the usual store, read-only to
visitors, and gives each browser session a store of its own under ``$AEMODELS_HOME/visitors/``,
where its trainings and imported runs go. ``VisitorStore`` joins the two behind the ``RunStore``
interface; ``Limits`` bounds what one visitor, and all of them together, may use; ``sweep``
removes the private stores of sessions that have ended. No Streamlit here: the UI decides who is
a visitor, who the owner, and when a session has ended.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shutil
import time
from pathlib import Path

from aemodels.errors import AemodelsError, RunStoreError
from aemodels.home import home_dir
from aemodels.store.run_folder import RunInfo
from aemodels.store.runs import RUN_ID_PATTERN, RunStore

PUBLIC_ENV = "AEMODELS_PUBLIC"
VISITORS_FOLDER = "visitors"
SESSION_FILE = ".sessions"  # the visitor's session ids, one per line; modified when last seen
FOLDER_NAME = re.compile(r"^[0-9a-f]{24}$")  # hash of the visitor's token: nothing a browser sends is a path


class LimitReached(AemodelsError):
    """A visitor asked for more than public mode allows; the message says which limit and what to do."""


@dataclasses.dataclass(frozen=True)
class Limits:
    """What public mode allows.

    ``runs_per_visitor``: private runs one visitor may keep; ``upload_mb_per_visitor``: megabytes
    of uploaded files (datasets and runs) one visitor may send; ``private_quota_mb``: all private
    stores together, the oldest evicted first beyond it; ``image_epochs``: epochs × training images
    of one training (the Train defaults on mnist-10k use 8,000 × 8 = 64,000 to 8,000 × 20);
    ``idle_hours``: a private store whose session has not been seen for this long is removed even if
    Streamlit still holds the session.
    """

    runs_per_visitor: int = 5
    upload_mb_per_visitor: int = 25
    private_quota_mb: int = 300
    image_epochs: int = 240_000
    idle_hours: float = 12.0


def public_from_env() -> bool:
    """True when ``AEMODELS_PUBLIC`` is set to 1, true or yes."""
    return os.environ.get(PUBLIC_ENV, "").strip().lower() in ("1", "true", "yes")


def visitors_root() -> Path:
    return home_dir() / VISITORS_FOLDER


def check_training_size(epochs: int, train_images: int, limits: Limits) -> None:
    """``LimitReached`` when one training would hold the shared queue too long."""
    if epochs * train_images > limits.image_epochs:
        most = max(1, limits.image_epochs // max(1, train_images))
        raise LimitReached(f"This public app trains at most {limits.image_epochs:,} image-epochs at a time: "
                           f"{epochs} epochs × {train_images:,} images is more. Choose at most {most} epochs "
                           "or fewer images, or run the app on your own machine.")


class VisitorStore:
    """The shared store (read-only unless ``owner``) and one visitor's private store, as one
    ``protocol.Store``.

    Runs list newest first, the visitor's own with the shared ones. Saves and imports go to the
    private store (to the shared one for the owner); ``root`` is where a training saves.
    """

    def __init__(self, shared: RunStore, private: RunStore, limits: Limits, owner: bool = False):
        self.shared, self.private, self.limits, self.owner = shared, private, limits, owner

    @property
    def root(self) -> Path:
        return self.shared.root if self.owner else self.private.root

    def is_shared(self, run_id: str) -> bool:
        return not self.private.holds(run_id) and self.shared.holds(run_id)

    def key_of(self, run_id: str) -> str:
        """The folder of the store that holds ``run_id``: the shared one for a shared run, so
        every visitor's session shares its cached data; the visitor's own otherwise."""
        return self._holder(run_id).key_of(run_id)

    def holds(self, run_id: str) -> bool:
        return self.private.holds(run_id) or self.shared.holds(run_id)

    def tidy(self) -> None:
        self.private.tidy()
        if self.owner:
            self.shared.tidy()

    def can_change(self, run_id: str) -> bool:
        """Whether the visitor may rename or delete the run: their own, or any for the owner."""
        return self.owner or not self.is_shared(run_id)

    # --- reading: the private store first ------------------------------------------------------

    def list(self) -> list[RunInfo]:
        infos = self.private.list() + self.shared.list()
        return sorted(infos, key=lambda info: (info.created, info.run_id), reverse=True)

    def get(self, run_id: str) -> RunInfo:
        return self._holder(run_id).get(run_id)

    def find(self, config) -> RunInfo | None:
        return self.private.find(config) or self.shared.find(config)

    def load_bundle(self, run_id: str):
        return self._holder(run_id).load_bundle(run_id)

    def views(self, run_id: str, test_images: int):
        return self._holder(run_id).views(run_id, test_images)

    def forming(self, run_id: str, test_images: int):
        return self._holder(run_id).forming(run_id, test_images)

    def export_zip(self, run_id: str) -> bytes:
        return self._holder(run_id).export_zip(run_id)

    # --- writing: limits and rights -----------------------------------------------------------

    def _check_change(self, run_id: str) -> None:
        if not self.can_change(run_id):
            raise RunStoreError(f"Run '{run_id}' is one of this app's shared runs: visitors cannot delete it. "
                                "Train or upload your own runs to delete them.")

    def delete(self, run_id: str) -> None:
        self._check_change(run_id)
        self._holder(run_id).delete(run_id)

    def set_words(self, run_id: str, name: str, note: str) -> None:
        self._check_change(run_id)
        self._holder(run_id).set_words(run_id, name, note)

    def trash(self, run_id: str) -> None:
        self._check_change(run_id)
        self._holder(run_id).trash(run_id)

    def restore(self, run_id: str) -> None:
        (self.private if self.private.in_trash(run_id) else self.shared).restore(run_id)

    def empty_trash(self, run_ids: list[str]) -> None:
        self.private.empty_trash(run_ids)
        if self.owner:
            self.shared.empty_trash(run_ids)

    def in_trash(self, run_id: str) -> bool:
        return self.private.in_trash(run_id) or (self.owner and self.shared.in_trash(run_id))

    def held_by_another_visitor(self, run_id: str) -> bool:
        """Whether ``run_id`` is a run in some other visitor's private store (so a link to it
        shows nothing here because it is private, not because it was deleted)."""
        if not isinstance(run_id, str) or not RUN_ID_PATTERN.match(run_id):
            return False
        return any((folder / "runs" / run_id).is_dir() for folder in visitors_root().glob("*")
                   if FOLDER_NAME.match(folder.name) and (folder / "runs").resolve() != self.private.root.resolve())

    def import_zip(self, data: bytes, filename: str = "run.zip") -> str:
        if not self.owner:
            self.check_room()
        return (self.shared if self.owner else self.private).import_zip(data, filename)

    def check_room(self, running: int = 0) -> None:
        """``LimitReached`` when the visitor already keeps ``runs_per_visitor`` runs (counting
        ``running`` trainings that will add one each)."""
        kept = len(self.private.list()) + running
        if kept >= self.limits.runs_per_visitor:
            raise LimitReached(f"You have {kept} of the {self.limits.runs_per_visitor} runs a visitor may keep "
                               "in this public app: delete one on Runs (download it first to keep it).")

    def _holder(self, run_id: str) -> RunStore:
        return self.shared if self.is_shared(run_id) else self.private


def private_store(visitor: str, session: str) -> RunStore:
    """The private store of ``visitor`` (a secret token the browser keeps), seen now by Streamlit
    session ``session``: a reload or a second tab of the same browser is the same visitor."""
    store = RunStore(_private_folder(visitor) / "runs")
    mark_seen(visitor, session)
    return store


def _private_folder(visitor: str) -> Path:
    return visitors_root() / hashlib.sha256(visitor.encode()).hexdigest()[:24]


def mark_seen(visitor: str, session: str) -> None:
    """Record that Streamlit session ``session`` of ``visitor`` uses its private store now: ``sweep``
    keeps the stores of live sessions seen in the last ``idle_hours``."""
    folder = _private_folder(visitor)
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / SESSION_FILE
    sessions = marker.read_text().split() if marker.exists() else []
    if session not in sessions:
        marker.write_text("\n".join([*sessions, session][-MAX_SESSIONS:]))
    elif time.time() - marker.stat().st_mtime > SEEN_EVERY_SECONDS:
        marker.touch()  # seen now; not written on every rerun of every fragment


MAX_SESSIONS = 20  # the latest sessions of one visitor that keep its store alive
SEEN_EVERY_SECONDS = 60  # how often, at most, a store is marked as seen (idle_hours counts from it)


def sweep(alive, limits: Limits, now: float | None = None) -> list[str]:
    """Remove the private stores of ended sessions, and the oldest beyond the quota.

    ``alive(session) -> bool`` says whether Streamlit still holds that session. A store is removed
    when all its sessions have ended or it has not been seen for ``limits.idle_hours``; then, while all
    private stores together pass ``limits.private_quota_mb``, the least recently seen is removed.
    Returns the folder names removed.
    """
    root = visitors_root()
    if not root.is_dir():
        return []
    now = time.time() if now is None else now
    seen, sessions = {}, {}
    for folder in root.iterdir():
        if folder.is_dir() and FOLDER_NAME.match(folder.name):
            marker = folder / SESSION_FILE
            try:
                seen[folder.name], sessions[folder.name] = marker.stat().st_mtime, marker.read_text().split()
            except OSError:
                seen[folder.name], sessions[folder.name] = 0.0, []
    removed = [v for v, at in seen.items()
               if not any(alive(session) for session in sessions[v]) or now - at > limits.idle_hours * 3600]
    sizes = {v: _size(root / v) for v in seen if v not in removed}
    for visitor in sorted(sizes, key=seen.get):
        if sum(sizes.values()) <= limits.private_quota_mb * 1024 * 1024:
            break
        removed.append(visitor)
        del sizes[visitor]
    for visitor in removed:
        shutil.rmtree(root / visitor, ignore_errors=True)
    return removed


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
