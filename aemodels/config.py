"""``TrainConfig``: every setting of one training, frozen and JSON-serialisable.

The same config always builds the same architecture and, with its seed, the same run. A config
holds only the settings that apply to its model kind (``kinds.ModelKind.settings``): the others
are reset to their defaults and left out of its JSON, so its ``config_id``, a short hash of that
canonical JSON, is the same whatever a greyed-out setting said. The id is used to reuse a run
instead of training the same thing twice.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from aemodels.errors import ConfigError
from aemodels.kinds import KIND_SETTINGS, KINDS, ModelKind, kind_of

NOISE_KINDS = ("gaussian", "salt-and-pepper")

MAX_LATENT_DIM = 64
MAX_EPOCHS = 500
MAX_BATCH_SIZE = 4096
MAX_TRAIN_IMAGES = 100_000
MAX_NEIGHBOUR_WEIGHT = 10.0


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """Settings of one training run.

    Attributes:
        dataset: a dataset name from ``aemodels.data.datasets`` (``mnist-10k``, ``digits``, ...) or
            ``upload:<id>`` for a validated upload kept in the store.
        model: a kind name from ``kinds.KINDS``.
        latent_dim: size of the code (embedding kinds only).
        neighbour_weight: strength of the neighbour-keeping term (embedding kinds; 0: the plain
            model, 1: the recommended strength; see ``aemodels.models.neighbour_term``).
        epochs: full passes over the training split.
        batch_size: images per gradient step.
        learning_rate: Adam's step size.
        seed: drives the data split, weight initialisation, shuffling and corruption.
        train_images: use only the first N training images (None: all); quick runs and tests.
        noise_kind: corruption the denoiser trains on, ``gaussian`` or ``salt-and-pepper``.
        noise_max: the denoiser trains on levels drawn uniformly from [0, noise_max]; for
            Gaussian noise a level is the standard deviation on the [0, 1] pixel scale, for
            salt-and-pepper the fraction of pixels replaced.
        upscale_factors: factors the super-resolution model trains on, each image at one of them.
        test_fraction: share of the dataset held out for evaluation.
    """

    dataset: str = "mnist-10k"
    model: str = "dense-ae"
    latent_dim: int = 2
    neighbour_weight: float = 0.0
    epochs: int = 10
    batch_size: int = 128
    learning_rate: float = 1e-3
    seed: int = 0
    train_images: int | None = None
    noise_kind: str = "gaussian"
    noise_max: float = 0.5
    upscale_factors: tuple[int, ...] = (2, 3, 4, 7)
    test_fraction: float = 0.2

    def __post_init__(self) -> None:
        # JSON gives lists; keep the dataclass hashable and comparable.
        factors = self.upscale_factors
        if isinstance(factors, (str, bytes)) or not hasattr(factors, "__iter__"):
            raise ConfigError("Upscale factors must be whole numbers from 2 to 8, at least one.")
        object.__setattr__(self, "upscale_factors", tuple(factors))
        kind = kind_of(self.model)
        _check(self)  # every value given must be valid, even one that does not apply
        object.__setattr__(self, "neighbour_weight", float(self.neighbour_weight))  # 1 and 1.0: one config
        for field in dataclasses.fields(self):
            if field.name in KIND_SETTINGS and field.name not in kind.settings:
                object.__setattr__(self, field.name, field.default)

    @property
    def kind(self) -> ModelKind:
        return KINDS[self.model]

    @property
    def is_variational(self) -> bool:
        return self.kind.variational

    @property
    def has_embedding(self) -> bool:
        return self.kind.has_embedding

    def to_dict(self) -> dict[str, Any]:
        """The settings that apply to this kind, as JSON-ready values."""
        data = dataclasses.asdict(self)
        data["upscale_factors"] = list(self.upscale_factors)
        if not self.neighbour_weight:
            # The plain model, as every config was before the setting existed: same JSON, same id.
            del data["neighbour_weight"]
        return {name: value for name, value in data.items()
                if name not in KIND_SETTINGS or name in self.kind.settings}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @property
    def config_id(self) -> str:
        """12 hex digits that identify this exact config."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:12]

    @classmethod
    def from_dict(cls, data: Any) -> TrainConfig:
        """Build from parsed JSON; unknown keys or wrong types give a ``ConfigError``."""
        if not isinstance(data, dict):
            raise ConfigError("The config must be a JSON object of training settings.")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            noun = "setting" if len(unknown) == 1 else "settings"
            raise ConfigError(f"Unknown config {noun}: {', '.join(unknown)}.")
        try:
            return cls(**data)
        except TypeError as exc:
            raise ConfigError(f"The config cannot be read: {exc}.") from None

    def replace(self, **changes: Any) -> TrainConfig:
        return dataclasses.replace(self, **changes)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check(config: TrainConfig) -> None:
    """Raise ``ConfigError`` with a one-line reason for the first setting out of range."""
    if not isinstance(config.dataset, str) or not config.dataset:
        raise ConfigError("The dataset must be a dataset name such as 'mnist-10k'.")
    if not _is_int(config.latent_dim) or not 1 <= config.latent_dim <= MAX_LATENT_DIM:
        raise ConfigError(f"The latent size must be a whole number from 1 to {MAX_LATENT_DIM}.")
    if not _is_number(config.neighbour_weight) or not 0 <= config.neighbour_weight <= MAX_NEIGHBOUR_WEIGHT:
        raise ConfigError(f"The neighbour weight must be a number from 0 (the plain model) to {MAX_NEIGHBOUR_WEIGHT:g}; "
                          "1 is the recommended strength.")
    if config.neighbour_weight and config.latent_dim != 2 and "neighbour_weight" in kind_of(config.model).settings:
        raise ConfigError("Neighbour keeping pulls the code towards a 2-D map: it needs a latent size of 2 "
                          f"(this config has {config.latent_dim}).")
    if not _is_int(config.epochs) or not 1 <= config.epochs <= MAX_EPOCHS:
        raise ConfigError(f"Epochs must be a whole number from 1 to {MAX_EPOCHS}.")
    if not _is_int(config.batch_size) or not 1 <= config.batch_size <= MAX_BATCH_SIZE:
        raise ConfigError(f"The batch size must be a whole number from 1 to {MAX_BATCH_SIZE}.")
    if not _is_number(config.learning_rate) or not 0 < config.learning_rate <= 1:
        raise ConfigError("The learning rate must be a number above 0 and at most 1 (try 0.001).")
    if not _is_int(config.seed) or not 0 <= config.seed < 2**31:
        raise ConfigError("The seed must be a whole number from 0 to 2147483647.")
    if config.train_images is not None and (
        not _is_int(config.train_images) or not 2 <= config.train_images <= MAX_TRAIN_IMAGES
    ):
        raise ConfigError(f"Training images must be a whole number from 2 to {MAX_TRAIN_IMAGES}.")
    if config.noise_kind not in NOISE_KINDS:
        raise ConfigError(f"Unknown noise kind {config.noise_kind!r}: use {' or '.join(NOISE_KINDS)}.")
    if not _is_number(config.noise_max) or not 0 < config.noise_max <= 1:
        raise ConfigError("The largest training noise level must be above 0 and at most 1.")
    factors = config.upscale_factors
    if not factors or not all(_is_int(f) and 2 <= f <= 8 for f in factors):
        raise ConfigError("Upscale factors must be whole numbers from 2 to 8, at least one.")
    if not _is_number(config.test_fraction) or not 0.05 <= config.test_fraction <= 0.5:
        raise ConfigError("The held-out share must be between 0.05 and 0.5.")
