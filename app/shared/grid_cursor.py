"""Drawing by keyboard (WCAG 2.1.1): a cursor cell on the grid that keys move
and draw with, making ordinary strokes of a GridState, so undo, the eraser,
predictions and teaching treat them as they treat a pointer's.

    cursor = GridCursor(state)       # starts on the centre cell
    cursor.key(key, shift, eraser)   # a KeyboardEvent's key: what it did (below), or None
    cursor.shift_released()          # ends a Shift stroke: True if one was under way
    cursor.row, cursor.col

Keys: arrows move one cell, Home / End jump to the row's first / last cell,
PageUp / PageDown to the column's top / bottom cell; with Shift held they
draw while moving (a stroke, from where the cursor was to where it goes,
ended when Shift is let go). Space paints the cell under the cursor with the
brush (the eraser when it is on); E or Delete erases it; Backspace undoes
the last stroke; Escape clears the grid.

Plain Python: runs under CPython and MicroPython.
"""
from shared.digit import SIDE

MOVED, DRAWN, UNDONE, CLEARED = "moved", "drawn", "undone", "cleared"
LAST = SIDE - 1
STEPS = {"ArrowUp": (-1, 0), "ArrowDown": (1, 0), "ArrowLeft": (0, -1), "ArrowRight": (0, 1)}
ERASE_KEYS = ("e", "E", "Delete")


class GridCursor:
    def __init__(self, state):
        self.state = state
        self.row = self.col = SIDE // 2
        self.shift_stroke = False      # a stroke drawn with Shift and the arrows is under way

    def centre(self):
        """The cursor cell's centre, in GridState's coordinates."""
        return self.col + 0.5, self.row + 0.5

    def key(self, key, shift=False, eraser=False):
        target = self.target(key)
        if target is not None:
            return self.move(target, shift, eraser)
        if key == " " or key in ERASE_KEYS:
            self.shift_released()
            self.state.begin_stroke(*self.centre(), erase=eraser or key in ERASE_KEYS)
            self.state.end_stroke()
            return DRAWN
        if key == "Backspace":
            self.state.undo()          # ends a stroke under way first, and undoes it
            self.shift_stroke = False
            return UNDONE
        if key == "Escape":
            self.state.clear()
            self.shift_stroke = False
            return CLEARED
        return None                    # not a drawing key (Shift itself repeats while held)

    def target(self, key):
        """The (row, col) a moving key takes the cursor to, or None."""
        if key in STEPS:
            down, right = STEPS[key]
            return min(max(self.row + down, 0), LAST), min(max(self.col + right, 0), LAST)
        return {"Home": (self.row, 0), "End": (self.row, LAST),
                "PageUp": (0, self.col), "PageDown": (LAST, self.col)}.get(key)

    def move(self, target, shift, eraser):
        if not shift:
            self.shift_released()
            self.row, self.col = target
            return MOVED
        if not self.shift_stroke:
            self.state.begin_stroke(*self.centre(), erase=eraser)
            self.shift_stroke = True
        self.row, self.col = target
        self.state.extend_stroke(*self.centre())
        return DRAWN

    def shift_released(self):
        if not self.shift_stroke:
            return False
        self.shift_stroke = False
        self.state.end_stroke()
        return True
