"""``Store``: what every run store offers. ``runs.RunStore`` (one folder of runs) and
``visitors.VisitorStore`` (a public app's shared runs with one visitor's own) implement it, and
the dashboard and the command line use nothing else of either.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from aemodels.models.forming import Forming
from aemodels.scoring.views import EmbeddingViews
from aemodels.store.run_folder import RunInfo


@runtime_checkable
class Store(Protocol):
    """Runs that can be listed, read, changed and moved. Every method that takes a run id raises
    ``RunStoreError`` with a one-line message for an id that is malformed or not in the store."""

    root: Path  # where a training started from this store saves its run

    def key_of(self, run_id: str) -> str:
        """Whose run ``run_id`` is, as text: the folder of the store that holds it (the store's
        own folder for an id it does not hold). Caches of a run's data are keyed on it, so a
        cached run is never served to a session whose store does not hold it."""

    # --- reading
    def list(self) -> list[RunInfo]:
        """Every run, newest first, broken ones included with their reason. Reads only."""

    def get(self, run_id: str) -> RunInfo: ...

    def holds(self, run_id: str) -> bool:
        """Whether the store has a folder for ``run_id`` (sound or broken), without reading it."""

    def find(self, config) -> RunInfo | None:
        """The newest sound run trained with exactly ``config``."""

    def load_bundle(self, run_id: str): ...

    def views(self, run_id: str, test_images: int) -> EmbeddingViews | None: ...

    def forming(self, run_id: str, test_images: int) -> Forming | None: ...

    def can_change(self, run_id: str) -> bool: ...

    def in_trash(self, run_id: str) -> bool: ...

    def export_zip(self, run_id: str) -> bytes: ...

    # --- writing
    def import_zip(self, data: bytes, filename: str = "run.zip") -> str: ...

    def set_words(self, run_id: str, name: str, note: str) -> None: ...

    def trash(self, run_id: str) -> None: ...

    def restore(self, run_id: str) -> None: ...

    def empty_trash(self, run_ids: list[str]) -> None: ...

    def delete(self, run_id: str) -> None: ...

    def tidy(self) -> None:
        """Remove what interrupted saves and deletes left behind, and trashed runs past their time."""
