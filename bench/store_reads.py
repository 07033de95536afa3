"""How often one warm rerun of a screen touches the run store: stores built, listings, run
folders read. Counted, not timed: every call of ``RunStore``'s constructor, ``list`` and its
one-folder reader is counted while AppTest reruns the real app.

    python -m bench.store_reads            # three small runs, local and public mode

A warm rerun is the second run of the script in one session, as after a click.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["AEMODELS_OFFLINE"] = "1"

PAGES = ("pages/embedding.py", "pages/latent.py", "pages/runs.py", "pages/home.py")
RUNS = 3


def _train_runs(home: Path) -> list[str]:
    from aemodels.config import TrainConfig
    from aemodels.store.runs import RunStore
    from aemodels.tasks.assessment import assess
    from aemodels.tasks.training import train

    store = RunStore(home / "runs")
    run_ids = []
    for seed in range(RUNS):
        result = train(TrainConfig(model="dense-ae", train_images=300, epochs=1, batch_size=64, seed=seed))
        assessment = assess(result.bundle)
        run_ids.append(store.save(result, assessment.metrics, assessment.views))
    return run_ids


def _counting(counts: Counter) -> None:
    """Wrap the store's constructor, listing and folder reader so each call is counted."""
    from aemodels.store import runs

    def counted(name, function):
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return function(*args, **kwargs)
        return wrapper

    runs.RunStore.__init__ = counted("stores built", runs.RunStore.__init__)
    runs.RunStore.list = counted("listings", runs.RunStore.list)
    runs.RunStore._read = counted("run folders read", runs.RunStore._read)


def warm_rerun(page: str, run_id: str, counts: Counter) -> dict[str, int]:
    """The counts of the second run of ``page`` with ``?run=run_id``."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["run"] = run_id
    at.switch_page(page).run()
    assert not at.exception, at.exception
    counts.clear()
    at.run()
    assert not at.exception, at.exception
    return dict(counts)


def main() -> int:
    counts: Counter = Counter()
    with tempfile.TemporaryDirectory(prefix="aereads-") as folder:
        home = Path(folder)
        os.environ["AEMODELS_HOME"] = str(home)
        run_ids = _train_runs(home)
        _counting(counts)
        print(f"One warm rerun, {RUNS} runs in the store: stores built / listings / run folders read")
        print(f"{'screen':<22}{'local':>16}{'public':>16}")
        for page in PAGES:
            cells = []
            for public in ("", "1"):
                os.environ["AEMODELS_PUBLIC"] = public
                got = warm_rerun(page, run_ids[-1], counts)
                cells.append(" / ".join(str(got.get(k, 0)) for k in ("stores built", "listings", "run folders read")))
            print(f"{page:<22}{cells[0]:>16}{cells[1]:>16}")
        os.environ.pop("AEMODELS_PUBLIC", None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
