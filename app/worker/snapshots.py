"""What the page sees of the model: compact views made in the worker, where
numpy is, so the main thread only decodes JSON and shows them."""
import base64

import numpy as np

from shared.digit import SIDE
from worker import png

UNITS_SHOWN, MOSAIC_COLUMNS, GAP = 16, 4, 2
EXAMPLES_PER_CELL = 8
INK = np.array([20, 24, 40], np.float32)      # strong positive weight
BLUE = np.array([37, 99, 235], np.float32)    # strong negative weight
PAPER = np.array([255, 255, 255], np.float32)


def int16_scale(weights, top=2 ** 15):
    """The largest power of two (at most `top`) that keeps weights x scale in int16."""
    largest = float(np.abs(weights).max())
    scale = top
    while scale > 1 and largest * scale > 32767:
        scale //= 2
    return scale


def inference_weights(model):
    """What the page predicts with: the MLP in shared/inference.py's form (first
    layer as int16), for the main thread. The page predicts with the convnet
    from the weights file each checkpoint carries in binary
    (static/js/frame-kernels.js); its view only says which model it is."""
    if model.ARCHITECTURE == "cnn":
        return {"architecture": "cnn"}
    scale = int16_scale(model.W1)
    w1 = np.clip(np.rint(model.W1 * scale), -32768, 32767).astype("<i2")
    return {
        "scale": scale, "hidden": model.hidden, "w1": base64.b64encode(w1.tobytes()).decode(),
        "b1": model.b1.tolist(), "w2": model.W2.tolist(), "b2": model.b2.tolist(),
    }


def first_layer_pictures(model, units):
    """The first layer's weights of `units` units as square images: an MLP
    unit's 784 input weights (28x28), a convnet filter's kernel, each kernel
    pixel shown as 5x5 screen pixels."""
    if model.ARCHITECTURE == "cnn":
        kernels = model.convs[0].weight[:, :, 0, :units]
        return [np.kron(kernels[:, :, f], np.ones((5, 5), np.float32))
                for f in range(kernels.shape[-1])]
    return [model.W1[:, unit].reshape(SIDE, SIDE) for unit in range(min(units, model.hidden))]


def unit_mosaic(model, units=UNITS_SHOWN):
    """First-layer weights of the first `units` units as tiles: dark where a
    pixel excites the unit, blue where it inhibits it."""
    tiles = first_layer_pictures(model, units)
    side = tiles[0].shape[0]
    rows = -(-len(tiles) // MOSAIC_COLUMNS)
    size = side + GAP
    image = np.broadcast_to(PAPER, (rows * size - GAP, MOSAIC_COLUMNS * size - GAP, 3)).copy()
    for unit, w in enumerate(tiles):
        v = w / (np.abs(w).max() + 1e-12)
        pos, neg = np.clip(v, 0, 1)[..., None], np.clip(-v, 0, 1)[..., None]
        tile = PAPER + pos * (INK - PAPER) + neg * (BLUE - PAPER)
        r, c = divmod(unit, MOSAIC_COLUMNS)
        image[r * size:r * size + side, c * size:c * size + side] = tile
    return png.data_url(np.rint(image).astype(np.uint8))


def confusion(y_true, y_pred, classes=10):
    """Counts [true][predicted], and up to EXAMPLES_PER_CELL held-out indices
    of each kind of mistake, keyed "true,predicted"."""
    counts = np.zeros((classes, classes), np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    examples = {}
    for i in np.flatnonzero(y_true != y_pred):
        key = "%d,%d" % (y_true[i], y_pred[i])
        cell = examples.setdefault(key, [])
        if len(cell) < EXAMPLES_PER_CELL:
            cell.append(int(i))
    return counts.tolist(), examples
