"""shared/digits_file.py: my digits as an .npz that numpy reads, and back from what numpy writes."""
import io

import numpy as np
import pytest

from shared import digits_file
from shared.digits_file import BadDigitsFile
from tests.harness.samples import digits, npz


def test_numpy_reads_what_the_page_writes():
    labels, pixels = digits()
    with np.load(io.BytesIO(digits_file.encode(labels, pixels)), allow_pickle=False) as f:
        assert f["x"].dtype == np.uint8 and f["x"].shape == (5, 28, 28)
        assert f["y"].tolist() == labels
        assert f["x"].tobytes() == b"".join(pixels)


def test_the_same_digits_give_the_same_bytes():
    assert digits_file.encode(*digits()) == digits_file.encode(*digits())


@pytest.mark.parametrize("save", [np.savez, np.savez_compressed])
@pytest.mark.parametrize("label_type", [np.uint8, np.int64, np.int32, np.int16])
def test_reads_what_numpy_writes(save, label_type):
    labels, pixels = digits(7, seed=1)
    x = np.frombuffer(b"".join(pixels), np.uint8).reshape(7, 28, 28)
    back = digits_file.decode(npz(save, x=x, y=np.array(labels, label_type)))
    assert back == (labels, pixels)


def test_reads_flat_rows_and_its_own_output():
    labels, pixels = digits(3)
    x = np.frombuffer(b"".join(pixels), np.uint8).reshape(3, 784)
    assert digits_file.decode(npz(x=x, y=np.array(labels))) == (labels, pixels)
    assert digits_file.decode(digits_file.encode(labels, pixels)) == (labels, pixels)


GOOD_X = np.zeros((2, 28, 28), np.uint8)
GOOD_Y = np.array([1, 2])


def damaged(data, at, value=0xFF):
    data = bytearray(data)
    data[at] ^= value
    return bytes(data)


BAD = {
    "empty": (b"", "empty"),
    "text": (b"hello, world" * 10, "not an .npz"),
    "png": (b"\x89PNG\r\n\x1a\n" + bytes(100), "not an .npz"),
    "a weights file": (npz(**{"hidden.weight": np.zeros(3, np.float32)}), "expected arrays x and y"),
    "x only": (npz(x=GOOD_X), "expected arrays x and y"),
    "extra": (npz(x=GOOD_X, y=GOOD_Y, z=GOOD_Y), "expected arrays x and y"),
    "float x": (npz(x=GOOD_X.astype(np.float32), y=GOOD_Y), "uint8"),
    "wrong size": (npz(x=np.zeros((2, 20, 20), np.uint8), y=GOOD_Y), "28 x 28"),
    "labels short": (npz(x=GOOD_X, y=np.array([1])), "2 whole-number labels"),
    "float labels": (npz(x=GOOD_X, y=np.array([1.0, 2.0])), "whole-number"),
    "label 10": (npz(x=GOOD_X, y=np.array([1, 10])), "0 to 9"),
    "negative": (npz(x=GOOD_X, y=np.array([1, -1])), "0 to 9"),
    "no digits": (npz(x=np.zeros((0, 28, 28), np.uint8), y=np.array([], np.int64)), "0 digits"),
    "too many": (npz(x=np.zeros((1001, 28, 28), np.uint8), y=np.zeros(1001, np.int64)), "1001"),
    "fortran": (npz(x=np.asfortranarray(np.zeros((2, 28, 28), np.uint8)), y=GOOD_Y), "Fortran"),
    "object labels": (npz(x=GOOD_X, y=np.array([1, "a"], object)), "whole-number"),
    "corrupted": (damaged(npz(x=GOOD_X, y=GOOD_Y), 300), "checksum"),
    "truncated": (npz(x=GOOD_X, y=GOOD_Y)[:700], "not an .npz"),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_files_are_refused_with_a_reason(name):
    data, reason = BAD[name]
    with pytest.raises(BadDigitsFile, match=reason):
        digits_file.decode(data)


def test_unknown_compression_and_encryption_are_refused():
    good = npz(x=GOOD_X, y=GOOD_Y)
    at = good.rfind(b"PK\x01\x02")
    with pytest.raises(BadDigitsFile, match="compression"):
        digits_file.decode(good[:at + 10] + b"\x0c\x00" + good[at + 12:])   # bzip2
    with pytest.raises(BadDigitsFile, match="encrypted"):
        digits_file.decode(good[:at + 8] + b"\x01\x00" + good[at + 10:])


def test_an_oversized_file_is_refused_before_reading():
    with pytest.raises(BadDigitsFile, match="at most"):
        digits_file.decode(bytes(digits_file.MAX_BYTES + 1))
