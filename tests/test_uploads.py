"""Upload validation: every good form is read, every bad one is a one-line DatasetError."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from aemodels.data import uploads
from aemodels.data.uploads import read_upload, summary
from aemodels.errors import DatasetError


def _npz(path, **arrays):
    np.savez(path, **arrays)
    return path


def _png(array) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(array, np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def _jpeg(array) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(array, np.uint8)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _zip(path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _rejects(source, filename=None, match=None) -> str:
    with pytest.raises(DatasetError) as info:
        read_upload(source, filename)
    message = str(info.value)
    assert message and "\n" not in message and "Traceback" not in message
    if match:
        assert match.lower() in message.lower(), message
    return message


# --- good .npz ------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(5, 8, 8), (5, 12, 9), (5, 28, 28, 1), (5, 16, 20, 3), (2, 256, 256)])
@pytest.mark.parametrize("dtype", ["uint8", "float32", "float64"])
def test_npz_without_labels(tmp_path, shape, dtype):
    rng = np.random.default_rng(0)
    raw = rng.integers(0, 256, shape).astype(np.uint8)
    x = raw.astype(dtype) / 255 if dtype != "uint8" else raw
    data = read_upload(_npz(tmp_path / "d.npz", x=x))
    expected = raw if len(shape) == 4 else raw[..., None]
    assert data.images.dtype == np.uint8
    assert np.array_equal(data.images, expected)
    assert not data.is_labelled and data.class_names == ("unlabelled",)
    assert data.labels.tolist() == [0] * shape[0]


def test_float_0_255_and_bool_images(tmp_path):
    x = np.full((3, 8, 8), 200.0)
    assert (read_upload(_npz(tmp_path / "a.npz", x=x)).images == 200).all()
    b = np.zeros((3, 8, 8), bool)
    b[:, 0] = True
    images = read_upload(_npz(tmp_path / "b.npz", x=b)).images
    assert images[:, 0].min() == 255 and images[:, 1:].max() == 0


@pytest.mark.parametrize("y,names", [
    (np.array([3, 5, 3, 9]), ("3", "5", "9")),
    (np.array([[1], [0], [1], [0]]), ("0", "1")),
    (np.array([1.0, 0.0, 1.0, 0.0]), ("0", "1")),
    (np.array(["cat", "dog", "cat", "emu"]), ("cat", "dog", "emu")),
])
def test_npz_with_labels(tmp_path, y, names):
    x = np.zeros((4, 10, 10, 1), np.uint8)
    data = read_upload(_npz(tmp_path / "d.npz", x=x, y=y))
    assert data.class_names == names and data.is_labelled
    assert [names[i] for i in data.labels] == [str(v) for v in np.ravel(y).astype(object if y.dtype.kind == "U" else int)]
    assert "4 images of 10×10 grey, " + f"{len(names)} classes" == summary(data)


@pytest.mark.parametrize("kind", ["path", "str", "bytes", "file"])
def test_every_source_form(tmp_path, kind):
    path = _npz(tmp_path / "d.npz", x=np.zeros((3, 8, 8, 3), np.uint8))
    source = {"path": path, "str": str(path), "bytes": path.read_bytes(), "file": open(path, "rb")}[kind]
    try:
        data = read_upload(source, "d.npz" if kind == "bytes" else None)
    finally:
        if kind == "file":
            source.close()
    assert data.images.shape == (3, 8, 8, 3)
    assert summary(data).startswith("3 images of 8×8 colour")


def test_compressed_npz(tmp_path):
    np.savez_compressed(tmp_path / "c.npz", x=np.zeros((50, 28, 28), np.uint8), y=np.arange(50) % 2)
    assert read_upload(tmp_path / "c.npz").images.shape == (50, 28, 28, 1)


# --- good .zip -----------------------------------------------------------------------------


def test_zip_with_class_folders(tmp_path):
    rng = np.random.default_rng(1)
    images = {f"{cls}/{i}.png": rng.integers(0, 256, (12, 10), dtype=np.uint8) for cls in ("ant", "bee") for i in range(3)}
    path = _zip(tmp_path / "d.zip", {name: _png(a) for name, a in images.items()})
    data = read_upload(path)
    assert data.images.shape == (6, 12, 10, 1)
    assert data.class_names == ("ant", "bee")
    assert data.labels.tolist() == [0, 0, 0, 1, 1, 1]
    for (name, array), got in zip(sorted(images.items()), data.images):
        assert np.array_equal(got[..., 0], array), name


def test_zip_of_colour_and_grey_images_without_folders(tmp_path):
    rng = np.random.default_rng(2)
    members = {
        "a.png": _png(rng.integers(0, 256, (9, 9, 3))),
        "b.jpg": _jpeg(rng.integers(0, 256, (9, 9, 3))),
        "c.png": _png(rng.integers(0, 256, (9, 9))),
        "__MACOSX/._a.png": b"junk",
        ".DS_Store": b"junk",
    }
    data = read_upload(_zip(tmp_path / "d.zip", members))
    assert data.images.shape == (3, 9, 9, 3)
    assert not data.is_labelled
    assert np.array_equal(data.images[2, ..., 0], data.images[2, ..., 1])  # grey spread to RGB


# --- bad inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize("x,match", [
    (np.zeros((5, 28 * 28)), "shape"),
    (np.zeros((5,)), "shape"),
    (np.zeros((2, 8, 8, 1, 1)), "shape"),
    (np.zeros((5, 8, 8, 2)), "channels"),
    (np.zeros((5, 8, 8, 4)), "channels"),
    (np.zeros((1, 28, 28)), "has 1 image:"),
    (np.zeros((0, 28, 28)), "0 images"),
    (np.zeros((100_001, 8, 8), np.uint8), "images"),
    (np.zeros((5, 7, 28)), "side"),
    (np.zeros((5, 28, 257)), "side"),
    (np.full((5, 8, 8), np.nan), "NaN"),
    (np.full((5, 8, 8), np.inf), "infinite"),
    (np.full((5, 8, 8), -1.0), "0-1 or 0-255"),
    (np.full((5, 8, 8), 300.0), "0-1 or 0-255"),
    (np.full((5, 8, 8), 300, np.int32), "0-255"),
    (np.full((5, 8, 8), -3, np.int8), "0-255"),
    (np.full((5, 8, 8), 1 + 1j), "numbers"),
    (np.full((5, 8, 8), "a"), "numbers"),
])
def test_bad_image_arrays(tmp_path, x, match):
    _rejects(_npz(tmp_path / "bad.npz", x=x), match=match)


@pytest.mark.parametrize("y,match", [
    (np.array([0, 1, 0]), "one label per image"),
    (np.zeros((4, 2)), "one label per image"),
    (np.array([0.5, 1, 0, 1]), "whole-number"),
    (np.array([np.nan, 1, 0, 1]), "whole-number"),
    (np.array([1, 1, 1, 1]), "single class"),
    (np.array([1 + 1j, 0, 0, 1]), "type"),
])
def test_bad_labels(tmp_path, y, match):
    _rejects(_npz(tmp_path / "bad.npz", x=np.zeros((4, 8, 8)), y=y), match=match)


def test_npz_without_x(tmp_path):
    _rejects(_npz(tmp_path / "bad.npz", images=np.zeros((4, 8, 8))), match="'x'")


def test_object_arrays_and_pickles_are_never_loaded(tmp_path):
    x = np.empty(4, dtype=object)
    x[:] = [np.zeros((8, 8))] * 4
    np.savez(tmp_path / "obj.npz", x=x)  # pickled inside the .npy
    _rejects(tmp_path / "obj.npz", match="objects")
    np.savez(tmp_path / "objy.npz", x=np.zeros((4, 8, 8)), y=np.array([0, 1, "a", None], dtype=object))
    _rejects(tmp_path / "objy.npz", match="objects")
    import pickle

    (tmp_path / "p.npz").write_bytes(pickle.dumps({"x": np.zeros((4, 8, 8))}))
    _rejects(tmp_path / "p.npz")


def test_unsupported_suffixes_and_missing_files(tmp_path):
    (tmp_path / "d.csv").write_text("1,2,3\n")
    _rejects(tmp_path / "d.csv", match="not a supported file")
    _rejects(tmp_path / "nothing.npz", match="not a file")
    _rejects(tmp_path, match="not a file")
    _rejects(b"", "empty.npz", match="empty")
    _rejects(_png(np.zeros((8, 8))), "image.png", match="not a supported file")


@pytest.mark.parametrize("cut", [0.3, 0.9])
def test_truncated_npz(tmp_path, cut):
    path = _npz(tmp_path / "d.npz", x=np.random.default_rng(0).integers(0, 256, (50, 28, 28)).astype(np.uint8))
    raw = path.read_bytes()
    _rejects(raw[: int(len(raw) * cut)], "d.npz")


def test_corrupt_npy_inside_npz(tmp_path):
    good = io.BytesIO()
    np.save(good, np.zeros((4, 8, 8), np.uint8))
    _rejects(_zip(tmp_path / "d.npz", {"x.npy": good.getvalue()[:100]}, zipfile.ZIP_STORED))
    _rejects(_zip(tmp_path / "e.npz", {"x.npy": b"not numpy at all"}, zipfile.ZIP_STORED))


def test_npy_header_claiming_a_huge_array(tmp_path):
    # A header of a few bytes asking for 720 GB: refused before anything is allocated.
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "|u1", "fortran_order": False, "shape": (90_000_000_000, 8)})
    _rejects(_zip(tmp_path / "d.npz", {"x.npy": header.getvalue() + b"\0" * 64}, zipfile.ZIP_STORED),
             match="damaged")


def test_too_large_file(tmp_path, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    path = _npz(tmp_path / "big.npz", x=np.zeros((20, 28, 28), np.uint8))
    _rejects(path, match="larger than")
    _rejects(path.read_bytes(), "big.npz", match="larger than")
    with open(path, "rb") as handle:
        _rejects(handle, match="larger than")


def test_zip_bomb(tmp_path):
    bomb = _zip(tmp_path / "bomb.zip", {"a/x.png": b"\0" * 5_000_000, "b/y.png": b"\0" * 10})
    _rejects(bomb, match="zip bomb")
    npz_bomb = _zip(tmp_path / "bomb.npz", {"x.npy": b"\0" * 5_000_000})
    _rejects(npz_bomb, match="zip bomb")


def test_zip_claiming_too_much_unpacked_data(tmp_path, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 100)
    path = _zip(tmp_path / "d.zip", {f"{i}.png": _png(np.zeros((8, 8))) for i in range(3)})
    _rejects(path, match="unpacks")


@pytest.mark.parametrize("name", ["../evil.png", "a/../../evil.png", "/etc/evil.png", "C:/evil.png", "..\\evil.png"])
def test_path_traversal(tmp_path, name):
    members = {"a/ok.png": _png(np.zeros((8, 8))), name: _png(np.zeros((8, 8)))}
    _rejects(_zip(tmp_path / "d.zip", members), match="leaves the archive")


@pytest.mark.parametrize("inner", ["data.zip", "more.npz", "x.tar.gz", "y.7z"])
def test_nested_archive(tmp_path, inner):
    members = {"a.png": _png(np.zeros((8, 8))), "b.png": _png(np.zeros((8, 8))), inner: b"PK\3\4"}
    _rejects(_zip(tmp_path / "d.zip", members), match="another archive")


@pytest.mark.parametrize("name,data,match", [
    ("notes.txt", b"hello", "not a PNG or JPEG"),
    ("fake.png", b"hello, not a png", "not a readable"),
    ("cut.png", _png(np.random.default_rng(0).integers(0, 256, (64, 64)))[:200], "not a readable"),
    ("cut.jpg", _jpeg(np.random.default_rng(0).integers(0, 256, (64, 64, 3)))[:300], "not a readable"),
])
def test_non_image_and_truncated_members(tmp_path, name, data, match):
    members = {"ok1.png": _png(np.zeros((64, 64))), "ok2.png": _png(np.zeros((64, 64))), name: data}
    _rejects(_zip(tmp_path / "d.zip", members), match=match)


def test_zip_image_counts_and_sizes(tmp_path):
    _rejects(_zip(tmp_path / "one.zip", {"a.png": _png(np.zeros((8, 8)))}), match="has 1 image:")
    _rejects(_zip(tmp_path / "none.zip", {"dir/": b""}), match="0 images")
    mixed = {"a.png": _png(np.zeros((8, 8))), "b.png": _png(np.zeros((9, 8)))}
    _rejects(_zip(tmp_path / "mixed.zip", mixed), match="different sizes")
    small = {"a.png": _png(np.zeros((7, 8))), "b.png": _png(np.zeros((7, 8)))}
    _rejects(_zip(tmp_path / "small.zip", small), match="8 to 256")
    big = {"a.png": _png(np.zeros((8, 300))), "b.png": _png(np.zeros((8, 300)))}
    _rejects(_zip(tmp_path / "big.zip", big), match="8 to 256")


def test_too_many_zip_members(tmp_path, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMAGES", 3)
    members = {f"{i}.png": _png(np.zeros((8, 8))) for i in range(4)}
    _rejects(_zip(tmp_path / "d.zip", members), match="4 images")


def test_zip_with_duplicate_member_names(tmp_path):
    path = tmp_path / "dup.zip"
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("a.png", _png(np.zeros((8, 8))))
            archive.writestr("a.png", _png(np.zeros((8, 8))))
            archive.writestr("b.png", _png(np.zeros((8, 8))))
    _rejects(path, match="more than once")


@pytest.mark.parametrize("cut", [0.2, 0.6, 0.95])
def test_corrupt_or_truncated_zip(tmp_path, cut):
    path = _zip(tmp_path / "d.zip", {f"{c}/{i}.png": _png(np.random.default_rng(i).integers(0, 256, (16, 16)))
                                    for c in "ab" for i in range(5)})
    raw = path.read_bytes()
    _rejects(raw[: int(len(raw) * cut)], "d.zip")
    flipped = bytearray(raw)
    flipped[len(raw) // 3: len(raw) // 3 + 20] = b"\xff" * 20
    _rejects(bytes(flipped), "d.zip")


def test_garbage_bytes(tmp_path):
    _rejects(b"\x00\x01garbage" * 100, "d.zip", match="corrupt or truncated")
    _rejects(b"\x00\x01garbage" * 100, "d.npz", match="corrupt or truncated")


@pytest.mark.parametrize("suffix", [".zip", ".npz"])
def test_damaged_deflate_stream(tmp_path, suffix):
    rng = np.random.default_rng(0)
    if suffix == ".zip":
        members = {f"{c}/{i}.png": _png(rng.integers(0, 256, (64, 64))) for c in "ab" for i in range(2)}
    else:
        buffer = io.BytesIO()
        np.save(buffer, rng.integers(0, 4, (50, 28, 28)).astype(np.uint8))
        members = {"x.npy": buffer.getvalue()}
    data = bytearray(_zip(tmp_path / f"d{suffix}", members).read_bytes())
    # Scramble the middle of the first member's compressed data, keeping headers and directory.
    first = data.find(b"PK\x03\x04") + 30 + len(next(iter(members)))
    data[first + 40: first + 140] = bytes(range(100))
    _rejects(bytes(data), f"d{suffix}")


def test_a_run_export_uploaded_as_data_points_to_the_runs_screen(home_with_runs):
    from aemodels.store.runs import RunStore

    _, run_ids = home_with_runs
    data = RunStore().export_zip(run_ids["dense-ae"])
    with pytest.raises(DatasetError, match="is a run exported from this app.*upload it on the Runs screen"):
        read_upload(data, "20260101-run.zip")


def test_the_run_export_files_it_recognises_are_in_every_run_zip():
    from aemodels.store.run_folder import RUN_FILES

    assert uploads.RUN_EXPORT_FILES <= set(RUN_FILES)
