"""The worker without a browser: a Trainer over learnable synthetic digits,
fetched from memory, on a clock that only the test moves. Used by the unit
tests of the trainer and of hostile input, and by the browser's hostile-input
test to know what the worker refuses under CPython."""
import asyncio
import json

import numpy as np

from shared import base64_codec, blocks, protocol
from tests.harness.samples import b64, weights_of
from tests.harness.simulated_time import clock as simulated_clock
from worker.cache import BlockCache
from worker.mlp import MLP
from worker.trainer import Trainer

HIDDEN = 8

PROTOTYPES = np.random.default_rng(123).integers(0, 256, (10, blocks.PIXELS))


def synthetic(n, seed):
    """Each class is a fixed random picture plus noise: easy to learn."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n)
    noise = rng.integers(-60, 60, (n, blocks.PIXELS))
    pixels = np.clip(PROTOTYPES[labels] + noise, 0, 255).astype(np.uint8)
    pixels[:, :28] = 0                  # a blank first row, as in MNIST
    return pixels, labels


def make_store(n_blocks=6, samples=100):
    """n_blocks of synthetic digits: (manifest entries, {file: bytes})."""
    entries, store = [], {}
    for b in range(n_blocks):
        pixels, labels = synthetic(samples, seed=b)
        data = blocks.encode(labels.tolist(), pixels.tobytes())
        entry = {"file": "train-%03d.bin" % b, "samples": samples, "bytes": len(data),
                 "sha256": blocks.sha256_hex(data)}
        entries.append(entry)
        store[entry["file"]] = data
    return entries, store


def held_out(n=300):
    """A held-out set of the same synthetic digits."""
    pixels, labels = synthetic(n, seed=999)
    return pixels.astype(np.float32) / 255, labels.astype(np.int64)


class FakeClock:
    """A clock that moves only when the test moves it (now += seconds)."""

    def __init__(self, now=100.0):
        self.now = now

    def __call__(self):
        return self.now


class Harness:
    """A Trainer over synthetic blocks fetched from memory, on a FakeClock; what
    it publishes and checkpoints is kept for the test to read."""

    def __init__(self, cache_size=3, n_blocks=6, samples=100, fetch=None, clock=None,
                 hidden=HIDDEN):
        self.entries, self.store = make_store(n_blocks, samples)
        self.calls = []
        self.cache = BlockCache(self.entries, fetch or self.fetch, size=cache_size,
                                clock=simulated_clock)
        self.published = []
        self.checkpoints = []
        self.clock = clock or FakeClock()
        self.trainer = Trainer(MLP(hidden, 0), self.cache, held_out(), self.publish,
                               self.checkpoints.append, clock=self.clock)

    def publish(self, text, w1=None):
        """As the page gets it: the first layer back in its status, as base64 text."""
        self.published.append(protocol.encode_status(protocol.decode_status(
            text, None if w1 is None else base64_codec.encode(w1))))

    async def fetch(self, entry):
        self.calls.append(entry["file"])
        await asyncio.sleep(0)
        return self.store[entry["file"]]

    def send(self, kind, value=None):
        message = {"type": kind}
        if value is not None:
            message["value"] = value
        return json.loads(self.trainer.signal(json.dumps(message)))

    def last(self):
        return protocol.decode_status(self.published[-1])

    def weights(self):
        return [p.tobytes() for p in self.trainer.model.params()]


def file_of(model, **meta):
    """The model's weights file as the page sends it in a signal: base64."""
    return b64(weights_of(model, **meta))


def my_digits(n, label=3, learn=True):
    """A set_my_digits value: n synthetic digits, all labelled `label`."""
    pixels, _ = synthetic(n, seed=50)
    return {"x": b64(pixels.tobytes()), "y": [label] * n, "learn": learn}
