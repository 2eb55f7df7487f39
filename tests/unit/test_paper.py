"""shared/paper.py: photos of a digit on paper become the grid's 28x28 digit:
polarity, background levelled, ink kept, cropped, scaled, then centred."""
import numpy as np
import pytest

from shared import paper, preprocess
from tests.harness.samples import X_TEST, photo, shipped_model

MODEL, _ = shipped_model()


def as_digit(grid):
    return np.array(preprocess.preprocess(grid), np.float32)


def similarity(a, b):
    return float(np.corrcoef(a, b)[0, 1])


@pytest.mark.parametrize("dark_ink", [True, False])
def test_a_photo_of_a_digit_becomes_that_digit(dark_ink):
    for i in range(10):
        grid = paper.from_picture(*photo(X_TEST[i], dark_ink=dark_ink, seed=i))
        assert len(grid) == 784 and 0 <= min(grid) and max(grid) == 1.0
        digit = as_digit(grid)
        assert similarity(digit, as_digit(X_TEST[i].tolist())) > 0.6     # strokes thicken a little
        assert MODEL.predict(digit[None])[0] == MODEL.predict(X_TEST[i:i + 1])[0]


def test_photos_are_read_as_the_digits_they_show():
    photos = np.stack([as_digit(paper.from_picture(*photo(X_TEST[i], seed=i, dark_ink=i % 2 == 0)))
                       for i in range(100)])
    assert np.mean(MODEL.predict(photos) == MODEL.predict(X_TEST[:100])) >= 0.93


def test_uneven_light_is_not_ink():
    even = as_digit(paper.from_picture(*photo(X_TEST[0], light=(235, 235), noise=3)))
    for light in ((250, 90), (120, 250)):
        uneven = as_digit(paper.from_picture(*photo(X_TEST[0], light=light, noise=3)))
        assert similarity(uneven, even) > 0.9      # the same crop, the same strokes


def test_a_small_digit_in_a_corner_is_cropped_scaled_and_centred():
    grid = paper.from_picture(*photo(X_TEST[3], side=40, at=(5, 60), canvas=112))
    rows = [r for r in range(28) if max(grid[r * 28:(r + 1) * 28]) > 0]
    cols = [c for c in range(28) if max(grid[c::28]) > 0]
    assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 >= 26   # fills the grid, not 40/112 of it
    row, col = preprocess.center_of_mass(preprocess.preprocess(grid))
    assert abs(row - 14) <= 1 and abs(col - 14) <= 1


@pytest.mark.parametrize("grey", [255, 0, 128])
def test_a_blank_picture_is_refused(grey):
    rgba = bytes([grey, grey, grey, 255]) * (50 * 50)
    with pytest.raises(ValueError, match="no digit found"):
        paper.from_picture(rgba, 50, 50)


def test_paper_with_only_noise_and_shading_is_refused():
    rng = np.random.default_rng(1)
    grey = np.clip(np.linspace(230, 170, 80)[None, :] + rng.normal(0, 3, (80, 80)), 0, 255)
    rgba = np.stack([grey] * 3 + [np.full_like(grey, 255)], -1).astype(np.uint8)
    with pytest.raises(ValueError, match="no digit found"):
        paper.from_picture(rgba.tobytes(), 80, 80)


def test_a_picture_with_no_pixels_is_refused():
    with pytest.raises(ValueError):
        paper.from_picture(b"", 0, 0)
