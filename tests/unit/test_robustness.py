"""tools/bench/redraw.py and tools/bench/robustness.py: a held-out digit
redrawn with the page's pen at a size and place, as make bench measures the
models."""
import numpy as np
import pytest

from shared import strokes
from shared.digit import SIDE
from tests.harness.samples import X_TEST, Y_TEST, shipped_model
from tools.bench import robustness
from tools.bench import redraw


def ink_box(pixels):
    rows, cols = np.nonzero(np.asarray(pixels).reshape(SIDE, SIDE) > 0.5)
    return rows.min(), cols.min(), rows.max() + 1, cols.max() + 1


def test_the_skeleton_of_a_stroke_is_its_centre_line():
    bar = np.zeros((SIDE, SIDE))
    bar[4:24, 12:16] = 1
    rows, cols = redraw.skeleton(bar.reshape(-1))
    assert set(cols.tolist()) <= {13, 14} and rows.min() <= 6 and rows.max() >= 21
    assert len(redraw.skeleton(np.zeros(SIDE * SIDE))[0]) == 0


@pytest.mark.parametrize("size", robustness.SIZES)
def test_a_redrawn_digit_spans_its_size_at_its_place(size):
    for name, at in robustness.PLACES.items():
        top, left, bottom, right = ink_box(redraw.drawn_on_grid(X_TEST[0], size, at).pixels)
        assert abs(max(bottom - top, right - left) - size * SIDE) <= 2, (name, top, left, bottom, right)
        if name == "top left":
            assert top <= 1 and left <= 1
        if name == "bottom right":
            assert bottom >= SIDE - 1 and right >= SIDE - 1
        if name == "centre":
            assert abs((top + bottom) - SIDE) <= 2 and abs((left + right) - SIDE) <= 2


def test_the_pen_keeps_its_width_whatever_the_size():
    """A small drawing's strokes are as wide as a large one's: the page's pen."""
    one = int(np.flatnonzero(np.asarray(Y_TEST) == 1)[0])
    widths = [np.count_nonzero(np.asarray(redraw.drawn_on_grid(X_TEST[one], size, (0.5, 0.5)).pixels)
                               .reshape(SIDE, SIDE)[SIDE // 2] > 0.5) for size in (0.4, 1.0)]
    assert 2 <= widths[0] <= 4 and 2 <= widths[1] <= 4


def test_the_shipped_model_reads_redrawn_digits_alike_at_every_size_and_place():
    """The page reads a drawing from its strokes (shared/strokes.py): the issue's goal,
    every size and place within a point of 70% in the centre, on 100 digits."""
    model, _ = shipped_model()
    scores = robustness.accuracies(model, robustness.all_inputs(X_TEST[:100])[True], Y_TEST[:100])
    assert set(scores) == {(s, p) for s in robustness.SIZES for p in robustness.PLACES}
    assert scores[robustness.REFERENCE] >= 0.85
    worst, points = robustness.spread(scores)
    assert scores[worst] == min(scores.values()) and points == pytest.approx(
        100 * (scores[robustness.REFERENCE] - scores[worst]))
    assert points <= 1


def test_the_inputs_are_what_the_page_reads_of_the_drawing():
    grid = redraw.drawn_on_grid(X_TEST[0], 0.4, robustness.PLACES["top left"])
    inputs = robustness.all_inputs(X_TEST[:1])
    assert grid.strokes and inputs[True][(0.4, "top left")][0].tolist() == \
        np.float32(strokes.reading(grid.pixels, grid.strokes)[0]).tolist()
    assert inputs[False][(0.4, "top left")][0].tolist() == \
        np.float32(strokes.reading(grid.pixels, None)[0]).tolist()


def test_read_from_its_pixels_a_small_drawing_reads_worse():
    """What a drawing touched by the eraser gets: the pen's width, scaled up."""
    model, _ = shipped_model()
    scores = robustness.accuracies(model, robustness.all_inputs(X_TEST[:100])[False], Y_TEST[:100])
    assert robustness.spread(scores)[1] > 3
