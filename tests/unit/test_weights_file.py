"""shared/weights_file.py and the numpy side in worker/trainer.py."""
import io

import numpy as np
import pytest

from shared import weights_file
from worker.model import MLP
from worker.trainer import weights_from_bytes, weights_to_bytes

COLUMNS = weights_file.COLUMNS


def random_model(hidden=12, seed=0):
    """An MLP with every parameter non-trivial (biases are zero after init)."""
    model = MLP(hidden, seed)
    rng = np.random.default_rng(seed + 1)
    model.set_params(model.W1, rng.standard_normal(hidden), model.W2,
                     rng.standard_normal(weights_file.OUTPUTS))
    return model


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def test_columns_constant():
    assert COLUMNS == 795 == 28 * 28 + 1 + 10


@pytest.mark.parametrize("hidden", [1, 12, 128])
def test_round_trip_is_exact(hidden):
    model = random_model(hidden, seed=hidden)
    W1, b1, W2, b2 = weights_from_bytes(weights_to_bytes(model))
    assert W1.shape == (784, hidden) and b1.shape == (hidden,)
    assert W2.shape == (hidden, 10) and b2.shape == (10,)
    for got, want in zip((W1, b1, W2, b2), model.params()):
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, want)
    copy = MLP(3, 99)
    copy.set_params(W1, b1, W2, b2)
    assert copy.hidden == hidden
    for got, want in zip(copy.params(), model.params()):
        np.testing.assert_array_equal(got, want)
    assert weights_to_bytes(copy) == weights_to_bytes(model)


def test_file_loads_with_plain_numpy():
    hidden = 7
    model = random_model(hidden)
    data = weights_to_bytes(model)
    matrix = np.load(io.BytesIO(data))
    assert matrix.shape == (hidden + 1, COLUMNS)
    assert matrix.dtype == np.float32
    np.testing.assert_array_equal(matrix[:hidden, :784], model.W1.T)
    np.testing.assert_array_equal(matrix[:hidden, 784], model.b1)
    np.testing.assert_array_equal(matrix[:hidden, 785:], model.W2)
    np.testing.assert_array_equal(matrix[hidden, :785], np.zeros(785, np.float32))
    np.testing.assert_array_equal(matrix[hidden, 785:], model.b2)
    # unit j's input weights are a ready-made 28x28 picture
    np.testing.assert_array_equal(matrix[2, :784].reshape(28, 28),
                                  model.W1[:, 2].reshape(28, 28))


def test_npy_header_is_64_byte_aligned():
    data = weights_to_bytes(random_model(5))
    header_len = data[8] | (data[9] << 8)
    assert (10 + header_len) % 64 == 0
    assert data[10 + header_len - 1:10 + header_len] == b"\n"


def test_decode_accepts_numpy_save_output():
    matrix = np.random.default_rng(0).standard_normal((4, COLUMNS)).astype(np.float32)
    hidden, payload = weights_file.decode(npy_bytes(matrix))
    assert hidden == 3
    assert bytes(payload) == matrix.tobytes()
    W1, b1, W2, b2 = weights_from_bytes(npy_bytes(matrix))
    np.testing.assert_array_equal(W1, matrix[:3, :784].T)
    np.testing.assert_array_equal(b2, matrix[3, 785:])


def test_encode_rejects_payload_of_wrong_size():
    with pytest.raises(ValueError):
        weights_file.encode(2, bytes(3 * COLUMNS * 4 - 4))


def good_file(hidden=3):
    return npy_bytes(np.ones((hidden + 1, COLUMNS), np.float32))


def fortran_file():
    array = np.asfortranarray(np.ones((4, COLUMNS), np.float32))
    data = npy_bytes(array)
    assert b"'fortran_order': True" in data[:128]
    return data


BAD_FILES = {
    "empty": lambda: b"",
    "not npy": lambda: b"this is not a weights file at all, sorry" * 10,
    "png": lambda: b"\x89PNG\r\n\x1a\n" + bytes(100),
    "npy version 2": lambda: good_file()[:6] + b"\x02\x00" + good_file()[8:],
    "float64": lambda: npy_bytes(np.ones((4, COLUMNS), np.float64)),
    "big-endian float32": lambda: npy_bytes(np.ones((4, COLUMNS), ">f4")),
    "int32": lambda: npy_bytes(np.ones((4, COLUMNS), np.int32)),
    "794 columns": lambda: npy_bytes(np.ones((4, COLUMNS - 1), np.float32)),
    "796 columns": lambda: npy_bytes(np.ones((4, COLUMNS + 1), np.float32)),
    "1-d": lambda: npy_bytes(np.ones(COLUMNS, np.float32)),
    "3-d": lambda: npy_bytes(np.ones((2, 4, COLUMNS), np.float32)),
    "truncated payload": lambda: good_file()[:-4],
    "truncated to header": lambda: good_file()[:128],
    "extra bytes": lambda: good_file() + b"\0\0\0\0",
    "fortran order": fortran_file,
    "hidden=0": lambda: npy_bytes(np.ones((1, COLUMNS), np.float32)),
    "hidden too large": lambda: npy_bytes(
        np.zeros((weights_file.MAX_HIDDEN + 2, COLUMNS), np.float32)),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_decode_rejects_bad_files(name):
    data = BAD_FILES[name]()
    with pytest.raises(weights_file.BadWeights) as info:
        weights_file.decode(data)
    assert str(info.value).strip()
    # the numpy side surfaces the same error
    with pytest.raises(weights_file.BadWeights):
        weights_from_bytes(data)


def test_largest_hidden_is_accepted():
    hidden, payload = weights_file.decode(
        npy_bytes(np.zeros((weights_file.MAX_HIDDEN + 1, COLUMNS), np.float32)))
    assert hidden == weights_file.MAX_HIDDEN
    assert len(payload) == (hidden + 1) * COLUMNS * 4


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", [(0, 0), (2, 784), (1, 790), (3, 794)])
def test_weights_from_bytes_rejects_non_finite(bad, where):
    matrix = np.zeros((4, COLUMNS), np.float32)
    matrix[where] = bad
    data = weights_file.encode(3, matrix.tobytes())
    weights_file.decode(data)        # a valid file format ...
    with pytest.raises(weights_file.BadWeights) as info:
        weights_from_bytes(data)     # ... but not usable weights
    assert "NaN" in str(info.value) or "infinity" in str(info.value)


def test_bad_weights_is_a_value_error():
    assert issubclass(weights_file.BadWeights, ValueError)


# -- header-only checks (the page checks a file before sending it to the worker) --

def test_parse_header_needs_only_the_header():
    data = weights_to_bytes(random_model(9))
    hidden, offset = weights_file.parse_header(data[:offset_of(data)])
    assert hidden == 9 and offset == offset_of(data) == 128
    assert weights_file.parse_header(data[:384]) == (9, 128)
    assert weights_file.parse_header(data) == (9, 128)
    weights_file.check_size(hidden, offset, len(data))


def offset_of(data):
    return 10 + (data[8] | (data[9] << 8))


@pytest.mark.parametrize("delta", [-4, -1, 1, 4, -COLUMNS * 4])
def test_check_size_rejects_other_lengths(delta):
    data = weights_to_bytes(random_model(4))
    hidden, offset = weights_file.parse_header(data)
    with pytest.raises(weights_file.BadWeights) as info:
        weights_file.check_size(hidden, offset, len(data) + delta)
    assert "hidden units" in str(info.value)


@pytest.mark.parametrize("cut", [10, 20, 60, 127])
def test_parse_header_rejects_a_cut_header(cut):
    data = weights_to_bytes(random_model(4))
    with pytest.raises(weights_file.BadWeights) as info:
        weights_file.parse_header(data[:cut])
    assert "truncated" in str(info.value)


@pytest.mark.parametrize("name", sorted(set(BAD_FILES) - {
    "empty", "truncated payload", "truncated to header", "extra bytes"}))
def test_parse_header_rejects_bad_headers(name):
    with pytest.raises(weights_file.BadWeights):
        weights_file.parse_header(BAD_FILES[name]())
