"""Keep Streamlit's after-run garbage collections cheap with TensorFlow in the process.

After every script run, fragment runs included, Streamlit calls ``keras.backend.clear_session()``
(which ends in ``gc.collect()``) and, with ``runner.postScriptGC`` (the default), ``gc.collect(2)``
(``streamlit/runtime/scriptrunner/script_runner.py``: ``_clean_problem_modules`` and the
``postScriptGC`` block). With TensorFlow, Keras and a model loaded the collector tracks about
400,000 objects, and each full collection walks them all: about a quarter of a second on 2 cores,
twice per rerun.

Nearly all of those objects live as long as the server: modules, TensorFlow's registries, the
cached models. ``gc.freeze()`` (CPython 3.7+) moves every object tracked at that moment into a
permanent generation that collections skip. ``settle()`` is called when that long-lived set has
just grown (a model loaded, a training finished): it first unfreezes and collects, so that models
dropped from the cache since the last call are freed, then freezes what is left.
"""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()


def settle() -> int:
    """Collect garbage, then freeze the survivors; returns how many objects are now frozen.

    Costs one full collection (a few hundred ms with TensorFlow loaded): call it after loading or
    training a model, never on a slider's path.
    """
    with _lock:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        return gc.get_freeze_count()
