"""PCA behind the projection API."""

from __future__ import annotations

import numpy as np
import pytest

from aemodels.data.datasets import load_dataset, to_float
from aemodels.scoring.projections import PCAProjection


@pytest.fixture(scope="module")
def images():
    return load_dataset("digits").images[:300]


@pytest.mark.parametrize("n", [1, 2, 5])
def test_pca_shapes(images, n):
    pca = PCAProjection(n, seed=0).fit(images)
    codes = pca.transform(images[:10])
    assert codes.shape == (10, n) and codes.dtype == np.float32
    back = pca.inverse_transform(codes)
    assert back.shape == (10, 8, 8, 1) and back.dtype == np.float32
    assert back.min() >= 0 and back.max() <= 1
    assert pca.image_shape_ == (8, 8, 1)


def test_pca_uint8_and_float_agree(images):
    pca = PCAProjection(3).fit(images)
    np.testing.assert_allclose(pca.transform(images[:5]), pca.transform(to_float(images[:5])), atol=1e-5)


def test_more_components_reconstruct_better(images):
    x = to_float(images)
    errors = [np.mean((PCAProjection(n).fit(images).inverse_transform(PCAProjection(n).fit(images).transform(x)) - x) ** 2)
              for n in (1, 4, 16, 64)]
    assert all(a > b for a, b in zip(errors, errors[1:])), errors
    assert errors[-1] < 1e-6  # 64 components span 8x8 images


def test_pca_randomized_solver_only_for_few_components(images):
    """Few components of many features use the randomized solver; it stays seeded and agrees with the exact one."""
    from sklearn.decomposition import PCA

    small = PCAProjection(2, seed=0).fit(images)  # 2 of 64 features
    assert small.pca_.svd_solver == "randomized" and small.pca_.random_state == 0
    again = PCAProjection(2, seed=0).fit(images)
    np.testing.assert_array_equal(small.transform(images[:20]), again.transform(images[:20]))
    # 32 of 64 features is not "few": the exact solver.
    assert PCAProjection(32).fit(images).pca_.svd_solver != "randomized"
    # The randomized subspace matches the exact one (up to each component's sign).
    exact = PCA(2, svd_solver="full").fit(to_float(images).reshape(len(images), -1))
    for a, b in zip(small.pca_.components_, exact.components_):
        assert abs(float(np.dot(a, b))) > 0.99
