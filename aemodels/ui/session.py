"""Every entry this app keeps in ``st.session_state``, with the module that owns it and how long it
lives: the one place to read what a browser tab's session holds.

Code reads and writes the session through these entries only (``tests/test_session_model.py``
holds every other module to it). A widget's ``key`` is an entry here when code reads or sets the
widget's value; a key that only names a widget (a button's) is not.

Lifetimes, in words a person can check:
- *session*: as long as the tab's session (a reload of the page starts a new one);
- *screen*: while the person stays on the screen (or the run) it belongs to;
- *next run*: written for the next script run, which takes it and forgets it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import streamlit as st


@dataclasses.dataclass(frozen=True)
class Entry:
    """One ``st.session_state`` entry: its ``name``, the ``owner`` module that writes it and its
    ``lifetime`` (see the module's docstring)."""

    name: str
    owner: str
    lifetime: str

    def get(self, default: Any = None) -> Any:
        return st.session_state.get(self.name, default)

    def set(self, value: Any) -> None:
        st.session_state[self.name] = value

    def setdefault(self, value: Any) -> Any:
        return st.session_state.setdefault(self.name, value)

    def pop(self, default: Any = None) -> Any:
        """The value, and the entry forgotten."""
        return st.session_state.pop(self.name, default)

    @property
    def present(self) -> bool:
        return self.name in st.session_state


@dataclasses.dataclass(frozen=True)
class Entries:
    """A family of entries named by a ``pattern`` with one ``{}`` (a run id, a coordinate, a widget)."""

    pattern: str
    owner: str
    lifetime: str

    def __call__(self, part: Any) -> Entry:
        return Entry(self.pattern.format(part), self.owner, self.lifetime)


# --- where the person is: ui.state ----------------------------------------------------------------
CURRENT = Entries("current_{}", "ui.state", "session: the current dataset and run, mirrored in the URL")
NOTICES = Entry("notices", "ui.state", "next run: one-line messages for the next page drawn")
STORE = Entry("session_store", "ui.state", "session: (whose store, the store), built again when the owner changes")
LISTING = Entry("session_listing", "ui.state", "one script run: (script run number, the runs listed in it)")
SCRIPT_RUN = Entry("script_run_number", "ui.state", "session: counts the full script runs")
RUN_PICKER = Entries("run_picker_{}", "ui.runs", "screen: the sidebar's run picker, one per dataset and current run")
FELL_BACK = Entry("fell_back_to", "ui.runs", "next run: the run a result screen opened because none was chosen")

# --- who the person is: ui.access -----------------------------------------------------------------
OWNER_SIGNED_IN = Entry("owner_signed_in", "ui.access", "session: the public app's owner signed in")
OWNER_PASSWORD = Entry("owner_password", "ui.access", "screen: the owner password field (a widget's key)")
PASSWORD_REFUSED = Entry("owner_password_refused", "ui.access", "next run: the password typed was not the owner's")
UPLOADED_BYTES = Entry("uploaded_bytes", "ui.access", "session: bytes this visitor uploaded (public mode's quota)")
VISITOR_TOKEN = Entry("visitor_token", "ui.access", "session: this browser's token, also kept in the browser")
VISITOR_SEEN = Entry("visitor_seen_at", "ui.access", "session: when the visitor's private store was last marked in use")

# --- Train ----------------------------------------------------------------------------------------
REMEMBERED = Entry("remembered_settings", "ui.remembered", "session: widget values kept across screens")
RECOMMENDED_FOR = Entry("recommended_for", "ui.settings_form",
                        "screen: (kind, training images) the recommended settings were last set for")
FORM = Entries("{}", "ui.remembered", "session: a Train form widget's value, kept while other screens are open")
TRAIN_KIND = Entry("train_kind", "ui.runs", "next run: the kind Train opens with, asked by another screen")
JOBS_SEEN = Entry("training_jobs_seen", "ui.training", "session: finished jobs whose runs this session took in")
QUICK_JOB = Entry("quick_model_job", "pages/home.py", "screen: the quick model's job, while Home waits to open its map")
LESSON_UNKNOWN_STEP = Entry("lesson_unknown_step", "ui.lesson",
                            "screen: a link's lesson step that does not exist, said until a step is opened")
LESSON_JOB = Entry("lesson_job", "ui.lesson",
                   "screen: (job id, step) of the lesson step training while Lesson waits to open its screen")

# --- datasets --------------------------------------------------------------------------------------
DATASET_CHOICE = Entry("dataset_choice", "ui.dataset_picker", "screen: the dataset picker's widget")
SHOW_UPLOAD = Entry("dataset_picker_show_upload", "ui.dataset_picker", "next run: the picker shows the new upload")
DATASET_FILE = Entry("upload", "ui.dataset_picker", "screen: the dataset uploader (a widget's key)")
UPLOAD_REFUSED = Entry("upload_refused", "ui.dataset_picker",
                       "screen: (file id, why) of the upload refused, said while that file is in the uploader")
SESSION_UPLOADS = Entry("uploads_of_session", "ui.dataset_picker", "session: the datasets this session uploaded")

# --- Embedding vs PCA -------------------------------------------------------------------------------
SELECTION = Entry("embedding_selection", "ui.embedding", "screen: the held-out image chosen on the maps")
MAP_EVENT = Entries("emb_{}_chart", "ui.embedding", "screen: the model or PCA map's selection event (its key)")
CONTOURS = Entry("contours", "ui.embedding", "session: the maps' density contours switch")

# --- Latent explorer --------------------------------------------------------------------------------
CODE_NOISE = Entry("code_noise", "ui.code_noise_view", "screen: the noise added to the codes (a widget's key)")
LATENT_RUN = Entry("latent_run", "ui.latent", "screen: the run whose sliders are on screen")
LATENT_ENDS = Entry("latent_ends", "ui.latent", "screen: the last two points clicked on the map, interpolation ends")
LATENT_ENDS_CHANGED = Entry("latent_ends_changed", "ui.latent",
                            "next run: a click changed the ends, so the page (not only the fragment) reruns")
LATENT_MAP = Entry("latent_map", "ui.latent", "screen: the clickable map's selection event")
COORDINATE = Entries("z{}", "ui.latent", "screen: coordinate slider zN's value, also in the URL")
SAMPLE_SEED = Entry("sample_seed", "ui.latent", "session: the seed of the random samples shown")
LATENT_CLASS = Entry("latent_class", "ui.latent", "screen: the class a conditional model decodes (the picker's key)")
STYLE_SEED = Entry("style_seed", "ui.latent", "session: the seed of a conditional model's style codes in its class grid")
CODE_IMAGE = Entry("code_image", "ui.latent", "screen: the held-out image whose shaped code is drawn (its key)")

# --- Runs -----------------------------------------------------------------------------------------
COMPARED = Entry("compare", "ui.compare_views", "session: the runs compared (the multiselect's key)")
RUNS_TABLE = Entry("runs_table", "ui.run_table", "screen: the runs table's row selection")
FILTER_HIDDEN = Entries("runs_{}_hidden", "ui.run_table", "session: what a filter of the runs table took out")
FILTER_OFFERED = Entries("runs_{}_options", "ui.run_table", "session: what a filter of the runs table last offered")
FILTER = Entries("runs_{}", "ui.run_table", "session: a filter of the runs table, kinds or datasets (its key)")
ONE_RUN = Entry("one_run", "ui.run_actions", "screen: the run the actions act on (the picker's key)")
ONE_RUN_FOLLOWS = Entry("one_run_follows", "ui.run_actions", "screen: the current run the actions picker last followed")
RUN_ZIP = Entry("import", "ui.run_actions", "screen: the run .zip uploader (a widget's key)")
RUN_NAME = Entries("run_name_{}", "ui.run_actions", "screen: the name field of a run's words form")
RUN_NOTE = Entries("run_note_{}", "ui.run_actions", "screen: the note field of a run's words form")
TRASHED = Entry("trashed_runs", "ui.run_actions", "session: runs this session moved to the trash, oldest first")
TRASHED_LABELS = Entry("trashed_run_labels", "ui.run_actions", "session: run id → its label when it was deleted")
