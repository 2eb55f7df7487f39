"""shared/grid_state.py: the soft brush, the eraser, strokes, undo, flags."""
import math
import random

import pytest

from shared import grid_state
from shared.digit import PIXELS, SIDE
from shared.grid_state import GridState


def at(grid, col, row):
    return grid.pixels[row * SIDE + col]


def dot(grid, x, y, erase=False):
    grid.begin_stroke(x, y, erase)
    grid.end_stroke()


def stroke(grid, points, erase=False):
    grid.begin_stroke(points[0][0], points[0][1], erase)
    for x, y in points[1:]:
        grid.extend_stroke(x, y)
    grid.end_stroke()


def in_range(grid):
    return all(0.0 <= v <= 1.0 for v in grid.pixels)


def test_starts_blank():
    grid = GridState()
    assert len(grid.pixels) == PIXELS == 784
    assert all(v == 0.0 for v in grid.pixels)
    assert grid.is_empty()
    assert not grid.changed
    assert grid.undo() is False


def test_brush_constants_are_sane():
    assert 0 < grid_state.INK_CORE < grid_state.INK_EDGE
    assert 0 < grid_state.ERASE_CORE < grid_state.ERASE_EDGE
    assert grid_state.INK_EDGE <= grid_state.ERASE_EDGE
    assert grid_state.STAMP_STEP <= 0.35
    assert grid_state.UNDO_DEPTH == 50


def test_a_stamp_visits_a_small_window():
    # The per-event cost bound: a stamp loops over at most WINDOW x WINDOW cells.
    assert grid_state.WINDOW <= 5
    assert grid_state.WINDOW >= 2 * grid_state.ERASE_EDGE  # and the window holds the whole brush
    grid = GridState()
    grid.set_pixels([1.0] * PIXELS)
    dot(grid, 13.3, 7.8, erase=True)
    assert sum(1 for v in grid.pixels if v < 1.0) <= grid_state.WINDOW ** 2


def test_a_dot_is_a_soft_spot():
    grid = GridState()
    dot(grid, 10.5, 10.5)
    assert at(grid, 10, 10) == 1.0
    # one cell away (d = 1): on the soft rim
    expected = (grid_state.INK_EDGE - 1.0) / (grid_state.INK_EDGE - grid_state.INK_CORE)
    assert at(grid, 11, 10) == pytest.approx(expected)
    assert at(grid, 10, 9) == pytest.approx(expected)
    diagonal = (grid_state.INK_EDGE - math.sqrt(2)) / (grid_state.INK_EDGE - grid_state.INK_CORE)
    assert at(grid, 11, 11) == pytest.approx(diagonal)
    assert any(0.0 < v < 1.0 for v in grid.pixels)
    assert at(grid, 12, 10) == 0.0  # d = 2, past the edge
    assert at(grid, 20, 20) == 0.0
    assert sum(1 for v in grid.pixels if v > 0.0) == 9
    assert in_range(grid)
    assert not grid.is_empty()


def test_restamping_never_darkens_past_coverage():
    grid = GridState()
    dot(grid, 10.5, 10.5)
    once = list(grid.pixels)
    dot(grid, 10.5, 10.5)
    assert grid.pixels == once
    # tracing the same stroke again adds nothing either (max, not a sum)
    grid = GridState()
    points = [(4.5, 6.5), (22.5, 6.5), (9.2, 17.8)]
    stroke(grid, points)
    once = list(grid.pixels)
    stroke(grid, points)
    assert grid.pixels == once
    assert grid.undo() is True  # one undo removes the stroke: the retrace left no undo step
    assert grid.is_empty()


def test_a_fast_stroke_leaves_no_gaps():
    grid = GridState()
    stroke(grid, [(2.5, 2.5), (25.5, 25.5)])  # one pointer move across the grid
    for i in range(2, 26):
        assert at(grid, i, i) >= 0.9
    # an odd slope too: every cell the line passes through is inked
    grid = GridState()
    x0, y0, x1, y1 = 1.3, 3.2, 26.7, 20.1
    stroke(grid, [(x0, y0), (x1, y1)])
    for k in range(201):
        t = k / 200
        x = x0 + (x1 - x0) * t
        y = y0 + (y1 - y0) * t
        assert at(grid, int(x), int(y)) >= 0.9
    assert in_range(grid)


def test_values_stay_in_unit_range():
    rng = random.Random(7)
    grid = GridState()
    for _ in range(40):
        points = [(rng.uniform(-4, 32), rng.uniform(-4, 32)) for _ in range(5)]
        stroke(grid, points, erase=rng.random() < 0.3)
        assert in_range(grid)


def test_eraser_removes_ink_along_its_path_only():
    grid = GridState()
    stroke(grid, [(0.5, 14.5), (27.5, 14.5)])  # a horizontal line on row 14
    assert all(at(grid, c, 14) == 1.0 for c in range(SIDE))
    stroke(grid, [(14.5, 0.0), (14.5, 28.0)], erase=True)  # erase down column 14
    assert at(grid, 14, 14) == 0.0
    assert at(grid, 13, 14) == 0.0 and at(grid, 15, 14) == 0.0  # within the eraser core
    assert 0.0 < at(grid, 12, 14) < 1.0  # on the eraser's soft rim
    assert at(grid, 3, 14) == 1.0 and at(grid, 25, 14) == 1.0  # far ink untouched
    assert in_range(grid)


def test_eraser_on_blank_grid_changes_nothing():
    grid = GridState()
    stroke(grid, [(5, 5), (20, 20)], erase=True)
    assert grid.is_empty()
    assert not grid.changed
    assert grid.undo() is False


def test_undo_restores_each_previous_state_exactly():
    grid = GridState()
    states = [list(grid.pixels)]
    stroke(grid, [(5, 5), (20, 8)])
    states.append(list(grid.pixels))
    stroke(grid, [(5, 20), (22, 22), (14, 3)])
    states.append(list(grid.pixels))
    stroke(grid, [(10, 0), (10, 28)], erase=True)
    states.append(list(grid.pixels))
    for expected in reversed(states[:-1]):
        assert grid.undo() is True
        assert grid.pixels == expected
    assert grid.undo() is False
    assert grid.is_empty()


def test_pixels_list_is_kept_across_changes():
    grid = GridState()
    pixels = grid.pixels
    dot(grid, 3, 3)
    grid.clear()
    grid.set_pixels([0.25] * PIXELS)
    grid.undo()
    grid.undo()
    assert grid.pixels is pixels
    assert at(grid, 2, 2) > 0.0


def test_clear_is_undoable():
    grid = GridState()
    stroke(grid, [(5, 5), (20, 20)])
    before = list(grid.pixels)
    grid.clear()
    assert grid.is_empty()
    assert grid.undo() is True
    assert grid.pixels == before
    assert grid.undo() is True
    assert grid.is_empty()
    assert grid.undo() is False


def test_clear_on_a_blank_grid_is_not_an_undo_step():
    grid = GridState()
    grid.clear()
    assert not grid.changed
    assert grid.undo() is False


def test_set_pixels_is_undoable():
    grid = GridState()
    dot(grid, 7, 7)
    before = list(grid.pixels)
    sample = [(i % 256) / 255 for i in range(PIXELS)]
    grid.set_pixels(sample)
    assert grid.pixels == sample
    assert grid.undo() is True
    assert grid.pixels == before


def test_set_pixels_clamps_values():
    grid = GridState()
    values = [0.5] * PIXELS
    values[0], values[1], values[2], values[3], values[4] = -0.2, 1.7, float("nan"), 1, 0
    grid.set_pixels(values)
    assert grid.pixels[:6] == [0.0, 1.0, 0.0, 1.0, 0.0, 0.5]
    assert all(type(v) is float for v in grid.pixels)
    assert in_range(grid)
    grid.set_pixels(tuple([2.0] * PIXELS))
    assert all(v == 1.0 for v in grid.pixels)


@pytest.mark.parametrize("length", [0, 783, 785, 28])
def test_set_pixels_rejects_wrong_length(length):
    grid = GridState()
    dot(grid, 4, 4)
    grid.changed = False
    before = list(grid.pixels)
    with pytest.raises(ValueError):
        grid.set_pixels([0.5] * length)
    assert grid.pixels == before
    assert not grid.changed
    assert grid.undo() is True  # only the dot's undo step is there
    assert grid.undo() is False


def test_undo_depth_is_capped_at_50():
    grid = GridState()
    for k in range(1, 61):
        grid.set_pixels([k / 100] * PIXELS)
    undone = 0
    while grid.undo():
        undone += 1
    assert undone == 50
    assert grid.pixels == [10 / 100] * PIXELS  # the state after the 10th change


def test_strokes_partly_off_grid():
    grid = GridState()
    stroke(grid, [(-5.0, 14.5), (33.0, 14.5)])
    assert all(at(grid, c, 14) == 1.0 for c in range(SIDE))
    assert at(grid, 0, 0) == 0.0
    grid = GridState()
    dot(grid, 0.0, 0.0)  # corner: cell (0, 0) centre is 0.71 away
    assert at(grid, 0, 0) == 1.0
    dot(grid, 28.0, 28.0)
    assert at(grid, 27, 27) == 1.0
    stroke(grid, [(-100.0, 40.0), (40.0, -100.0), (14.0, 14.0), (1e5, 1e5)], erase=True)
    assert in_range(grid)


def test_strokes_entirely_out_of_reach_change_nothing():
    grid = GridState()
    dot(grid, 10, 10)
    grid.changed = False
    before = list(grid.pixels)
    stroke(grid, [(-3.0, -3.0), (-3.0, 40.0), (40.0, 40.0), (31.0, -5.0)])
    stroke(grid, [(-2.5, 5), (-2.5, 20)], erase=True)  # just past the eraser's reach
    stroke(grid, [(-1e9, 5), (-2e9, 5)])
    assert grid.pixels == before
    assert not grid.changed
    assert grid.undo() is True  # the no-op strokes left no undo steps
    assert grid.undo() is False


def test_non_finite_points_are_ignored():
    grid = GridState()
    stroke(grid, [(float("nan"), 3.0), (5.0, 5.0)])
    assert grid.is_empty()
    grid.begin_stroke(5.0, 5.0)
    grid.extend_stroke(float("inf"), 5.0)
    grid.extend_stroke(5.0, float("nan"))
    grid.extend_stroke(5.0, 15.0)
    grid.end_stroke()
    assert at(grid, 5, 10) == 1.0
    assert in_range(grid)


def test_changed_flag():
    grid = GridState()
    assert not grid.changed
    grid.begin_stroke(8, 8)
    assert grid.changed
    grid.changed = False
    grid.extend_stroke(8, 8)  # no movement
    assert not grid.changed
    grid.extend_stroke(12, 8)
    assert grid.changed
    grid.end_stroke()
    grid.changed = False
    before = list(grid.pixels)
    dot(grid, 8, 8)  # same spot again: no new ink, but a stroke the reading may read
    assert grid.changed and grid.pixels == before and grid.strokes[-1] == [8, 8]
    grid.changed = False
    dot(grid, 8, 8, erase=True)  # the eraser on ink: a change
    assert grid.changed
    grid.changed = False
    dot(grid, 40, 40, erase=True)  # the eraser out of reach: none
    assert not grid.changed
    assert grid.undo() and grid.strokes is not None    # the eraser's dot undone: the strokes are back
    grid.changed = False
    grid.undo()
    assert grid.changed
    grid.changed = False
    grid.set_pixels([0.0] * PIXELS)  # equals the current (blank) grid
    assert not grid.changed
    grid.set_pixels([0.3] * PIXELS)
    assert grid.changed
    grid.changed = False
    grid.clear()
    assert grid.changed


def test_is_empty_ignores_invisible_traces():
    grid = GridState()
    values = [0.0] * PIXELS
    values[100] = 0.001
    grid.set_pixels(values)
    assert grid.is_empty()
    values[100] = 1 / 255
    grid.set_pixels(values)
    assert not grid.is_empty()
    grid.clear()  # clear removes traces too
    assert grid.pixels == [0.0] * PIXELS


def test_stroke_lifecycle_edge_cases():
    grid = GridState()
    grid.extend_stroke(5, 5)  # no stroke begun: ignored
    grid.end_stroke()
    assert grid.is_empty()
    grid.begin_stroke(5, 5)
    grid.begin_stroke(20, 20)  # a lost pointerup: the first stroke is ended
    grid.extend_stroke(20, 25)
    assert at(grid, 5, 5) > 0 and at(grid, 20, 24) == 1.0
    assert grid.undo() is True  # undo mid-stroke undoes the current stroke
    assert at(grid, 20, 20) == 0.0 and at(grid, 5, 5) > 0
    grid.extend_stroke(10, 10)  # that stroke is over
    assert at(grid, 10, 10) == 0.0
    assert grid.undo() is True
    assert grid.is_empty()
    assert grid.undo() is False


def test_stroking_holds_from_a_stroke_s_begin_to_its_end_only():
    grid = GridState()
    assert not grid.stroking
    grid.begin_stroke(5, 5)
    assert grid.stroking
    grid.extend_stroke(9, 9)
    assert grid.stroking
    grid.end_stroke()
    assert not grid.stroking
    grid.begin_stroke(1e9, 5)          # out of reach: no stroke begins
    assert not grid.stroking
    grid.begin_stroke(5, 5)
    grid.undo()                        # undo mid-stroke ends it
    assert not grid.stroking


def test_ink_strokes_keep_the_points_they_went_through():
    grid = GridState()
    stroke(grid, [(5, 5), (5, 5), (9, 6), (12, 6)])
    dot(grid, 20, 20)
    assert grid.strokes == [[5, 5, 9, 6, 12, 6], [20, 20]]     # a point repeated is one point


def test_every_ink_stroke_is_kept_and_erasing_nothing_changes_nothing():
    grid = GridState()
    dot(grid, 5, 5)
    dot(grid, 5, 5)                          # the same dot again: no new ink, but drawn
    dot(grid, 20, 20, erase=True)            # the eraser over blank paper
    assert grid.strokes == [[5, 5], [5, 5]]


def test_erasing_or_setting_pixels_leaves_pixels_that_strokes_do_not_describe():
    for change in (lambda g: dot(g, 5, 5, erase=True), lambda g: g.set_pixels([0.5] * PIXELS)):
        grid = GridState()
        stroke(grid, [(4, 5), (8, 5)])
        change(grid)
        assert grid.strokes is None
        dot(grid, 20, 20)                    # drawing on stays described by pixels only
        assert grid.strokes is None
        grid.clear()
        assert grid.strokes == []
        dot(grid, 20, 20)
        assert grid.strokes == [[20, 20]]


def test_undo_and_clear_keep_the_strokes_in_step_with_the_pixels():
    grid = GridState()
    history = [([0.0] * PIXELS, [])]
    for change in (lambda: stroke(grid, [(4, 5), (8, 5)]), lambda: dot(grid, 20, 20),
                   lambda: dot(grid, 6, 5, erase=True), lambda: grid.clear(), lambda: dot(grid, 9, 9)):
        change()
        history.append((list(grid.pixels), None if grid.strokes is None else [s[:] for s in grid.strokes]))
    assert [s for _, s in history] == [[], [[4, 5, 8, 5]], [[4, 5, 8, 5], [20, 20]], None, [], [[9, 9]]]
    for pixels, strokes in reversed(history[:-1]):
        assert grid.undo()
        assert (grid.pixels, grid.strokes) == (pixels, strokes)
    assert not grid.undo()
