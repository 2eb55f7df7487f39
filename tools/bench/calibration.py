"""How far the shipped models' confidence can be trusted: for each, the
held-out accuracy of the predictions whose top probability is under each
line, on inputs like the page's (every digit the models never trained on,
tools/build/train_weights.py's held_out_digits: as they are, as photos and
samples reach the models, and drawn with the page's pen, as drawings do:
read from their strokes, every size and place reads alike, so once, at 70%
of the grid), and the line below which that accuracy falls under 50%:
app/shared/sureness.py's NOT_SURE_BELOW; and the most ink of those
drawings: its MOST_INK.

    threshold(confidence, right) -> the highest line with accuracy under it below 50%
    drawn(X) -> [(model input, ink)]: each digit drawn with the page's pen, as the page reads it
    page_like(X, y, readings) -> (inputs, labels): the digits as they are and as drawn
    confidences(model, inputs, labels) -> (top probability, read right) of each
    probabilities(model, inputs) -> (n, classes) softmax of its logits, float64
    most_ink(readings) -> the most ink of the drawn digits: sureness.MOST_INK
    figures(models, X, y) -> make bench's figures, for models {architecture: model}
    .venv/bin/python -m tools.bench.calibration     # both shipped models, one JSON line
"""
import json

import numpy as np

from shared import strokes, sureness
from tools.bench.redraw import drawn_on_grid
from tools.bench.robustness import PLACES

LINES = [round(0.3 + 0.05 * k, 2) for k in range(14)]     # 0.30 .. 0.95
FEWEST = 20            # predictions under a line for its accuracy to count


def accuracy_under(confidence, right, line):
    """(accuracy, count) of the predictions whose confidence is under `line`."""
    under = confidence < line
    return (float(right[under].mean()) if under.any() else None), int(under.sum())


def threshold(confidence, right):
    """The highest of LINES under which the accuracy is below 50% (over at
    least FEWEST predictions); the lowest line if none is."""
    found = LINES[0]
    for line in LINES:
        accuracy, count = accuracy_under(confidence, right, line)
        if count >= FEWEST and accuracy < 0.5:
            found = line
    return found


def probabilities(model, inputs):
    Z = model.logits(np.asarray(inputs, np.float32)).astype(np.float64)
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    return P / P.sum(axis=1, keepdims=True)


def drawn(X):
    """Each digit drawn with the page's pen at 70% of the grid, centred, and
    read from its strokes as the page reads it: [(model input, ink)]. Drawn
    once for both the inputs and the ink: drawing is most of the work."""
    grids = (drawn_on_grid(x, 0.7, PLACES["centre"]) for x in X)
    return [strokes.reading(grid.pixels, grid.strokes) for grid in grids]


def page_like(X, y, readings):
    """(inputs, labels): the held-out digits as they are, and as drawn (drawn(X)'s readings)."""
    inputs = np.concatenate([np.asarray(X, np.float32), np.array([digit for digit, _ in readings], np.float32)])
    return inputs, np.tile(np.asarray(y), 2)


def confidences(model, inputs, labels):
    """(top probability, read right) of each input."""
    P = probabilities(model, inputs)
    return P.max(axis=1), P.argmax(axis=1) == labels


def most_ink(readings):
    return max(ink for _, ink in readings)


def figures(models, X, y):
    """For each model, the line its readings call for, and what the page's
    line (sureness.NOT_SURE_BELOW) does on them: the share of inputs under
    it, and their accuracy; the most ink of the digits drawn with the page's
    pen, against the page's MOST_INK."""
    readings = drawn(X)
    out = {"held_out_digits": len(y), "most_ink_measured": round(most_ink(readings), 1),
           "most_ink": sureness.MOST_INK}
    inputs, labels = page_like(X, y, readings)
    for architecture, model in models.items():
        line = sureness.NOT_SURE_BELOW[architecture]
        confidence, right = confidences(model, inputs, labels)
        accuracy, count = accuracy_under(confidence, right, line)
        out.update({"not_sure_line_measured_" + architecture: threshold(confidence, right),
                    "not_sure_line_" + architecture: line,
                    "not_sure_share_" + architecture: round(count / len(right), 4),
                    "not_sure_accuracy_" + architecture: None if accuracy is None else round(accuracy, 4)})
    return out


def main():
    from tools.build.train_weights import held_out_digits, shipped_models
    X, y = held_out_digits()
    readings = drawn(X)
    inputs, labels = page_like(X, y, readings)
    out = {}
    for architecture, model in shipped_models().items():
        confidence, right = confidences(model, inputs, labels)
        out[architecture] = {"threshold": threshold(confidence, right), "inputs": len(right),
                             "under": {line: accuracy_under(confidence, right, line) for line in LINES}}
    out["most_ink"] = round(most_ink(readings), 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
