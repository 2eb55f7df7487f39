"""Predictor worker entry point (Pyodide + numpy, a PyScript named worker).

The convnet is too much for MicroPython to run on every stroke, and the
model worker is busy with training steps, so predictions with the convnet
run here, in a worker of their own. The page posts it messages, one at a
time: a weights file (a Uint8Array, as the model worker's checkpoints carry
it) or a drawing (the grid's 784 values in [0, 1], as base64 of float64,
preprocessed here as on the main thread). Each gets one answer
posted back as JSON text: for weights "" or why they were refused, for a
drawing its ten probabilities (null before any weights), and for either
{"failed": why} if this worker broke. Plain messages, not calls through
PyScript's exported functions: an answer reaches the page's handler
directly, with no asyncio turn on either side.
"""
import base64
import json

import numpy as np
from polyscript import xworker

from shared import preprocess
from worker import weights_file

model = None


def use_weights(data):
    """Returns "" or why the weights were refused (the old ones stay)."""
    global model
    try:
        model, _ = weights_file.decode(data.to_bytes())
    except ValueError as error:      # BadWeights
        return str(error)
    return ""


def predict(pixels):
    if model is None:
        return None
    digit = preprocess.preprocess(np.frombuffer(base64.b64decode(pixels), "<f8").tolist())
    if digit is None:
        return None
    Z = model.logits(np.array(digit, np.float32).reshape(1, -1))[0]
    P = np.exp(Z - Z.max())
    return (P / P.sum()).round(5).tolist()


def answer(event):
    data = event.data
    try:
        reply = predict(data) if isinstance(data, str) else use_weights(data)
    except Exception as error:    # the page must hear back, or it waits for ever
        reply = {"failed": "%s: %s" % (type(error).__name__, error)}
    xworker.postMessage(json.dumps(reply))


xworker.onmessage = answer
