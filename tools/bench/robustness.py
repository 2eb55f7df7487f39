"""How the shipped models read digits drawn small, large and off-centre:
each held-out digit redrawn with the page's pen (tools/bench/redraw.py)
with its longer side at 40%, 70% and 100% of the grid, in the centre and in
each corner; then made a digit by the page's own preprocessing
(app/shared/strokes.py) and read by the model.

    all_inputs(X) -> {from_strokes: {(size, place): the model inputs}}: each digit drawn
        once per size and place, read from its strokes (True) and from its pixels (False)
    accuracies(model, inputs, y) -> {(size, place): held-out accuracy}
    figures(models, X, y) -> make bench's figures of each model (and the scribbles it is not sure of)

    .venv/bin/python -m tools.bench.robustness     # both shipped models, and tools/bench/scribbles.py's
                                                   # drawings they are not sure of (%), one JSON line
"""
import json

import numpy as np

from shared import strokes
from tools.bench.redraw import drawn_on_grid

SIZES = (0.4, 0.7, 1.0)
PLACES = {"centre": (0.5, 0.5), "top left": (0, 0), "top right": (0, 1), "bottom left": (1, 0),
          "bottom right": (1, 1)}
REFERENCE = (0.7, "centre")          # the goal: every (size, place) within a point of this one


def read(grids, from_strokes=True):
    """The drawings as the page hands them to its model; from_strokes=False: as
    it reads a drawing its strokes do not describe (touched by the eraser)."""
    return np.array([strokes.reading(grid.pixels, grid.strokes if from_strokes else None)[0] for grid in grids],
                    np.float32)


def all_inputs(X):
    """Drawn once, read both ways, for every model: drawing is most of the work."""
    out = {True: {}, False: {}}
    for size in SIZES:
        for place in PLACES:
            grids = [drawn_on_grid(x, size, PLACES[place]) for x in X]
            for from_strokes in out:
                out[from_strokes][(size, place)] = read(grids, from_strokes)
    return out


def accuracies(model, inputs, y):
    y = np.asarray(y)
    return {key: float(np.mean(model.predict(x) == y)) for key, x in inputs.items()}


def spread(scores):
    """The (size, place) read worst, and how many points under the reference it is."""
    worst = min(scores, key=scores.get)
    return worst, 100 * (scores[REFERENCE] - scores[worst])


def figures(models, X, y):
    """For each model ({architecture: model}): its accuracy at 70% in the centre,
    at each size (the mean over the places), the worst size and place and how
    far under, and the same read from the pixels (a drawing touched by the
    eraser); and the share of tools/bench/scribbles.py's drawings it is not sure of."""
    from tools.bench import scribbles
    out = {}
    drawings = scribbles.scribbles()
    for name, share in scribbles.not_sure(models, drawings).items():
        out["scribbles_not_sure_" + name] = round(share, 4)
    inputs = all_inputs(X)
    for name, model in models.items():
        scores = accuracies(model, inputs[True], y)
        worst, points = spread(scores)
        out["robust_reference_" + name] = round(scores[REFERENCE], 4)
        for size in SIZES:
            out["robust_%d_%s" % (100 * size, name)] = round(
                float(np.mean([scores[(size, place)] for place in PLACES])), 4)
        out["robust_worst_" + name] = "%d%% %s" % (100 * worst[0], worst[1])
        out["robust_worst_points_" + name] = round(points, 2)
        pixels = accuracies(model, inputs[False], y)
        worst, points = spread(pixels)
        out["robust_pixels_40_" + name] = round(float(np.mean([pixels[(0.4, place)] for place in PLACES])), 4)
        out["robust_pixels_worst_points_" + name] = round(points, 2)
    return out


def main():
    from tools.bench import scribbles
    from tools.build.train_weights import load_split, shipped_models
    X, y = load_split("test")
    models = shipped_models()
    out = {"scribbles not sure": {name: round(100 * share, 1)
                                  for name, share in scribbles.not_sure(models, scribbles.scribbles()).items()}}
    inputs = all_inputs(X)[True]
    for architecture, model in models.items():
        scores = accuracies(model, inputs, y)
        worst, points = spread(scores)
        out[architecture] = {"%d%% %s" % (100 * s, p): round(100 * a, 2) for (s, p), a in scores.items()}
        out[architecture]["worst"] = "%d%% %s, %.2f points under %d%% centre" % (
            100 * worst[0], worst[1], points, 100 * REFERENCE[0])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
