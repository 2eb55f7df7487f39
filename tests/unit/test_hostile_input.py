"""Issue 10, bad input everywhere, under CPython: seeded random and hostile
values at the worker's signal(text) and at the decoders of the three files the
page takes (weights, my digits, photos). Whatever comes in, nothing raises but
the module's documented error; a rejected signal answers {"ok": false} with a
reason and changes nothing; what a decoder accepts is a valid result.
Every case is drawn from a fixed seed, so a failure names a case that replays."""
import base64
import io
import json
import math
import random
import struct
import tracemalloc
import zipfile
import zlib

import numpy as np
import pytest

from shared import digits_file, paper, protocol
from shared.classes import DIGITS
from shared.digits_file import BadDigitsFile
from worker import weights_file
from worker.architectures import ARCHITECTURES
from worker.convnet import ConvNet
from worker.mlp import MLP
from worker.weights_file import BadWeights

from test_digits_file import digits, npz as digits_npz
from test_paper import X_TEST, photo
from test_trainer import Harness, b64, file_of, my_digits
from test_weights_file import members_of, npz as weights_npz, trained_like

SEED = 10          # the number: any fixed seed would do


def replay(case):
    """A case as a failure message shows it: short enough to read, enough to find."""
    text = repr(case)
    return text if len(text) < 300 else text[:300] + "... (%d chars)" % len(text)


# -- hostile values ------------------------------------------------------------------

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


# -- the worker's signal(text) -----------------------------------------------------------

def state(h):
    """All a signal may change: status, weights, my digits, lesson, what was published."""
    return (h.trainer.status(), h.weights(), h.trainer.model.ARCHITECTURE, len(h.trainer.lessons),
            h.trainer.lesson_steps, len(h.published), len(h.checkpoints))


def settled(h):
    """An accepted signal leaves a worker in a state it can train in."""
    status = h.trainer.status()
    assert set(status) == set(protocol.STATUS_FIELDS)
    for kind, field in ((protocol.SET_BATCH_SIZE, "batch_size"),
                        (protocol.SET_LEARNING_RATE, "lrate"), (protocol.SET_CACHE_SIZE, "cache_size")):
        protocol.check_setting(kind, status[field])
    assert isinstance(status["augment"], bool) and status["architecture"] in ARCHITECTURES
    assert all(np.isfinite(p).all() for p in h.trainer.model.params())


def answer(h, text):
    """Send text; a refusal must carry a short reason and change nothing."""
    before = state(h)
    reply = json.loads(h.trainer.signal(text))
    assert set(reply) <= {"ok", "error"} and isinstance(reply["ok"], bool), replay(text)
    if not reply["ok"]:
        assert isinstance(reply["error"], str) and reply["error"].strip(), replay(text)
        assert len(reply["error"]) <= protocol.REASON_CHARS, replay(text)
        assert state(h) == before, replay(text)
    return reply


def refused_unchanged(h, text):
    assert answer(h, text)["ok"] is False, replay(text)


def worker_with_settings():
    """A worker with a setting and digits of the visitor's, so that losing them shows."""
    h = Harness()
    h.send(protocol.SET_BATCH_SIZE, 48)
    h.send(protocol.SET_MY_DIGITS, my_digits(2, learn=False))
    return h


def test_random_and_hostile_signals_are_refused_with_a_reason_and_change_nothing():
    rng = random.Random(SEED)
    h = worker_with_settings()
    accepted = 0
    for _ in range(1500):
        if answer(h, hostile_text(rng))["ok"]:
            accepted += 1
            settled(h)
            h = worker_with_settings()     # the next case starts from a known state again
    assert 20 < accepted < 500             # the generator reaches both sides


# Wrong for every signal that takes a value; then each signal's own near misses.
WRONG_FOR_ALL = [None, "", "1", [], [1], {}, -1, 1e308, math.nan, math.inf, -math.inf, "x" * 1000000,
                 {"x": "", "y": [], "learn": True, "more": 0}]
NEAR_MISSES = {
    protocol.STATUS: [0, 1, "true", "false", [True]],
    protocol.SET_WEIGHTS: [True, False, -5, 1.5, 2.0, "AAAA", "data:;base64,AAAA", "A" * 4097],
    protocol.SET_BATCH_SIZE: [0, 4097, 1.5, True, "64", -0.0, 10 ** 400, [64]],
    protocol.SET_LEARNING_RATE: [0, 9e-7, 10.000001, True, "0.1", 10 ** 400, -0.1],
    protocol.SET_CACHE_SIZE: [0, 65, 2.5, False, "8", 10 ** 400],
    protocol.SET_AUGMENT: [0, 1, "true", "false", [True]],
    protocol.SET_MY_DIGITS: [{"x": "", "y": [], "learn": 1}, {"x": "", "y": [10], "learn": True},
                             {"x": "", "y": [1], "learn": True}, {"x": b64(bytes(784)), "y": [1.0], "learn": True},
                             {"x": b64(bytes(785)), "y": [1], "learn": True},
                             {"x": "A" * 1045 + "=", "y": [1], "learn": True},
                             {"x": b64(bytes(784)), "y": [1] * 1001, "learn": True}],
}


@pytest.mark.parametrize("kind", sorted(NEAR_MISSES))
def test_every_signal_refuses_every_kind_of_wrong_value(kind):
    """start and stop take no value (and ignore one): every other signal is refused
    each wrong value, with a reason, and nothing changes."""
    h = Harness()
    for value in WRONG_FOR_ALL + NEAR_MISSES[kind]:
        refused_unchanged(h, json.dumps({"type": kind, "value": value}))


@pytest.mark.parametrize("text", [
    "[" * 100000, '{"type": "set_batch_size", "value": %s%s}' % ("[" * 995, "]" * 995),
    '{"a":' * 50000])
def test_json_nested_too_deeply_is_refused_not_raised(text):
    """Regression: RecursionError escaped Trainer.signal; in Pyodide the parser
    overflowed the wasm stack instead, a fatal error that killed the worker."""
    h = Harness()
    refused_unchanged(h, text)
    assert "nested too deeply" in json.loads(h.trainer.signal(text))["error"]


def test_a_reason_quotes_a_huge_value_cut_short():
    """Regression: the reason echoed the whole rejected value, megabytes of it, onto the page."""
    h = Harness()
    for text in (json.dumps({"type": protocol.SET_BATCH_SIZE, "value": "9" * 1000000}),
                 json.dumps({"type": "x" * 1000000}),
                 json.dumps({"type": protocol.SET_AUGMENT, "value": ["<b>"] * 100000})):
        refused_unchanged(h, text)
        assert len(json.loads(h.trainer.signal(text))["error"]) < 100


def test_a_weights_file_whose_reason_quotes_megabytes_is_refused_with_a_short_one():
    h = Harness()
    for meta in ({"version": "v" * 1000000}, {"architecture": "a" * 1000000}):
        refused_unchanged(h, json.dumps({"type": protocol.SET_WEIGHTS,
                                         "value": b64(weights_npz(members_of(trained_like(), **meta)))}))


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


def test_mutated_weights_and_digits_through_the_signal_are_refused_or_valid():
    """The files as the page sends them, base64 in a signal: damaged copies of real ones."""
    rng = random.Random(SEED + 1)
    h = Harness()
    weights = base64.b64decode(file_of(MLP(8, 1)))
    pixels = base64.b64decode(my_digits(3)["x"])
    for _ in range(300):
        if rng.random() < 0.5:
            text = json.dumps({"type": protocol.SET_WEIGHTS, "value": b64(mutated(weights, rng))})
        else:
            text = json.dumps({"type": protocol.SET_MY_DIGITS,
                               "value": {"x": b64(mutated(pixels, rng)), "y": [3, 3, 3], "learn": False}})
        if answer(h, text)["ok"]:
            settled(h)
            h = Harness()


# -- the decoders: seeded mutations of real files ------------------------------------------

def numpy_weights(save):
    out = io.BytesIO()
    save(out, **members_of(trained_like()))
    return out.getvalue()


def legacy_npy():
    out = io.BytesIO()
    np.save(out, np.ones((4, 795), np.float32))
    return out.getvalue()


def weights_of(model):
    return weights_file.encode(model, DIGITS)


WEIGHTS_FILES = {
    "mlp": lambda: weights_of(trained_like()),
    "cnn": lambda: weights_of(ConvNet(seed=1)),
    "numpy savez": lambda: numpy_weights(np.savez),
    "numpy savez_compressed": lambda: numpy_weights(np.savez_compressed),
    "legacy npy": legacy_npy,
}


def decoded_mutations(decode, error_type, real, seed, cases):
    """What decode makes of `cases` seeded mutations of a real file: each result,
    or None where it refused with error_type and a reason; any other exception
    fails the test."""
    rng = random.Random(seed)
    for i in range(cases):
        try:
            yield decode(mutated(real, rng))
        except error_type as error:
            assert str(error), (seed, i)
            yield None


@pytest.mark.parametrize("name", sorted(WEIGHTS_FILES))
def test_damaged_weights_files_decode_or_raise_bad_weights(name):
    results = list(decoded_mutations(weights_file.decode, BadWeights, WEIGHTS_FILES[name](),
                                     "%d %s" % (SEED, name), 400))
    for model, meta in filter(None, results):
        assert model.ARCHITECTURE in ARCHITECTURES and isinstance(meta, dict)
        for param in model.params():
            assert param.dtype == np.float32 and np.isfinite(param).all()
    assert results.count(None) > 200


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


@pytest.mark.parametrize("name", sorted(HOSTILE_WEIGHTS))
def test_hostile_weights_files_are_refused_with_their_reason(name):
    make, reason = HOSTILE_WEIGHTS[name]
    with pytest.raises(BadWeights, match=reason):
        weights_file.decode(make())


def numpy_digits(save):
    labels, pixels = digits(4, seed=3)
    x = np.frombuffer(b"".join(pixels), np.uint8).reshape(4, 28, 28)
    return digits_npz(save, x=x, y=np.array(labels))


DIGITS_FILES = {
    "the page's": lambda: digits_file.encode(*digits(3)),
    "numpy savez": lambda: numpy_digits(np.savez),
    "numpy savez_compressed": lambda: numpy_digits(np.savez_compressed),
}


@pytest.mark.parametrize("name", sorted(DIGITS_FILES))
def test_damaged_digit_files_decode_or_raise_bad_digits_file(name):
    results = list(decoded_mutations(digits_file.decode, BadDigitsFile, DIGITS_FILES[name](),
                                     "%d %s" % (SEED, name), 600))
    for labels, pixels in filter(None, results):
        assert 1 <= len(labels) == len(pixels) <= digits_file.MAX_DIGITS
        assert all(0 <= label < 10 for label in labels)
        assert all(len(p) == digits_file.PIXELS for p in pixels)
    assert results.count(None) > 300


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


def test_a_zip_bomb_of_digits_is_refused_without_inflating_it():
    """Regression: a member was inflated whole before its declared size was
    compared, so 64 KB of file took 64 MB (and 4 MB, the cap, would take 4 GB)."""
    bomb = inflating_member(64 * 2 ** 20)
    assert len(bomb) < 100000
    tracemalloc.start()
    try:
        with pytest.raises(BadDigitsFile, match="damaged"):
            digits_file.decode(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2 ** 20


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


@pytest.mark.parametrize("name", sorted(HOSTILE_DIGITS))
def test_hostile_digit_files_are_refused_with_their_reason(name):
    data, reason = HOSTILE_DIGITS[name]
    with pytest.raises(BadDigitsFile, match=reason):
        digits_file.decode(data)


def photo_mutations(rng):
    """(rgba, width, height) the page could hand paper.from_picture, and then some:
    real photos damaged, noise, flat colours, lines one pixel wide, sizes that lie."""
    rgba, w, h = photo(X_TEST[rng.randrange(50)], side=rng.choice([24, 40]), seed=rng.randrange(99))
    rgba = bytearray(rgba)
    how = rng.randrange(6)
    if how == 0:
        for _ in range(rng.randint(1, 200)):
            rgba[rng.randrange(len(rgba))] = rng.randrange(256)
    elif how == 1:
        w, h = rng.choice([(1, 1), (1, 30), (30, 1), (2, 3)])
        rgba = bytearray(rng.randrange(256) for _ in range(w * h * 4))
    elif how == 2:
        rgba = bytearray([rng.randrange(256)] * 4) * (w * h)
    elif how == 3:
        rgba = bytearray(rng.choice([0, 255]) for _ in range(w * h * 4))
    elif how == 4:
        del rgba[rng.randrange(len(rgba)):]
    else:
        w, h = rng.choice([(0, 0), (-4, 10), (w + 1, h), (w, h - 1)])
    return bytes(rgba), w, h


def test_damaged_and_odd_pictures_become_a_digit_or_raise_value_error():
    rng = random.Random(SEED + 2)
    refused = 0
    for i in range(250):
        rgba, w, h = photo_mutations(rng)
        try:
            grid = paper.from_picture(rgba, w, h)
        except ValueError as error:
            assert str(error), i
            refused += 1
            continue
        assert len(grid) == 28 * 28 and all(0.0 <= v <= 1.0 and not math.isnan(v) for v in grid), i
    assert 50 < refused < 250
