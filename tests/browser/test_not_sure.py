"""Reading every hand, honestly: small digits drawn in any corner of the grid
are read right, as the page reads them from their strokes, as if drawn large
(shared/strokes.py), and a drawing too small to be a digit gets "Not sure" beside
the best guess, with the teach buttons offered; Clear leaves no prediction."""
import pytest

from shared import sureness
from tests.browser.test_architecture import choose
from tests.harness.browser import DIGITS, redraw

SMALL = {"2": [[(8, 9), (11, 5), (17, 5), (20, 9), (18, 15), (8, 24), (21, 24)]],
         "3": [[(8, 6), (14, 4), (20, 7), (18, 12), (12, 14), (19, 16), (20, 21), (14, 24), (7, 22)]],
         "5": [[(19, 5), (9, 5), (8, 13), (14, 12), (19, 15), (20, 20), (15, 24), (8, 22)]],
         "7": DIGITS["7"]}
SCALE = 0.45                                # the digits span about 10 cells of the grid's 28
CORNER = 14 * (1 - SCALE) - 1.5              # the shift that takes them into a corner


@pytest.mark.parametrize("digit", sorted(SMALL))
def test_a_small_digit_in_each_corner_is_read_right(page, digit):
    for shift in ((-CORNER, -CORNER), (CORNER, -CORNER), (-CORNER, CORNER), (CORNER, CORNER)):
        assert redraw(page, SMALL[digit], scale=SCALE, shift=shift) == digit, shift


def test_a_small_digit_in_a_corner_reads_as_it_does_drawn_large(page):
    """The same strokes at 45% of the size in the top left corner: the same
    probabilities, within what the pointer's whole CSS pixels move its points."""
    large = (redraw(page, SMALL["5"]), page.probabilities())
    small = (redraw(page, SMALL["5"], scale=SCALE, shift=(-CORNER, -CORNER)), page.probabilities())
    assert small[0] == large[0] == "5"
    assert max(abs(a - b) for a, b in zip(small[1], large[1])) < 0.05, (small, large)


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


ZIGZAG = [[(3 if k % 2 == 0 else 25, 3 + 2.2 * k) for k in range(11)]]


def test_a_scribble_is_not_sure_and_offers_teaching(page):
    """A zigzag of ten turns over the whole grid: more pen line than any digit
    has, so the page does not pretend to read it, whichever model reads
    (the convnet would say 0, 98% sure)."""
    for architecture in ("mlp", "cnn"):
        choose(page, architecture)
        assert page.wait_for(lambda: redraw(page, DIGITS["7"]) == "7" and
                             page.find("#prediction").get_attribute("data-model") == architecture, timeout=60)
        redraw(page, ZIGZAG)
        assert page.find("#prediction").get_attribute("data-sure") == "false"
        assert page.text("#not-sure") == "Not sure: does not look like a digit"
        assert page.find("#teach").get_attribute("class") == "offered"


def test_a_doubtful_reading_is_not_sure(page):
    """A drawing the shipped MLP reads under its line: "Not sure", no reason given."""
    redraw(page, [[(6, 14), (10, 8), (14, 14), (18, 20), (22, 14)]])     # a wave: 0.37 natively
    probabilities = page.probabilities()
    assert max(probabilities) < sureness.NOT_SURE_BELOW["mlp"], probabilities
    assert page.text("#not-sure") == "Not sure" and page.find("#teach").get_attribute("class") == "offered"
