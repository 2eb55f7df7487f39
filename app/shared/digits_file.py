"""The file of the visitor's digits: an .npz that `numpy.load` reads, with
`x`, uint8 N x 28 x 28 (ink high, MNIST-style), and `y`, N labels.

    encode(labels, pixels) -> bytes          pixels: N bytes objects of 784
    decode(data) -> (labels, pixels)         or BadDigitsFile saying why

Reading takes what numpy writes (`np.savez`, stored, and `np.savez_compressed`,
deflated), checks every header, the CRCs, dtype, shape and labels, and never
unpickles. Plain Python (struct, binascii, zlib or MicroPython's deflate):
MicroPython on the page, CPython in tests.
"""
import io
import struct

try:
    from ubinascii import crc32      # MicroPython: C (its `binascii` is pure Python)
except ImportError:
    from binascii import crc32

# Raw deflate, inflated to at most `most` bytes: a member whose data inflates far
# beyond its declared size (a zip bomb) costs no more memory than an honest one.
try:
    from zlib import decompressobj

    def inflate(data, most):
        return decompressobj(-15).decompress(data, most)
except ImportError:           # MicroPython
    import deflate

    def inflate(data, most):
        return deflate.DeflateIO(io.BytesIO(data), deflate.RAW, 15).read(most)   # 15: 32 KB window, as zlib

from shared.digit import CLASSES, PIXELS, SIDE  # noqa: E402  (after the interpreter-specific imports)

MAX_DIGITS = 1000
MAX_BYTES = 4 * 1024 * 1024
NPY_MAGIC = b"\x93NUMPY"
LOCAL, CENTRAL, END = b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06"
DOS_DATE = (1 << 5) | 1       # 1980-01-01, so the same digits give the same bytes
# What a truncated or garbled file can raise while it is taken apart.
DAMAGED = (getattr(struct, "error", ValueError), ValueError, IndexError, UnicodeError)
LABEL_TYPES = {"u1": 1, "i1": 1, "u2": 2, "i2": 2, "u4": 4, "i4": 4, "u8": 8, "i8": 8}


class BadDigitsFile(ValueError):
    """Not a file of digits; the message says why, for the visitor."""


# -- writing ---------------------------------------------------------------------

def npy(descr, shape, body):
    dims = "%d," % shape[0] if len(shape) == 1 else ", ".join(str(n) for n in shape)
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, dims)
    pad = 64 - (len(NPY_MAGIC) + 4 + len(header) + 1) % 64
    header = (header + " " * (pad % 64) + "\n").encode()
    return NPY_MAGIC + b"\x01\x00" + struct.pack("<H", len(header)) + header + body


def zip_stored(members):
    """members: [(name, bytes)] as a zip of stored (uncompressed) entries."""
    out, central = [], []
    offset = 0
    for name, data in members:
        name = name.encode()
        crc = crc32(data) & 0xFFFFFFFF
        fields = struct.pack("<HHHHHIIIHH", 20, 0, 0, 0, DOS_DATE, crc, len(data), len(data),
                             len(name), 0)
        local = LOCAL + fields + name
        central.append(CENTRAL + struct.pack("<H", 20) + fields
                       + struct.pack("<HHHII", 0, 0, 0, 0, offset) + name)
        out += [local, data]
        offset += len(local) + len(data)
    directory = b"".join(central)
    end = END + struct.pack("<HHHHIIH", 0, 0, len(members), len(members), len(directory), offset, 0)
    return b"".join(out) + directory + end


def encode(labels, pixels):
    n = len(labels)
    return zip_stored([("x.npy", npy("|u1", (n, SIDE, SIDE), b"".join(pixels))),
                       ("y.npy", npy("|u1", (n,), bytes(labels)))])


# -- reading ---------------------------------------------------------------------

def members(data):
    """{name: bytes} of a zip, from its central directory."""
    at = data.rfind(END)
    if at < 0 or len(data) < at + 22:
        raise BadDigitsFile("it is not an .npz (zip) file")
    count, size, start = struct.unpack("<HII", data[at + 10:at + 20])
    if start + size > at:
        raise BadDigitsFile("its zip directory is damaged")
    found, pos = {}, start
    for _ in range(count):
        if data[pos:pos + 4] != CENTRAL:
            raise BadDigitsFile("its zip directory is damaged")
        flags, method = struct.unpack("<HH", data[pos + 8:pos + 12])
        crc, packed, size_out, name_len, extra_len, comment_len = struct.unpack(
            "<IIIHHH", data[pos + 16:pos + 34])
        offset = struct.unpack("<I", data[pos + 42:pos + 46])[0]
        name = data[pos + 46:pos + 46 + name_len].decode()
        pos += 46 + name_len + extra_len + comment_len
        if flags & 1:
            raise BadDigitsFile("%s is encrypted" % name)
        if method not in (0, 8):
            raise BadDigitsFile("%s uses a compression numpy never writes" % name)
        # Fields beyond the file are refused before use: MicroPython cannot slice with
        # one over 2**31 (OverflowError, which it does not count as a ValueError).
        if offset > at or packed > at or data[offset:offset + 4] != LOCAL or size_out > MAX_BYTES:
            raise BadDigitsFile("%s is damaged" % name)
        skip = struct.unpack("<HH", data[offset + 26:offset + 30])
        body = data[offset + 30 + skip[0] + skip[1]:offset + 30 + skip[0] + skip[1] + packed]
        if method == 8:
            try:
                body = inflate(body, size_out + 1)    # one more: a longer one is refused
            except Exception:     # zlib.error, or MicroPython's OSError
                raise BadDigitsFile("%s does not decompress" % name)
        if len(body) != size_out or crc32(body) & 0xFFFFFFFF != crc:
            raise BadDigitsFile("%s is damaged (its checksum is wrong)" % name)
        found[name] = body
    return found


def header_value(header, key):
    """The text after 'key': in an .npy header dict, up to the next top-level comma."""
    at = header.find("'%s':" % key)
    if at < 0:
        raise BadDigitsFile("its header has no %s" % key)
    rest = header[at + len(key) + 3:].strip()
    end = rest.find(")") + 1 if rest.startswith("(") else rest.find(",")
    return rest[:end if end > 0 else len(rest)].strip()


def array(name, body):
    """(dtype text without byte order, shape, data bytes) of an .npy."""
    if body[:6] != NPY_MAGIC or body[6] not in (1, 2, 3):
        raise BadDigitsFile("%s is not a numpy array" % name)
    if body[6] == 1:
        length, start = struct.unpack("<H", body[8:10])[0], 10
    else:
        length, start = struct.unpack("<I", body[8:12])[0], 12
    if start + length > len(body):                       # see members(): MicroPython
        raise BadDigitsFile("%s has a header longer than the array" % name)
    header = body[start:start + length].decode().strip()
    descr = header_value(header, "descr").strip("'\"")
    if header_value(header, "fortran_order") != "False":
        raise BadDigitsFile("%s is in Fortran order; save it with np.ascontiguousarray" % name)
    shape_text = header_value(header, "shape").strip("()")
    try:
        shape = tuple(int(n) for n in shape_text.split(",") if n.strip())
    except ValueError:
        raise BadDigitsFile("%s has a shape that is not whole numbers" % name)
    if descr[:1] == ">" and descr[1:] not in ("u1", "i1"):
        raise BadDigitsFile("%s is big-endian; save it little-endian" % name)
    return descr.lstrip("<|="), shape, body[start + length:]


def decode(data):
    data = bytes(data)
    if not data:
        raise BadDigitsFile("the file is empty")
    if len(data) > MAX_BYTES:
        raise BadDigitsFile("it is %.1f MB; a file of digits is at most %d MB"
                            % (len(data) / 1e6, MAX_BYTES // 2 ** 20))
    try:
        found = members(data)
    except BadDigitsFile:
        raise
    except DAMAGED:
        raise BadDigitsFile("it is not a readable .npz file")
    names = set(found)
    if names != {"x.npy", "y.npy"}:
        raise BadDigitsFile("expected arrays x and y, found %s"
                            % (", ".join(sorted(n[:-4] for n in names)) or "none"))
    try:
        x_type, x_shape, x_data = array("x", found["x.npy"])
        y_type, y_shape, y_data = array("y", found["y.npy"])
    except BadDigitsFile:
        raise
    except DAMAGED:
        raise BadDigitsFile("its array headers are damaged")
    if x_type != "u1":
        raise BadDigitsFile("x must be uint8 (0..255), not %s: use x.astype(np.uint8)" % x_type)
    if len(x_shape) not in (2, 3) or x_shape[1:] not in ((SIDE, SIDE), (PIXELS,)):
        raise BadDigitsFile("x must be N x %d x %d, not %s" % (SIDE, SIDE, " x ".join(map(str, x_shape))))
    n = x_shape[0]
    if y_type not in LABEL_TYPES or y_shape != (n,):
        raise BadDigitsFile("y must be %d whole-number labels" % n)
    if not 1 <= n <= MAX_DIGITS:
        raise BadDigitsFile("the file holds %d digits; 1 to %d can be taught" % (n, MAX_DIGITS))
    width = LABEL_TYPES[y_type]
    if len(x_data) != n * PIXELS or len(y_data) != n * width:
        raise BadDigitsFile("its arrays are shorter or longer than their shapes say")
    labels = [int.from_bytes(y_data[i * width:(i + 1) * width], "little") for i in range(n)]
    if any(label >= CLASSES for label in labels):     # negatives read as huge numbers
        raise BadDigitsFile("labels must be 0 to %d" % (CLASSES - 1))
    return labels, [x_data[i * PIXELS:(i + 1) * PIXELS] for i in range(n)]
