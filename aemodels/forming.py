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


@dataclasses.dataclass(frozen=True)
class Forming:
    """Codes of the first ``min(FORMING_IMAGES, held-out)`` held-out images, one frame per epoch.

    Attributes:
        codes: (epochs + 1, N, latent_dim) float32; frame 0 is before the first epoch, frame e
            after epoch e.
    """

    codes: np.ndarray

    @property
    def epochs(self) -> int:
        """Epochs trained (frames after the first)."""
        return len(self.codes) - 1

    def maps(self, seed: int = 0) -> np.ndarray:
        """Every frame as 2-D map points (epochs + 1, N, 2) float32.

        A 2-D code is its own map. A longer code is projected on the principal axes of the last
        frame, one projection for all frames so that they can be compared; a 1-D code stands
        beside a zero column.
        """
        frames, n, dim = self.codes.shape
        if dim == 2:
            return self.codes
        if dim == 1:
            return np.concatenate([self.codes, np.zeros((frames, n, 1), np.float32)], axis=2)
        from sklearn.decomposition import PCA

        pca = PCA(2, random_state=seed).fit(self.codes[-1])
        return pca.transform(self.codes.reshape(-1, dim)).reshape(frames, n, 2).astype(np.float32)

    def save(self, folder: Path) -> None:
        """Write ``forming.npz`` into ``folder``."""
        np.savez(folder / FORMING_FILE, codes=self.codes)

    @classmethod
    def load(cls, folder: Path, test_images: int) -> Forming | None:
        """The frames saved in ``folder``; None for a run saved without them, or when they do not
        fit a split of ``test_images`` held-out images (a damaged or foreign file is not trusted)."""
        try:
            with np.load(io.BytesIO((folder / FORMING_FILE).read_bytes()), allow_pickle=False) as arrays:
                codes = np.asarray(arrays["codes"], np.float32)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return None
        fits = codes.ndim == 3 and len(codes) >= 1 and codes.shape[1] == min(FORMING_IMAGES, test_images)
        return cls(codes) if fits and np.isfinite(codes).all() else None
