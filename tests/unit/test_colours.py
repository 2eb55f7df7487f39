"""shared/colours.py: text on the confusion matrix's tints stays readable."""
from shared.colours import BLACK, WHITE, blend, contrast, luminance, text_on

RGB = {BLACK: (0, 0, 0), WHITE: (255, 255, 255)}


def test_luminance_and_contrast_are_wcag_s():
    assert luminance((255, 255, 255)) == 1.0 and luminance((0, 0, 0)) == 0.0
    assert round(contrast((0, 0, 0), (255, 255, 255)), 2) == 21.0
    assert round(contrast((118, 118, 118), (255, 255, 255)), 2) == 4.54     # WCAG's grey at 4.5:1


def test_text_on_any_tint_of_the_matrix_s_colours_has_at_least_4_5_to_1():
    for colour in ((37, 99, 235), (220, 38, 38), (0, 0, 0), (255, 255, 0)):
        for step in range(101):
            background = blend(colour, step / 100)
            assert contrast(background, RGB[text_on(background)]) >= 4.5, (colour, step)
    assert text_on(blend((37, 99, 235), 1.0)) == WHITE and text_on(blend((37, 99, 235), 0.1)) == BLACK
