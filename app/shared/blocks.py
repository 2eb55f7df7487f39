"""Data block format, shared by the build tool, the worker and the page.

A block file is a run of fixed-size records, one per sample:
one label byte (0..9) followed by 28*28 pixel bytes (0..255, row-major).
`manifest.json` lists every block with its sample count, byte size and sha256,
so a reader can reject a truncated or corrupted block before training on it.

Plain Python (hashlib only): runs under CPython, Pyodide and MicroPython.
"""
import hashlib

PIXELS = 28 * 28
RECORD_BYTES = 1 + PIXELS
CLASSES = 10


class CorruptBlock(ValueError):
    """A block that must not be trained on; the message says why."""


def sha256_hex(data):
    digest = hashlib.sha256(data).digest()
    return "".join("%02x" % b for b in digest)


def encode(labels, pixels):
    """labels: sequence of ints; pixels: bytes of len(labels)*PIXELS."""
    if len(pixels) != len(labels) * PIXELS:
        raise ValueError("pixels must hold %d bytes per label" % PIXELS)
    out = bytearray()
    for i, label in enumerate(labels):
        out.append(label)
        out.extend(pixels[i * PIXELS:(i + 1) * PIXELS])
    return bytes(out)


def check(data, entry):
    """Raise CorruptBlock unless data is exactly the block the manifest entry describes."""
    name = entry["file"]
    expected = entry["samples"] * RECORD_BYTES
    if len(data) != entry["bytes"] or len(data) != expected:
        raise CorruptBlock("%s: %d bytes, expected %d (%d samples)"
                           % (name, len(data), expected, entry["samples"]))
    if sha256_hex(data) != entry["sha256"]:
        raise CorruptBlock("%s: sha256 mismatch" % name)
    for offset in range(0, len(data), RECORD_BYTES):
        if data[offset] >= CLASSES:
            raise CorruptBlock("%s: label %d > %d" % (name, data[offset], CLASSES - 1))
