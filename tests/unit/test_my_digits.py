"""shared/my_digits.py and shared/bmp.py: the page's set of the visitor's digits, and their pictures."""
import io

import numpy as np
import pytest
from PIL import Image

from shared import bmp, protocol
from shared.my_digits import MyDigits, to_bytes


def digit(level=1.0, at=100):
    d = [0.0] * 784
    d[at] = level
    return d


def test_add_remove_clear_and_counts():
    digits = MyDigits()
    digits.add(7, digit())
    digits.add(7, digit(0.5))
    digits.add(1, digit())
    assert len(digits) == 3 and digits.counts()[7] == 2 and digits.counts()[1] == 1
    digits.remove(0)
    assert digits.labels == [7, 1] and digits.pixels[0][100] == 128
    digits.clear()
    assert len(digits) == 0 and digits.counts() == [0] * 10


@pytest.mark.parametrize("label", [-1, 10, 1.0, "7", None, True and 11])
def test_a_label_that_is_no_class_is_refused(label):
    with pytest.raises(ValueError):
        MyDigits().add(label, digit())


def test_the_set_is_bounded():
    digits = MyDigits()
    for _ in range(protocol.MAX_MY_DIGITS):
        digits.add(1, bytes(784))
    with pytest.raises(ValueError, match="at most"):
        digits.add(1, bytes(784))


def test_pixels_are_bytes_rounded_and_clamped():
    assert to_bytes([0.0, 1.0, 0.5, 2.0, -1.0] + [0.0] * 779)[:5] == bytes([0, 255, 128, 255, 0])
    with pytest.raises(ValueError):
        to_bytes([0.0] * 783)


def test_signal_value_is_what_the_worker_accepts():
    digits = MyDigits()
    digits.add(3, digit())
    value = digits.signal_value(learn=True)
    assert protocol.parse_signal(protocol.signal(protocol.SET_MY_DIGITS, value))["value"] == value
    assert MyDigits().signal_value(False) == {"x": "", "y": [], "learn": False}


def test_round_trip_through_the_autosave_form():
    digits = MyDigits()
    for label in (0, 5, 9):
        digits.add(label, digit(label / 9, at=label * 50))
    back = MyDigits.from_value(digits.to_value())
    assert back.labels == digits.labels and back.pixels == digits.pixels


@pytest.mark.parametrize("value", [None, [], {"x": "", "y": [1]}, {"x": "!!", "y": [1]},
                                   {"x": "AAAA", "y": [1]}, {"y": []}, {"x": "", "y": [12]}])
def test_a_damaged_saved_set_is_refused_with_a_reason(value):
    with pytest.raises(ValueError, match="my digits"):
        MyDigits.from_value(value)


def test_the_bmp_shows_the_digit_ink_dark_on_white():
    pixels = np.zeros((28, 28), np.uint8)
    pixels[3, 5], pixels[20, 10] = 255, 100
    image = Image.open(io.BytesIO(bmp.digit_bmp(pixels.tobytes()))).convert("L")
    assert image.size == (28, 28)
    shown = np.asarray(image)
    assert shown[3, 5] == 0 and shown[20, 10] == 155 and shown[0, 0] == 255


def test_a_bmp_needs_a_whole_digit():
    with pytest.raises(ValueError):
        bmp.digit_bmp(bytes(783))
