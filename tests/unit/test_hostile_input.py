"""Bad input everywhere, under CPython: seeded random and hostile
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
import tracemalloc

import numpy as np
import pytest

from shared import digits_file, paper, protocol
from shared.digits_file import BadDigitsFile
from tests.harness.hostile import (HOSTILE_DIGITS, HOSTILE_WEIGHTS, SEED, hostile_text,
                                   inflating_member, mutated, numpy_weights)
from tests.harness.samples import (X_TEST, b64, digits, members_of, npz, numpy_digits, photo, trained_like,
                                   weights_of)
from tests.harness.worker import Harness, file_of, my_digits
from worker import weights_file
from worker.architectures import ARCHITECTURES
from worker.convnet import ConvNet
from worker.mlp import MLP
from worker.weights_file import BadWeights


def replay(case):
    """A case as a failure message shows it: short enough to read, enough to find."""
    text = repr(case)
    return text if len(text) < 300 else text[:300] + "... (%d chars)" % len(text)


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
                                         "value": b64(npz(**members_of(trained_like(), **meta)))}))


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

def legacy_npy():
    out = io.BytesIO()
    np.save(out, np.ones((4, 795), np.float32))
    return out.getvalue()


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


@pytest.mark.parametrize("name", sorted(HOSTILE_WEIGHTS))
def test_hostile_weights_files_are_refused_with_their_reason(name):
    make, reason = HOSTILE_WEIGHTS[name]
    with pytest.raises(BadWeights, match=reason):
        weights_file.decode(make())


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
