"""Predictor worker entry point (Pyodide + numpy, a PyScript named worker).

The convnet is too much for MicroPython to run on every stroke, and the
model worker is busy with training steps, so predictions with the convnet
run here, in a worker of their own: the page hands it the weights
(`use_weights`: a weights file as a Uint8Array, as the model worker's
checkpoints carry it) and then each drawing (`predict`: 784 pixel levels 0..255 as
base64), and gets ten probabilities back as JSON text.
"""
import base64
import json

import numpy as np

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
        return "null"
    levels = np.frombuffer(base64.b64decode(pixels), np.uint8)
    Z = model.logits((levels.astype(np.float32) / 255).reshape(1, -1))[0]
    P = np.exp(Z - Z.max())
    return json.dumps((P / P.sum()).round(5).tolist())


__export__ = ["use_weights", "predict"]
