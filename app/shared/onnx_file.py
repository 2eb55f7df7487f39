"""The page's models as ONNX files, written without the onnx package (the
few messages needed, in shared/protobuf.py's wire format; field numbers are
onnx.proto's).

    onnx_model(name, layers, params, metadata, doc)  # -> bytes of a ModelProto

params: {"hidden.weight": (dims, raw little-endian float32 bytes), ...}, as
worker/weights_file.py names them (weights (inputs, units); convolution
kernels (k, k, in, out), feature maps flattened rows x columns x channels).
The graph takes `image`, float32 [N, 1, 28, 28] with pixels 0..1, ink high,
preprocessed as MNIST (as the page does: weights_file.INPUT), and gives
`logits` and `probabilities` (softmax), float32 [N, classes]. The weights
go in as they are: the graph transposes what ONNX lays out otherwise.

Plain Python: runs under CPython, Pyodide and MicroPython.
"""
from shared import protobuf as pb
from shared.digit import SIDE

IR_VERSION, OPSET = 10, 21
FLOAT, INTS_ATTRIBUTE, INT_ATTRIBUTE = 1, 7, 2
BATCH = "N"


def tensor(name, dims, raw):
    """A float32 TensorProto: dims (1), data_type (2), name (8), raw_data (9)."""
    return pb.integers(1, dims) + pb.integer(2, FLOAT) + pb.text(8, name) + pb.data(9, raw)


def value_info(name, dims):
    """ValueInfoProto name (1), type (2): TypeProto.tensor_type (1): elem_type (1),
    shape (2) of TensorShapeProto.Dimension (1): dim_value (1) or dim_param (2)."""
    shape = b"".join(pb.data(1, pb.text(2, d) if isinstance(d, str) else pb.integer(1, d))
                     for d in dims)
    return pb.text(1, name) + pb.data(2, pb.data(1, pb.integer(1, FLOAT) + pb.data(2, shape)))


def attribute(name, value):
    """AttributeProto name (1), then i (3) and type INT, or ints (8) and type INTS (20)."""
    if isinstance(value, int):
        return pb.text(1, name) + pb.integer(3, value) + pb.integer(20, INT_ATTRIBUTE)
    return pb.text(1, name) + pb.integers(8, value) + pb.integer(20, INTS_ATTRIBUTE)


def node(op_type, inputs, outputs, **attributes):
    """NodeProto input (1), output (2), name (3), op_type (4), attribute (5)."""
    return (pb.texts(1, inputs) + pb.texts(2, outputs) + pb.text(3, outputs[0]) + pb.text(4, op_type)
            + b"".join(pb.data(5, attribute(k, v)) for k, v in sorted(attributes.items())))


def layer_nodes(layers):
    """The nodes for the weights file's layers (its meta's "layers"), ending in `logits`:
    convolutions (kernels transposed to ONNX's (out, in, k, k)) with ReLU, the maps
    flattened rows x columns x channels, dense layers with ReLU but the last."""
    nodes, x, flat = [], "image", False
    for index, layer in enumerate(layers):
        name, last = layer["name"], index == len(layers) - 1
        z = "logits" if last else name + ".z"
        if layer["type"] == "conv":
            nodes += [node("Transpose", [name + ".weight"], [name + ".kernel"], perm=[3, 2, 0, 1]),
                      node("Conv", [x, name + ".kernel", name + ".bias"], [z],
                           strides=[layer["stride"], layer["stride"]])]
        elif layer["type"] == "dense":
            if not flat:
                if x != "image":      # feature maps: NCHW, to the rows x columns x channels order
                    nodes.append(node("Transpose", [x], [x + ".hwc"], perm=[0, 2, 3, 1]))
                    x += ".hwc"
                nodes.append(node("Flatten", [x], ["features"], axis=1))
                x, flat = "features", True
            nodes.append(node("Gemm", [x, name + ".weight", name + ".bias"], [z]))
        else:
            raise ValueError("no ONNX node for a layer of type %r" % layer["type"])
        if not last:
            nodes.append(node("Relu", [z], [name]))
        x = name
    return nodes


def onnx_model(name, layers, params, metadata, doc=""):
    """ModelProto bytes: ir_version (1), producer_name (2), doc_string (6), graph (7),
    opset_import (8), metadata_props (14). layers: the weights file's meta "layers";
    metadata: {key: text}."""
    classes = layers[-1]["units"]
    nodes = layer_nodes(layers) + [node("Softmax", ["logits"], ["probabilities"], axis=1)]
    graph = (b"".join(pb.data(1, n) for n in nodes) + pb.text(2, name)
             + b"".join(pb.data(5, tensor(name, dims, raw)) for name, (dims, raw) in sorted(params.items()))
             + pb.text(10, doc)
             + pb.data(11, value_info("image", [BATCH, 1, SIDE, SIDE]))
             + pb.data(12, value_info("logits", [BATCH, classes]))
             + pb.data(12, value_info("probabilities", [BATCH, classes])))
    return (pb.integer(1, IR_VERSION) + pb.text(2, "pyscript-mnist-trainer") + pb.text(6, doc)
            + pb.data(7, graph) + pb.data(8, pb.text(1, "") + pb.integer(2, OPSET))
            + b"".join(pb.data(14, pb.text(1, k) + pb.text(2, v)) for k, v in sorted(metadata.items())))
