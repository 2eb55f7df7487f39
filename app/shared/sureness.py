"""When the page says "Not sure" beside its best guess rather than reading
a drawing with confidence: the model's top probability is low, or the
drawing does not look like a digit: too small (a dot, a tick), or more ink
than a digit has (a scribble).

    verdict(probabilities, pixels, architecture, ink=0) -> None when sure, else why not:
        (ink: shared/strokes.py's reading's, of the drawing's pen lines drawn again)
        TOO_SMALL   the ink's longer side spans fewer than SMALLEST cells
        SCRIBBLE    the pen lines, drawn again at MNIST's size, leave more than
                    MOST_INK of ink (going over a line again adds little)
        UNSURE      the top probability is under NOT_SURE_BELOW[architecture]

NOT_SURE_BELOW is calibrated on the shipped models (tools/bench/calibration.py
prints the curve): the confidence below which their accuracy, on the 11,500
MNIST digits they never trained on, as they are and drawn with the page's
pen (read from their strokes, as drawings are), falls under 50%: under it,
a reading is wrong more often than right. A model trained on by the visitor
keeps the same line. MOST_INK is the most any of those digits drawn with
the page's pen leaves (the same tool measures it): the check is of the
drawing, whatever model reads it.

Plain Python: MicroPython on the page (on every prediction: C-level builtins
over rows), CPython in tests.
"""
from shared.digit import SIDE
from shared.grid_state import INK_MIN

NOT_SURE_BELOW = {"mlp": 0.65, "cnn": 0.65}
MOST_INK = 219
# A digit drawn at 30% of the grid still spans 10 cells; the pen's dot spans 4,
# a short tick 7.
SMALLEST = 8
UNSURE, TOO_SMALL, SCRIBBLE = "unsure", "too small", "scribble"
# What the page says of each, beside the guess and to screen readers.
SAID = {UNSURE: "Not sure", TOO_SMALL: "Not sure: too small to read",
        SCRIBBLE: "Not sure: does not look like a digit"}


def inked_rows(pixels):
    """The indices of the rows with ink, in order."""
    return [r for r in range(SIDE) if max(pixels[r * SIDE:(r + 1) * SIDE]) > INK_MIN]


def ink_extent(pixels, rows=None):
    """Cells spanned by the ink, the longer of height and width; 0 when there is none."""
    rows = inked_rows(pixels) if rows is None else rows
    if not rows:
        return 0
    grid = [pixels[r * SIDE:(r + 1) * SIDE] for r in range(rows[0], rows[-1] + 1)]
    inked_cols = [c for c, column in enumerate(zip(*grid)) if max(column) > INK_MIN]
    return max(rows[-1] - rows[0], inked_cols[-1] - inked_cols[0]) + 1


def too_small(pixels):
    """Whether the ink spans fewer than SMALLEST cells; on every prediction, so
    the columns are looked at only when the rows do not already span enough."""
    rows = inked_rows(pixels)
    return bool(rows) and rows[-1] - rows[0] + 1 < SMALLEST and ink_extent(pixels, rows) < SMALLEST


def verdict(probabilities, pixels, architecture, ink=0):
    if too_small(pixels):                   # first: these say why the model cannot be sure
        return TOO_SMALL
    if ink > MOST_INK:
        return SCRIBBLE
    if max(probabilities) < NOT_SURE_BELOW.get(architecture, NOT_SURE_BELOW["mlp"]):
        return UNSURE
    return None
