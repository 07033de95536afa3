"""AppTest of Denoising on a denoise run: the noise slider and the noise kind (no-run and
wrong-kind cases: test_app_run_screens.py)."""

from aemodels.scoring import baselines
from tests.apptest import open_page

PAGE = "pages/denoising.py"


def test_slider_and_kind_update_the_scores(home_with_runs):
    _, runs = home_with_runs
    at = open_page(PAGE, runs["denoise"])
    assert not at.exception and not at.error
    # four rows: original, noisy, the best classical filter's output, the model's output
    assert len(at.get("image")) == 16
    filter_caption = at.get("image")[2].proto.imgs[0].caption
    assert filter_caption.startswith(baselines.FAMILIES), filter_caption
    assert len(at.metric) == 4
    table = at.dataframe[0].value  # every family at its chosen setting, beside the model
    assert list(table["denoiser"]) == ["the model", *baselines.FAMILIES]
    filter_psnr = float(at.metric[1].value.split()[0])  # "17.2 dB": the best of them
    assert abs(table["PSNR dB"].iloc[1:].max() - filter_psnr) <= 0.05
    assert len(at.get("plotly_chart")) == 1
    at.slider(key="noise_level").set_value(0.2).run()
    assert not at.exception
    assert "0.2" in at.get("image")[1].proto.imgs[0].caption
    at.radio(key="noise_kind_view").set_value("salt-and-pepper").run()
    assert not at.exception and not at.error
    assert any("trained on gaussian" in c.value for c in at.caption)


def test_levels_beyond_training_are_flagged(home_with_runs):
    _, runs = home_with_runs
    at = open_page(PAGE, runs["denoise"])
    assert not any("never learnt" in w.value for w in at.warning)
    at.slider(key="noise_level").set_value(0.9).run()
    assert not at.exception
    assert any("trained on noise levels up to 0.5" in w.value for w in at.warning)


def test_the_page_takes_the_filter_settings_the_run_was_scored_with(home_with_runs):
    """At a level of the run's curve the settings come from the run (no new choice, the same
    result); at another level they are chosen again on the same training images."""
    from aemodels.data.datasets import load_dataset, to_float
    from aemodels.data.splits import Split
    from aemodels.store.runs import RunStore
    from aemodels.ui.cache import saved_filter_choice

    _, runs = home_with_runs
    info = RunStore().get(runs["denoise"])
    curve = info.metrics["denoising"]["curve"]
    at_03 = next(point for point in curve if abs(point["level"] - 0.3) < 1e-9)
    saved = saved_filter_choice(info.scores, "gaussian", 0.3)
    assert saved == {family: f"{family} {at_03['filters'][family]['setting']}" for family in baselines.FAMILIES}
    assert saved_filter_choice(info.scores, "gaussian", 0.35) is None
    assert saved_filter_choice(info.scores, "salt-and-pepper", 0.3) is None

    validation = to_float(Split.of(info.config).images(load_dataset("mnist-10k")).x_train[-baselines.VALIDATION_IMAGES:])
    at = open_page(PAGE, runs["denoise"])
    for level in (0.3, 0.35):  # the saved choice, then a new one: both what baselines.choose picks
        at.slider(key="noise_level").set_value(level).run()
        assert not at.exception and not at.error
        table = at.dataframe[0].value.set_index("denoiser")
        chosen = baselines.choose(validation, "gaussian", level, info.config.seed)
        for family in baselines.FAMILIES:
            assert table.loc[family, "setting"] == chosen[family].setting, (level, family)
