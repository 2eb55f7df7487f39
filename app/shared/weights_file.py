"""The weights file: one float32 .npy matrix, so `numpy.load` reads it as is.

Shape (hidden + 1, 784 + 1 + 10). Row j < hidden describes hidden unit j:
its 784 input weights, its bias, then its 10 output weights. The last row
holds 785 zeros and the 10 output biases. One unit per row keeps the file
self-describing (hidden = rows - 1) and makes unit j's input weights a
ready-made 28x28 picture.

Plain Python (no numpy): the MicroPython page reads and writes it too.
"""
INPUTS, OUTPUTS = 28 * 28, 10
COLUMNS = INPUTS + 1 + OUTPUTS
MAX_HIDDEN = 1024
MAGIC = b"\x93NUMPY\x01\x00"


class BadWeights(ValueError):
    """A file that is not weights for this network; the message says why."""


def encode(hidden, payload):
    """payload: the (hidden+1) x COLUMNS matrix as little-endian float32 bytes."""
    if len(payload) != (hidden + 1) * COLUMNS * 4:
        raise ValueError("payload does not match hidden=%d" % hidden)
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (hidden + 1, COLUMNS)
    # .npy v1.0: header padded with spaces so data starts on a 64-byte boundary.
    total = len(MAGIC) + 2 + len(header) + 1
    header += " " * ((64 - total % 64) % 64) + "\n"
    size = len(header)
    return MAGIC + bytes((size & 0xFF, size >> 8)) + header.encode() + bytes(payload)


def _field(header, key):
    start = header.find("'%s':" % key)
    if start < 0:
        raise BadWeights("no %s in the .npy header" % key)
    return header[start + len(key) + 3:].strip()


def parse_header(data):
    """Return (hidden, data offset) from the start of a file, or raise BadWeights."""
    if len(data) < 10 or bytes(data[:6]) != MAGIC[:6]:
        raise BadWeights("not a .npy file")
    if data[6] != 1:
        raise BadWeights(".npy version %d is not supported (save with numpy.save)" % data[6])
    size = data[8] | (data[9] << 8)
    if len(data) < 10 + size:
        raise BadWeights("truncated .npy header")
    try:
        header = bytes(data[10:10 + size]).decode()
    except UnicodeError:
        raise BadWeights("unreadable .npy header")
    if not _field(header, "descr").startswith("'<f4'"):
        raise BadWeights("weights must be float32 ('<f4')")
    if not _field(header, "fortran_order").startswith("False"):
        raise BadWeights("weights must be stored in C order")
    shape = _field(header, "shape")
    try:
        rows, cols = [int(n) for n in shape[1:shape.index(")")].split(",") if n.strip()]
    except ValueError:
        raise BadWeights("shape %s is not a matrix" % shape.split(")")[0])
    if cols != COLUMNS or not 2 <= rows <= MAX_HIDDEN + 1:
        raise BadWeights("shape (%d, %d); expected (hidden + 1, %d) with 1 <= hidden <= %d"
                         % (rows, cols, COLUMNS, MAX_HIDDEN))
    return rows - 1, 10 + size


def check_size(hidden, offset, size):
    expected = offset + (hidden + 1) * COLUMNS * 4
    if size != expected:
        raise BadWeights("%d bytes; a network with %d hidden units needs %d"
                         % (size, hidden, expected))


def decode(data):
    """Return (hidden, payload) or raise BadWeights with a reason a user can read."""
    hidden, offset = parse_header(data)
    check_size(hidden, offset, len(data))
    return hidden, memoryview(data)[offset:]
