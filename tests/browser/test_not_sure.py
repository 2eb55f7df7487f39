"""Reading every hand, honestly: small digits drawn in any corner of the grid
are read right, and a drawing too small to be a digit gets "Not sure" beside
the best guess, with the teach buttons offered; Clear leaves no prediction."""
import pytest

from tests.harness.browser import DIGITS, redraw

SMALL = {"2": [[(8, 9), (11, 5), (17, 5), (20, 9), (18, 15), (8, 24), (21, 24)]],
         "3": [[(8, 6), (14, 4), (20, 7), (18, 12), (12, 14), (19, 16), (20, 21), (14, 24), (7, 22)]],
         "7": DIGITS["7"]}
SCALE = 0.45                                # the digits span about 10 cells of the grid's 28
CORNER = 14 * (1 - SCALE) - 1.5              # the shift that takes them into a corner


@pytest.mark.parametrize("digit", sorted(SMALL))
def test_a_small_digit_in_each_corner_is_read_right(page, digit):
    for shift in ((-CORNER, -CORNER), (CORNER, -CORNER), (-CORNER, CORNER), (CORNER, CORNER)):
        assert redraw(page, SMALL[digit], scale=SCALE, shift=shift) == digit, shift


def test_a_dot_is_not_sure_and_offers_teaching_and_a_digit_is_sure(page):
    redraw(page, [[(14, 14)]])
    assert page.find("#prediction").get_attribute("data-sure") == "false"
    assert page.text("#not-sure") == "Not sure: too small to read"
    assert page.find("#teach").get_attribute("class") == "offered"
    assert page.text("#teach-offer") == "Teach it what this is:"
    assert page.find("#teach button[data-digit='1']").is_enabled()
    page.click("#clear")
    assert page.wait_for(lambda: page.prediction() == "")
    assert not page.find("#not-sure").is_displayed() and page.find("#prediction").get_attribute("data-sure") == ""
    assert redraw(page, DIGITS["7"]) == "7"
    assert page.find("#prediction").get_attribute("data-sure") == "true"
    assert not page.find("#not-sure").is_displayed() and not page.find("#teach-offer").is_displayed()


def test_a_scribble_is_not_sure_and_offers_teaching(page):
    """A zigzag of ten turns over the whole grid: the shipped MLP's top probability
    stays under its line, so the page does not pretend to read it."""
    zigzag = [[(3 if k % 2 == 0 else 25, 3 + 2.2 * k) for k in range(11)]]
    redraw(page, zigzag)
    assert page.find("#prediction").get_attribute("data-sure") == "false"
    assert page.text("#not-sure") == "Not sure"
    assert page.find("#teach").get_attribute("class") == "offered"
    assert page.find("#prediction").get_attribute("data-model") == "mlp"
