"""The protobuf wire format, as much of it as an ONNX file needs: varints,
length-delimited fields (bytes, text, nested messages) and 32-bit floats.
Repeated fields are written one key per value (proto2's default, which every
parser reads).

Plain Python: runs under CPython, Pyodide and MicroPython.
"""
import struct

VARINT, LENGTH, FIXED32 = 0, 2, 5


def varint(n):
    """An int as a base-128 varint; a negative one as its 64-bit two's complement."""
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        if not n:
            out.append(low)
            return bytes(out)
        out.append(low | 0x80)


def key(field, wire_type):
    return varint(field << 3 | wire_type)


def integer(field, n):
    return key(field, VARINT) + varint(n)


def integers(field, values):
    return b"".join(integer(field, n) for n in values)


def data(field, payload):
    """bytes, or an encoded message, as a length-delimited field."""
    return key(field, LENGTH) + varint(len(payload)) + bytes(payload)


def text(field, string):
    return data(field, string.encode())


def texts(field, strings):
    return b"".join(text(field, s) for s in strings)


def real(field, x):
    return key(field, FIXED32) + struct.pack("<f", x)
