"""Runs that differ only in their seed, as one group with the spread of every score.

One seed's score is one draw: the seed chooses the split, the initial weights and the batches. A
group of seeds says how far a score moves by chance, which is what a difference between two
settings must beat to mean anything.
"""

from __future__ import annotations

import dataclasses
import json
import math
import statistics

from aemodels.config import TrainConfig
from aemodels.scoring.scores import flat_scores

SD_FROM = 3  # seeds from which the spread is a standard deviation; below, the range


@dataclasses.dataclass(frozen=True)
class Spread:
    """One score over a group's runs: ``n`` values, their mean, range and standard deviation
    (sample, n − 1; None below ``SD_FROM`` runs)."""

    n: int
    mean: float
    low: float
    high: float
    sd: float | None

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        sd = statistics.stdev(values) if len(values) >= SD_FROM else None
        return cls(len(values), statistics.fmean(values), min(values), max(values), sd)

    @property
    def error(self) -> tuple[float, float]:
        """How far the bar reaches below and above the mean: ± s.d., or to the range's ends."""
        if self.sd is not None:
            return self.sd, self.sd
        return self.mean - self.low, self.high - self.mean

    def text(self, digits: int = 3) -> str:
        """``0.712 ± 0.004`` (s.d., 3 or more runs) or ``0.71 (0.70–0.72)`` (the range of 2)."""
        def number(value: float) -> str:
            return f"{value:.{digits}g}"
        if self.sd is not None:
            return f"{number(self.mean)} ± {number(self.sd)}"
        return f"{number(self.mean)} ({number(self.low)}–{number(self.high)})"

    def to_dict(self) -> dict:
        return {"n": self.n, "mean": self.mean, "sd": self.sd, "min": self.low, "max": self.high}


@dataclasses.dataclass(frozen=True)
class SeedGroup:
    """Sound runs whose configs are equal but for the seed, two or more; ``run_ids`` and
    ``seeds`` in seed order."""

    config: TrainConfig  # the first seed's
    run_ids: tuple[str, ...]
    seeds: tuple[int, ...]
    scores: dict[str, Spread]  # every number of the runs' metrics.json, by its dotted name

    @property
    def title(self) -> str:
        return f"{len(self.seeds)} seeds ({', '.join(map(str, self.seeds))})"

    def to_dict(self) -> dict:
        return {"runs": list(self.run_ids), "seeds": list(self.seeds),
                "spread": {name: spread.to_dict() for name, spread in self.scores.items()}}


def without_seed(config: TrainConfig) -> str:
    """What a group's runs share: the config's settings, the seed left out, as text."""
    settings = config.to_dict()
    settings.pop("seed", None)
    return json.dumps(settings, sort_keys=True)


def seed_groups(infos) -> list[SeedGroup]:
    """The groups among ``infos`` (``RunInfo``s), newest run's group first. A seed trained twice
    counts once (its newest run)."""
    members: dict[str, dict[int, object]] = {}
    for info in infos:  # newest first, as the store lists them
        if info.broken is None:
            members.setdefault(without_seed(info.config), {}).setdefault(info.config.seed, info)
    groups = []
    for by_seed in members.values():
        if len(by_seed) < 2:
            continue
        runs = [by_seed[seed] for seed in sorted(by_seed)]
        groups.append(SeedGroup(runs[0].config, tuple(r.run_id for r in runs), tuple(sorted(by_seed)),
                                _spreads([flat_scores(r.metrics) for r in runs])))
    return groups


def group_of(run_id: str, groups: list[SeedGroup]) -> SeedGroup | None:
    return next((group for group in groups if run_id in group.run_ids), None)


def _spreads(scores: list[dict]) -> dict[str, Spread]:
    """The spread of each number every run has (a score some runs lack is left out)."""
    names = set.intersection(*(set(s) for s in scores))
    spreads = {}
    for name in sorted(names):
        values = [s[name] for s in scores]
        if all(isinstance(v, float) and math.isfinite(v) for v in values):
            spreads[name] = Spread.of(values)
    return spreads


def next_seeds(taken: tuple[int, ...] | list[int], count: int) -> list[int]:
    """``count`` seeds not in ``taken``, the smallest first."""
    seeds, candidate = [], 0
    while len(seeds) < count:
        if candidate not in taken:
            seeds.append(candidate)
        candidate += 1
    return seeds
