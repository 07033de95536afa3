"""Every training setting is declared once, and the config, the command line and the Train form
are made from that declaration."""

from __future__ import annotations

import dataclasses

import pytest

from aemodels.cli.parser import build_parser
from aemodels.config import TrainConfig
from aemodels.errors import AemodelsError, ConfigError
from aemodels.kinds import KINDS
from aemodels.settings import SETTINGS, for_kind
from aemodels.tasks.registry import task_of
from tests.apptest import open_page


def test_the_config_has_one_field_per_setting_with_its_default():
    fields = dataclasses.fields(TrainConfig)
    assert [field.name for field in fields] == list(SETTINGS)
    assert all(field.default == SETTINGS[field.name].default for field in fields)


@pytest.mark.parametrize("name", list(SETTINGS))
def test_every_default_is_valid_and_every_bound_is_enforced(name):
    setting = SETTINGS[name]
    assert setting.problem(setting.default) is None
    if setting.high is not None and setting.value_type != "factors":
        beyond = setting.high + (1 if setting.value_type in (int, "optional int") else 0.5)
        with pytest.raises(ConfigError) as info:
            TrainConfig(**{name: beyond})
        assert str(info.value) == setting.problem(beyond)


def _train_flags(argv: list[str]):
    return build_parser().parse_args(["train", *argv])


@pytest.mark.parametrize("name", [name for name, s in SETTINGS.items() if s.command_line])
def test_every_command_line_setting_has_its_flag_default_and_reader(name):
    setting = SETTINGS[name]
    args = _train_flags([])
    assert getattr(args, name) == (None if setting.recommended else setting.default)
    typed = setting.show(setting.default) if setting.default is not None else str(setting.low)
    assert getattr(_train_flags([setting.flag, typed]), name) == setting.parse(typed)


def test_a_setting_left_off_the_command_line_has_no_flag():
    hidden = [s for s in SETTINGS.values() if not s.command_line]
    assert hidden, "test_fraction is not on the command line"
    for setting in hidden:
        with pytest.raises(AemodelsError, match="unrecognized arguments"):
            _train_flags([setting.flag, setting.show(setting.default)])


def test_a_setting_that_does_not_apply_is_reset_and_left_out_of_the_run():
    for kind in KINDS.values():
        others = [s for s in SETTINGS.values() if s not in for_kind(kind) and s.form is not None]
        config = TrainConfig(model=kind.name)
        for setting in others:
            assert setting.name not in config.to_dict()
            assert getattr(config, setting.name) == setting.default


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_train_form_offers_exactly_the_settings_of_the_kind(home, kind):
    at = open_page("pages/train.py")
    at.selectbox(key="kind").set_value(kind).run()
    assert not at.exception
    keys = {widget.key for kind_of_widget in ("slider", "number_input", "select_slider", "radio", "multiselect",
                                              "selectbox")
            for widget in at.get(kind_of_widget)}
    expected = {s.form.key for s in for_kind(KINDS[kind]) if s.form is not None and s.form.shown({"latent_dim": 2})}
    assert expected <= keys
    others = {s.form.key for s in SETTINGS.values() if s.form is not None} - expected
    assert not others & keys
    for setting in for_kind(KINDS[kind]):
        if setting.form is not None and setting.form.key in keys:
            widget = next(w for w in at.get(_element(setting.form.widget)) if w.key == setting.form.key)
            assert widget.label == setting.words


def _element(widget: str) -> str:
    return {"number": "number_input"}.get(widget, widget)


def test_beta_weighs_the_kl_term_of_the_variational_kinds_only():
    import numpy as np

    from aemodels.tasks.registry import build_model

    assert "beta" not in TrainConfig(model="vae").to_dict()  # runs saved before β keep their config id
    assert TrainConfig(model="conv-ae", beta=4.0) == TrainConfig(model="conv-ae")  # not a setting of conv-ae
    config = TrainConfig(model="dense-vae", beta=4.0, seed=0)
    assert config.to_dict()["beta"] == 4.0 and config.config_id != TrainConfig(model="dense-vae").config_id
    images = np.random.default_rng(0).random((8, 28, 28, 1)).astype("float32")
    total, reconstruction, kl = (float(x) for x in build_model(config, (28, 28, 1)).model.losses_of(images))
    assert kl > 0 and np.isclose(total, reconstruction + 4.0 * kl, rtol=1e-5)
    assert task_of(config).loss_words(config) != task_of(config).loss_words(TrainConfig(model="dense-vae"))
