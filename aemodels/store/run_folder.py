"""One run folder on disk: its files, what is read from them, and the model rebuilt from them.

A run folder holds ``config.json``, ``history.json``, ``metrics.json``, ``meta.json`` and
``model.weights.h5``; for embedding kinds also ``views.npz`` (``views.EmbeddingViews``) and
``forming.npz`` (``forming.Forming``), and ``words.json`` once someone names the run. Loading
rebuilds the architecture from the config and loads weights only: no code stored in a file is
ever run.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import secrets
import warnings
from pathlib import Path

from aemodels.config import TrainConfig
from aemodels.errors import AemodelsError, RunStoreError
from aemodels.models.forming import FORMING_FILE
from aemodels.scoring import scoresheet
from aemodels.scoring.scores import Scores
from aemodels.scoring.views import VIEWS_FILE
from aemodels.words import safe_label

WEIGHTS_FILE = "model.weights.h5"
JSON_FILES = ("config.json", "history.json", "metrics.json", "meta.json")
RUN_FILES = (*JSON_FILES, WEIGHTS_FILE)
OPTIONAL_FILES = (VIEWS_FILE, FORMING_FILE)  # arrays (npz), checked on import
WORDS_FILE = "words.json"  # the run's name and note, typed by people; optional
MAX_NAME, MAX_NOTE = 40, 2000  # characters


@dataclasses.dataclass(frozen=True)
class RunInfo:
    """What the store knows of one run folder.

    ``broken`` is None for a sound run, else a one-line reason (and the other fields may be
    empty). ``meta`` holds ``created`` (Unix seconds), ``train_seconds``, ``image_shape``,
    ``config_id``, ``aemodels_version``, and for runs saved since it was kept ``started`` (Unix
    seconds, when training began) and ``epoch_ends`` (seconds from then). ``name`` and ``note`` are what people wrote on the run
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

    @functools.cached_property
    def scores(self) -> Scores:
        """The run's scores (``metrics`` read by ``scores.Scores``)."""
        return Scores.read(self.metrics)


def read_run(folder: Path, run_id: str) -> RunInfo:
    """What ``folder`` holds, as run ``run_id``; a folder that cannot be used comes back with
    ``broken`` set to the reason, never as an exception."""
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
    if not (isinstance(meta, dict) and valid_shape(meta.get("image_shape"))):
        meta, problem = {}, "meta.json has no valid image_shape"
    elif not isinstance(history, dict) or not isinstance(metrics, dict):
        problem = "history.json or metrics.json is not a JSON object"
    elif not (folder / WEIGHTS_FILE).is_file():
        problem = f"{WEIGHTS_FILE} is missing"
    name, note = read_words(folder / WORDS_FILE)
    return RunInfo(run_id, config, history if isinstance(history, dict) else {},
                   scoresheet.upgrade(metrics) if isinstance(metrics, dict) else {}, meta, problem, name, note)


def clean_words(words) -> dict:
    """``{"name", "note"}`` fit to show: the name in plain characters, the note without control
    characters, both cut to their lengths; anything else in ``words`` is dropped."""
    words = words if isinstance(words, dict) else {}
    name, note = str(words.get("name") or "").strip(), str(words.get("note") or "")
    note = "".join(c for c in note if c in "\n\t" or c.isprintable())[:MAX_NOTE].strip()
    return {"name": safe_label(name[:MAX_NAME]) if name else "", "note": note}


def read_words(path: Path) -> tuple[str, str]:
    """The (name, note) in a ``words.json``; empty strings where it is missing or unreadable."""
    try:
        words = clean_words(json.loads(path.read_text()))
    except (OSError, ValueError):
        return "", ""
    return words["name"], words["note"]


def valid_shape(shape) -> bool:
    """Whether ``shape`` (from JSON) is an image shape this app handles: [height, width, channels]."""
    return (isinstance(shape, list) and len(shape) == 3 and all(isinstance(s, int) for s in shape)
            and 8 <= shape[0] <= 256 and 8 <= shape[1] <= 256 and shape[2] in (1, 3))


def rebuild(config: TrainConfig, image_shape, weights: Path, checked: bool = False):
    """The model of ``config`` with the weights of file ``weights``; with ``checked`` (a file from
    outside), its HDF5 structure is checked against a fresh model's first (``weights_check``)."""
    from aemodels.tasks.registry import build_model

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


def fsync_folder(folder: Path) -> None:
    """Flush every file of ``folder`` to disk before it is renamed into place."""
    for path in folder.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
