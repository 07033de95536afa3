"""Photo datasets made offline from the sample images scikit-learn and scikit-image install.

Each photo is cut into non-overlapping ``TILE``×``TILE`` colour tiles, row by row, at full,
three-quarter and half size (area-averaged): within one size no two tiles share a pixel. The
sizes show the same photo, so a held-out tile may show what a training tile shows at another size:
held-out tiles are new views of the photos trained on, not new photos. Where each image comes from and under which licence is in ``SOURCES`` and the README.
"""

from __future__ import annotations

import dataclasses
from importlib.resources import files

import numpy as np

TILE = 32  # pixels per side, CIFAR-10's size
SCALES = (1.0, 0.75, 0.5)


@dataclasses.dataclass(frozen=True)
class PhotoSource:
    """One bundled image: the ``package`` that ships it, its ``file`` name there, and its licence."""

    package: str
    file: str
    credit: str


FLOWER = PhotoSource("sklearn.datasets.images", "flower.jpg",
                     "scikit-learn sample image, photo by vultilion on Flickr, CC BY 2.0")
ASTRONAUT = PhotoSource("skimage.data", "astronaut.png",
                        "scikit-image sample image: Eileen Collins, NASA portrait, public domain")
FACES = PhotoSource("skimage.data", "lfw_subset.npy",
                    "scikit-image sample data: 200 grey 25×25 faces from Labeled Faces in the Wild "
                    "(University of Massachusetts, Amherst), for research use")
SOURCES = {"flowers": (FLOWER,), "people": (FACES, ASTRONAUT)}


def _path(source: PhotoSource):
    return files(source.package) / source.file


def read_photo(source: PhotoSource) -> np.ndarray:
    """A bundled photo as uint8 (H, W, 3)."""
    from PIL import Image

    with Image.open(_path(source)) as image:
        return np.asarray(image.convert("RGB"))


def resized(image: np.ndarray, scale: float) -> np.ndarray:
    """uint8 (H, W, C) resized by ``scale`` with area averaging (PIL's box filter)."""
    from PIL import Image

    if scale == 1.0:
        return image
    h, w = image.shape[:2]
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(Image.fromarray(image).resize(size, Image.Resampling.BOX))


def tiles(image: np.ndarray, side: int = TILE) -> np.ndarray:
    """The non-overlapping ``side``×``side`` tiles of a uint8 (H, W, C) image, row by row, the
    right and bottom remainders dropped: uint8 (N, side, side, C)."""
    h, w, c = image.shape
    rows, cols = h // side, w // side
    whole = image[: rows * side, : cols * side]
    return whole.reshape(rows, side, cols, side, c).swapaxes(1, 2).reshape(rows * cols, side, side, c)


def photo_tiles(source: PhotoSource) -> np.ndarray:
    """Tiles of one photo at every size of ``SCALES``: uint8 (N, TILE, TILE, 3)."""
    photo = read_photo(source)
    return np.concatenate([tiles(resized(photo, scale)) for scale in SCALES])


def faces() -> np.ndarray:
    """scikit-image's 200 grey faces, 25×25 floats in [0, 1], upsized to ``TILE`` with bicubic
    interpolation and repeated over three channels: uint8 (200, TILE, TILE, 3)."""
    from PIL import Image

    grey = np.load(_path(FACES), allow_pickle=False)
    big = [np.asarray(Image.fromarray(np.rint(face * 255).astype(np.uint8)).resize((TILE, TILE),
                                                                                   Image.Resampling.BICUBIC))
           for face in grey]
    return np.repeat(np.stack(big)[..., None], 3, axis=-1)


def flowers() -> tuple[np.ndarray, np.ndarray, tuple[str, ...], str]:
    """The flower photo's tiles, unlabelled: images uint8 (N, 32, 32, 3), labels (N,), class
    names, a description."""
    images = photo_tiles(FLOWER)
    return (images, np.zeros(len(images), np.int64), ("unlabelled",),
            f"{len(images)} colour {TILE}×{TILE} tiles of one flower photo ({FLOWER.credit})")


def people() -> tuple[np.ndarray, np.ndarray, tuple[str, ...], str]:
    """Faces (class 0) and the astronaut portrait's tiles (class 1): images uint8 (N, 32, 32, 3),
    labels (N,), class names, a description."""
    face_images, portrait = faces(), photo_tiles(ASTRONAUT)
    labels = np.concatenate([np.zeros(len(face_images), np.int64), np.ones(len(portrait), np.int64)])
    return (np.concatenate([face_images, portrait]), labels, ("face", "portrait tile"),
            f"{len(face_images)} grey faces upsized to {TILE}×{TILE} ({FACES.credit}) and {len(portrait)} colour "
            f"tiles of a portrait ({ASTRONAUT.credit})")
