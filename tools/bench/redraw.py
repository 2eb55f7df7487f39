"""Digits redrawn as a visitor draws them: along their strokes' centre lines
with the page's own pen (app/shared/grid_state.py: strokes about two cells
wide, whatever the size of the digit), at any size and place on the 28x28
grid. A small digit drawn this way has fat strokes for its size, as on the
page; make bench measures with them.

    skeleton(digit) -> (rows, cols) of its strokes' centre lines, one pixel wide
    drawn_on_grid(digit, size, at) -> the GridState the drawing leaves: its pixels and strokes
"""
import numpy as np

from shared.digit import SIDE
from shared.grid_state import PEN_REACH, GridState

INK = 0.5                            # a pixel of the digit's stroke (MNIST's anti-aliased edges are less)
# The 8 neighbours in Zhang and Suen's order, P2..P9, clockwise from above.
NEIGHBOURS = ((-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1))


def skeleton(digit):
    """The stroke pixels thinned to one pixel wide lines (Zhang and Suen, 1984)."""
    image = np.zeros((SIDE + 2, SIDE + 2), bool)
    image[1:-1, 1:-1] = np.asarray(digit).reshape(SIDE, SIDE) > INK
    while True:
        changed = False
        for step in (0, 1):
            p = [np.roll(np.roll(image, -dr, 0), -dc, 1) for dr, dc in NEIGHBOURS]
            count = sum(q.astype(np.int8) for q in p)
            turns = sum((~p[i] & p[(i + 1) % 8]).astype(np.int8) for i in range(8))
            if step == 0:
                side = ~(p[0] & p[2] & p[4]) & ~(p[2] & p[4] & p[6])
            else:
                side = ~(p[0] & p[2] & p[6]) & ~(p[0] & p[4] & p[6])
            remove = image & (count >= 2) & (count <= 6) & (turns == 1) & side
            if remove.any():
                image &= ~remove
                changed = True
        if not changed:
            rows, cols = np.nonzero(image[1:-1, 1:-1])
            return rows, cols


def drawn_on_grid(digit, size, at):
    """The digit's strokes drawn with the page's pen: each pair of touching
    centre-line pixels joined by a stroke, scaled so that the ink's longer
    side spans `size` of the grid, placed `at` (down, across): the share of
    the free space above and left of the ink, (0.5, 0.5) centred, (0, 0) in
    the top left corner with the ink touching the edges there."""
    rows, cols = skeleton(digit)
    grid = GridState()
    if not len(rows):
        return grid
    top, left = rows.min(), cols.min()
    steps = max(rows.max() - top, cols.max() - left, 1)      # between the outermost centre lines
    scale = (size * SIDE - 2 * PEN_REACH) / steps
    height, width = ((rows.max() - top) * scale + 2 * PEN_REACH, (cols.max() - left) * scale + 2 * PEN_REACH)
    y0, x0 = at[0] * (SIDE - height) + PEN_REACH, at[1] * (SIDE - width) + PEN_REACH
    points = {(r, c) for r, c in zip(rows.tolist(), cols.tolist())}
    cell = lambda r, c: (x0 + (c - left) * scale, y0 + (r - top) * scale)
    for r, c in sorted(points):
        pairs = [(r + dr, c + dc) for dr, dc in ((0, 1), (1, -1), (1, 0), (1, 1)) if (r + dr, c + dc) in points]
        alone = not pairs and not any((r - dr, c - dc) in points for dr, dc in ((0, 1), (1, -1), (1, 0), (1, 1)))
        for to in pairs or ([(r, c)] if alone else []):       # each touching pair once, a lone pixel as a dot
            grid.begin_stroke(*cell(r, c))
            if to != (r, c):
                grid.extend_stroke(*cell(*to))
            grid.end_stroke()
    return grid
