"""Hostile and damaged input, seeded: what the unit tests feed the worker's
signal and the file decoders under CPython (tests/unit/test_hostile_input.py),
and the page's inputs in the browser (tests/browser/test_hostile_page.py).
Every case is drawn from a fixed seed, so a failure names a case that replays."""
import io
import json
import struct
import zipfile
import zlib

import numpy as np

from shared import digits_file, protocol
from tests.harness.samples import b64, digits, members_of, npz, trained_like, weights_of

SEED = 10          # any fixed seed would do

TOKENS = ["NaN", "-NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1" + "0" * 400, "-0",
          "1e-400", "null", "true", "false", '""', "[]", "{}", '"NaN"', '"64"', "0x40", "064"]
EDGES = [0, -1, 1, 2, 63, 64, 65, 4096, 4097, 2 ** 31, 2 ** 63, -2 ** 63, 10 ** 30, 1e-6, 9e-7,
         10.0, 10.000001, 1.5, -0.0, 1e308, 5e-324, 0.1]
STRINGS = ["", " ", "start", "AAAA", "AAA", "====", "k9/+", "A" * 5, "\x00", "\ud800", "é" * 4,
           "<script>alert(1)</script>", "' OR 1=1 --", "\n", "x" * 100000]


def hostile_value(rng, depth=0):
    """Anything JSON can carry: edge numbers, odd strings, nested junk, near-valid digit sets."""
    pick = rng.randrange(10 if depth < 4 else 6)
    if pick == 0:
        return rng.choice([None, True, False])
    if pick == 1:
        return rng.choice(EDGES)
    if pick == 2:
        return rng.choice([rng.randint(-2 ** 70, 2 ** 70), rng.uniform(-1e4, 1e4)])
    if pick == 3:
        return rng.choice(STRINGS)
    if pick == 4:
        return "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(12)))
    if pick == 5:
        return rng.choice(protocol.SIGNALS)
    if pick == 6:
        return [hostile_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if pick == 7:
        keys = ["type", "value", "x", "y", "learn", "", "__proto__"]
        return {rng.choice(keys): hostile_value(rng, depth + 1) for _ in range(rng.randrange(4))}
    if pick == 8:
        return {"x": hostile_value(rng, depth + 1), "y": hostile_value(rng, depth + 1),
                "learn": hostile_value(rng, depth + 1)}
    return {"x": rng.choice(["", "AAAA", b64(bytes(784)), b64(bytes(783)), "!" * 8]),
            "y": [rng.randrange(-2, 12) for _ in range(rng.randrange(3))],
            "learn": rng.choice([True, False, 1, None])}


def bad_base64(rng):
    """Text that is not the base64 of anything: a wrong alphabet, padding, line breaks, length."""
    good = b64(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40))))
    at = rng.randrange(len(good) + 1)
    return rng.choice([good[:at] + rng.choice("!*-_~ \n\t\u00e9") + good[at:],
                       good.rstrip("=") + "=" * rng.choice([3, 4, 5]),
                       "=" + good, good[:at] + "\r\n" + good[at:], "A", "AA=", "====AAAA"])


def hostile_text(rng):
    """One argument for signal(text): mostly text, JSON or nearly, for every signal type."""
    kind = rng.choice(protocol.SIGNALS + ("train", ""))
    form = rng.randrange(8)
    if form == 0:
        return json.dumps({"type": kind, "value": hostile_value(rng)})
    if form == 1:
        return '{"type": "%s", "value": %s}' % (kind, rng.choice(TOKENS))
    if form == 2:                                 # valid JSON spliced with junk
        text = json.dumps({"type": kind, "value": hostile_value(rng)})
        at = rng.randrange(len(text) + 1)
        return text[:at] + rng.choice(["", "}", "{", '"', "\x00", "\ud800", ",", "NaN"]) \
            + text[at + rng.randrange(3):]
    if form == 3:
        return json.dumps(hostile_value(rng))
    if form == 4:                                 # nested deeper than a parser goes
        depth = rng.choice([500, 5000, 100000])
        return '{"type": "%s", "value": %s%s}' % (kind, "[" * depth, "]" * depth)
    if form == 5:
        return "".join(chr(rng.randrange(0, 0x250)) for _ in range(rng.randrange(40)))
    if form == 6:
        return json.dumps({"type": rng.choice([protocol.SET_WEIGHTS, protocol.SET_MY_DIGITS]),
                           "value": bad_base64(rng) if rng.random() < 0.5 else
                           {"x": bad_base64(rng), "y": [1], "learn": True}})
    return rng.choice([None, 5, 1.5, True, [], {}, ["start"], {"type": "start", "value": 1}])

def mutated(data, rng):
    """A real file damaged the ways files are: bytes flipped, cut short, extended,
    a run overwritten, a slice repeated."""
    data = bytearray(data)
    how = rng.randrange(5)
    if how == 0:
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif how == 1:
        del data[rng.randrange(len(data)):]
    elif how == 2:
        data += bytes(rng.randrange(256) for _ in range(rng.randint(1, 200)))
    elif how == 3:
        at = rng.randrange(len(data))
        data[at:at + rng.randint(1, 64)] = bytes([rng.choice([0, 0xFF])]) * rng.randint(1, 64)
    else:
        at = rng.randrange(len(data))
        data[at:at] = data[at:at + rng.randint(1, 300)]
    return bytes(data)

def numpy_weights(save):
    """Weights as numpy writes them (np.savez or np.savez_compressed)."""
    return npz(save, **members_of(trained_like()))


def with_central_field(data, offset, fmt, value):
    """data with one field of every central directory record (the zip's member headers) set."""
    data = bytearray(data)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        data[at + offset:at + offset + struct.calcsize(fmt)] = struct.pack(fmt, value)
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def npy_with_header(header, body=b""):
    header = header.encode()
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + body


def damaged_deflate():
    """np.savez_compressed weights whose largest member's deflate stream starts
    with an invalid block: its sizes and the zip around it are intact."""
    data = bytearray(numpy_weights(np.savez_compressed))
    member = max(zipfile.ZipFile(io.BytesIO(bytes(data))).infolist(), key=lambda i: i.compress_size)
    name_len, extra_len = struct.unpack("<HH", data[member.header_offset + 26:member.header_offset + 30])
    start = member.header_offset + 30 + name_len + extra_len
    data[start:start + 16] = b"\xff" * 16
    return bytes(data)


HOSTILE_WEIGHTS = {
    # regressions: each raised something other than BadWeights
    "bzip2 member": (lambda: with_central_field(weights_of(trained_like()), 10, "<H",
                                                zipfile.ZIP_BZIP2), "compression"),
    "lzma member": (lambda: with_central_field(weights_of(trained_like()), 10, "<H",
                                               zipfile.ZIP_LZMA), "compression"),
    "damaged deflate": (damaged_deflate, "damaged"),
    "zip version from nowhere": (lambda: with_central_field(weights_of(trained_like()), 6, "<H", 245),
                                 "damaged"),
    "npy header that does not tokenize": (lambda: npy_with_header(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (3, }\n"), "not a readable"),
    "negative shape": (lambda: npy_with_header(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-1, -795), }\n", bytes(795 * 4)),
        "no array has"),
    "text of no characters": (lambda: digits_file.zip_stored([("meta.npy", npy_with_header(
        "{'descr': '<U0', 'fortran_order': False, 'shape': (), }\n"))]), "no array has"),
    # hostile, and refused already: kept refused
    "zip bomb: declared sizes": (lambda: with_central_field(weights_of(trained_like()), 24, "<I",
                                                            0xFFFFFFF0), "more than"),
    "my digits as weights": (lambda: digits_file.encode(*digits(2)), "no meta"),
    "structured dtype": (lambda: npy_with_header(
        "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (4, 795), }\n"), "float32"),
}

def inflating_member(size):
    """A file of digits whose x.npy is deflated data inflating to `size` bytes, declared as 100."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = packer.compress(bytes(size)) + packer.flush()
    data = bytearray(digits_file.zip_stored([("x.npy", body),
                                             ("y.npy", digits_file.npy("|u1", (1,), b"\x01"))]))
    at = data.find(b"PK\x01\x02")            # x.npy's record: deflated, 100 bytes inflated
    data[at + 10:at + 12] = struct.pack("<H", zipfile.ZIP_DEFLATED)
    data[at + 24:at + 28] = struct.pack("<I", 100)
    return bytes(data)

HOSTILE_DIGITS = {
    "forged huge count": (digits_file.zip_stored([
        ("x.npy", digits_file.npy("|u1", (10 ** 9, 28, 28), b"")),
        ("y.npy", digits_file.npy("|u1", (10 ** 9,), b""))]), "1000000000 digits"),
    "shape that is no number": (digits_file.zip_stored([
        ("x.npy", digits_file.npy("|u1", (2, 28, 28), bytes(1568)).replace(b"(2, 28, 28)", b"(2, 2e, 28)")),
        ("y.npy", digits_file.npy("|u1", (2,), b"\x01\x02"))]), "not whole numbers"),
    "header length beyond the file": (digits_file.zip_stored([
        ("x.npy", b"\x93NUMPY\x02\x00\xff\xff\xff\xff{"),
        ("y.npy", digits_file.npy("|u1", (1,), b"\x01"))]), "header longer than"),
    "member beyond the file": (with_central_field(digits_file.encode(*digits(2)), 42, "<I", 0xFFFFFFF0),
                               "damaged"),
    "member longer than the file": (with_central_field(digits_file.encode(*digits(2)), 20, "<I",
                                                       0xFFFFFFF0), "damaged"),
    "a weights file": (weights_of(trained_like()), "expected arrays x and y"),
    "a thousand entries": (digits_file.zip_stored([("m%d.npy" % i, b"") for i in range(1000)]),
                           "expected arrays x and y"),
}
