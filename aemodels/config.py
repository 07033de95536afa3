"""``TrainConfig``: every setting of one training, frozen and JSON-serialisable.

The same config always builds the same architecture and, with its seed, the same run. A config
holds only the settings that apply to its model kind (``settings.Setting.applies``): the others
are reset to their defaults and left out of its JSON, so its ``config_id``, a short hash of that
canonical JSON, is the same whatever a greyed-out setting said. The id is used to reuse a run
instead of training the same thing twice.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from typing import Any

from aemodels.errors import ConfigError
from aemodels.kinds import KINDS, ModelKind, kind_of
from aemodels.settings import SETTINGS, shape_of


class _ConfigMethods:
    """What every ``TrainConfig`` does; its fields come from ``settings.SETTINGS``."""

    def __post_init__(self) -> None:
        for setting in SETTINGS.values():
            value = getattr(self, setting.name)
            problem = setting.problem(value)  # every value given must be valid, even one that does not apply
            if problem:
                raise ConfigError(problem)
            object.__setattr__(self, setting.name, setting.normal(value))
        kind = kind_of(self.model)
        for setting in SETTINGS.values():
            if not setting.applies(kind):
                object.__setattr__(self, setting.name, setting.default)
        if self.code_shape:  # a shaped code's size is the product of its sizes
            object.__setattr__(self, "latent_dim", math.prod(self.code_grid))
        for setting in SETTINGS.values():
            problem = setting.requires(self) if setting.applies(kind) else None
            if problem:
                raise ConfigError(problem)

    @property
    def kind(self) -> ModelKind:
        return KINDS[self.model]

    @property
    def is_variational(self) -> bool:
        return self.kind.variational

    @property
    def code_grid(self) -> tuple[int, int, int] | None:
        """(height, width, channels) of a code with a shape; None for a flat code."""
        return shape_of(self.code_shape) if self.code_shape else None

    @property
    def fills_prior(self) -> bool:
        return self.kind.fills_prior

    @property
    def has_embedding(self) -> bool:
        return self.kind.has_embedding

    def to_dict(self) -> dict[str, Any]:
        """The settings that apply to this kind, as JSON-ready values (lists, not tuples), less
        those a run saved before the setting existed did not have."""
        data = {}
        for setting in SETTINGS.values():
            value = getattr(self, setting.name)
            if setting.applies(self.kind) and not setting.omitted(value):
                data[setting.name] = list(value) if isinstance(value, tuple) else value
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @property
    def config_id(self) -> str:
        """12 hex digits that identify this exact config."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:12]

    @classmethod
    def from_dict(cls, data: Any) -> TrainConfig:
        """Build from a saved run's parsed JSON; unknown keys or wrong types give a ``ConfigError``.
        A setting the JSON lacks takes the value runs had before it existed (``Setting.omitted_at``),
        else its default."""
        if not isinstance(data, dict):
            raise ConfigError("The config must be a JSON object of training settings.")
        unknown = sorted(set(data) - set(SETTINGS))
        if unknown:
            noun = "setting" if len(unknown) == 1 else "settings"
            raise ConfigError(f"Unknown config {noun}: {', '.join(unknown)}.")
        earlier = {setting.name: setting.omitted_at for setting in SETTINGS.values()
                   if setting.name not in data and setting.added_later}
        return cls(**earlier, **data)

    def replace(self, **changes: Any) -> TrainConfig:
        return dataclasses.replace(self, **changes)


TrainConfig = dataclasses.make_dataclass(
    "TrainConfig",
    [(setting.name, setting.annotation, dataclasses.field(default=setting.default)) for setting in SETTINGS.values()],
    bases=(_ConfigMethods,), frozen=True, kw_only=True)
TrainConfig.__module__ = __name__  # pickled by name: jobs send configs to the trainer process
TrainConfig.__doc__ = "Settings of one training run, frozen and hashable.\n\nAttributes:\n" + "".join(
    f"    {setting.name}: {setting.words}: {setting.help or setting.noun}.\n" for setting in SETTINGS.values())
