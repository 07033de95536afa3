"""The embedding as it forms: codes of a fixed set of held-out images before training and after
every epoch, saved with the run (``forming.npz``) and drawn as an animation.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import numpy as np

FORMING_IMAGES = 1000  # the first held-out images of the run's split
FORMING_FILE = "forming.npz"


MAX_FRAMES = 501  # before training and after each of at most 500 epochs (the epochs setting's high end)


@dataclasses.dataclass(frozen=True)
class Forming:
    """The 2-D map of the first ``min(FORMING_IMAGES, held-out)`` held-out images, one frame per
    epoch.

    Attributes:
        maps: (epochs + 1, N, 2) float32; frame 0 is before the first epoch, frame e after epoch
            e. A 2-D code is its own map; a longer code is projected on the principal axes of the
            last frame (one projection for all frames, so that they compare); a 1-D code stands
            beside a zero column. Kept as maps, not codes: 4 MB at most, whatever the code size.
    """

    maps: np.ndarray

    @property
    def epochs(self) -> int:
        """Epochs trained (frames after the first)."""
        return len(self.maps) - 1

    @classmethod
    def of(cls, codes: np.ndarray, seed: int = 0) -> Forming:
        """From the codes of every frame, (epochs + 1, N, latent_dim)."""
        codes = np.asarray(codes, np.float32)
        frames, n, dim = codes.shape
        if dim == 2:
            return cls(codes)
        if dim == 1:
            return cls(np.concatenate([codes, np.zeros((frames, n, 1), np.float32)], axis=2))
        from sklearn.decomposition import PCA

        pca = PCA(2, random_state=seed).fit(codes[-1])
        return cls(pca.transform(codes.reshape(-1, dim)).reshape(frames, n, 2).astype(np.float32))

    def save(self, folder: Path) -> None:
        """Write ``forming.npz`` into ``folder``."""
        np.savez(folder / FORMING_FILE, maps=self.maps)

    @classmethod
    def load(cls, folder: Path, test_images: int) -> Forming | None:
        """The frames saved in ``folder``; None for a run saved without them, or when they do not
        fit a split of ``test_images`` held-out images (a damaged or foreign file is not trusted)."""
        try:
            with np.load(io.BytesIO((folder / FORMING_FILE).read_bytes()), allow_pickle=False) as arrays:
                maps = np.asarray(arrays["maps"], np.float32)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return None
        fits = (maps.ndim == 3 and 1 <= len(maps) <= MAX_FRAMES and maps.shape[1:] == (min(FORMING_IMAGES, test_images), 2)
                and np.isfinite(maps).all())
        return cls(maps) if fits else None
