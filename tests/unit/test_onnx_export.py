"""shared/onnx_export.py: the page's ONNX file of a weights file, as Export
ONNX makes it, runs in onnxruntime to the probabilities of the numpy model the
same file holds, passes onnx's full check, and says what the model is; what
is no weights file is refused with its reason."""
import json
import random

import numpy as np
import onnx
import onnxruntime
import pytest

from shared import npz, onnx_export, shipped
from shared.digits_file import encode as digits_file
from tests.harness.samples import weights_of
from tests.unit.test_hostile_input import decoded_mutations
from tools import ROOT
from tools.build import train_weights
from worker import weights_file
from worker.convnet import ConvNet


def shipped_file(architecture):
    with open("%s/%s" % (ROOT, shipped.PRETRAINED[architecture]), "rb") as f:
        return f.read()


def probabilities(model, X):
    Z = model.logits(X).astype(np.float64)
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    return P / P.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("architecture", ["mlp", "cnn"])
def test_the_shipped_models_onnx_reads_held_out_digits_as_the_numpy_model(architecture, default_data_dir):
    data = shipped_file(architecture)
    model, meta = weights_file.decode(data)
    name, exported = onnx_export.from_weights_file(data, "0123abcd")
    assert name == "digits-%s.onnx" % architecture
    proto = onnx.load_from_string(exported)
    onnx.checker.check_model(proto, full_check=True)
    X, y = train_weights.load_split("test", default_data_dir)
    X = np.asarray(X[:300], np.float32)
    session = onnxruntime.InferenceSession(exported, providers=["CPUExecutionProvider"])
    (got,) = session.run(["probabilities"], {"image": X.reshape(-1, 1, 28, 28)})
    assert np.abs(got - probabilities(model, X)).max() < 1e-5
    assert np.mean(got.argmax(axis=1) == np.asarray(y[:300])) > 0.9
    props = {p.key: p.value for p in proto.metadata_props}
    assert props["architecture"] == architecture and props["page_version"] == "0123abcd"
    assert json.loads(props["classes"]) == meta["classes"] == list("0123456789")
    assert props["samples_seen"] == str(meta["samples_seen"]) and props["my_digits"] == "0"
    assert json.loads(props["input"])["range"] == [0, 1]
    assert props["layers"] == {"mlp": "784-128-10", "cnn": "conv 5x5/2 16, conv 5x5/2 32, dense 10"}[architecture]
    assert "[N, 1, 28, 28]" in proto.doc_string and meta["input"]["preprocessing"] in proto.doc_string
    assert "%d samples seen" % meta["samples_seen"] in proto.doc_string


def test_a_model_taught_the_visitor_s_digits_says_so():
    data = weights_of(ConvNet(seed=5), samples_seen=4321, my_digits=12)
    proto = onnx.load_from_string(onnx_export.from_weights_file(data, "v")[1])
    assert "and 12 digits of its visitor's, 4321 samples seen" in proto.doc_string
    assert {p.key: p.value for p in proto.metadata_props}["my_digits"] == "12"


def test_what_is_no_weights_file_is_refused_with_its_reason():
    data = shipped_file("mlp")
    for bad, reason in ((data[:len(data) // 2], "truncated|not an .npz"), (b"", "not an .npz"),
                        (digits_file([1], [bytes(784)]), "no meta"),
                        (data.replace(b"hidden", b"hidder"), "not the ones its layers need")):
        with pytest.raises(npz.BadNpz, match=reason):
            onnx_export.from_weights_file(bad, "v")


def test_damaged_weights_files_make_an_onnx_file_or_are_refused():
    results = list(decoded_mutations(lambda data: onnx_export.from_weights_file(data, "v"), npz.BadNpz,
                                     shipped_file("cnn"), "onnx %d" % random.Random(7).random(), 300))
    assert None in results
