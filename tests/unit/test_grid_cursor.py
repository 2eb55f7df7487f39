"""shared/grid_cursor.py: keys move a cursor cell and draw ordinary strokes
on a GridState: the same pixels and undo steps as a pointer's strokes along
the same cells."""
from shared.digit import SIDE
from shared.grid_cursor import CLEARED, DRAWN, MOVED, UNDONE, GridCursor
from shared.grid_state import GridState


def cursor_on(row=14, col=14):
    cursor = GridCursor(GridState())
    cursor.row, cursor.col = row, col
    return cursor


def ink(state, row, col):
    return state.pixels[row * SIDE + col]


def test_it_starts_on_the_centre_cell_and_moves_a_cell_per_arrow_within_the_grid():
    cursor = GridCursor(GridState())
    assert (cursor.row, cursor.col) == (14, 14)
    assert cursor.key("ArrowUp") == MOVED and (cursor.row, cursor.col) == (13, 14)
    assert cursor.key("ArrowLeft") == MOVED and (cursor.row, cursor.col) == (13, 13)
    for _ in range(40):
        cursor.key("ArrowDown")
        cursor.key("ArrowRight")
    assert (cursor.row, cursor.col) == (SIDE - 1, SIDE - 1)
    assert cursor.state.is_empty() and cursor.state._undo == []


def test_home_end_page_up_and_page_down_jump_to_the_edges():
    cursor = cursor_on(9, 17)
    cursor.key("Home")
    assert (cursor.row, cursor.col) == (9, 0)
    cursor.key("End")
    assert (cursor.row, cursor.col) == (9, SIDE - 1)
    cursor.key("PageUp")
    assert (cursor.row, cursor.col) == (0, SIDE - 1)
    cursor.key("PageDown")
    assert (cursor.row, cursor.col) == (SIDE - 1, SIDE - 1)


def test_space_paints_the_cell_under_the_cursor_as_one_undoable_stroke():
    cursor = cursor_on(5, 6)
    assert cursor.key(" ") == DRAWN
    assert ink(cursor.state, 5, 6) == 1.0 and not cursor.state.stroking
    assert ink(cursor.state, 20, 20) == 0.0
    assert cursor.key("Backspace") == UNDONE and cursor.state.is_empty()


def test_space_with_the_eraser_on_and_e_or_delete_erase_under_the_cursor():
    for erase in ((" ", True), ("e", False), ("E", False), ("Delete", False)):
        cursor = cursor_on()
        cursor.state.set_pixels([1.0] * SIDE * SIDE)
        assert cursor.key(erase[0], eraser=erase[1]) == DRAWN
        assert ink(cursor.state, 14, 14) == 0.0 and ink(cursor.state, 0, 0) == 1.0


def test_shift_and_arrows_draw_a_stroke_until_shift_is_let_go():
    cursor = cursor_on(10, 8)
    for _ in range(6):
        assert cursor.key("ArrowRight", shift=True) == DRAWN
    assert cursor.state.stroking
    assert all(ink(cursor.state, 10, col) == 1.0 for col in range(8, 15))
    assert ink(cursor.state, 10, 20) == 0.0
    assert cursor.shift_released() and not cursor.state.stroking
    assert not cursor.shift_released()                   # nothing under way any more
    cursor.key("Backspace")                              # one stroke: one undo
    assert cursor.state.is_empty()


def test_a_stroke_by_keys_is_the_stroke_a_pointer_makes_through_the_same_cell_centres():
    cursor = cursor_on(6, 8)
    for key in ["ArrowRight"] * 12 + ["ArrowDown"] * 3:
        cursor.key(key, shift=True)
    cursor.key("ArrowDown")                              # a plain move ends the stroke
    assert not cursor.state.stroking
    pointer = GridState()
    pointer.begin_stroke(8.5, 6.5)
    for col in range(9, 21):
        pointer.extend_stroke(col + 0.5, 6.5)
    for row in range(7, 10):
        pointer.extend_stroke(20.5, row + 0.5)
    pointer.end_stroke()
    assert cursor.state.pixels == pointer.pixels


def test_escape_clears_undoably_and_other_keys_do_nothing():
    cursor = cursor_on()
    cursor.key(" ")
    before = list(cursor.state.pixels)
    for key in ("a", "7", "Tab", "Enter", "Shift"):
        assert cursor.key(key) is None
    assert cursor.state.pixels == before and (cursor.row, cursor.col) == (14, 14)
    assert cursor.key("Escape") == CLEARED and cursor.state.is_empty()
    cursor.key("Backspace")
    assert cursor.state.pixels == before


def test_another_drawing_key_ends_a_shift_stroke_first_and_shift_s_own_repeats_do_not():
    cursor = cursor_on()
    cursor.key("ArrowLeft", shift=True)
    assert cursor.key("Shift", shift=True) is None and cursor.state.stroking    # a held key repeats
    cursor.key("ArrowLeft", shift=True)
    assert cursor.key(" ") == DRAWN and not cursor.state.stroking
    assert not cursor.shift_stroke
    cursor.key("ArrowUp", shift=True)
    assert cursor.key("Escape") == CLEARED and not cursor.state.stroking and not cursor.shift_stroke
