"""The embedding forming: frames as 2-D maps, saved small, and files that do not fit refused."""

from __future__ import annotations

import numpy as np

from aemodels.models.forming import FORMING_FILE, FORMING_IMAGES, Forming


def test_a_long_code_is_projected_once_for_all_frames(tmp_path):
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(4, 50, 6)).astype(np.float32)
    forming = Forming.of(codes, seed=0)
    assert forming.maps.shape == (4, 50, 2) and forming.epochs == 3
    # one projection: the maps' frame differences are the projected code differences
    projected = Forming.of(codes[[0, -1]], seed=0).maps  # same last frame, same axes
    np.testing.assert_allclose(projected[0], forming.maps[0], atol=1e-5)
    assert Forming.of(codes[:, :, :1]).maps[:, :, 1].max() == 0  # 1-D: beside a zero column
    forming.save(tmp_path)
    np.testing.assert_array_equal(Forming.load(tmp_path, 50).maps, forming.maps)


def test_frames_that_do_not_fit_the_split_are_not_trusted(tmp_path):
    np.savez(tmp_path / FORMING_FILE, maps=np.zeros((3, 40, 2), np.float32))
    assert Forming.load(tmp_path, 50) is None  # 40 images, not the split's 50
    np.savez(tmp_path / FORMING_FILE, maps=np.zeros((3, 50, 3), np.float32))
    assert Forming.load(tmp_path, 50) is None  # not 2-D
    np.savez(tmp_path / FORMING_FILE, maps=np.full((3, 50, 2), np.nan, np.float32))
    assert Forming.load(tmp_path, 50) is None
    (tmp_path / FORMING_FILE).write_bytes(b"not an npz")
    assert Forming.load(tmp_path, 50) is None
    assert Forming.load(tmp_path / "elsewhere", 50) is None
    np.savez(tmp_path / FORMING_FILE, maps=np.zeros((2, FORMING_IMAGES, 2), np.float32))
    assert Forming.load(tmp_path, 2000).epochs == 1  # a long split keeps its first FORMING_IMAGES
