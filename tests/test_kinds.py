"""Model kinds are objects: a run holds only the settings that apply to its kind."""

from __future__ import annotations

import pytest

from aemodels.config import TrainConfig
from aemodels.errors import ConfigError
from aemodels.kinds import KINDS, NAME_PATTERN, Screen, kind_of, kinds_for
from aemodels.store.runs import RUN_ID_PATTERN


def test_every_kind_has_a_main_screen():
    for kind in KINDS.values():
        assert kind.screens and kind.main_screen in Screen
    assert [k.name for k in kinds_for(Screen.LATENT)] == ["dense-ae", "conv-ae", "vae", "dense-vae", "aae", "cvae"]
    assert [k.name for k in kinds_for(Screen.EMBEDDING)] == ["dense-ae", "conv-ae", "vae", "dense-vae", "aae", "cvae"]
    assert [k.name for k in kinds_for(Screen.DENOISING)] == ["denoise"]


def test_unknown_kind_is_one_line():
    with pytest.raises(ConfigError, match="Unknown model kind 'gan'"):
        kind_of("gan")


@pytest.mark.parametrize("kind", ["dense-vae", "vae", "dense-ae", "conv-ae"])
def test_settings_of_other_kinds_do_not_change_an_embedding_run(kind):
    plain = TrainConfig(model=kind)
    greyed = TrainConfig(model=kind, upscale_factors=(2,), noise_kind="salt-and-pepper", noise_max=0.9)
    assert greyed == plain and greyed.config_id == plain.config_id
    assert set(plain.to_dict()) & {"upscale_factors", "noise_kind", "noise_max"} == set()


def test_image_kinds_keep_only_their_own_settings():
    denoise = TrainConfig(model="denoise", latent_dim=16, noise_max=0.4).to_dict()
    assert "latent_dim" not in denoise and "upscale_factors" not in denoise and denoise["noise_max"] == 0.4
    superres = TrainConfig(model="superres", latent_dim=16, upscale_factors=(3,)).to_dict()
    assert "latent_dim" not in superres and "noise_kind" not in superres and superres["upscale_factors"] == [3]
    assert TrainConfig(model="denoise", latent_dim=16) == TrainConfig(model="denoise")


def test_an_old_config_with_every_setting_still_reads_and_matches():
    old = {"dataset": "mnist-10k", "model": "dense-vae", "latent_dim": 2, "epochs": 10, "batch_size": 128,
           "learning_rate": 0.001, "seed": 0, "train_images": None, "noise_kind": "gaussian",
           "noise_max": 0.3, "upscale_factors": [2, 3], "test_fraction": 0.2}
    assert TrainConfig.from_dict(old) == TrainConfig(model="dense-vae")


@pytest.mark.parametrize("name", [*KINDS, "unet3-superres", "a-kind-with-a-long-name-of-30c"])
def test_run_ids_of_any_valid_kind_name_are_listed(name):
    assert NAME_PATTERN.match(name)
    assert RUN_ID_PATTERN.match(f"20260101-120000-{name}-0a1b2c")


def test_the_same_config_with_other_greyed_settings_reuses_the_run(home, trained_home):
    import shutil

    from aemodels.store.runs import RunStore

    source, run_ids = trained_home
    shutil.copytree(source / "runs", home / "runs", dirs_exist_ok=True)
    store = RunStore()
    vae = store.get(run_ids["dense-vae"]).config
    again = TrainConfig.from_dict({**vae.to_dict(), "upscale_factors": [5], "noise_max": 0.9})
    assert store.find(again).run_id == run_ids["dense-vae"]


def test_importing_the_same_run_twice_keeps_one(home_with_runs):
    from aemodels.store.runs import RunStore

    _, run_ids = home_with_runs
    store = RunStore()
    data = store.export_zip(run_ids["vae"])
    before = len(store.list())
    assert store.import_zip(data, "vae.zip") == run_ids["vae"]
    assert store.import_zip(data, "vae.zip") == run_ids["vae"]
    assert len(store.list()) == before
