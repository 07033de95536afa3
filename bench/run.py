"""Run every benchmark on the embedded mnist-10k, offline, and print one table.

    python bench/run.py            # --quick: fewer epochs, one seed (the default)
    python bench/run.py --full     # more epochs, three seeds
    python bench/run.py --only speed,app --write BENCHMARKS.md

Benchmarks are not tests: nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as ``python bench/run.py``, Python puts bench/ first on the path: put the project there instead.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
elif str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["AEMODELS_OFFLINE"] = "1"

GROUPS = ("quality", "models", "lesson", "neighbours", "curve", "baselines", "public", "streaming", "bigmaps", "bigpages", "jit", "defaults", "speed", "app", "training")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="mode", action="store_const", const="quick", help="default")
    mode.add_argument("--full", dest="mode", action="store_const", const="full")
    parser.add_argument("--seeds", type=int, default=None, help="seeds per quality figure (quick 1, full 3)")
    parser.add_argument("--only", default=",".join(GROUPS), help=f"comma-separated groups of {', '.join(GROUPS)}")
    parser.add_argument("--repeats", type=int, default=None, help="timing repeats (quick 3, full 5)")
    parser.add_argument("--write", metavar="MARKDOWN", help="also replace the table section of this file")
    parser.add_argument("--section", default="bench",
                        help="which table of that file: bench (the main one, default) or another name "
                             "(a section <!-- NAME:begin --> ... <!-- NAME:end -->, added at the end if missing)")
    args = parser.parse_args(argv)
    mode_name = args.mode or "quick"
    seeds = tuple(range(args.seeds or (1 if mode_name == "quick" else 3)))
    repeats = args.repeats or (3 if mode_name == "quick" else 5)
    groups = [g.strip() for g in args.only.split(",") if g.strip()]

    from bench import common

    with tempfile.TemporaryDirectory(prefix="aebench-") as home:
        common.setup_environment(home)
        started = time.perf_counter()
        start_load = common.load()
        rows: list[common.Row] = []
        if "speed" in groups:
            from bench import speed

            log("speed: training throughput")
            rows += speed.throughput(max(5, repeats), log)  # a ratio of two noisy timings: at least 5 pairs
        if "quality" in groups:
            from bench import quality

            rows += quality.run(mode_name, seeds, log)
        if "models" in groups:
            from bench import models

            log("models: architecture versions, the 4×4×8 code, aae, cvae, β")
            rows += models.run(seeds, log)
        if "lesson" in groups:
            from bench import lesson

            rows += lesson.run(seeds, log)
        if "neighbours" in groups:
            from bench import neighbours

            log("neighbours: conv-ae and vae with and without the neighbour-keeping term")
            rows += neighbours.run(seeds, log)
        if "curve" in groups:
            from bench import curve

            log("curve: dense-ae against PCA by code size")
            rows += curve.run(seeds[0], log)
        if "baselines" in groups:
            from bench import baselines

            log("baselines: denoiser and super-resolution against the strong classical methods")
            rows += baselines.run(seeds, log)
        if "jit" in groups:
            from bench import jit

            log("jit: XLA against the default, per kind")
            rows += jit.run(max(2, repeats // 2 + 1), log)
        if "bigmaps" in groups:
            from bench import bigmaps

            log("bigmaps: the Embedding map drawn in Chromium at 2k, 14k and 70k points")
            rows += _guarded("big maps", lambda: bigmaps.run(repeats, log))
        if "bigpages" in groups:
            from bench import bigpages

            log("bigpages: the Embedding and Latent pages of real runs at 2k, 14k and 70k points")
            rows += _guarded("big pages", lambda: bigpages.run(repeats, log))
        if "streaming" in groups:
            from bench import streaming

            log("streaming: training from uint8 batches against the float arrays")
            rows += streaming.run(max(2, repeats // 2 + 1), log)
        if "public" in groups:
            from bench import public

            log("public: three visitors in public mode, memory of the server and its trainers")
            rows += _guarded("public mode memory", lambda: public.run(log))
        if "defaults" in groups:
            from bench import defaults

            log("defaults: the Train screen's settings on 8,000 and 500 images")
            rows += defaults.run(seeds[0], log)
        if "speed" in groups:
            rows += _inference(log)
        if "app" in groups:
            from bench import dashboard as app

            log("app: quick button")
            rows += _guarded("quick model button", lambda: app.quick_button(repeats, log))
            log("app: cold server, browser visit, peak RSS, slider reruns")
            rows += _guarded("cold server / browser / peak RSS / slider",
                             lambda: app.server_and_browser(repeats, max(20, repeats * 10), log))
        if "training" in groups:
            from bench import training

            rows += _guarded("background training in the browser", lambda: training.run(repeats, log))
        minutes = (time.perf_counter() - started) / 60

    header = (f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC with `python bench/run.py "
              f"--{mode_name}` ({len(seeds)} seed{'s' if len(seeds) > 1 else ''}, {repeats} timing repeats), "
              f"{minutes:.1f} min in all.\n\nMachine: {common.machine()}.  \n"
              f"Load average (1/5/15 min) at the start: {start_load}; at the end: {common.load()}.\n")
    text = header + "\n" + common.table(rows) + "\n"
    print(text)
    if args.write:
        _write(Path(args.write), text, args.section)
    met = [r.met for r in rows if r.met is not None]
    log(f"{sum(met)} of {len(met)} targets met")
    return 0


def _guarded(what: str, measure):
    """The rows of ``measure()``, or one failed row saying why it could not be measured."""
    from bench.common import Row

    try:
        return measure()
    except Exception as exc:  # a benchmark that breaks is a result, not a crash of the table
        log(f"  {what} failed: {type(exc).__name__}: {exc}")
        return [Row("speed", what, "not measured", "see note", False, f"{type(exc).__name__}: {str(exc)[:120]}")]


def _inference(log):
    """Decode timings on a trained VAE (a short training: the timing does not depend on quality)."""
    from aemodels.config import TrainConfig
    from aemodels.tasks.training import train
    from bench import speed

    log("speed: inference paths")
    bundle = train(TrainConfig(model="vae", latent_dim=2, epochs=1, train_images=1000)).bundle
    return speed.inference_paths(bundle, log)


def _markers(section: str) -> tuple[str, str]:
    """The comments around a table in the Markdown file: ``bench`` is the main table."""
    return f"<!-- {section}:begin -->", f"<!-- {section}:end -->"


def _write(path: Path, text: str, section: str = "bench") -> None:
    begin, end = _markers(section)
    old = path.read_text() if path.exists() else f"# Benchmarks\n\n{begin}\n{end}\n"
    if begin not in old:
        old += f"\n{begin}\n{end}\n"
    before, rest = old.split(begin, 1)
    after = rest.split(end, 1)[1] if end in rest else ""
    path.write_text(f"{before}{begin}\n{text}{end}{after}")


if __name__ == "__main__":
    raise SystemExit(main())
