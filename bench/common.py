"""Shared pieces of the benchmarks: the environment, timing helpers and the result table."""

from __future__ import annotations

import dataclasses
import os
import platform
import statistics
import time
from typing import Callable


def setup_environment(home: str) -> None:
    """Offline, quiet TensorFlow, and a private run store under ``home``."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["AEMODELS_OFFLINE"] = "1"
    os.environ["AEMODELS_HOME"] = home


@dataclasses.dataclass
class Row:
    """One line of the table: a figure, its measured value, the target and whether it is met."""

    group: str
    figure: str
    value: str
    target: str
    met: bool | None  # None: reported only, no target
    note: str = ""


def timings(function: Callable[[], object], repeats: int, warmup: int = 1) -> list[float]:
    """Wall seconds of ``repeats`` calls of ``function`` after ``warmup`` untimed ones."""
    for _ in range(warmup):
        function()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return seconds


def median(values) -> float:
    return float(statistics.median(values))


def p95(values) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))])


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as info:
            memory = int(info.readline().split()[1]) / 2**20
    except (OSError, ValueError, IndexError):
        memory = float("nan")
    return (f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} CPUs, "
            f"{memory:.1f} GiB RAM, Python {platform.python_version()}")


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = ["| group | figure | measured | target | met |", "|---|---|---|---|---|"]
    for row in rows:
        met = "—" if row.met is None else ("yes" if row.met else "**no**")
        figure = row.figure + (f" ({row.note})" if row.note else "")
        lines.append(f"| {row.group} | {figure} | {row.value} | {row.target} | {met} |")
    return "\n".join(lines)
