"""A drawing read from its strokes: the pen lines the visitor drew (GridState's
strokes) drawn again, with the same pen, at the size an MNIST digit has.

A digit drawn small on the grid has strokes as wide as a large one's, so
once it is scaled up to MNIST's 20-pixel box its strokes are twice as fat
and its loops and gaps close: MNIST's digits were scaled with their pen, from
scans of paper. Drawn again from its pen lines, a small digit reaches the
models as a large one does. Where the pixels are more than ink strokes (the
eraser, a sample or a photo on the grid) or the lines span too little to
scale, the pixels are read as drawn.

    reading_grid(strokes) -> 784 floats, or None (read the pixels)
    line_cells(strokes) -> how many cells the lines drawn again pass through (0: read the pixels)
    page_digit(pixels, strokes) -> what the models read of a GridState's
        pixels and strokes: 784 floats, or None when nothing is inked
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
_FIXED = 256          # line_cells' unit: 1/256 cell (>> 8 is its cell)


def placing(strokes):
    """(scale, x0, y0) that draws the strokes again, a point (x, y) at
    (x0 + x * scale, y0 + y * scale); None where their pixels are read as drawn."""
    if not strokes:
        return None
    xs = [v for stroke in strokes for v in stroke[0::2]]
    ys = [v for stroke in strokes for v in stroke[1::2]]
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    if left < 0 or top < 0 or right > SIDE or bottom > SIDE:
        return None              # the pen left the grid: only its pixels say what shows
    span = max(right - left, bottom - top)
    if span < SHORTEST:
        return None
    scale = SPAN / span
    return scale, CENTRE - (left + right) / 2 * scale, CENTRE - (top + bottom) / 2 * scale


def reading_grid(strokes):
    place = placing(strokes)
    if place is None:
        return None
    scale, x0, y0 = place
    grid = GridState()
    for stroke in strokes:
        grid.begin_stroke(x0 + stroke[0] * scale, y0 + stroke[1] * scale)
        for i in range(2, len(stroke), 2):
            grid.extend_stroke(x0 + stroke[i] * scale, y0 + stroke[i + 1] * scale)
        grid.end_stroke()
    return grid.pixels


def line_cells(strokes):
    """How many cells the pen lines pass through, drawn again: their length at
    MNIST's size, lines drawn over counted once; 0 where the pixels are read as drawn.
    On every prediction in MicroPython: in 1/256 cells as integers, which it
    does not allocate as it does floats."""
    place = placing(strokes)
    if place is None:
        return 0
    scale, x0, y0 = place
    seen = set()
    for stroke in strokes:
        xs = [int((x0 + x * scale) * _FIXED) for x in stroke[0::2]]     # all inside the grid: >= 0
        ys = [int((y0 + y * scale) * _FIXED) for y in stroke[1::2]]
        x, y = xs[0], ys[0]
        seen.add((y >> 8) * SIDE + (x >> 8))
        for i in range(1, len(xs)):
            dx, dy = xs[i] - x, ys[i] - y
            n = 2 * max(abs(dx), abs(dy)) // _FIXED + 1       # samples half a cell apart at most
            for k in range(1, n + 1):
                seen.add(((y + dy * k // n) >> 8) * SIDE + ((x + dx * k // n) >> 8))
            x, y = xs[i], ys[i]
    return len(seen)


def page_digit(pixels, strokes):
    return preprocess.preprocess(reading_grid(strokes) or pixels)


def packed(strokes):
    out = []
    for stroke in strokes:
        out.append(len(stroke) // 2)
        out += stroke
    return out
