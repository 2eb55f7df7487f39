"""Prediction on the page's main thread, in plain Python (MicroPython there).

MicroPython boxes every float it computes but not small ints, so the first
layer (the only big one) runs on integers: pixel levels 0..255 times weights
scaled by "scale" and rounded to int16 (worker/snapshots.py picks the largest
power of two that fits, which keeps probabilities within about 2e-4 of the
float model's). Only inked pixels are visited, and each
visit walks one pixel's row of hidden-unit weights.

Inference weights are a dict {"scale", "hidden", "b1", "w2", "b2", "w1"}:
b1 (hidden floats), w2 (hidden rows of 10 floats), b2 (10 floats), and w1 as
little-endian int16, 784 pixel-major rows of `hidden`: as base64 text
(decoded in C, shared/base64_codec.py; autosaves of earlier versions hold
hex, still read), or as bytes in a live status. worker/snapshots.py makes
them from the model; they travel in statuses (shared/protocol.py), and
`make weights` ships the pretrained ones as a status file,
static/weights/pretrained-inference.txt.
"""
import array
import json
import math

from shared import base64_codec
from shared.digit import CLASSES, PIXELS


def is_hex(text, size):
    """Whether the first layer's text is hex (earlier autosaves), not base64."""
    return len(text) == 2 * size


def first_layer(w1, size):
    """The first layer's `size` bytes: w1 as it came in a live status (bytes;
    on the page a Uint8Array, left in JS), or base64 text, or hex (earlier autosaves)."""
    if isinstance(w1, str):
        try:
            w1 = bytes.fromhex(w1) if is_hex(w1, size) else base64_codec.decode(w1)
        except ValueError:
            w1 = b""
    # A Uint8Array has no len() in MicroPython, but its length.
    if (len(w1) if isinstance(w1, (bytes, bytearray)) else w1.length) != size:
        raise ValueError("inference weights have the wrong shape")
    return w1


def kernel_weights(weights):
    """What static/js/frame-kernels.js's use() takes, the same forward pass in
    typed arrays: (w1 as bytes or base64 text, JSON of the rest). ValueError
    if the shapes are wrong, as InferenceModel would raise."""
    hidden, w1 = weights["hidden"], weights["w1"]
    size = PIXELS * hidden * 2
    data = first_layer(w1, size)
    check_shapes(weights, hidden)
    if isinstance(w1, str) and is_hex(w1, size):
        w1 = base64_codec.encode(data)
    rest = {name: weights[name] for name in ("hidden", "scale", "b1", "w2", "b2")}
    return w1, json.dumps(rest)


def check_shapes(weights, hidden):
    if (len(weights["b1"]) != hidden or len(weights["w2"]) != hidden
            or any(len(row) != CLASSES for row in weights["w2"]) or len(weights["b2"]) != CLASSES):
        raise ValueError("inference weights have the wrong shape")


class InferenceModel:
    def __init__(self, weights):
        """weights: the decoded JSON dict described above."""
        hidden = weights["hidden"]
        data = first_layer(weights["w1"], PIXELS * hidden * 2)
        # One array and 784 small views of it: 784 separate row arrays cost up
        # to 50 ms to allocate in a busy MicroPython heap, the views ~1 ms.
        w1 = memoryview(array.array("h", bytes(data)))
        self.w1 = [w1[p * hidden:(p + 1) * hidden] for p in range(PIXELS)]
        self.b1 = weights["b1"]
        self.w2 = weights["w2"]
        self.b2 = weights["b2"]
        self.hidden = len(self.b1)
        self.unscale = 1.0 / (255 * weights["scale"])
        check_shapes(weights, hidden)

    def probabilities(self, pixels):
        """pixels: 784 floats in [0, 1]; returns 10 probabilities."""
        hidden = self.hidden
        acc = [0] * hidden
        w1 = self.w1
        for p in range(PIXELS):
            level = int(pixels[p] * 255 + 0.5)
            if level:
                # Iterating the row beats indexing it: 8 ms against 11 ms
                # for 200 inked pixels in MicroPython.
                j = 0
                for w in w1[p]:
                    acc[j] += level * w
                    j += 1
        logits = list(self.b2)
        unscale, b1, w2 = self.unscale, self.b1, self.w2
        for j in range(hidden):
            h = acc[j] * unscale + b1[j]
            if h > 0:
                row = w2[j]
                for k in range(CLASSES):
                    logits[k] += h * row[k]
        top = max(logits)
        exps = [math.exp(z - top) for z in logits]
        total = sum(exps)
        return [e / total for e in exps]


def argmax(values):
    best = 0
    for i in range(1, len(values)):
        if values[i] > values[best]:
            best = i
    return best
