"""shared/onnx_file.py and shared/protobuf.py: an ONNX file of each model,
written without the onnx package, that onnx's own parser reads field by
field, its checker passes (full check), and onnxruntime runs to the page's
numpy model's probabilities within 1e-5."""

import numpy as np
import onnx
import onnxruntime
import pytest

from shared import onnx_file, protobuf
from tests.harness.samples import onnx_of
from tools.build import train_weights
from worker.convnet import ConvNet
from worker.mlp import MLP


def exported(model, metadata):
    """onnx_file's ModelProto of the model's arrays as they are."""
    params = {name: (list(array.shape), np.ascontiguousarray(array, "<f4").tobytes())
              for name, array in model.named_params()}
    return onnx_file.onnx_model("digits-" + model.ARCHITECTURE, model.layers(), params, metadata,
                                "a test model")


def probabilities(model, X):
    Z = model.logits(X).astype(np.float64)
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    return P / P.sum(axis=1, keepdims=True)


def test_varints_are_protobuf_s():
    assert protobuf.varint(0) == b"\x00" and protobuf.varint(1) == b"\x01"
    assert protobuf.varint(300) == b"\xac\x02"
    assert protobuf.varint(-1) == b"\xff" * 9 + b"\x01"          # int64 two's complement, 10 bytes


def test_onnx_s_parser_reads_back_every_field_written():
    model = MLP(hidden=8, seed=1)
    proto = onnx.load_from_string(exported(model, {"samples_seen": "1234", "classes": "[0, 1]"}))
    assert proto.ir_version == onnx_file.IR_VERSION and proto.producer_name == "pyscript-mnist-trainer"
    assert [(o.domain, o.version) for o in proto.opset_import] == [("", onnx_file.OPSET)]
    assert {p.key: p.value for p in proto.metadata_props} == {"samples_seen": "1234", "classes": "[0, 1]"}
    graph = proto.graph
    assert graph.name == "digits-mlp" and proto.doc_string == graph.doc_string == "a test model"
    assert [n.op_type for n in graph.node] == ["Flatten", "Gemm", "Relu", "Gemm", "Softmax"]
    assert [(i.name, list(i.dims), i.data_type) for i in graph.initializer] == [
        ("hidden.bias", [8], 1), ("hidden.weight", [784, 8], 1), ("output.bias", [10], 1),
        ("output.weight", [8, 10], 1)]
    np.testing.assert_array_equal(onnx.numpy_helper.to_array(graph.initializer[1]), model.W1)
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
    assert [(v.name, dims(v)) for v in graph.input] == [("image", ["N", 1, 28, 28])]
    assert [(v.name, dims(v)) for v in graph.output] == [("logits", ["N", 10]), ("probabilities", ["N", 10])]
    assert graph.node[0].attribute[0].name == "axis" and graph.node[0].attribute[0].i == 1


@pytest.mark.parametrize("model", [MLP(seed=3), ConvNet(seed=3)], ids=["mlp", "cnn"])
def test_onnxruntime_gives_the_numpy_model_s_probabilities(model, default_data_dir):
    X, _ = train_weights.load_split("test", default_data_dir)
    X = X[:200].astype(np.float32)
    data = onnx_of(model)
    onnx.checker.check_model(onnx.load_from_string(data), full_check=True)
    session = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"])
    logits, got = session.run(["logits", "probabilities"], {"image": X.reshape(-1, 1, 28, 28)})
    assert np.abs(got - probabilities(model, X)).max() < 1e-5
    assert np.abs(logits - model.logits(X)).max() < 1e-4


def test_the_shipped_models_read_the_held_out_digits_as_in_the_page(default_data_dir, trained_mlp):
    model, X_test, y_test = trained_mlp
    X = np.asarray(X_test[:500], np.float32)
    session = onnxruntime.InferenceSession(onnx_of(model), providers=["CPUExecutionProvider"])
    (got,) = session.run(["probabilities"], {"image": X.reshape(-1, 1, 28, 28)})
    assert (got.argmax(axis=1) == probabilities(model, X).argmax(axis=1)).all()
    assert np.mean(got.argmax(axis=1) == np.asarray(y_test[:500])) > 0.9


def test_a_layer_it_has_no_node_for_is_refused():
    with pytest.raises(ValueError, match="pool"):
        onnx_file.onnx_model("x", [{"name": "p", "type": "pool", "units": 10}], {"output.bias": ([10], b"")}, {})
