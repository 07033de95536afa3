"""TrainConfig: validation with one-line messages, JSON round trip, stable config ids."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from aemodels.config import TrainConfig
from aemodels.errors import AemodelsError, ConfigError
from aemodels.kinds import KINDS

MODEL_KINDS = tuple(KINDS)


def test_defaults_are_valid():
    config = TrainConfig()
    assert config.model in MODEL_KINDS
    assert config.has_embedding and not config.is_variational


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_every_model_kind_is_accepted(kind):
    config = TrainConfig(model=kind)
    assert config.has_embedding == (kind not in ("denoise", "superres"))
    assert config.is_variational == (kind in ("vae", "dense-vae", "cvae"))


BAD_VALUES = [
    ("dataset", ""),
    ("dataset", 3),
    ("model", "resnet"),
    ("model", ""),
    ("latent_dim", 0),
    ("latent_dim", 257),
    ("latent_dim", 2.0),
    ("latent_dim", True),
    ("epochs", 0),
    ("epochs", 501),
    ("epochs", "10"),
    ("batch_size", 0),
    ("batch_size", 5000),
    ("learning_rate", 0),
    ("learning_rate", -1.0),
    ("learning_rate", 2.0),
    ("learning_rate", float("nan")),
    ("learning_rate", "fast"),
    ("seed", -1),
    ("seed", 2**31),
    ("seed", 1.5),
    ("train_images", 1),
    ("train_images", 100_001),
    ("train_images", 10.0),
    ("noise_kind", "poisson"),
    ("noise_max", 0),
    ("noise_max", 1.5),
    ("noise_max", float("inf")),
    ("upscale_factors", ()),
    ("upscale_factors", (1,)),
    ("upscale_factors", (2, 9)),
    ("upscale_factors", (2.0,)),
    ("upscale_factors", None),
    ("upscale_factors", 3),
    ("test_fraction", 0.0),
    ("test_fraction", 0.6),
    ("test_fraction", float("nan")),
    ("neighbour_weight", -0.5),
    ("neighbour_weight", 11),
    ("neighbour_weight", float("nan")),
    ("neighbour_weight", "strong"),
]


@pytest.mark.parametrize("field,value", BAD_VALUES)
def test_bad_value_gives_one_line_config_error(field, value):
    with pytest.raises(ConfigError) as info:
        TrainConfig(**{field: value})
    message = str(info.value)
    assert message and "\n" not in message
    assert isinstance(info.value, AemodelsError)


@pytest.mark.parametrize("field,value", [(f, v) for f, v in BAD_VALUES if v == v and v is not None
                                          and not isinstance(v, tuple)])
def test_bad_value_from_json_gives_config_error(field, value):
    data = TrainConfig().to_dict()
    data[field] = value
    with pytest.raises(ConfigError):
        TrainConfig.from_dict(json.loads(json.dumps(data)))


@pytest.mark.parametrize("data", [None, [], "mnist", 3])
def test_from_dict_rejects_non_objects(data):
    with pytest.raises(ConfigError):
        TrainConfig.from_dict(data)


def test_from_dict_names_unknown_keys():
    with pytest.raises(ConfigError, match="colour"):
        TrainConfig.from_dict({"model": "vae", "colour": "red"})


@pytest.mark.parametrize("seed", [0, 1, 12345])
@pytest.mark.parametrize("kind", ["dense-ae", "vae", "superres"])
def test_json_round_trip(kind, seed):
    config = TrainConfig(model=kind, seed=seed, latent_dim=5, train_images=300,
                         upscale_factors=[2, 4], learning_rate=0.01)
    again = TrainConfig.from_dict(json.loads(config.to_json()))
    assert again == config
    assert again.config_id == config.config_id
    assert hash(again) == hash(config)
    assert isinstance(again.upscale_factors, tuple)


def test_config_id_is_12_hex_and_depends_on_every_setting():
    config = TrainConfig()
    assert len(config.config_id) == 12
    int(config.config_id, 16)
    changes = [{"model": "vae"}, {"latent_dim": 3}, {"epochs": 11}, {"seed": 1},
               {"train_images": 500}, {"learning_rate": 0.002}, {"dataset": "digits"}, {"neighbour_weight": 1}]
    ids = {config.replace(**c).config_id for c in changes}
    assert config.config_id not in ids
    assert len(ids) == len(changes)


def test_config_id_does_not_depend_on_key_order():
    data = TrainConfig(model="conv-ae", seed=3).to_dict()
    reordered = dict(reversed(list(data.items())))
    assert TrainConfig.from_dict(reordered).config_id == TrainConfig.from_dict(data).config_id


def test_config_id_is_stable_across_processes():
    code = ("from aemodels.config import TrainConfig;"
            "print(TrainConfig(model='vae', seed=7, latent_dim=4).config_id)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "123", "PATH": ""}, cwd=str(_root()))
    assert out.stdout.strip() == TrainConfig(model="vae", seed=7, latent_dim=4).config_id


def test_replace_validates():
    with pytest.raises(ConfigError):
        TrainConfig().replace(epochs=0)


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent


def test_neighbour_weight_is_one_setting_of_the_embedding_kinds():
    assert TrainConfig(neighbour_weight=1).config_id == TrainConfig(neighbour_weight=1.0).config_id
    assert TrainConfig(neighbour_weight=1).to_dict()["neighbour_weight"] == 1.0
    assert TrainConfig(model="denoise", neighbour_weight=1) == TrainConfig(model="denoise")  # not its setting
    saved_before = {k: v for k, v in TrainConfig().to_dict().items()}  # a config.json from before the setting
    assert TrainConfig.from_dict(saved_before) == TrainConfig()


@pytest.mark.parametrize("latent_dim", [1, 8])
def test_neighbour_keeping_needs_a_2_number_code(latent_dim):
    with pytest.raises(ConfigError, match="needs a latent size of 2"):
        TrainConfig(model="conv-ae", latent_dim=latent_dim, neighbour_weight=1)
    assert TrainConfig(model="conv-ae", latent_dim=latent_dim).neighbour_weight == 0.0
