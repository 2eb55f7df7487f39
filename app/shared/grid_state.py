"""The 28x28 drawing the visitor makes: pixels, a soft brush, an eraser, undo.

GridState is owned by the GridManager; the browser glue calls it from pointer
events and renders `pixels`. Coordinates are float cell coordinates: x is the
column, y the row, both 0..SIDE, (0.5, 0.5) is the centre of the top-left
cell; points off the grid are fine (nothing is written outside it).

    grid = GridState()
    grid.pixels                      # 784 floats in [0, 1], row-major (same list object for good)
    grid.begin_stroke(x, y, erase=False)
    grid.extend_stroke(x, y)         # stamps every STAMP_STEP cells along the segment
    grid.end_stroke()
    grid.undo()                      # -> False when there is nothing to undo
    grid.clear()                     # undoable
    grid.set_pixels(values)          # 784 numbers, clamped into [0, 1]; undoable; ValueError on wrong length
    grid.is_empty()
    grid.strokes                     # the ink's pen lines, or None (shared/strokes.py reads them)
    grid.stroking                    # a stroke is under way: begun, not yet ended
    grid.changed                     # set True by every change; the glue sets it back to False

strokes: each ink stroke since the grid was last blank, as the flat list
[x0, y0, x1, y1, ...] of the points it went through; None once anything but
ink strokes made the pixels (the eraser, set_pixels, a pen gone beyond its
reach of the grid), until the grid is blank again. Undo and clear keep it in
step with the pixels; a stroke that changed no pixel is kept only if it is ink
within reach.

Brush: coverage is 1 within CORE of the stamp centre and falls linearly to 0
at EDGE (distance to the cell centre). Ink sets max(old, coverage), the
eraser min(old, 1 - coverage), so re-stamping a spot never darkens it further.

Plain Python (math only): runs under CPython and MicroPython, on every pointer
event, so the per-stamp loop is kept to a few float operations per cell.
"""
import math

from shared.digit import PIXELS, SIDE

LAST = SIDE - 1
INK_CORE = 0.9     # cells; a full-ink core about two cells wide, like an MNIST pen stroke
INK_EDGE = 1.9     # a one-cell soft rim, as MNIST's anti-aliased edges
# How far ink reaches from the line the pen is drawn along: its full core and
# half its soft rim (what looks like ink on the canvas).
PEN_REACH = (INK_CORE + INK_EDGE) / 2
ERASE_CORE = 1.4   # the eraser is bigger: erasing should be quicker than drawing
ERASE_EDGE = 2.4

STAMP_STEP = 0.35  # cells between stamps: well under the ink core, so fast strokes stay solid
UNDO_DEPTH = 50    # snapshots kept; each is ~3 KB (a list copy shares the float objects)

# Cells a stamp can visit per axis (cell centres within the bigger radius):
# a stamp never costs more than WINDOW * WINDOW cells.
WINDOW = int(2 * ERASE_EDGE) + 1

# A pixel below this counts as blank for is_empty(): it would be 0 as an
# MNIST byte and is invisible on the canvas (eraser rims leave such traces).
INK_MIN = 0.5 / 255

# Coordinates outside +-_FAR (or NaN/inf) are ignored, so the maths below
# never sees a value it cannot floor.
_FAR = 1e6

_ZEROS = [0.0] * PIXELS


def _clip(start, delta, lo, hi, t0, t1):
    """Narrow the segment's parameter range [t0, t1] to where start + t * delta
    lies within (lo, hi) on one axis; an empty range comes back as t0 >= t1."""
    if delta == 0.0:
        return (t0, t1) if lo < start < hi else (1.0, 0.0)
    ta = (lo - start) / delta
    tb = (hi - start) / delta
    if ta > tb:
        ta, tb = tb, ta
    return max(t0, ta), min(t1, tb)


def _brush(core, edge):
    # (core^2, edge, edge^2, 1 / ramp width): compare squared distances, and
    # take a square root only for cells on the soft rim.
    return (core * core, edge, edge * edge, 1.0 / (edge - core))


_INK = _brush(INK_CORE, INK_EDGE)
_ERASER = _brush(ERASE_CORE, ERASE_EDGE)


class GridState:
    def __init__(self):
        self.pixels = [0.0] * PIXELS
        self.strokes = []
        self.changed = False  # nothing to redraw yet: the canvas starts blank too
        self._undo = []
        self._drawing = False
        self._before = None      # (pixels, strokes) as they were when the current stroke began
        self._stroke_changed = False
        self._erase = False
        self._brush = _INK
        self._x = 0.0
        self._y = 0.0

    @property
    def stroking(self):
        return self._drawing

    # -- strokes --------------------------------------------------------------

    def begin_stroke(self, x, y, erase=False):
        self.end_stroke()  # a lost pointerup must not merge two strokes
        if not (-_FAR < x < _FAR and -_FAR < y < _FAR):
            return
        self._drawing = True
        # The snapshot joins the undo stack at end_stroke, and only if the
        # stroke changed something: an undo always undoes something visible.
        self._before = (self.pixels[:], self._strokes_copy())
        self._stroke_changed = False
        self._erase = bool(erase)
        if erase:
            self.strokes = None
        else:
            if self.strokes is None and self.is_empty():
                self.strokes = []        # all erased: the strokes describe the pixels again
            self._record(x, y, True)
        self._brush = _ERASER if erase else _INK
        self._x = x
        self._y = y
        self._stamp(x, y)

    def extend_stroke(self, x, y):
        if not self._drawing or not (-_FAR < x < _FAR and -_FAR < y < _FAR):
            return
        x0 = self._x
        y0 = self._y
        self._x = x
        self._y = y
        dx = x - x0
        dy = y - y0
        if dx == 0.0 and dy == 0.0:
            return  # no movement: that point is stamped already
        if not self._erase:
            self._record(x, y, False)
        # Clip the segment to the box where a stamp can reach a cell
        # (Liang-Barsky), so a pointer far off the canvas costs no stamps.
        edge = self._brush[1]
        lo = 0.5 - edge
        hi = SIDE - 0.5 + edge
        t0, t1 = _clip(x0, dx, lo, hi, 0.0, 1.0)
        t0, t1 = _clip(y0, dy, lo, hi, t0, t1)
        if t0 >= t1:
            return
        length = math.sqrt(dx * dx + dy * dy) * (t1 - t0)
        n = int(math.ceil(length / STAMP_STEP))
        if n < 1:
            n = 1
        sx = x0 + dx * t0
        sy = y0 + dy * t0
        stepx = dx * (t1 - t0) / n
        stepy = dy * (t1 - t0) / n
        # The previous point was stamped already, unless it was clipped away.
        for i in range(1 if t0 == 0.0 else 0, n + 1):
            self._stamp(sx + stepx * i, sy + stepy * i)

    def end_stroke(self):
        if not self._drawing:
            return
        self._drawing = False
        if self._stroke_changed:
            self._push_undo(self._before)
        elif self._erase or self.strokes is None:
            self.strokes = self._before[1]     # a stroke that changed nothing leaves them describing the pixels
        self._before = None

    def _record(self, x, y, begins):
        """An ink point into strokes; beyond the pen's reach of the grid it left
        no ink, so from then on only the pixels say what shows."""
        if self.strokes is None:
            return
        if not (-PEN_REACH <= x <= SIDE + PEN_REACH and -PEN_REACH <= y <= SIDE + PEN_REACH):
            self.strokes = None
            return
        if begins:
            self.strokes.append([x, y])
        else:
            self.strokes[-1] += (x, y)
        self.changed = True      # the reading may change though no pixel does

    def _stamp(self, x, y):
        core2, edge, edge2, slope = self._brush
        # Cells whose centre (c + 0.5) lies within edge of x, clipped to the grid.
        if not (0.5 - edge < x < SIDE - 0.5 + edge and 0.5 - edge < y < SIDE - 0.5 + edge):
            return
        c0 = int(math.ceil(x - edge - 0.5))
        c1 = int(math.floor(x + edge - 0.5))
        r0 = int(math.ceil(y - edge - 0.5))
        r1 = int(math.floor(y + edge - 0.5))
        if c0 < 0:
            c0 = 0
        if c1 > LAST:
            c1 = LAST
        if r0 < 0:
            r0 = 0
        if r1 > LAST:
            r1 = LAST
        px = self.pixels
        erase = self._erase
        wrote = False
        for r in range(r0, r1 + 1):
            ry = r + 0.5 - y
            ry2 = ry * ry
            base = r * SIDE
            for c in range(c0, c1 + 1):
                rx = c + 0.5 - x
                d2 = rx * rx + ry2
                if d2 >= edge2:
                    continue
                if d2 <= core2:
                    cover = 1.0
                else:
                    cover = (edge - math.sqrt(d2)) * slope
                i = base + c
                if erase:
                    cover = 1.0 - cover
                    if cover < px[i]:
                        px[i] = cover
                        wrote = True
                elif cover > px[i]:
                    px[i] = cover
                    wrote = True
        if wrote:
            self.changed = True
            self._stroke_changed = True

    # -- whole-grid changes ---------------------------------------------------

    def undo(self):
        self.end_stroke()  # undo mid-stroke undoes that stroke
        if not self._undo:
            return False
        # In place: the glue may keep a reference to `pixels`.
        self.pixels[:], self.strokes = self._undo.pop()
        self.changed = True
        return True

    def clear(self):
        self.end_stroke()
        if max(self.pixels) == 0.0:
            return  # already blank: no undo step that does nothing
        self._push_undo((self.pixels[:], self._strokes_copy()))
        self.pixels[:] = _ZEROS
        self.strokes = []
        self.changed = True

    def set_pixels(self, values):
        if len(values) != PIXELS:
            raise ValueError("set_pixels needs %d values, got %d" % (PIXELS, len(values)))
        new = []
        for v in values:
            v = float(v)
            if not v > 0.0:  # also maps NaN to 0
                v = 0.0
            elif v > 1.0:
                v = 1.0
            new.append(v)
        self.end_stroke()
        if new == self.pixels:
            return
        self._push_undo((self.pixels[:], self._strokes_copy()))
        self.pixels[:] = new
        self.strokes = None
        self.changed = True

    def is_empty(self):
        return max(self.pixels) < INK_MIN

    def _strokes_copy(self):
        # Only the stroke under way grows, and a snapshot is taken between strokes.
        return None if self.strokes is None else self.strokes[:]

    def _push_undo(self, snapshot):
        self._undo.append(snapshot)
        if len(self._undo) > UNDO_DEPTH:
            del self._undo[0]
