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
``settle_if_imported()`` does the same at the end of a run that imported modules (the first visit
to a screen imports pandas, scikit-learn, ...): before TensorFlow is loaded, the heap of Streamlit,
Plotly and those libraries alone made each after-run collection about 0.1 s while a training used
both cores (2 s of the server's time in one quick training, py-spy). It costs the first page of a
cold server one collection (about 0.3 s).
"""

from __future__ import annotations

import gc
import sys
import threading

_lock = threading.Lock()
_modules_when_settled = 0


def settle() -> int:
    """Collect garbage, then freeze the survivors; returns how many objects are now frozen.

    Costs one full collection (a few hundred ms with TensorFlow loaded): call it after loading or
    training a model, never on a slider's path.
    """
    global _modules_when_settled
    with _lock:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        _modules_when_settled = len(sys.modules)
        return gc.get_freeze_count()


def settle_if_imported() -> bool:
    """``settle()`` if modules were imported since the last one; True if it did. Cheap otherwise:
    called at the end of every run."""
    if len(sys.modules) <= _modules_when_settled:
        return False
    settle()
    return True
