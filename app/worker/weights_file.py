"""The weights file: an .npz that `numpy.load(path)` reads with allow_pickle=False.

One float32 array per parameter, named "<layer>.<param>" ("hidden.weight",
"hidden.bias", "output.weight", "output.bias" for the MLP), and "meta": a 0-d
unicode array holding JSON (format, version, architecture and its layers,
input scaling, class names, samples seen, iteration, date). A new
architecture brings new parameter names and a new "architecture" value, not a
new format.

Reading validates everything before a model is built, and never unpickles:
the container, the member names, each member's .npy header (dtype, order,
shape), its size, finite values, the shapes the architecture needs, and a cap
on the whole. The .npy matrix of earlier versions (hidden + 1 rows of 784
input weights, bias, 10 output weights; last row: 785 zeros, output biases)
still reads.

numpy and the standard library only: CPython (tools, tests) and the Pyodide worker.
"""
import io
import json
import math
import tokenize
import zipfile
import zlib

import numpy as np

from shared.digit import CLASSES, PIXELS, SIDE
from shared.protocol import MAX_WEIGHTS_BYTES as MAX_BYTES
from worker.architectures import ARCHITECTURES

FORMAT, VERSION = "digits-weights", 1
NPY_MAGIC, ZIP_MAGIC = b"\x93NUMPY", b"PK\x03\x04"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)       # fixed, so the same weights give the same bytes
NUMPY_COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)   # np.savez, np.savez_compressed
INPUT = {"shape": [SIDE, SIDE], "range": [0, 1], "ink": "high",
         "preprocessing": "MNIST-style: crop to the ink, scale the longer side to 20 px, "
                          "centre of mass at (14, 14)"}


class BadWeights(ValueError):
    """A file that is not usable weights; the message says why, for the user."""


def encode(model, classes, **meta):
    """The model as .npz bytes; meta: samples_seen, iteration, saved (ISO date), ..."""
    info = {"format": FORMAT, "version": VERSION, "architecture": model.ARCHITECTURE,
            "layers": model.layers(), "input": INPUT, "classes": list(classes)}
    info.update(meta)
    members = dict(model.named_params())
    members["meta"] = np.array(json.dumps(info))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, array in members.items():
            entry = io.BytesIO()
            np.lib.format.write_array(entry, np.asarray(array, order="C"), allow_pickle=False)
            archive.writestr(zipfile.ZipInfo(name + ".npy", ZIP_DATE), entry.getvalue())
    return out.getvalue()


def decode(data):
    """Return (model, meta dict) from .npz or legacy .npy bytes, or raise BadWeights."""
    data = bytes(data)
    if not data:
        raise BadWeights("the file is empty")
    if len(data) > MAX_BYTES:
        raise BadWeights("the file is %.1f MB; weights files are at most %d MB"
                         % (len(data) / 1e6, MAX_BYTES // 2 ** 20))
    if data.startswith(NPY_MAGIC):
        return _legacy_matrix(read_npy(data, "the .npy file")), {}
    if not data.startswith(ZIP_MAGIC):
        raise BadWeights("not a weights file: expected an .npz (or an .npy from an "
                         "earlier version)")
    return _from_npz(data)


def _from_npz(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as error:  # garbled version
        raise BadWeights("the .npz is damaged or truncated (%s)" % error)
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise BadWeights("the .npz holds the same name twice")
    if any(not name.endswith(".npy") for name in names):
        raise BadWeights("the .npz holds something that is not an array: %s"
                         % next(n for n in names if not n.endswith(".npy")))
    if sum(info.file_size for info in infos) > MAX_BYTES:
        raise BadWeights("the .npz unpacks to more than %d MB" % (MAX_BYTES // 2 ** 20))
    if "meta.npy" not in names:
        raise BadWeights("the .npz has no meta entry: not a weights file of this app")
    if any(info.compress_type not in NUMPY_COMPRESSIONS for info in infos):
        # bzip2 and lzma raise their own errors on bad data (and Pyodide has no lzma)
        raise BadWeights("the .npz uses a compression numpy never writes: save it with numpy.savez")
    try:
        members = {name[:-4]: archive.read(name) for name in names}
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, zlib.error) as error:
        raise BadWeights("the .npz is damaged or truncated (%s)" % error)  # bad CRC, cut short
    except (NotImplementedError, RuntimeError) as error:  # a password, zip features numpy never uses
        raise BadWeights("the .npz cannot be read here (%s): save it with numpy.savez" % error)
    meta = _meta(read_npy(members.pop("meta"), "meta", text=True))
    params = {name: read_npy(body, name) for name, body in members.items()}
    try:
        model = ARCHITECTURES[meta["architecture"]].from_params(params)
    except ValueError as error:
        raise BadWeights("not %s weights: %s" % (meta["architecture"], error))
    return model, meta


def _meta(text):
    try:
        meta = json.loads(text)
    except ValueError:
        raise BadWeights("the meta entry is not JSON")
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise BadWeights("the meta entry does not describe %s" % FORMAT)
    version = meta.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > VERSION:
        raise BadWeights("weights format version %r is newer than this app reads (%d)"
                         % (version, VERSION))
    if meta.get("architecture") not in ARCHITECTURES:
        raise BadWeights("unknown architecture %r; this app has %s"
                         % (meta.get("architecture"), ", ".join(sorted(ARCHITECTURES))))
    return meta


def read_npy(data, name, text=False):
    """One .npy member as a numpy array: float32 (or, with text, a 0-d unicode
    string, returned as str); header and size checked, data never unpickled."""
    stream = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(stream)
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        shape, fortran_order, dtype = read_header(stream)
    except (ValueError, EOFError, SyntaxError, TypeError, tokenize.TokenError) as error:
        raise BadWeights("%s: not a readable .npy array (%s)" % (name, error))
    if dtype.hasobject:
        raise BadWeights("%s holds Python objects (pickled data): refused" % name)
    if text:
        if dtype.kind != "U" or shape != ():
            raise BadWeights("%s must be a JSON string" % name)
    elif dtype != np.dtype("<f4"):
        raise BadWeights("%s must be float32, not %s (save with .astype(numpy.float32))"
                         % (name, dtype.name))
    if fortran_order and len(shape) > 1:
        raise BadWeights("%s must be stored in C order" % name)
    if any(n < 0 for n in shape) or dtype.itemsize == 0:   # numpy's header check lets both by
        raise BadWeights("%s: its header declares shape %s of %s, which no array has"
                         % (name, shape, dtype.str))
    count = math.prod(shape)          # exact: a forged huge shape cannot wrap around
    body = data[stream.tell():]
    if len(body) != count * dtype.itemsize:
        raise BadWeights("%s: %d bytes of data, its shape %s needs %d (truncated?)"
                         % (name, len(body), shape, count * dtype.itemsize))
    array = np.frombuffer(body, dtype).reshape(shape)
    if text:
        return str(array)
    if not np.isfinite(array).all():
        raise BadWeights("%s contains NaN or infinity" % name)
    return array


def _legacy_matrix(matrix):
    """The earlier versions' (hidden + 1, 795) matrix as an MLP."""
    inputs, outputs = PIXELS, CLASSES
    if matrix.ndim != 2 or matrix.shape[1] != inputs + 1 + outputs or matrix.shape[0] < 2:
        raise BadWeights("shape %s; an .npy weights file is (hidden + 1, %d)"
                         % (matrix.shape, inputs + 1 + outputs))
    h = matrix.shape[0] - 1
    params = {"hidden.weight": matrix[:h, :inputs].T, "hidden.bias": matrix[:h, inputs],
              "output.weight": matrix[:h, inputs + 1:], "output.bias": matrix[h, inputs + 1:]}
    try:
        return ARCHITECTURES["mlp"].from_params(params)
    except ValueError as error:
        raise BadWeights(str(error))
