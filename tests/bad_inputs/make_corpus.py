"""Generate the bad-input corpus into a folder: nothing binary is committed, everything is made here.

    python tests/bad_inputs/make_corpus.py OUT_DIR     # writes the files and prints one line each

Each case is a ``Case``: a data upload (``check-data`` / ``uploads.read_upload``), a run upload
(``RunStore.import_zip(data, filename)``), or command-line arguments (``python -m aemodels ...``).
Every one of them must be refused with one line, never a traceback, and leave the run store as
it was. Cases that would run code if loaded (a pickle, a Keras ``Lambda``) touch ``MARKER_NAME``
in the output folder when run: the tests check it never appears.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import numpy as np

MARKER_NAME = "CODE_WAS_RUN"


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    kind: str  # "data", "run" or "cli"
    path: Path | None = None  # data and run cases
    argv: tuple[str, ...] = ()  # cli cases
    filename: str | None = None  # the name a run upload is given (defaults to the path's name)


# --- small builders -------------------------------------------------------------------------


def _npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def _npy(array: np.ndarray, allow_pickle: bool = False) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name) if name.endswith("/") else name, data)
    return buffer.getvalue()


def _png(width: int, height: int, value: int = 128) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (width, height), value).save(buffer, format="PNG")
    return buffer.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG signature and IHDR chunk claiming ``width``×``height``, then a tiny IDAT and IEND."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def _pickle_bomb(marker: Path) -> bytes:
    """A pickle that would create ``marker`` if anything ever unpickled it."""
    import pickle

    class Touch:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    return pickle.dumps(Touch())


def _digits(n: int = 20, side: int = 8) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(n, side, side), dtype=np.uint8)


# --- the corpus ---------------------------------------------------------------------------


def data_cases(out: Path) -> list[Case]:
    marker = out / MARKER_NAME
    x = _digits()
    y = np.arange(20) % 2
    good_npz = _npz(x=x, y=y)
    good_png = _png(8, 8)
    files: dict[str, bytes] = {
        "empty.npz": b"",
        "empty.zip": b"",
        "images.txt": b"0 1 2 3\n",
        "images.npy": _npy(x),
        "images.png": good_png,
        "images.tar.gz": b"\x1f\x8b\x08\x00" + b"\0" * 40,
        "no_suffix": good_npz,
        "truncated.npz": good_npz[: len(good_npz) // 2],
        "garbage.npz": os.urandom(4096),
        "truncated.zip": _zip({"a/0.png": good_png, "b/1.png": good_png})[:-30],
        "garbage.zip": b"PK\x03\x04" + os.urandom(2048),
        "object_array.npz": _npz(x=np.array([{"a": 1}, [1, 2]] * 4, dtype=object)),
        "pickle_renamed.npz": _pickle_bomb(marker),
        "pickle_member.npz": _zip({"x.npy": _npy(np.array([_PickleTouch(str(marker))], dtype=object), allow_pickle=True)}),
        "no_x.npz": _npz(images=x),
        "strings.npz": _npz(x=np.array([["a"] * 8] * 8 * 4).reshape(4, 8, 8)),
        "complex.npz": _npz(x=np.ones((4, 8, 8), dtype=np.complex64)),
        "nan.npz": _npz(x=np.where(x > 250, np.nan, x / 255.0).astype(np.float32)),
        "inf.npz": _npz(x=np.where(x > 250, np.inf, x / 255.0).astype(np.float32)),
        "negative.npz": _npz(x=x.astype(np.int16) - 300),
        "above_255.npz": _npz(x=x.astype(np.int32) + 1000),
        "rank0.npz": _npz(x=np.array(3.0)),
        "rank2.npz": _npz(x=np.zeros((20, 64), dtype=np.uint8)),
        "rank5.npz": _npz(x=np.zeros((2, 2, 8, 8, 1), dtype=np.uint8)),
        "five_channels.npz": _npz(x=np.zeros((4, 8, 8, 5), dtype=np.uint8)),
        "one_image.npz": _npz(x=np.zeros((1, 8, 8), dtype=np.uint8)),
        "1x1_images.npz": _npz(x=np.zeros((20, 1, 1), dtype=np.uint8)),
        "300x300_images.npz": _npz(x=np.zeros((2, 300, 300), dtype=np.uint8)),
        # A header that promises 100,000 colour 256×256 images with no data behind it.
        "header_lies.npz": _zip({"x.npy": _npy_header((100_000, 256, 256, 3))}),
        "too_many_images.npz": _npz(x=np.random.default_rng(1).integers(0, 2, (100_001, 8, 8), dtype=np.uint8)),
        "labels_too_short.npz": _npz(x=x, y=y[:-1]),
        "labels_2d.npz": _npz(x=x, y=np.zeros((20, 3), dtype=np.int64)),
        "single_class.npz": _npz(x=x, y=np.zeros(20, dtype=np.int64)),
        "labels_nan.npz": _npz(x=x, y=np.where(y == 1, np.nan, 0.0)),
        "labels_fraction.npz": _npz(x=x, y=y + 0.5),
        "too_many_classes.npz": _npz(x=np.zeros((1001, 8, 8), dtype=np.uint8), y=np.arange(1001)),
        "zip_1x1.zip": _zip({"a/0.png": _png(1, 1), "b/1.png": _png(1, 1)}),
        "zip_10000x10000.zip": _zip({"a/0.png": _png_header_only(10_000, 10_000), "b/1.png": good_png}),
        "zip_mixed_sizes.zip": _zip({"a/0.png": _png(8, 8), "b/1.png": _png(16, 16)}),
        "zip_non_image.zip": _zip({"a/0.png": good_png, "a/notes.txt": b"hello", "b/1.png": good_png}),
        "zip_fake_png.zip": _zip({"a/0.png": good_png, "b/1.png": b"this is not a png at all"}),
        "zip_nested.zip": _zip({"a/0.png": good_png, "inner.zip": _zip({"b/1.png": good_png})}),
        "zip_nested_npz.zip": _zip({"a/0.png": good_png, "data.npz": good_npz}),
        "zip_bomb.zip": _zip({"a/0.png": good_png, "b/bomb.png": b"\0" * (64 * 2**20)}),
        "zip_traversal.zip": _zip({"../../evil/0.png": good_png, "../../evil/1.png": good_png}),
        "zip_absolute.zip": _zip({"/tmp/evil/0.png": good_png, "/tmp/evil/1.png": good_png}),
        "zip_windows_drive.zip": _zip({"C:\\evil\\0.png": good_png, "C:\\evil\\1.png": good_png}),
        "zip_one_image.zip": _zip({"a/0.png": good_png}),
        "zip_only_folders.zip": _zip({"a/": b"", "b/": b""}),
        "zip_only_junk.zip": _zip({"__MACOSX/a.png": good_png, ".DS_Store": b"junk"}),
        "zip_pickle_member.zip": _zip({"a/0.png": good_png, "b/payload.pkl": _pickle_bomb(marker)}),
    }
    cases = []
    for name, data in files.items():
        path = out / "data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        cases.append(Case(f"data:{name}", "data", path))
    cases.append(Case("data:missing-file", "data", out / "data" / "does-not-exist.npz"))
    cases.append(Case("data:a-folder", "data", out / "data"))
    return cases


class _PickleTouch:
    """Pickles to a call of ``open(marker, 'w')``: creates the marker if ever unpickled."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _npy_header(shape: tuple[int, ...]) -> bytes:
    header = {"descr": "|u1", "fortran_order": False, "shape": shape}
    text = repr(header).encode("latin1")
    text += b" " * (64 - (len(text) + 11) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text


def _run_documents(config: dict, image_shape=(28, 28, 1)) -> dict[str, bytes]:
    meta = {"created": 1.0, "train_seconds": 1.0, "image_shape": list(image_shape),
            "config_id": "0" * 12, "aemodels_version": "0"}
    return {"config.json": json.dumps(config).encode(), "history.json": b'{"loss": [0.5]}',
            "metrics.json": b"{}", "meta.json": json.dumps(meta).encode()}


def run_cases(out: Path) -> list[Case]:
    """Run uploads; needs Keras (a real model with a Lambda layer, real weights of the wrong shape)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    from aemodels.config import TrainConfig
    from aemodels.tasks.registry import build_model

    marker = out / MARKER_NAME
    folder = out / "runs"
    folder.mkdir(parents=True, exist_ok=True)

    # A whole model whose Lambda would create the marker file when called (Keras calls it while
    # building, so the marker is removed after saving; loading must never call it again).
    marker_text = str(marker)
    inputs = keras.Input((28, 28, 1))
    touch = eval(f"lambda t: (open({marker_text!r}, 'w').close(), t)[1]")  # the path is a constant of its code
    touched = keras.layers.Lambda(touch, name="touch")(inputs)
    model = keras.Model(inputs, keras.layers.Flatten()(touched))
    model.save(folder / "lambda.keras")
    model.save(folder / "lambda.h5")
    keras_bytes = (folder / "lambda.keras").read_bytes()
    h5_bytes = (folder / "lambda.h5").read_bytes()
    marker.unlink(missing_ok=True)

    config = TrainConfig(model="dense-ae", latent_dim=2)
    small = TrainConfig(model="dense-ae", latent_dim=3)
    weights_path = folder / "weights-latent3.weights.h5"
    build_model(small, (28, 28, 1)).model.save_weights(weights_path)
    wrong_weights = weights_path.read_bytes()
    good = _run_documents(config.to_dict())

    arbitrary = {"module": "os", "class_name": "system", "config": {"command": f"touch {marker}"},
                 "registered_name": "os>system"}
    files: dict[str, tuple[bytes, str]] = {
        "lambda.keras": (keras_bytes, "lambda.keras"),
        "lambda.h5": (h5_bytes, "lambda.h5"),
        "lambda-keras-renamed.zip": (keras_bytes, "model.zip"),
        "pickle.pkl": (_pickle_bomb(marker), "model.pkl"),
        "lambda-as-weights.zip": (_zip({**good, "model.weights.h5": h5_bytes}), "run.zip"),
        "function-config.zip": (_zip({**_run_documents(arbitrary), "model.weights.h5": wrong_weights}), "run.zip"),
        "unknown-model-kind.zip": (_zip({**_run_documents({**config.to_dict(), "model": "transformer"}),
                                         "model.weights.h5": wrong_weights}), "run.zip"),
        "config-not-object.zip": (_zip({**_run_documents(["dense-ae"]), "model.weights.h5": wrong_weights}), "run.zip"),
        "config-bad-value.zip": (_zip({**_run_documents({**config.to_dict(), "latent_dim": 0}),
                                       "model.weights.h5": wrong_weights}), "run.zip"),
        "weights-wrong-shape.zip": (_zip({**good, "model.weights.h5": wrong_weights}), "run.zip"),
        "weights-garbage.zip": (_zip({**good, "model.weights.h5": os.urandom(4096)}), "run.zip"),
        "weights-empty.zip": (_zip({**good, "model.weights.h5": b""}), "run.zip"),
        "weights-bomb.zip": (_zip({**good, "model.weights.h5": b"\0" * (101 * 2**20)}), "run.zip"),
        "json-bomb.zip": (_zip({**good, "history.json": b"[" + b" " * (6 * 2**20) + b"]",
                               "model.weights.h5": wrong_weights}), "run.zip"),
        "bad-json.zip": (_zip({**good, "metrics.json": b"{not json", "model.weights.h5": wrong_weights}), "run.zip"),
        "bad-meta.zip": (_zip({**_run_documents(config.to_dict(), image_shape=(28, 28, 7)),
                              "model.weights.h5": wrong_weights}), "run.zip"),
        "missing-weights.zip": (_zip(good), "run.zip"),
        "extra-member.zip": (_zip({**good, "model.weights.h5": wrong_weights, "../../evil.py": b"print(1)"}), "run.zip"),
        "traversal-only.zip": (_zip({"../config.json": b"{}"}), "run.zip"),
        "not-a-zip.zip": (os.urandom(1024), "run.zip"),
        "empty.zip": (b"", "run.zip"),
    }
    cases = []
    for name, (data, filename) in files.items():
        path = folder / name
        path.write_bytes(data)
        cases.append(Case(f"run:{name}", "run", path, filename=filename))
    huge = folder / "huge.zip"  # sparse: 101 MB of zeros that take no disk space
    with open(huge, "wb") as handle:
        handle.truncate(101 * 2**20)
    cases.append(Case("run:huge.zip", "run", huge, filename="run.zip"))
    (folder / "weights-latent3.weights.h5").unlink()
    return cases


def cli_cases() -> list[Case]:
    """Bad values on the command line: each must exit 2 before or instead of training."""
    small = ("--train-images", "200", "--epochs", "1")
    argvs = {
        "latent-0": ("train", "--latent-dim", "0"),
        "latent-257": ("train", "--latent-dim", "257"),
        "code-shape-2d": ("train", "--model", "conv-ae", "--code-shape", "4x4"),
        "code-shape-unfit": ("train", "--model", "conv-ae", "--code-shape", "7x7x2", *small),
        "latent-text": ("train", "--latent-dim", "two"),
        "epochs-0": ("train", "--epochs", "0"),
        "epochs-1000000": ("train", "--epochs", "1000000"),
        "epochs-negative": ("train", "--epochs", "-3"),
        "lr-negative": ("train", "--learning-rate", "-0.01"),
        "lr-zero": ("train", "--learning-rate", "0"),
        "lr-nan": ("train", "--learning-rate", "nan"),
        "lr-inf": ("train", "--learning-rate", "inf"),
        "batch-0": ("train", "--batch-size", "0"),
        "batch-too-large": ("train", "--batch-size", "100000"),
        "batch-larger-than-data": ("train", "--batch-size", "4096", *small),
        "train-images-1": ("train", "--train-images", "1"),
        "seed-negative": ("train", "--seed", "-1"),
        "dataset-unknown": ("train", "--dataset", "imagenet", *small),
        "dataset-path": ("train", "--dataset", "../../etc/passwd", *small),
        "dataset-upload-missing": ("train", "--dataset", "upload:0123456789abcdef", *small),
        "dataset-upload-bad-id": ("train", "--dataset", "upload:../../x", *small),
        "dataset-needs-download": ("train", "--dataset", "mnist", *small),
        "model-unknown": ("train", "--model", "transformer"),
        "noise-kind-unknown": ("train", "--model", "denoise", "--noise-kind", "pink"),
        "noise-max-0": ("train", "--model", "denoise", "--noise-max", "0"),
        "upscale-text": ("train", "--model", "superres", "--upscale-factors", "2,x"),
        "upscale-1": ("train", "--model", "superres", "--upscale-factors", "1"),
        "upscale-empty": ("train", "--model", "superres", "--upscale-factors", ","),
        "unknown-option": ("train", "--layers", "3"),
        "unknown-command": ("explode",),
        "no-command": (),
        "evaluate-bad-id": ("evaluate", "../../etc"),
        "evaluate-unknown-run": ("evaluate", "20260101-120000-vae-0a1b2c"),
        "delete-bad-id": ("delete", "../runs"),
        "delete-unknown-run": ("delete", "20260101-120000-vae-0a1b2c"),
    }
    return [Case(f"cli:{name}", "cli", argv=argv) for name, argv in argvs.items()]


def make_corpus(out: str | Path, with_runs: bool = True) -> list[Case]:
    """Write every file case under ``out``; returns all cases (data, run, cli)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    cases = data_cases(out)
    if with_runs:
        cases += run_cases(out)
    return cases + cli_cases()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/bad_inputs/make_corpus.py OUT_DIR")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    for case in make_corpus(sys.argv[1]):
        print(f"{case.kind:<4} {case.name:<40} {case.path or ' '.join(case.argv)}")
