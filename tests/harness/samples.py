"""What the unit tests and the browser tests both make or read: the shipped
weights' facts, the held-out digits, photos of them, and files of weights and
of digits as numpy or the page would write them. One place, so that a page
test and its unit twin feed the same inputs."""
import base64
import io
import json
import os
import re

import numpy as np
from PIL import Image

from shared import onnx_export, shipped
from shared.classes import DIGITS
from tools import ROOT
from tools.build.train_weights import load_split
from worker import weights_file
from worker.mlp import MLP

PRETRAINED = os.path.join(ROOT, shipped.PRETRAINED["mlp"])
PRETRAINED_CNN = os.path.join(ROOT, shipped.PRETRAINED["cnn"])


def pretrained_bytes():
    with open(PRETRAINED, "rb") as f:
        return f.read()


def shipped_model():
    """(the shipped MLP, its file's metadata)."""
    return weights_file.decode(pretrained_bytes())


# What the shipped weights' file says of their training (samples seen, iteration):
# the page shows these counts until it trains or restores a model of the visitor's.
SHIPPED_META = shipped_model()[1]
SHIPPED_SAMPLES = SHIPPED_META["samples_seen"]



def shipped_policy():
    """The Content-Security-Policy the page ships in its <meta> tag."""
    with open(os.path.join(ROOT, "index.html")) as f:
        return re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', f.read()).group(1)


X_TEST, Y_TEST = load_split("test")      # the held-out split the page evaluates on


def photo(digit, side=100, dark_ink=True, light=(235, 160), noise=6, at=(0, 0), canvas=None, seed=0):
    """An MNIST digit as a photo: scaled up, ink dark (or light), on paper lit
    unevenly from one corner to the other, with sensor noise; RGBA bytes."""
    rng = np.random.default_rng(seed)
    ink = np.asarray(Image.fromarray(np.uint8(digit.reshape(28, 28) * 255)).resize(
        (side, side), Image.Resampling.BICUBIC), np.float32) / 255
    size = canvas or side
    field = np.zeros((size, size), np.float32)
    field[at[0]:at[0] + side, at[1]:at[1] + side] = ink
    ramp = np.linspace(light[0], light[1], size)[None, :] * np.linspace(1, 0.85, size)[:, None]
    if dark_ink:
        grey = ramp * (1 - 0.8 * field)
    else:
        grey = 30 + (255 - 30 - 40) * field + (ramp - ramp.min()) * 0.2
    grey = np.clip(grey + rng.normal(0, noise, grey.shape), 0, 255).astype(np.uint8)
    rgba = np.stack([grey, grey, grey, np.full_like(grey, 255)], axis=-1)
    return rgba.tobytes(), size, size


def b64(data):
    return base64.b64encode(data).decode()


def npz(save=np.savez, **arrays):
    """An .npz written by numpy itself (np.savez or np.savez_compressed)."""
    out = io.BytesIO()
    save(out, **arrays)
    return out.getvalue()


# -- files of digits ---------------------------------------------------------------

def digits(n=5, seed=0):
    """(labels, pixels): n random digits as the page keeps them (784 bytes each)."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 10, n).tolist(), [rng.integers(0, 256, 784, dtype=np.uint8).tobytes()
                                             for _ in range(n)]


def numpy_digits(save):
    """Four digits as numpy writes them: x uint8 (4, 28, 28), y their labels."""
    labels, pixels = digits(4, seed=3)
    x = np.frombuffer(b"".join(pixels), np.uint8).reshape(4, 28, 28)
    return npz(save, x=x, y=np.array(labels))


# -- files of weights --------------------------------------------------------------

def trained_like(hidden=6, seed=1):
    """A small MLP with non-zero biases, as training leaves one."""
    model = MLP(hidden, seed)
    model.b1 += 0.25
    model.b2 -= 0.5
    return model


def weights_of(model, **meta):
    """The model's weights file, as the page exports it."""
    return weights_file.encode(model, DIGITS, **meta)


def onnx_of(model, **meta):
    """The model as an ONNX file, as the page exports it: made from its weights file."""
    return onnx_export.from_weights_file(weights_of(model, **meta), "tests")[1]


def members_of(model, **meta_changes):
    """The arrays of the model's weights file, its meta changed as given: for npz()."""
    meta = json.loads(str(np.load(io.BytesIO(weights_of(model)))["meta"]))
    meta.update(meta_changes)
    members = dict(model.named_params())
    members["meta"] = np.array(json.dumps(meta))
    return members
