"""Predict digits natively with weights from the page.

    .venv/bin/python -m tools.predict WEIGHTS IMAGE... [--json]

WEIGHTS: an .npz the page exported (or the .npy of earlier versions), or an
.onnx of either model (shared/onnx_file.py), run by onnxruntime if installed.
IMAGE: a PNG or JPEG of one digit (dark ink on light paper or light on dark,
any size), or an .npy array of 28x28 (or 784) pixels with ink high: uint8
0..255 or floats 0..1. Each is made an MNIST digit with the page's own
preprocessing (app/shared/preprocess.py) and run through the project's model
code in float32, so it prints what the page shows (the page's integer first
layer agrees within 5e-4): the digit and the ten probabilities.
"""
import argparse
import json
import sys

import numpy as np

from shared import preprocess
from shared.digit import PIXELS, SIDE
from worker import weights_file


def grid_from_image(path):
    """A picture of one digit as 784 floats in [0, 1], ink high, fitted into 28x28."""
    from PIL import Image, UnidentifiedImageError
    try:
        image = Image.open(path).convert("L")
    except (UnidentifiedImageError, OSError) as error:
        raise ValueError("not an image this tool reads (%s)" % error)
    grey = np.asarray(image, np.float32) / 255
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    if border.mean() > 0.5:             # dark ink on light paper: make the ink high
        grey = 1 - grey
    if grey.shape != (SIDE, SIDE):      # keep the aspect; the page's preprocessing crops and centres
        scale = SIDE / max(grey.shape)
        size = (max(1, round(grey.shape[1] * scale)), max(1, round(grey.shape[0] * scale)))
        small = Image.fromarray(np.uint8(np.rint(grey * 255))).resize(size, Image.Resampling.BOX)
        grey = np.zeros((SIDE, SIDE), np.float32)
        grey[:size[1], :size[0]] = np.asarray(small, np.float32) / 255
    return grey.reshape(-1)


def grid_from_npy(path):
    array = np.load(path, allow_pickle=False)
    if array.size != PIXELS:
        raise ValueError("shape %s; expected %dx%d or %d pixels" % (array.shape, SIDE, SIDE, PIXELS))
    if array.dtype == np.uint8:
        return array.reshape(-1).astype(np.float32) / 255
    if array.dtype.kind != "f" or not np.isfinite(array).all() or array.min() < 0 or array.max() > 1:
        raise ValueError("pixels must be uint8 0..255 or floats in [0, 1]")
    return array.reshape(-1).astype(np.float32)


class OnnxModel:
    """An .onnx file run by onnxruntime, with the models' logits(X)."""

    def __init__(self, data):
        try:
            import onnxruntime
        except ImportError:
            raise ValueError("reading .onnx needs onnxruntime (pip install onnxruntime)")
        try:
            self.session = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"])
        except Exception as error:       # onnxruntime's own errors, for a file it cannot run
            raise ValueError("not an ONNX model onnxruntime runs (%s)" % str(error).splitlines()[0])

    def logits(self, X):
        return self.session.run(["logits"], {"image": X.reshape(-1, 1, SIDE, SIDE)})[0]


def load_model(path):
    """The model in a weights file (.npz, .npy) or an .onnx; ValueError says why not."""
    with open(path, "rb") as f:
        data = f.read()
    if path.lower().endswith(".onnx"):
        return OnnxModel(data)
    return weights_file.decode(data)[0]


def model_input(pixels):
    """784 raw pixels as the page prepares a drawing (shared/preprocess.py):
    float32 [1, 1, 28, 28], the exported models' `image`; None for a blank image."""
    digit = preprocess.preprocess([float(p) for p in pixels])
    return None if digit is None else np.array(digit, np.float32).reshape(1, 1, SIDE, SIDE)


def image_input(path):
    """A photo (PNG, JPEG) or .npy of one digit as the models' input; ValueError says why not.

        session = onnxruntime.InferenceSession("digits-mlp.onnx")
        session.run(["probabilities"], {"image": image_input("seven.jpg")})
    """
    reader = grid_from_npy if path.lower().endswith(".npy") else grid_from_image
    image = model_input(reader(path))
    if image is None:
        raise ValueError("no ink: nothing to read")
    return image


def probabilities(model, pixels):
    """The ten probabilities for 784 raw pixels, or None for a blank image."""
    image = model_input(pixels)
    return None if image is None else read(model, image)


def read(model, image):
    """The ten probabilities for one model input (model_input's)."""
    z = model.logits(image.reshape(1, PIXELS))[0].astype(np.float64)
    e = np.exp(z - z.max())
    return e / e.sum()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("weights")
    parser.add_argument("images", nargs="+")
    parser.add_argument("--json", action="store_true", help="one JSON object per image")
    args = parser.parse_args(argv)
    try:
        model = load_model(args.weights)
    except (OSError, ValueError) as error:
        parser.exit(2, "%s: %s\n" % (args.weights, error))
    failed = False
    for path in args.images:
        try:
            p = read(model, image_input(path))
        except (OSError, ValueError) as error:
            failed = True
            print("%s: %s" % (path, error), file=sys.stderr)
            continue
        digit = int(p.argmax())
        if args.json:
            print(json.dumps({"file": path, "digit": digit,
                              "probabilities": [round(float(q), 6) for q in p]}))
        else:
            print("%s: %d (%.1f%%)  %s" % (path, digit, 100 * p[digit],
                                           " ".join("%d:%.4f" % (d, q) for d, q in enumerate(p))))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
