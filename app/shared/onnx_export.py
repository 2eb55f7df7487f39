"""The model in use as an ONNX file, made on the page from its weights file
(worker/weights_file.py's .npz, as each checkpoint carries it): its float32
arrays go into shared/onnx_file.py's graph byte for byte, and what the file
says of the model (classes, samples seen, input, the page's version) goes
into the file's doc_string and metadata_props, for whoever runs it.

    name, data = onnx_export.from_weights_file(npz_bytes, page_version(offline_set_js))

Plain Python: MicroPython on the page, CPython in tests.
"""
import json
from array import array

from shared import npz, onnx_file
from shared.protocol import MAX_WEIGHTS_BYTES

FILE_NAME = "digits-%s.onnx"
KINDS = {"mlp": "a multilayer perceptron", "cnn": "a convolutional network"}


def text_of(body):
    """A 0-d numpy unicode array's data (UTF-32, little-endian as numpy writes
    it on every machine the page runs on) as str."""
    return "".join(chr(c) for c in array("I", body)).rstrip("\x00")


def read_weights_file(data):
    """(meta, {param name: (dims, raw float32 bytes)}); npz.BadNpz if it is no weights file."""
    try:
        found = npz.members(data, MAX_WEIGHTS_BYTES)
        if "meta.npy" not in found:
            raise npz.BadNpz("it has no meta entry: not a weights file of this page")
        kind, shape, body = npz.array("meta", found.pop("meta.npy"))
        if kind[:1] != "U" or shape != ():
            raise npz.BadNpz("its meta entry is not text")
        meta = json.loads(text_of(body))
        params = {}
        for member, body in found.items():
            name = member[:-4]
            kind, shape, raw = npz.array(name, body)
            count = 1
            for n in shape:
                count *= n
            if kind != "f4" or len(raw) != 4 * count:
                raise npz.BadNpz("%s is not float32 of its shape" % name)
            params[name] = (list(shape), raw)
    except npz.BadNpz:
        raise
    except npz.DAMAGED:      # a ValueError too: after BadNpz
        raise npz.BadNpz("it is damaged or truncated")
    return meta, params


def architecture_of(layers):
    """"784-128-10" for dense layers; "conv 5x5/2 16, conv 5x5/2 32, dense 10" with convolutions."""
    if all(layer["type"] == "dense" for layer in layers):
        return "-".join(str(n) for n in [layers[0]["inputs"]] + [layer["units"] for layer in layers])
    return ", ".join("conv %dx%d/%d %d" % (layer["kernel"], layer["kernel"], layer["stride"], layer["units"])
                     if layer["type"] == "conv" else "dense %d" % layer["units"] for layer in layers)


def description(meta):
    """The doc_string: what the model is, what it takes and gives."""
    mine = meta.get("my_digits") or 0
    return ("A handwritten-digit classifier: %s (%s), trained in the browser by the PyScript MNIST "
            "trainer on MNIST%s, %d samples seen. "
            "Input `image`: float32 [N, 1, 28, 28], pixels 0 to 1, ink high (white on black), "
            "each digit preprocessed as MNIST: %s. "
            "Outputs: `probabilities`, float32 [N, %d], the softmax over the classes %s; "
            "and `logits`, before the softmax."
            % (KINDS.get(meta["architecture"], meta["architecture"]), architecture_of(meta["layers"]),
               " and %d digits of its visitor's" % mine if mine else "",
               meta.get("samples_seen") or 0, meta["input"]["preprocessing"],
               len(meta["classes"]), ", ".join(meta["classes"])))


def metadata(meta, page_version):
    """metadata_props: text values; lists and the input as JSON."""
    return {"architecture": meta["architecture"], "layers": architecture_of(meta["layers"]),
            "classes": json.dumps(meta["classes"]), "input": json.dumps(meta["input"]),
            "samples_seen": str(meta.get("samples_seen") or 0),
            "my_digits": str(meta.get("my_digits") or 0),
            "saved": meta.get("saved") or "", "page_version": page_version}


def page_version(offline_set):
    """The version offline-set.js (tools/build/offline_set.py) gives the page's files, or "unknown"."""
    at = offline_set.find('"version": "')
    end = offline_set.find('"', at + 12)
    return offline_set[at + 12:end] if at >= 0 and end > at + 12 else "unknown"


def shapes_of(layers):
    """{param name: dims} the layers need, as worker/weights_file.py stores them."""
    shapes = {}
    for layer in layers:
        if layer["type"] == "conv":
            weight = [layer["kernel"], layer["kernel"], layer["inputs"], layer["units"]]
        else:
            weight = [layer["inputs"], layer["units"]]
        shapes[layer["name"] + ".weight"] = weight
        shapes[layer["name"] + ".bias"] = [layer["units"]]
    return shapes


def from_weights_file(data, page_version):
    """(file name, ONNX bytes) of a weights file; npz.BadNpz saying why it cannot be."""
    meta, params = read_weights_file(data)
    try:
        needed = shapes_of(meta["layers"])
        if {name: dims for name, (dims, _) in params.items()} != needed:
            raise ValueError("its arrays are not the ones its layers need")
        name = FILE_NAME % meta["architecture"]
        return name, onnx_file.onnx_model(name[:-5], meta["layers"], params,
                                          metadata(meta, page_version), description(meta))
    except (KeyError, TypeError, ValueError) as error:
        raise npz.BadNpz("its meta does not describe a model of this page (%s)" % error)
