"""shared/strokes.py: a drawing read from its pen lines, drawn again at the
size MNIST's digits have, so that a digit drawn small or in a corner reaches
the models as one drawn large in the middle does; the pixels as drawn where
strokes do not describe them."""
import numpy as np
import pytest

from shared import preprocess, strokes
from shared.digit import PIXELS, SIDE
from shared.grid_state import GridState
from tests.harness import micropython
from tests.harness.samples import X_TEST
from tools.bench.redraw import drawn_on_grid

SEVEN = [[(4, 4), (16, 4), (8, 20)], [(6, 12), (14, 12)]]      # a crossed 7, in cells


def drawn(lines, scale=1.0, at=(0.0, 0.0)):
    grid = GridState()
    for line in lines:
        grid.begin_stroke(at[0] + line[0][0] * scale, at[1] + line[0][1] * scale)
        for x, y in line[1:]:
            grid.extend_stroke(at[0] + x * scale, at[1] + y * scale)
        grid.end_stroke()
    return grid


def read(grid):
    return np.array(strokes.reading(grid.pixels, grid.strokes)[0])


def test_a_digit_reads_the_same_at_any_size_and_place():
    large = read(drawn(SEVEN))
    for scale, at in ((0.5, (0, 0)), (0.5, (19, 17)), (0.3, (10, 10)), (1.3, (-1, -1))):
        assert np.abs(read(drawn(SEVEN, scale, at)) - large).max() < 1e-9, (scale, at)


def test_a_small_digit_keeps_strokes_as_thin_as_a_large_one_s():
    small, large = drawn(SEVEN, 0.45, (3, 3)), drawn(SEVEN)
    as_pixels = np.array(preprocess.preprocess(small.pixels))
    assert as_pixels.sum() > 1.4 * read(small).sum()        # scaled up, its pen would be fat
    assert read(small).sum() == pytest.approx(read(large).sum())


def test_a_held_out_digit_redrawn_small_in_a_corner_reads_as_it_does_large():
    for x in X_TEST[:10]:
        small, large = drawn_on_grid(x, 0.4, (1, 0)), drawn_on_grid(x, 1.0, (0.5, 0.5))
        assert np.abs(read(small) - read(large)).max() < 0.05


def test_the_ink_fills_mnist_s_box_as_a_digit_drawn_across_most_of_the_grid():
    digit = read(drawn(SEVEN, 0.3, (5, 5))).reshape(SIDE, SIDE)
    rows, cols = np.nonzero(digit > 0)
    assert max(rows.max() - rows.min(), cols.max() - cols.min()) + 1 == preprocess.BOX


def test_pixels_are_read_as_drawn_where_strokes_do_not_describe_them():
    dot = drawn([[(14, 14)]])
    tick = drawn([[(14, 14), (15.5, 16)]])                   # under SHORTEST: a tick, not a stroke
    off = drawn([[(5, 5), (5, 20), (-3, 20)]])               # the pen went beyond its reach of the grid
    keys = drawn([[(5, 5), (5, 20)], [(6, 20)]])             # a dot stamped alone: keyboard painting
    erased = drawn(SEVEN)
    erased.begin_stroke(10, 4, erase=True)
    erased.end_stroke()
    sample = GridState()
    sample.set_pixels(list(X_TEST[0]))
    for grid in (dot, tick, off, keys, erased, sample):
        assert strokes.placing(grid.strokes) is None
        assert strokes.reading(grid.pixels, grid.strokes) == (preprocess.preprocess(grid.pixels), 0.0)
    assert strokes.reading([0.0] * PIXELS, []) == (None, 0.0)
    overshoot = drawn([[(5, 5), (5, 20), (-1.2, 20)]])       # within the pen's reach: its ink shows
    assert strokes.placing(overshoot.strokes) is not None


def test_strokes_pack_as_their_point_counts_then_points():
    assert strokes.packed([[1.5, 2.0, 3.0, 4.0], [7.0, 8.0]]) == [2, 1.5, 2.0, 3.0, 4.0, 1, 7.0, 8.0]
    assert strokes.packed([]) == []


def test_the_page_s_micropython_records_and_reads_strokes_to_the_bit():
    """The strokes drawn there by GridState, and read: their digit and ink.
    Numbers cross as float64 bytes: MicroPython's parsing of decimal text may be a bit off."""
    grids = [drawn(SEVEN, 0.4, (2, 15)), drawn_on_grid(X_TEST[3], 0.4, (0, 1)), drawn([[(14, 14)]])]
    hex64 = lambda values: np.array(values, "<f8").tobytes().hex()
    program = ("import ubinascii\nfrom array import array\nfrom shared import strokes\n"
               "from shared.grid_state import GridState\n"
               "floats = lambda text: list(array('d', ubinascii.unhexlify(text)))\n"
               "for packed in %r:\n"
               "    grid, packed = GridState(), floats(packed)\n"
               "    while packed:\n"
               "        n = int(packed[0])\n"
               "        grid.begin_stroke(packed[1], packed[2])\n"
               "        for i in range(3, 1 + 2 * n, 2):\n"
               "            grid.extend_stroke(packed[i], packed[i + 1])\n"
               "        grid.end_stroke()\n"
               "        packed = packed[1 + 2 * n:]\n"
               "    digit, ink = strokes.reading(grid.pixels, grid.strokes)\n"
               "    print(ubinascii.hexlify(array('d', strokes.packed(grid.strokes) + digit + [ink])).decode())\n"
               % [hex64(strokes.packed(g.strokes)) for g in grids])
    got = micropython.run(program).split()
    want = []
    for g in grids:
        digit, ink = strokes.reading(g.pixels, g.strokes)
        want.append(hex64(strokes.packed(g.strokes) + digit + [ink]))
    assert got == want


def test_the_ink_of_lines_drawn_again_is_the_same_at_any_size_and_little_more_gone_over():
    ink = [strokes.reading(g.pixels, g.strokes)[1] for g in (drawn(SEVEN), drawn(SEVEN, 0.4, (15, 2)))]
    assert ink[0] == pytest.approx(ink[1]) and 60 < ink[0] < 150
    over = drawn(SEVEN + [[(x + 0.3, y - 0.3) for x, y in line] for line in SEVEN])
    assert ink[0] < strokes.reading(over.pixels, over.strokes)[1] < 1.2 * ink[0]
