"""worker/weights_file.py: the .npz weights file, round trips, and every kind
of file that must be refused (with a reason, never unpickling)."""
import io
import json
import pickle
import zipfile

import numpy as np
import pytest

from shared.classes import DIGITS
from worker import weights_file
from worker.convnet import ConvNet
from worker.mlp import MLP
from worker.weights_file import BadWeights
from tests.harness.samples import members_of, npz, trained_like, weights_of


def encode(model=None, **meta):
    return weights_of(model or trained_like(), **meta)


# -- what numpy sees ----------------------------------------------------------------

def test_numpy_reads_it_without_pickle(tmp_path):
    model = trained_like()
    path = tmp_path / "w.npz"
    path.write_bytes(encode(model, samples_seen=1234, iteration=20, saved="2026-11-24T14:02:00+00:00"))
    with np.load(path, allow_pickle=False) as f:
        assert sorted(f.files) == ["hidden.bias", "hidden.weight", "meta", "output.bias",
                                   "output.weight"]
        assert f["hidden.weight"].shape == (784, 6) and f["hidden.weight"].dtype == np.float32
        np.testing.assert_array_equal(f["output.bias"], model.b2)
        meta = json.loads(str(f["meta"]))
    assert meta["format"] == "digits-weights" and meta["version"] == 1
    assert meta["architecture"] == "mlp"
    assert [layer["name"] for layer in meta["layers"]] == ["hidden", "output"]
    assert meta["layers"][0]["units"] == 6
    assert meta["classes"] == list(DIGITS)
    assert meta["input"]["shape"] == [28, 28]
    assert meta["samples_seen"] == 1234 and meta["iteration"] == 20
    assert meta["saved"].startswith("2026-11-24")


def test_round_trip_gives_the_same_model_and_meta():
    model = trained_like(hidden=9, seed=4)
    back, meta = weights_file.decode(encode(model, samples_seen=5))
    assert back.hidden == 9 and meta["samples_seen"] == 5
    for got, want in zip(back.params(), model.params()):
        np.testing.assert_array_equal(got, want)
        assert got.flags.writeable and got.flags.c_contiguous


def test_the_same_weights_give_the_same_bytes():
    assert encode(trained_like(), saved="x") == encode(trained_like(), saved="x")


def test_a_file_numpy_wrote_is_read_too():
    model = trained_like()
    back, _ = weights_file.decode(npz(**members_of(model)))
    np.testing.assert_array_equal(back.W1, model.W1)


def test_compressed_npz_is_read_too():
    model = trained_like()
    out = io.BytesIO()
    np.savez_compressed(out, **members_of(model))
    back, _ = weights_file.decode(out.getvalue())
    np.testing.assert_array_equal(back.W2, model.W2)


def test_the_npy_of_earlier_versions_still_reads():
    model = trained_like(hidden=3)
    matrix = np.zeros((4, 795), np.float32)
    matrix[:3, :784] = model.W1.T
    matrix[:3, 784] = model.b1
    matrix[:3, 785:] = model.W2
    matrix[3, 785:] = model.b2
    out = io.BytesIO()
    np.save(out, matrix)
    back, meta = weights_file.decode(out.getvalue())
    assert meta == {}
    for got, want in zip(back.params(), model.params()):
        np.testing.assert_array_equal(got, want)


# -- refused, with the reason -----------------------------------------------------------

def replaced(name, array):
    members = members_of(trained_like())
    members[name] = array
    return npz(**members)


def without(name):
    members = members_of(trained_like())
    del members[name]
    return npz(**members)


def pickled_member():
    members = members_of(trained_like())
    members["hidden.bias"] = np.array([object()] * 6, dtype=object)
    out = io.BytesIO()
    np.savez(out, **members)        # numpy pickles object arrays
    return out.getvalue()


def extra_member():
    out = io.BytesIO(npz(**members_of(trained_like())))
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("readme.txt", "hello")
    return out.getvalue()


def corrupted():
    data = bytearray(encode())
    data[len(data) // 2] ^= 0xFF      # inside an array: the zip's CRC catches it
    return bytes(data)


BAD_FILES = {
    "empty": (lambda: b"", "empty"),
    "text": (lambda: b"hello, these are not weights", "not a weights file"),
    "png": (lambda: b"\x89PNG\r\n\x1a\n" + bytes(100), "not a weights file"),
    "pickle": (lambda: pickle.dumps({"W1": [1, 2, 3]}), "not a weights file"),
    "truncated": (lambda: encode()[:5000], "damaged or truncated"),
    "cut at the end": (lambda: encode()[:-30], "damaged or truncated"),
    "corrupted": (corrupted, "damaged"),
    "oversized": (lambda: encode() + bytes(weights_file.MAX_BYTES), "at most"),
    "no meta": (lambda: without("meta"), "no meta"),
    "meta not json": (lambda: replaced("meta", np.array("{nope")), "not JSON"),
    "meta of another format": (lambda: replaced("meta", np.array('{"format": "x"}')),
                               "does not describe"),
    "newer version": (lambda: npz(**members_of(trained_like(), version=99)), "newer"),
    "unknown architecture": (lambda: npz(**members_of(trained_like(), architecture="rnn")),
                             "unknown architecture"),
    "meta as numbers": (lambda: replaced("meta", np.zeros(3, np.float32)), "JSON string"),
    "missing array": (lambda: without("output.bias"), "expected arrays"),
    "extra array": (lambda: replaced("extra.weight", np.zeros(3, np.float32)), "expected arrays"),
    "extra file": (extra_member, "not an array"),
    "integer": (lambda: replaced("hidden.weight", np.zeros((784, 6), np.int32)), "float32"),
    "float64": (lambda: replaced("hidden.weight", np.zeros((784, 6))), "float32"),
    "pickled array": (pickled_member, "pickled"),
    "wrong shape": (lambda: replaced("hidden.weight", np.zeros((784, 7), np.float32)),
                    "shape"),
    "not 28x28 inputs": (lambda: replaced("hidden.weight", np.zeros((100, 6), np.float32)),
                         "shape"),
    "too many units": (lambda: npz(**members_of(MLP(1025, 0))), "1 to 1024"),
    "nan": (lambda: replaced("output.weight", np.full((6, 10), np.nan, np.float32)), "NaN"),
    "infinity": (lambda: replaced("hidden.bias", np.full(6, np.inf, np.float32)), "infinity"),
    "old npy of the wrong shape": (lambda: npy(np.zeros((5, 7), np.float32)), "shape"),
    "old npy of float64": (lambda: npy(np.zeros((4, 795))), "float32"),
    "old npy fortran order": (lambda: npy(np.asfortranarray(np.ones((4, 795), np.float32))),
                              "C order"),
}


def npy(array):
    out = io.BytesIO()
    np.save(out, array)
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_are_refused_with_a_reason(name):
    make, reason = BAD_FILES[name]
    with pytest.raises(BadWeights) as info:
        weights_file.decode(make())
    assert reason in str(info.value)


def test_bad_weights_is_a_value_error():
    assert issubclass(BadWeights, ValueError)


def test_a_zip_of_another_compression_or_a_forged_header_is_refused():
    members = {name + ".npy": body for name, body in (
        (n, npy(a)) for n, a in members_of(trained_like()).items())}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    data = bytearray(out.getvalue())
    central = data.index(b"PK\x01\x02")               # the first entry's central directory record
    data[central + 10:central + 12] = (99).to_bytes(2, "little")   # compression 99: AES
    with pytest.raises(BadWeights):
        weights_file.decode(bytes(data))
    forged = npy(np.zeros(3, np.float32)).replace(b"(3,)", b"(99999999999, 99999999999)")
    with pytest.raises(BadWeights):
        weights_file.decode(forged)
    bad_dtype = npy(np.zeros(3, np.float32)).replace(b"'<f4'", b"'<zz'")
    with pytest.raises(BadWeights):
        weights_file.decode(bad_dtype)


def test_a_convnet_round_trips_and_says_its_architecture(tmp_path):
    model = ConvNet(seed=2)
    data = encode(model, samples_seen=7)
    back, meta = weights_file.decode(data)
    assert isinstance(back, ConvNet) and meta["architecture"] == "cnn"
    assert [layer["type"] for layer in meta["layers"]] == ["conv", "conv", "dense"]
    for got, want in zip(back.params(), model.params()):
        np.testing.assert_array_equal(got, want)
    path = tmp_path / "cnn.npz"
    path.write_bytes(data)
    with np.load(path, allow_pickle=False) as loaded:
        assert loaded["conv1.weight"].shape == (5, 5, 1, 16)


def test_convnet_arrays_under_the_mlp_name_are_refused():
    members = dict(ConvNet(seed=1).named_params())
    members["meta"] = np.array(json.dumps({"format": "digits-weights", "version": 1,
                                           "architecture": "mlp"}))
    with pytest.raises(weights_file.BadWeights, match="not mlp weights: expected arrays"):
        weights_file.decode(npz(**members))
