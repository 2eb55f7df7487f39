"""The .npz container as numpy writes it, in plain Python: a zip of .npy
arrays, stored (`np.savez`) or deflated (`np.savez_compressed`).

    zip_stored([(name, bytes)]) -> bytes;  npy(descr, shape, body) -> bytes
    members(data, most) -> {name: bytes}   every CRC checked, none over `most` bytes
    array(name, body) -> (dtype without byte order, shape, data bytes)

Errors are BadNpz saying why, for the visitor; a truncated or garbled file
can also raise one of DAMAGED while it is taken apart. Never unpickles.
MicroPython on the page (struct, ubinascii, shared/raw_deflate.py), CPython in tests.
"""
import struct

try:
    from ubinascii import crc32      # MicroPython: C (its `binascii` is pure Python)
except ImportError:
    from binascii import crc32

from shared.raw_deflate import inflate

NPY_MAGIC = b"\x93NUMPY"
LOCAL, CENTRAL, END = b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06"
DOS_DATE = (1 << 5) | 1       # 1980-01-01, so the same arrays give the same bytes
# What a truncated or garbled file can raise while it is taken apart.
DAMAGED = (getattr(struct, "error", ValueError), ValueError, IndexError, UnicodeError)


class BadNpz(ValueError):
    """Not a readable .npz; the message says why."""


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


def members(data, most):
    """{name: bytes} of a zip, from its central directory."""
    at = data.rfind(END)
    if at < 0 or len(data) < at + 22:
        raise BadNpz("it is not an .npz (zip) file")
    count, size, start = struct.unpack("<HII", data[at + 10:at + 20])
    if start + size > at:
        raise BadNpz("its zip directory is damaged")
    found, pos = {}, start
    for _ in range(count):
        if data[pos:pos + 4] != CENTRAL:
            raise BadNpz("its zip directory is damaged")
        flags, method = struct.unpack("<HH", data[pos + 8:pos + 12])
        crc, packed, size_out, name_len, extra_len, comment_len = struct.unpack(
            "<IIIHHH", data[pos + 16:pos + 34])
        offset = struct.unpack("<I", data[pos + 42:pos + 46])[0]
        name = data[pos + 46:pos + 46 + name_len].decode()
        pos += 46 + name_len + extra_len + comment_len
        if flags & 1:
            raise BadNpz("%s is encrypted" % name)
        if method not in (0, 8):
            raise BadNpz("%s uses a compression numpy never writes" % name)
        # Fields beyond the file are refused before use: MicroPython cannot slice with
        # one over 2**31 (OverflowError, which it does not count as a ValueError).
        if offset > at or packed > at or data[offset:offset + 4] != LOCAL or size_out > most:
            raise BadNpz("%s is damaged" % name)
        skip = struct.unpack("<HH", data[offset + 26:offset + 30])
        body = data[offset + 30 + skip[0] + skip[1]:offset + 30 + skip[0] + skip[1] + packed]
        if method == 8:
            try:
                body = inflate(body, size_out + 1)    # one more: a longer one is refused
            except Exception:     # zlib.error, or MicroPython's OSError
                raise BadNpz("%s does not decompress" % name)
        if len(body) != size_out or crc32(body) & 0xFFFFFFFF != crc:
            raise BadNpz("%s is damaged (its checksum is wrong)" % name)
        found[name] = body
    return found


def header_value(header, key):
    """The text after 'key': in an .npy header dict, up to the next top-level comma."""
    at = header.find("'%s':" % key)
    if at < 0:
        raise BadNpz("its header has no %s" % key)
    rest = header[at + len(key) + 3:].strip()
    end = rest.find(")") + 1 if rest.startswith("(") else rest.find(",")
    return rest[:end if end > 0 else len(rest)].strip()


def array(name, body):
    """(dtype text without byte order, shape, data bytes) of an .npy."""
    if body[:6] != NPY_MAGIC or body[6] not in (1, 2, 3):
        raise BadNpz("%s is not a numpy array" % name)
    if body[6] == 1:
        length, start = struct.unpack("<H", body[8:10])[0], 10
    else:
        length, start = struct.unpack("<I", body[8:12])[0], 12
    if start + length > len(body):                       # see members(): MicroPython
        raise BadNpz("%s has a header longer than the array" % name)
    header = body[start:start + length].decode().strip()
    descr = header_value(header, "descr").strip("'\"")
    if header_value(header, "fortran_order") != "False":
        raise BadNpz("%s is in Fortran order; save it with np.ascontiguousarray" % name)
    shape_text = header_value(header, "shape").strip("()")
    try:
        shape = tuple(int(n) for n in shape_text.split(",") if n.strip())
    except ValueError:
        raise BadNpz("%s has a shape that is not whole numbers" % name)
    if descr[:1] == ">" and descr[1:] not in ("u1", "i1"):
        raise BadNpz("%s is big-endian; save it little-endian" % name)
    return descr.lstrip("<|="), shape, body[start + length:]
