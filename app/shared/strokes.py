"""A drawing read from its strokes: the pen lines the visitor drew (GridState's
strokes) drawn again, with the same pen, at the size an MNIST digit has.

A digit drawn small on the grid has strokes as wide as a large one's, so
once it is scaled up to MNIST's 20-pixel box its strokes are twice as fat
and its loops and gaps close: MNIST's digits were scaled with their pen, from
scans of paper. Drawn again from its pen lines, a small digit reaches the
models as a large one does. The pixels are read as drawn where strokes do not
describe them: after the eraser, a sample or a photo; a pen that went well
off the grid; a dot stamped alone (keyboard painting, cell by cell: drawn
again larger, its dots would part); lines spanning too little to scale.

    placing(strokes) -> (scale, x0, y0): a point (x, y) is drawn again at
        (x0 + x * scale, y0 + y * scale); None where the pixels are read
    reading(pixels, strokes) -> (digit, ink): what the models read of a
        GridState's pixels and strokes (784 floats, or None when nothing is
        inked) and the ink of the lines drawn again (0 where the pixels are read)
    packed(strokes) -> one flat list, [points, x0, y0, x1, y1, ...] per stroke:
        how strokes cross to JavaScript

Plain Python: the main thread's fallback when static/js/frame-kernels.js (which
draws them again to the same bit) did not load; make bench and the tests.
"""
from shared import preprocess
from shared.digit import SIDE
from shared.grid_state import PEN_REACH, GridState

# The longer side of the pen lines drawn again: with the pen's reach on both
# sides, the ink then fills preprocess's box as a digit drawn across 70% of
# the grid does, the size the models read best (make bench's robustness figures).
SPAN = preprocess.BOX - 2 * PEN_REACH
# Lines spanning less than this (in cells) are a dot or a tick: scaled up they
# would become a confident stroke, so their pixels are read as they are.
SHORTEST = 3.0
CENTRE = SIDE / 2


def placing(strokes):
    if not strokes:
        return None
    xs = [v for stroke in strokes for v in stroke[0::2]]
    ys = [v for stroke in strokes for v in stroke[1::2]]
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    # A point beyond the pen's reach of the grid left no ink there: only the pixels say what shows.
    if min(left, top) < -PEN_REACH or max(right, bottom) > SIDE + PEN_REACH:
        return None
    if min(len(stroke) for stroke in strokes) < 4:
        return None
    span = max(right - left, bottom - top)
    if span < SHORTEST:
        return None
    scale = SPAN / span
    return scale, CENTRE - (left + right) / 2 * scale, CENTRE - (top + bottom) / 2 * scale


def reading(pixels, strokes):
    place = placing(strokes)
    if place is None:
        return preprocess.preprocess(pixels), 0.0
    scale, x0, y0 = place
    grid = GridState()
    for stroke in strokes:
        grid.begin_stroke(x0 + stroke[0] * scale, y0 + stroke[1] * scale)
        for i in range(2, len(stroke), 2):
            grid.extend_stroke(x0 + stroke[i] * scale, y0 + stroke[i + 1] * scale)
        grid.end_stroke()
    return preprocess.preprocess(grid.pixels), sum(grid.pixels)


def packed(strokes):
    out = []
    for stroke in strokes:
        out.append(len(stroke) // 2)
        out += stroke
    return out
