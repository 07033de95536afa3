"""Classical denoisers: every family runs on grey and colour images, and each one's setting is
chosen on validation images, growing with the noise."""

from __future__ import annotations

import numpy as np
import pytest

from aemodels.data.corruption import add_noise
from aemodels.data.datasets import load_dataset, to_float
from aemodels.scoring import baselines, metrics


@pytest.fixture(scope="module")
def digits():
    images = to_float(load_dataset("mnist-10k").images[:160])
    return images[:100], images[100:]  # validation, scored


@pytest.mark.parametrize("channels", [1, 3])
def test_every_filter_keeps_the_shape_and_the_range(channels):
    images = np.random.default_rng(0).random((3, 12, 10, channels)).astype(np.float32)
    for candidate in baselines.candidates():
        out = candidate.apply(images, 0.3)
        assert out.shape == images.shape and out.dtype == np.float32, candidate.name
        assert 0.0 <= out.min() and out.max() <= 1.0, candidate.name
    assert {c.family for c in baselines.candidates()} == set(baselines.FAMILIES)


def test_every_name_finds_its_filter():
    for candidate in baselines.candidates():
        assert baselines.by_name(candidate.name) is not None and baselines.by_name(candidate.name).name == candidate.name
    with pytest.raises(KeyError):
        baselines.by_name("wiener 3×3")


def test_non_local_means_runs_on_clean_input():
    images = np.zeros((2, 9, 9, 1), np.float32)
    assert np.allclose(baselines.non_local_means(images, 0.0, 0.5), 0.0)


def test_each_family_improves_on_the_noise_it_was_chosen_for(digits):
    validation, scored = digits
    noisy = add_noise(scored, "gaussian", 0.3, seed=7)
    chosen = baselines.choose(validation, "gaussian", 0.3, seed=7)
    assert list(chosen) == list(baselines.FAMILIES)
    before = metrics.psnr(scored, noisy).mean()
    for family, candidate in chosen.items():
        assert candidate.family == family
        assert metrics.psnr(scored, candidate.apply(noisy, 0.3)).mean() > before + 2.0, candidate.name


def test_stronger_noise_chooses_stronger_smoothing(digits):
    validation, _ = digits
    weak = baselines.choose(validation, "gaussian", 0.1)
    strong = baselines.choose(validation, "gaussian", 0.5)
    weights = {c.setting: w for c, w in zip(baselines.candidates()[-len(baselines.TV_WEIGHTS):], baselines.TV_WEIGHTS)}
    assert weights[strong["total variation"].setting] > weights[weak["total variation"].setting]


def test_the_choice_sees_only_the_validation_images(digits):
    validation, _ = digits
    first = baselines.choose(validation, "salt-and-pepper", 0.2, seed=1)
    again = baselines.choose(validation.copy(), "salt-and-pepper", 0.2, seed=1)
    assert {f: c.name for f, c in first.items()} == {f: c.name for f, c in again.items()}
    assert first["median"].setting in ("3×3", "5×5")
