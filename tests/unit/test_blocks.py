"""shared/blocks.py: the block record format and its check."""
import hashlib
import json
import os

import pytest

from shared import blocks, shipped
from shared.blocks import RECORD_BYTES, CorruptBlock
from shared.digit import PIXELS
from tools import ROOT


def make_block(n=5, seed=0):
    labels = [(i * 7 + seed) % 10 for i in range(n)]
    pixels = bytes((i * 31 + j + seed) % 256 for i in range(n) for j in range(PIXELS))
    return labels, pixels


def entry_for(data, name="train-000.bin"):
    return {"file": name, "samples": len(data) // RECORD_BYTES, "bytes": len(data),
            "sha256": blocks.sha256_hex(data)}


def test_constants():
    assert PIXELS == 784 and RECORD_BYTES == 785 and blocks.CLASSES == 10


def test_sha256_hex_matches_hashlib():
    for data in (b"", b"abc", bytes(range(256)) * 10):
        assert blocks.sha256_hex(data) == hashlib.sha256(data).hexdigest()


def test_encode_layout():
    labels, pixels = make_block(3)
    data = blocks.encode(labels, pixels)
    assert len(data) == 3 * RECORD_BYTES
    for i in range(3):
        record = data[i * RECORD_BYTES:(i + 1) * RECORD_BYTES]
        assert record[0] == labels[i]
        assert record[1:] == pixels[i * PIXELS:(i + 1) * PIXELS]


def test_encode_rejects_mismatched_pixels():
    labels, pixels = make_block(3)
    with pytest.raises(ValueError):
        blocks.encode(labels, pixels[:-1])
    with pytest.raises(ValueError):
        blocks.encode(labels[:2], pixels)


@pytest.mark.parametrize("n", [1, 5, 500])
def test_encode_check_round_trip(n):
    labels, pixels = make_block(n, seed=n)
    data = blocks.encode(labels, pixels)
    assert blocks.check(data, entry_for(data)) is None
    # decoding the records gives back the inputs
    assert [data[i * RECORD_BYTES] for i in range(n)] == labels
    assert b"".join(data[i * RECORD_BYTES + 1:(i + 1) * RECORD_BYTES]
                    for i in range(n)) == pixels


def test_check_accepts_bytearray_and_memoryview():
    data = blocks.encode(*make_block(4))
    entry = entry_for(data)
    blocks.check(bytearray(data), entry)
    blocks.check(memoryview(data), entry)


def test_check_wrong_length_truncated():
    data = blocks.encode(*make_block(4))
    entry = entry_for(data)
    with pytest.raises(CorruptBlock) as info:
        blocks.check(data[:-1], entry)
    assert entry["file"] in str(info.value) and "bytes" in str(info.value)


def test_check_wrong_length_extra_record():
    data = blocks.encode(*make_block(4))
    entry = entry_for(data)
    longer = data + data[:RECORD_BYTES]
    with pytest.raises(CorruptBlock):
        blocks.check(longer, entry)


def test_check_entry_bytes_inconsistent_with_samples():
    data = blocks.encode(*make_block(4))
    entry = dict(entry_for(data), samples=3)
    with pytest.raises(CorruptBlock):
        blocks.check(data, entry)


def test_check_sha_mismatch():
    data = bytearray(blocks.encode(*make_block(4)))
    entry = entry_for(bytes(data))
    data[RECORD_BYTES + 100] ^= 0xFF        # one flipped pixel, length unchanged
    with pytest.raises(CorruptBlock) as info:
        blocks.check(bytes(data), entry)
    assert "sha256" in str(info.value)


@pytest.mark.parametrize("label", [10, 11, 255])
@pytest.mark.parametrize("position", [0, 2, 3])
def test_check_label_out_of_range(label, position):
    labels, pixels = make_block(4)
    labels[position] = label
    data = blocks.encode(labels, pixels)    # sha256 and length are right
    with pytest.raises(CorruptBlock) as info:
        blocks.check(data, entry_for(data))
    assert "label %d" % label in str(info.value)


def test_label_nine_is_fine():
    labels, pixels = make_block(4)
    labels[:] = [9, 0, 9, 0]
    data = blocks.encode(labels, pixels)
    blocks.check(data, entry_for(data))


def test_corrupt_block_is_value_error():
    assert issubclass(CorruptBlock, ValueError)


# -- the manifest ------------------------------------------------------------------

def manifest_text(**changes):
    data = bytes(RECORD_BYTES * 2)
    manifest = {"train": [entry_for(data)], "test": [entry_for(data, "test-000.bin")]}
    manifest.update(changes)
    return json.dumps(manifest)


def test_a_good_manifest_is_read_from_text_or_bytes():
    text = manifest_text()
    assert blocks.read_manifest(text) == blocks.read_manifest(text.encode()) == json.loads(text)


@pytest.mark.parametrize("text, reason", [
    ("<!doctype html><title>Not found</title>", "not valid JSON"),
    ('{"train": [', "not valid JSON"),
    (b"\xff\xfe{}", "not valid JSON"),
    ("[" * 100000, "not valid JSON"),
    ("[]", "not a JSON object"),
    (manifest_text(train=[]), "lists no train blocks"),
    (manifest_text(test=None), "lists no test blocks"),
    (manifest_text(train=[{"file": "../secret", "samples": 1, "bytes": RECORD_BYTES,
                           "sha256": "0" * 64}]), "bad train entry"),
    (manifest_text(train=[{"file": "a.bin", "samples": True, "bytes": RECORD_BYTES,
                           "sha256": "0" * 64}]), "bad train entry"),
    (manifest_text(test=[{"file": "a.bin", "samples": 2, "bytes": 5, "sha256": "0" * 64}]),
     "bad test entry"),
    (manifest_text(test=["a.bin"]), "bad test entry"),
])
def test_a_bad_manifest_is_refused_with_its_reason(text, reason):
    with pytest.raises(blocks.BadManifest, match=reason):
        blocks.read_manifest(text)


def test_the_shipped_manifest_is_good():
    with open(os.path.join(ROOT, shipped.MANIFEST)) as f:
        manifest = blocks.read_manifest(f.read())
    assert manifest["train"] and manifest["test"]
