"""Validate uploaded image data: a ``.npz`` of arrays or a ``.zip`` of PNG/JPEG files.

Nothing here trusts the file: arrays are read without pickle, archives are read in memory (never
extracted), sizes are checked from headers before anything is decoded, and every rejection is a
``DatasetError`` whose message says what is wrong and what to do.
"""

from __future__ import annotations

import io
import posixpath
import warnings
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np

from aemodels.data.datasets import Dataset
from aemodels.errors import DatasetError
from aemodels.words import count, safe_label, safe_labels

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # matches server.maxUploadSize in .streamlit/config.toml
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MIN_IMAGES, MAX_IMAGES = 2, 100_000
MIN_SIDE, MAX_SIDE = 8, 256
MAX_TOTAL_PIXELS = 400_000_000  # uint8 values kept in memory after decoding
RUN_EXPORT_FILES = {"config.json", "model.weights.h5"}  # in every run zip (run_folder.RUN_FILES; tests check)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
ARCHIVE_SUFFIXES = (".zip", ".npz", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar")


def read_upload(source: str | Path | bytes | BinaryIO, filename: str | None = None) -> Dataset:
    """A ``Dataset`` from an uploaded file, or ``DatasetError`` saying why not.

    Args:
        source: a path, the file's bytes, or a binary file object.
        filename: the name the user gave the file (its suffix picks the reader); defaults to
            the path's name.
    """
    data, name = _read_bytes(source, filename)
    suffix = Path(name).suffix.lower()
    if suffix == ".npz":
        images, labels = _read_npz(data)
    elif suffix == ".zip":
        images, labels = _read_zip(data)
    else:
        raise DatasetError(
            f"'{name}' is not a supported file: upload a .npz with an array 'x' "
            "(and optional 'y'), or a .zip of PNG/JPEG images."
        )
    return _make_dataset(images, labels, name)


def summary(dataset: Dataset) -> str:
    """One line that says what an upload holds."""
    n, h, w, c = dataset.images.shape
    classes = count(len(dataset.class_names), "class", "classes") if dataset.is_labelled else "no labels"
    colour = "grey" if c == 1 else "colour"
    return f"{count(n, 'image')} of {h}×{w} {colour}, {classes}"


def _read_bytes(source: str | Path | bytes | BinaryIO, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise DatasetError(f"'{path}' is not a file: give the path of a .npz or .zip.")
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise DatasetError(_too_big(path.name))
        return path.read_bytes(), filename or path.name
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        data = source.read(MAX_UPLOAD_BYTES + 1)
    name = filename or getattr(source, "name", None) or "upload"
    if len(data) > MAX_UPLOAD_BYTES:
        raise DatasetError(_too_big(name))
    if not data:
        raise DatasetError(f"'{name}' is empty: upload a .npz or .zip with images in it.")
    return data, name


def _too_big(name: str) -> str:
    return f"'{name}' is larger than {MAX_UPLOAD_BYTES // 2**20} MB: upload fewer or smaller images."


def _open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DatasetError(f"The file is not a readable {kind} (corrupt or truncated): export it again.") from None
    infos = archive.infolist()
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise DatasetError(f"The {kind} unpacks to more than {MAX_UNPACKED_BYTES // 2**30} GB: upload less data.")
    for info in infos:
        if info.file_size > 1_000_000 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise DatasetError(
                f"'{info.filename}' in the {kind} is compressed {info.file_size // max(info.compress_size, 1)}:1, "
                "which looks like a zip bomb: upload the data without it."
            )
    return archive


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, kind: str) -> bytes:
    """A member's bytes, reading no more than its header promised."""
    try:
        with archive.open(info) as handle:
            data = handle.read(info.file_size + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError, zlib.error):
        raise DatasetError(f"'{info.filename}' in the {kind} cannot be read (corrupt or encrypted).") from None
    if len(data) > info.file_size:
        raise DatasetError(f"'{info.filename}' in the {kind} is larger than its header says: the file is damaged.")
    return data


# --- .npz -------------------------------------------------------------------------------------


def _read_npz(data: bytes) -> tuple[np.ndarray, np.ndarray | None]:
    archive = _open_zip(data, ".npz file")
    members = {Path(info.filename).stem: info for info in archive.infolist() if info.filename.endswith(".npy")}
    if "x" not in members:
        found = ", ".join(sorted(members)) or "none"
        raise DatasetError(f"The .npz has no array named 'x' (found: {found}): save the images as x and the labels as y.")
    x = _load_npy(archive, members["x"], "x")
    y = _load_npy(archive, members["y"], "y") if "y" in members else None
    return _images_from_array(x), y


def _load_npy(archive: zipfile.ZipFile, info: zipfile.ZipInfo, key: str) -> np.ndarray:
    raw = _read_member(archive, info, ".npz file")
    _check_npy_header(raw, key)
    try:
        array = np.load(io.BytesIO(raw), allow_pickle=False)
    except ValueError as exc:
        if "allow_pickle" in str(exc) or "object" in str(exc).lower():
            raise DatasetError(f"Array '{key}' holds Python objects, which are never loaded: save numbers only.") from None
        raise DatasetError(f"Array '{key}' in the .npz is damaged or not a NumPy array.") from None
    except (OSError, EOFError, TypeError):
        raise DatasetError(f"Array '{key}' in the .npz is damaged or not a NumPy array.") from None
    if not isinstance(array, np.ndarray):
        raise DatasetError(f"'{key}' in the .npz is not a plain array.")
    return array


def _check_npy_header(raw: bytes, key: str) -> None:
    """Refuse an array whose header promises more data than the member holds.

    ``np.load`` allocates the whole array from the header before reading it, so a header of a
    few bytes could otherwise ask for terabytes.
    """
    handle = io.BytesIO(raw)
    try:
        version = np.lib.format.read_magic(handle)
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        shape, _, dtype = read_header(handle)
    except Exception:  # noqa: BLE001 - np.load below reports a damaged array
        return
    if dtype.hasobject:
        return  # refused as Python objects by np.load
    count = 1
    for side in shape:
        count *= int(side)
    if count * dtype.itemsize > len(raw):
        raise DatasetError(f"Array '{key}' in the .npz is damaged: its header promises more data than it holds.")


def _images_from_array(x: np.ndarray) -> np.ndarray:
    """Numeric images (N, H, W) or (N, H, W, C) in [0, 1] or 0..255 to uint8 (N, H, W, C)."""
    if x.dtype.kind not in "biuf":
        raise DatasetError(f"'x' has values of type {x.dtype}: images must be numbers (0-255 or 0-1).")
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4:
        raise DatasetError(
            f"'x' has shape {x.shape}: images must be (N, H, W) or (N, H, W, C) with C of 1 or 3."
        )
    _check_geometry(x.shape)
    if x.dtype.kind == "b":
        return x.astype(np.uint8) * 255
    if x.dtype.kind == "f":
        if not np.all(np.isfinite(x)):
            raise DatasetError("'x' contains NaN or infinite values: replace them before uploading.")
        low, high = float(x.min()), float(x.max())
        if low < 0 or high > 255:
            raise DatasetError(f"'x' ranges from {low:g} to {high:g}: pixel values must be in 0-1 or 0-255.")
        scale = 255.0 if high <= 1.0 else 1.0
        return np.clip(np.rint(x * scale), 0, 255).astype(np.uint8)
    low, high = int(x.min()), int(x.max())
    if low < 0 or high > 255:
        raise DatasetError(f"'x' ranges from {low} to {high}: integer pixel values must be 0-255.")
    return x.astype(np.uint8)


def _check_geometry(shape: tuple[int, ...]) -> None:
    n, h, w, c = shape
    if c not in (1, 3):
        raise DatasetError(f"Images have {c} channels: use 1 (grey) or 3 (colour).")
    if not MIN_IMAGES <= n <= MAX_IMAGES:
        raise DatasetError(f"The upload has {count(n, 'image')}: give between {MIN_IMAGES} and {MAX_IMAGES:,}.")
    if min(h, w) < MIN_SIDE or max(h, w) > MAX_SIDE:
        raise DatasetError(f"Images are {h}×{w} pixels: each side must be {MIN_SIDE} to {MAX_SIDE} pixels.")
    if n * h * w * c > MAX_TOTAL_PIXELS:
        raise DatasetError(f"{n} images of {h}×{w}×{c} are too much data for the app: upload fewer or smaller ones.")


def _labels(y: np.ndarray | None, n: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """Labels of any integer or string values to indices 0..K-1, and the K class names."""
    if y is None:
        return np.zeros(n, dtype=np.int64), ("unlabelled",)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or len(y) != n:
        raise DatasetError(f"'y' has shape {y.shape} but there are {n} images: give one label per image.")
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
            raise DatasetError("'y' must hold whole-number class labels (no NaN, no fractions).")
        y = y.astype(np.int64)
    if y.dtype.kind not in "biuU":
        raise DatasetError(f"'y' has values of type {y.dtype}: labels must be whole numbers or text.")
    values, indices = np.unique(y, return_inverse=True)
    if len(values) < 2:
        raise DatasetError("'y' has a single class: give labels of at least two classes, or leave 'y' out.")
    if len(values) > 1000:
        raise DatasetError(f"'y' has {len(values)} classes: at most 1000 are supported.")
    return indices.astype(np.int64), safe_labels(str(v) for v in values)  # class names reach HTML and Markdown


def _make_dataset(images: np.ndarray, y: np.ndarray | None, name: str) -> Dataset:
    labels, class_names = _labels(y, len(images))
    return Dataset("upload", np.ascontiguousarray(images), labels, class_names,
                   f"uploaded file {safe_label(Path(name).name)}")


# --- .zip of images ---------------------------------------------------------------------------


def _safe_member_name(name: str) -> str:
    """The member's path inside the archive, or ``DatasetError`` if it could escape it."""
    cleaned = name.replace("\\", "/")
    normal = posixpath.normpath(cleaned)
    if cleaned.startswith("/") or normal.startswith("..") or (len(cleaned) > 1 and cleaned[1] == ":"):
        raise DatasetError(f"The zip has a file path that leaves the archive ({name!r}): it was rejected.")
    return normal


def _is_junk(path: str) -> bool:
    parts = path.split("/")
    return parts[0] == "__MACOSX" or parts[-1].startswith(".")


def _read_zip(data: bytes) -> tuple[np.ndarray, np.ndarray | None]:
    from PIL import Image, UnidentifiedImageError

    archive = _open_zip(data, "zip file")
    if RUN_EXPORT_FILES <= set(archive.namelist()):
        raise DatasetError("This zip is a run exported from this app, not a dataset: upload it on the Runs screen.")
    entries: list[tuple[str, zipfile.ZipInfo]] = []
    for info in archive.infolist():
        path = _safe_member_name(info.filename)
        if info.is_dir() or _is_junk(path):
            continue
        suffix = Path(path).suffix.lower()
        if suffix in ARCHIVE_SUFFIXES:
            raise DatasetError(f"The zip holds another archive ('{path}'): nested archives are not read; unpack it first.")
        if suffix not in IMAGE_SUFFIXES:
            raise DatasetError(f"'{path}' in the zip is not a PNG or JPEG image: remove it and upload again.")
        entries.append((path, info))
    if not MIN_IMAGES <= len(entries) <= MAX_IMAGES:
        raise DatasetError(f"The zip has {count(len(entries), 'image')}: give between {MIN_IMAGES} and {MAX_IMAGES:,}.")
    names = [path for path, _ in entries]
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise DatasetError(f"The zip holds '{twice}' more than once: make the archive again.")
    entries.sort(key=lambda entry: entry[0])

    arrays, sizes, folders = [], set(), []
    for path, info in entries:
        raw = _read_member(archive, info, "zip file")
        try:
            with warnings.catch_warnings():
                # Pillow warns on stderr about huge headers; the size check below refuses them.
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                opened = Image.open(io.BytesIO(raw))
            with opened as image:
                w, h = image.size
                if min(w, h) < MIN_SIDE or max(w, h) > MAX_SIDE:
                    raise DatasetError(f"'{path}' is {w}×{h} pixels: each side must be {MIN_SIDE} to {MAX_SIDE}.")
                sizes.add((h, w))
                if len(sizes) > 1:
                    a, b = sorted(sizes)[:2]
                    raise DatasetError(
                        f"Images have different sizes ({a[0]}×{a[1]} and {b[0]}×{b[1]}): resize them to one size."
                    )
                grey = image.mode in ("1", "L", "I", "I;16", "F", "LA")
                arrays.append(np.asarray(image.convert("L" if grey else "RGB")))
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise DatasetError(f"'{path}' in the zip is not a readable PNG or JPEG image.") from None
        folders.append(posixpath.dirname(path))

    colour = any(a.ndim == 3 for a in arrays)
    stacked = np.stack([_as_channels(a, colour) for a in arrays])
    _check_geometry(stacked.shape)
    labelled = all(folders) and len(set(folders)) >= 2
    labels = np.array([posixpath.basename(f) for f in folders]) if labelled else None
    return stacked, labels


def _as_channels(image: np.ndarray, colour: bool) -> np.ndarray:
    if image.ndim == 2:
        image = image[..., None]
        if colour:
            image = np.repeat(image, 3, axis=-1)
    return image.astype(np.uint8)
