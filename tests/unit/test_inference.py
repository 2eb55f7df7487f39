"""Main-thread inference (integer first layer) against the numpy model, and
the worker's other views of the model."""
import base64
import json
import struct
import zlib

import numpy as np
import pytest

from shared import inference
from worker import snapshots
from worker.mlp import MLP


@pytest.fixture(scope="module")
def trained(trained_mlp):
    model, X_test, y_test = trained_mlp
    return model, X_test[:300], y_test[:300]


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_probabilities_match_the_float_model(trained):
    model, X, _ = trained
    fast = inference.InferenceModel(json.loads(json.dumps(snapshots.inference_weights(model))))
    expected = softmax(model.forward(X)[-1].astype(np.float64))
    got = np.array([fast.probabilities(list(x)) for x in X])
    assert np.abs(got - expected).max() < 5e-4      # the page agrees with numpy (and predict.py)
    assert np.mean(got.argmax(1) == expected.argmax(1)) >= 0.99
    assert np.allclose(got.sum(1), 1)


@pytest.mark.parametrize("largest, scale", [(0.626, 32768), (1.0, 16384), (0.9, 32768),
                                            (7.9, 4096), (40.0, 512), (1e-6, 32768)])
def test_int16_scale_is_the_largest_power_of_two_that_fits(largest, scale):
    weights = np.array([[-largest, largest / 3]], np.float32)
    assert snapshots.int16_scale(weights) == scale
    assert np.abs(np.rint(weights * scale)).max() <= 32767


def test_argmax_and_empty_input(trained):
    model = trained[0]
    fast = inference.InferenceModel(snapshots.inference_weights(model))
    p = fast.probabilities([0.0] * 784)       # biases only, still a distribution
    assert abs(sum(p) - 1) < 1e-9
    assert inference.argmax([0.1, 0.7, 0.2]) == 1
    assert inference.argmax([0.5, 0.5]) == 0


@pytest.mark.parametrize("w1", [lambda t: t[:-1], lambda t: t[:-4], lambda t: t + "AAAA",
                                lambda t: t[:-2] + "!!", lambda t: ""])
def test_wrong_shape_or_bad_base64_is_refused(w1):
    weights = snapshots.inference_weights(MLP(hidden=9))     # 14,112 bytes: no padding
    weights["w1"] = w1(weights["w1"])
    for take in (inference.InferenceModel, inference.kernel_weights):
        with pytest.raises(ValueError):
            take(weights)


def test_a_second_layer_of_the_wrong_shape_is_refused():
    weights = snapshots.inference_weights(MLP(hidden=9))
    for wrong in (dict(weights, b1=weights["b1"][:-1]), dict(weights, b2=weights["b2"] + [0.0]),
                  dict(weights, w2=[row[:-1] for row in weights["w2"]])):
        for take in (inference.InferenceModel, inference.kernel_weights):
            with pytest.raises(ValueError):
                take(wrong)


def test_hex_of_earlier_autosaves_still_reads_the_same(trained):
    weights = snapshots.inference_weights(trained[0])
    earlier = dict(weights, w1=base64.b64decode(weights["w1"]).hex())
    x = [0.0] * 300 + [1.0] * 100 + [0.0] * 384
    assert (inference.InferenceModel(earlier).probabilities(x)
            == inference.InferenceModel(weights).probabilities(x))
    assert inference.kernel_weights(earlier) == inference.kernel_weights(weights)   # base64 for the kernel


def test_base64_is_a_third_smaller_than_hex():
    weights = snapshots.inference_weights(MLP(hidden=128))
    assert len(weights["w1"]) <= 2 * 784 * 128 * 2 * 0.67


def decode_png(url):
    data = base64.b64decode(url.split(",", 1)[1])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    idat_len = struct.unpack(">I", data[33:37])[0]
    raw = zlib.decompress(data[41:41 + idat_len])
    rows = np.frombuffer(raw, np.uint8).reshape(height, 1 + width * 3)
    assert (rows[:, 0] == 0).all()
    return rows[:, 1:].reshape(height, width, 3)


def test_unit_mosaic_shows_each_units_weights():
    model = MLP(hidden=20, seed=2)
    image = decode_png(snapshots.unit_mosaic(model))
    size = 28 + snapshots.GAP
    assert image.shape == (4 * size - snapshots.GAP, 4 * size - snapshots.GAP, 3)
    tile = image[size:size + 28, 2 * size:2 * size + 28].astype(int)   # unit 6
    w = model.W1[:, 6].reshape(28, 28)
    strongest = np.unravel_index(np.abs(w).argmax(), w.shape)    # full colour
    colour = snapshots.INK if w[strongest] > 0 else snapshots.BLUE
    assert tuple(tile[strongest]) == tuple(colour.astype(int))
    assert (tile[w < 0][:, 2] >= tile[w < 0][:, 0]).all()       # inhibition is blue


def test_confusion_counts_and_examples():
    y_true = np.array([0, 0, 1, 1, 1, 2] + [3] * 12)
    y_pred = np.array([0, 1, 1, 0, 0, 2] + [5] * 12)
    counts, examples = snapshots.confusion(y_true, y_pred)
    assert counts[0][1] == 1 and counts[1][0] == 2 and counts[3][5] == 12
    assert sum(map(sum, counts)) == len(y_true)
    assert examples["1,0"] == [3, 4] and examples["0,1"] == [1]
    assert len(examples["3,5"]) == snapshots.EXAMPLES_PER_CELL
    assert "0,0" not in examples
