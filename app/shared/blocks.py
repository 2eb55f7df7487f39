"""Data block format, shared by the build tool, the worker and the page.

A block file is a run of fixed-size records, one per sample:
one label byte (0..9) followed by 28*28 pixel bytes (0..255, row-major).
`manifest.json` lists every block with its sample count, byte size and sha256,
so a reader can reject a truncated or corrupted block before training on it,
and read_manifest() refuses a manifest that could not be trained from.

Plain Python (hashlib and json): runs under CPython, Pyodide and MicroPython.
"""
import hashlib
import json

from shared.digit import CLASSES, PIXELS

RECORD_BYTES = 1 + PIXELS


class CorruptBlock(ValueError):
    """A block that must not be trained on; the message says why."""


class BadManifest(ValueError):
    """A manifest the page cannot train from; the message says why, for the visitor."""


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


def read_manifest(text):
    """The manifest from its JSON text (or bytes), with every block entry fit for
    check() and for a URL beside the manifest; BadManifest saying why not."""
    try:
        manifest = json.loads(text)
    except (ValueError, RuntimeError):   # also bytes not UTF-8, and nesting too deep
        raise BadManifest("the training data's manifest is not valid JSON")
    if not isinstance(manifest, dict):
        raise BadManifest("the training data's manifest is not a JSON object")
    for split in ("train", "test"):
        entries = manifest.get(split)
        if not isinstance(entries, list) or (split == "train" and not entries):
            raise BadManifest("the training data's manifest lists no %s blocks" % split)
        for entry in entries:
            if not is_entry(entry):
                raise BadManifest("the training data's manifest has a bad %s entry: %s"
                                  % (split, repr(entry)[:80]))
    return manifest


def is_entry(entry):
    """A block entry: a plain file name, a sample count, its bytes, a sha256."""
    if not isinstance(entry, dict):
        return False
    name, samples, digest = entry.get("file"), entry.get("samples"), entry.get("sha256")
    return (isinstance(name, str) and name != "" and not name.startswith(".")
            and "/" not in name and "\\" not in name
            and isinstance(samples, int) and not isinstance(samples, bool) and samples > 0
            and entry.get("bytes") == samples * RECORD_BYTES
            and isinstance(digest, str) and len(digest) == 64)
